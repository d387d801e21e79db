"""API of the eligibility check (issue 4, item 11): the queue with checklist and flags, the flags, the decisions."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from wuxiao.common import api_auth
from wuxiao.common.models import AuditLog
from wuxiao.entries.models import EntryTransition
from wuxiao.notifications.models import Notification
from wuxiao.screening.models import Flag, FlagKind

from .review_fixtures import batch, recommended  # noqa: F401
from .screen_fixtures import ROLES, _media, actor_of, other_recommender  # noqa: F401

pytestmark = pytest.mark.django_db
ALLOWED = {"committee", "site_admin"}


def _client(actor_of, role):
    user = actor_of(role)
    if not user.is_authenticated:
        return Client(), {}
    _, raw = api_auth.create_api_token(actor=user, name="test")
    return Client(), {"Authorization": f"Bearer {raw}"}


def _expect_refused(response, role):
    if role == "anonymous":
        assert response.status_code == 401
    else:
        assert response.status_code == 403
        assert response.json()["detail"] == "只有组委会办公室可以进行形式审查。"


@pytest.mark.parametrize("role", ROLES)
def test_list_per_role(actor_of, role, edition, recommended):
    entry = recommended(stamped=False)
    client, headers = _client(actor_of, role)
    response = client.get(f"/api/review/{edition.slug}/entries", headers=headers)
    if role in ALLOWED:
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 1
        item = body["items"][0]
        assert item["id"] == entry.pk and item["checklist_ok"] is False
        checks = {c["key"]: c["ok"] for c in item["checklist"]}
        assert checks["stamped_form"] is False and checks["complete"] is True
    else:
        _expect_refused(response, role)


def test_list_filters(actor_of, edition, recommended):
    a = recommended(title="甲")
    b = recommended(title="乙", stamped=False)
    Flag.objects.create(edition=edition, entry=a, other=b, kind=FlagKind.SAME_FIRST_COMPLETER, score=1.0,
                        details={"name": "张三", "workplace": "x", "phone": "13812345678"})
    client, headers = _client(actor_of, "committee")
    url = f"/api/review/{edition.slug}/entries"
    assert [i["id"] for i in client.get(url, {"failing": "any"}, headers=headers).json()["items"]] == [b.pk]
    flagged = client.get(url, {"flag": "same_first_completer"}, headers=headers).json()["items"]
    assert [i["id"] for i in flagged] == [a.pk]
    assert flagged[0]["flags"][0]["other_id"] == b.pk
    assert client.get("/api/review/nope/entries", headers=headers).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_flags_per_role(actor_of, role, edition, recommended):
    a, b = recommended(), recommended()
    Flag.objects.create(edition=edition, entry=a, other=b, kind=FlagKind.SIMILAR_TITLE, score=0.9,
                        details={"title": b.title})
    client, headers = _client(actor_of, role)
    response = client.get(f"/api/entries/{a.pk}/flags", headers=headers)
    if role in ALLOWED:
        assert response.status_code == 200
        assert response.json()[0]["kind"] == "similar_title"
        assert response.json()[0]["other_title"] == b.title
    else:
        _expect_refused(response, role)


CASES = {
    "accept": ({}, "in_review"),
    "declare-ineligible": ({"rule": "R2", "reason": "完成时间超出范围"}, "ineligible"),
    "request-correction": ({"reason": "补充盖章申报表",
                            "due_date": (timezone.localdate() + dt.timedelta(days=5)).isoformat()}, "submitted"),
}


@pytest.mark.parametrize("action", list(CASES))
@pytest.mark.parametrize("role", ROLES)
def test_decisions_per_role(actor_of, role, action, recommended, declarer, recommender):
    payload, target = CASES[action]
    entry = recommended()
    client, headers = _client(actor_of, role)
    response = client.post(f"/api/entries/{entry.pk}/{action}", payload, content_type="application/json",
                           headers=headers)
    entry.refresh_from_db()
    if role in ALLOWED:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == target and entry.status == target
        step = EntryTransition.objects.get(entry=entry)
        assert step.to_status == target
        assert AuditLog.objects.filter(action=f"entry.{step.action}", object_id=str(entry.pk)).exists()
        notified = set(Notification.objects.filter(event=f"entry.{step.action}").values_list("user", flat=True))
        assert {declarer.pk, recommender.pk} <= notified
    else:
        _expect_refused(response, role)
        assert entry.status == "recommended"


def test_refusals_are_409_with_chinese_message(actor_of, recommended):
    entry = recommended()
    client, headers = _client(actor_of, "committee")
    response = client.post(f"/api/entries/{entry.pk}/declare-ineligible", {"rule": "R9", "reason": "x"},
                           content_type="application/json", headers=headers)
    assert response.status_code == 409 and response.json()["field"] == "rule"
    assert "竞赛范围" in response.json()["detail"] and "R1" not in response.json()["detail"]
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(f"/api/entries/{entry.pk}/request-correction", {"reason": "补", "due_date": past},
                           content_type="application/json", headers=headers)
    assert response.status_code == 409 and response.json()["field"] == "due_date"
    assert client.post(f"/api/entries/{entry.pk}/accept", headers=headers).status_code == 200
    again = client.post(f"/api/entries/{entry.pk}/accept", headers=headers)
    assert again.status_code == 409 and "复赛" in again.json()["detail"]
    assert client.post("/api/entries/999999/accept", headers=headers).status_code == 404
