"""MobileOrUsernameBackend: login by username or mobile number, inactive users refused."""

import pytest
from django.contrib.auth import authenticate

from tests import factories


@pytest.fixture
def person(db):
    return factories.UserFactory(username="zhang.san", mobile="13912345678")


def test_username_logs_in(person):
    assert authenticate(username="zhang.san", password="pass-word-123") == person


@pytest.mark.parametrize("login", ["13912345678", "+8613912345678", "+86 139 1234 5678", "139-1234-5678",
                                   "008613912345678", "１３９１２３４５６７８"])
def test_mobile_in_any_common_form_logs_in(person, login):
    assert authenticate(username=login, password="pass-word-123") == person


def test_wrong_password_refused(person):
    assert authenticate(username="13912345678", password="wrong-password") is None


def test_unknown_login_refused(person):
    assert authenticate(username="13800000000", password="pass-word-123") is None
    assert authenticate(username="nobody", password="pass-word-123") is None


def test_inactive_user_refused(person):
    person.is_active = False
    person.save()
    assert authenticate(username="zhang.san", password="pass-word-123") is None
    assert authenticate(username="13912345678", password="pass-word-123") is None


def test_username_wins_over_someone_elses_mobile(db):
    # An account created by sign-up has username = mobile; that account is found first.
    owner = factories.UserFactory(username="13700000001", mobile="13700000001")
    assert authenticate(username="13700000001", password="pass-word-123") == owner
