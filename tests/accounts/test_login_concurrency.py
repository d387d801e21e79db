"""30 parallel wrong passwords: at most LOGIN_FAILURE_LIMIT password checks run (item 11).

PostgreSQL only: there the requests run truly in parallel, each thread on its own connection.
(SQLite's in-memory test database cannot be shared by threads; SQLite also serialises writers.)
"""

import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client

from tests import factories
from wuxiao.accounts.backends import MobileOrUsernameBackend
from wuxiao.accounts.models import LoginThrottle

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 30


@pytest.fixture
def counted_checks(monkeypatch):
    """Every password check the backend makes, slowed down so that the requests overlap."""
    checks, lock = [], threading.Lock()
    original = MobileOrUsernameBackend.authenticate

    def authenticate(self, request, username=None, password=None, **kwargs):
        with lock:
            checks.append(username)
        time.sleep(0.05)
        return original(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(MobileOrUsernameBackend, "authenticate", authenticate)
    return checks


def attempt_in_parallel(logins: list[str]) -> list[int]:
    """One thread per login, all released at once, alternately through the page and the API."""
    barrier = threading.Barrier(len(logins))
    statuses = [None] * len(logins)

    def attempt(n, login):
        try:
            client = Client(REMOTE_ADDR="10.0.0.1")
            barrier.wait()
            if n % 2:
                response = client.post("/api/auth/token", {"login": login, "password": "wrong-password"},
                                       content_type="application/json")
            else:
                response = client.post("/accounts/login/", {"username": login, "password": "wrong-password"})
            statuses[n] = response.status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n, login)) for n, login in enumerate(logins)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.fixture(autouse=True)
def _postgresql_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (make test-pg)")


@pytest.mark.parametrize("names", [["li.si", "LI.SI", "13912345678", "+86 139 1234 5678"], ["nobody.here"]])
def test_thirty_parallel_wrong_passwords_run_at_most_the_limit_of_checks(settings, counted_checks, names):
    settings.LOGIN_FAILURE_LIMIT = 5
    person = factories.UserFactory(username="li.si", mobile="13912345678")

    statuses = attempt_in_parallel([names[n % len(names)] for n in range(THREADS)])

    assert len(counted_checks) == 5
    assert sorted(statuses) == sorted([429] * 25 + [s for s in statuses if s != 429])
    assert sum(s in (200, 401) for s in statuses) == 5
    account = f"user:{person.pk}" if len(names) > 1 else "name:nobody.here"
    assert LoginThrottle.objects.get(key=f"{account}|ip:10.0.0.1").count == 5
