"""An idle session ends after SESSION_IDLE_TIMEOUT_MINUTES; the session is not written on every request (item 12)."""

import json
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from wuxiao.accounts.middleware import LAST_ACTIVITY
from wuxiao.entries.enums import EntryStatus

PAGE = "/accounts/"


@pytest.fixture
def logged_in(client, declarer):
    client.force_login(declarer)
    return client


def idle_for(client, seconds):
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - seconds
    session.save()


def session_writes(queries):
    return [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].lstrip().startswith("SELECT")]


def test_login_stamps_the_session(logged_in):
    assert abs(logged_in.session[LAST_ACTIVITY] - time.time()) < 5


def test_an_idle_session_ends_and_says_why(logged_in):
    idle_for(logged_in, 31 * 60)
    response = logged_in.get(PAGE, follow=True)
    assert response.redirect_chain == [("/accounts/login/?next=/accounts/", 302)]
    assert "您已 30 分钟没有操作，已自动退出登录，请重新登录。" in response.content.decode()
    assert SESSION_KEY not in logged_in.session


def test_a_session_used_within_the_timeout_stays(logged_in):
    idle_for(logged_in, 29 * 60)
    assert logged_in.get(PAGE).status_code == 200
    assert abs(logged_in.session[LAST_ACTIVITY] - time.time()) < 5


def test_the_timeout_is_a_setting(logged_in, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5
    idle_for(logged_in, 6 * 60)
    assert logged_in.get(PAGE).status_code == 302
    assert SESSION_KEY not in logged_in.session


def test_the_stamp_is_written_at_most_once_a_minute(logged_in):
    logged_in.get(PAGE)
    stamp = logged_in.session[LAST_ACTIVITY]
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert logged_in.get(PAGE).status_code == 200
    assert session_writes(queries) == []
    assert logged_in.session[LAST_ACTIVITY] == stamp

    idle_for(logged_in, 61)
    with CaptureQueriesContext(connection) as queries:
        logged_in.get(PAGE)
    assert len(session_writes(queries)) >= 1
    assert abs(logged_in.session[LAST_ACTIVITY] - time.time()) < 5


def test_autosave_after_the_timeout_gets_401_and_changes_nothing(logged_in, edition, declaring_unit):
    entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status=EntryStatus.DRAFT,
                                   title="原来的名称")
    idle_for(logged_in, 31 * 60)
    response = logged_in.post(reverse("entries:autosave", args=[entry.pk]), {"title": "过期后输入"})
    assert response.status_code == 401
    assert json.loads(response.content)["expired"] is True
    entry.refresh_from_db()
    assert entry.title == "原来的名称"
