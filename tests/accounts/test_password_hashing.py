"""Passwords are hashed with Argon2id at OWASP's parameters; older PBKDF2 hashes still log in and are upgraded.

The suite hashes with MD5 for speed (conftest); these tests put the production list back.
"""

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import Client, override_settings

from wuxiao import settings as production

pytestmark = pytest.mark.django_db

OWASP_PREFIX = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture(autouse=True)
def production_hashers():
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        yield


def test_a_new_password_is_hashed_with_argon2id_at_owasp_parameters(declarer):
    declarer.set_password("a-new-pass-word")
    declarer.save()

    declarer.refresh_from_db()
    assert declarer.password.startswith(OWASP_PREFIX)
    assert declarer.check_password("a-new-pass-word") and not declarer.check_password("a-new-pass-wort")


def test_a_pbkdf2_hash_still_logs_in_and_is_upgraded_to_argon2id(declarer):
    old = make_password("pass-word-123", hasher="pbkdf2_sha256")
    declarer.password = old
    declarer.save(update_fields=["password"])

    response = Client().post("/api/auth/token", {"login": declarer.username, "password": "pass-word-123"},
                             content_type="application/json")

    assert response.status_code == 201 and response.json()["token"]
    declarer.refresh_from_db()
    assert declarer.password != old and declarer.password.startswith(OWASP_PREFIX)
    assert identify_hasher(declarer.password).algorithm == "argon2"
    assert check_password("pass-word-123", declarer.password)


def test_a_wrong_password_against_a_pbkdf2_hash_changes_nothing(declarer):
    old = make_password("pass-word-123", hasher="pbkdf2_sha256")
    declarer.password = old
    declarer.save(update_fields=["password"])

    response = Client().post("/api/auth/token", {"login": declarer.username, "password": "wrong-pass-word"},
                             content_type="application/json")

    assert response.status_code == 401
    declarer.refresh_from_db()
    assert declarer.password == old
