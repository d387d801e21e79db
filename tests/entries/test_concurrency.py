"""Two people acting at the same moment (PostgreSQL only: SQLite serialises all writers anyway)."""

import threading
import time

import pytest
from django.db import close_old_connections, connection

from wuxiao.accounts.models import Role, User
from wuxiao.common.exceptions import Refused
from wuxiao.entries import services
from wuxiao.entries.models import Entry, EntryTransition
from wuxiao.entries.services import transition_entry

from .. import factories

pytestmark = [
    pytest.mark.pg,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL row locks; SQLite's IMMEDIATE transactions serialise writers"),
]


def race(calls) -> list:
    """Run each call in its own thread and database connection, released at the same moment."""
    start = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            start.wait(timeout=10)
            results[i] = call()
        except Refused as refused:
            results[i] = refused
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    close_old_connections()
    return results


@pytest.fixture
def slow_quota_check(monkeypatch):
    """Widen the window between locking the unit and counting its recommendations.

    Without the lock both threads would sit here together, both count 19 and both recommend: the
    test would then fail. With it, the second waits at the lock until the first has committed.
    """
    original = services.extra_quota

    def slow(entry):
        time.sleep(0.5)
        return original(entry)

    monkeypatch.setattr(services, "extra_quota", slow)


def test_twentieth_and_twenty_first_recommended_at_once_only_one_succeeds(slow_quota_check):
    edition = factories.EditionFactory()
    declaring_unit = factories.DeclaringUnitFactory()
    recommender = factories.user_with_role(Role.RECOMMENDER, declaring_unit.parent)
    colleague = factories.user_with_role(Role.RECOMMENDER, declaring_unit.parent)
    for rank in range(1, 20):
        factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status="recommended",
                               recommendation_rank=rank)
    a, b = (factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status="submitted")
            for _ in range(2))

    def recommend(entry, user):
        # each thread loads its own objects, as two requests would
        return lambda: transition_entry(entry=Entry.objects.get(pk=entry.pk), action="recommend",
                                        actor=User.objects.get(pk=user.pk), data={"opinion": "同意推荐"})

    results = race([recommend(a, recommender), recommend(b, colleague)])

    succeeded = [r for r in results if isinstance(r, Entry)]
    refused = [r for r in results if isinstance(r, Refused)]
    assert len(succeeded) == 1 and len(refused) == 1, results
    assert "推荐名额已满（R6）" in str(refused[0].message) and "现已推荐 20 项" in str(refused[0].message)
    assert Entry.objects.filter(edition=edition, status="recommended").count() == 20
    assert EntryTransition.objects.filter(action="recommend").count() == 1
    assert succeeded[0].recommendation_rank == 20


def test_double_click_moves_the_entry_once(slow_quota_check):
    """The entry's own row lock: the second click waits, then finds the entry already recommended."""
    edition = factories.EditionFactory()
    declaring_unit = factories.DeclaringUnitFactory()
    recommender = factories.user_with_role(Role.RECOMMENDER, declaring_unit.parent)
    entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status="submitted")

    def click():
        return transition_entry(entry=Entry.objects.get(pk=entry.pk), action="recommend",
                                actor=User.objects.get(pk=recommender.pk), data={"opinion": "同意推荐"})

    results = race([click, click])

    assert sorted(type(r).__name__ for r in results) == ["Entry", "Refused"], results
    assert EntryTransition.objects.filter(entry=entry).count() == 1
    assert Entry.objects.get(pk=entry.pk).status == "recommended"
