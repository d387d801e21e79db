"""Entries sent back for correction by a date (限期补正, issue 4 item 8) stay visible in the committee's queue.

Until the recommending unit recommends the entry again, the queue lists it with its due date
(marked overdue after it), the status filter "sent back for correction" finds it, its review page
says what the office is waiting for, and the API reports the date.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wuxiao.entries.enums import Action
from wuxiao.entries.models import EntryTransition
from wuxiao.entries.services import transition_entry
from wuxiao.screening.queries import review_entries

from .review_fixtures import batch, recommended  # noqa: F401
from .screen_fixtures import _media  # noqa: F401

pytestmark = pytest.mark.django_db


def _send_back(client, edition, entry, due):
    url = reverse("screening:review_decide", args=[edition.slug, entry.pk, "correction"])
    response = client.post(url, {"correction-reason": "补充盖章申报表", "correction-due_date": due.isoformat()})
    assert response.status_code == 302


def _titles(response):
    return [e.title for e in response.context["entries"]]


def test_entry_under_correction_stays_in_the_queue_until_recommended_again(client, committee, recommender, edition,
                                                                           recommended):
    waiting = recommended(title="待补正作品")
    other = recommended(title="其他作品")
    client.force_login(committee)
    due = timezone.localdate() + dt.timedelta(days=5)
    _send_back(client, edition, waiting, due)
    url = reverse("screening:review", args=[edition.slug])
    response = client.get(url)
    assert sorted(_titles(response)) == sorted([waiting.title, other.title])
    body = response.content.decode()
    assert f'data-due="{due.isoformat()}"' in body and "限期补正" in body
    assert _titles(client.get(url, {"status": "correction"})) == [waiting.title]
    [batch] = response.context["batches"]
    assert (batch.n, batch.waiting) == (1, 1)
    assert "另有 1 件限期补正中" in body
    assert _titles(client.get(url, {"status": "recommended"})) == [other.title]
    page = client.get(reverse("screening:review_entry", args=[edition.slug, waiting.pk])).content.decode()
    assert "correction-pending" in page
    assert f'data-due="{due.isoformat()}"' in page
    assert reverse("screening:review_decide", args=[edition.slug, waiting.pk, "accept"]) not in page
    # The recommending unit has it corrected and recommends it again: back among the recommended.
    waiting.refresh_from_db()
    transition_entry(entry=waiting, action=Action.RECOMMEND, actor=recommender, data={"opinion": "已补正，同意推荐"})
    assert _titles(client.get(url, {"status": "correction"})) == []
    assert sorted(_titles(client.get(url, {"status": "recommended"}))) == sorted([waiting.title, other.title])
    page = client.get(reverse("screening:review_entry", args=[edition.slug, waiting.pk])).content.decode()
    assert reverse("screening:review_decide", args=[edition.slug, waiting.pk, "accept"]) in page


def test_overdue_correction_is_marked(client, committee, edition, recommended):
    entry = recommended()
    client.force_login(committee)
    _send_back(client, edition, entry, timezone.localdate() + dt.timedelta(days=1))
    step = EntryTransition.objects.get(entry=entry, action=Action.REQUEST_CORRECTION)
    step.data["due_date"] = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    step.save()
    response = client.get(reverse("screening:review", args=[edition.slug]), {"status": "correction"})
    [shown] = response.context["entries"]
    assert shown.correction_overdue is True
    assert "correction-pending overdue" in response.content.decode()


def test_not_recommended_after_correction_leaves_the_queue(client, committee, recommender, edition, recommended):
    entry = recommended()
    client.force_login(committee)
    _send_back(client, edition, entry, timezone.localdate() + dt.timedelta(days=3))
    entry.refresh_from_db()
    transition_entry(entry=entry, action=Action.NOT_RECOMMEND, actor=recommender, reason="无法补正")
    assert not review_entries(edition).filter(pk=entry.pk).exists()


def test_api_reports_the_due_date(client, committee, edition, recommended):
    from wuxiao.common import api_auth

    entry = recommended()
    client.force_login(committee)
    due = timezone.localdate() + dt.timedelta(days=4)
    _send_back(client, edition, entry, due)
    _token, raw = api_auth.create_api_token(actor=committee, name="test")
    response = client.get(f"/api/review/{edition.slug}/entries", {"status": "correction"},
                          HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["id"] == entry.pk and item["correction_due"] == due.isoformat()


def test_query_count_does_not_grow_with_corrections(client, committee, edition, recommended):
    client.force_login(committee)
    url = reverse("screening:review", args=[edition.slug])
    due = timezone.localdate() + dt.timedelta(days=6)
    for _ in range(2):
        _send_back(client, edition, recommended(), due)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(8):
        _send_back(client, edition, recommended(), due)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert sum(1 for e in response.context["entries"] if e.correction_due) == 10
    assert len(few) == len(many)
