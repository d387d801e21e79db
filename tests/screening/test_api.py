"""API: the recommending unit's decisions and its batch, with the pages' rules (issue 4, item 11)."""

import pytest
from django.test import Client

from wuxiao.common import api_auth
from wuxiao.entries.models import EntryTransition
from wuxiao.screening import services
from wuxiao.screening.models import Batch

from .screen_fixtures import ROLES, _media, actor_of, entry_of, other_recommender, pdf_upload  # noqa: F401

pytestmark = pytest.mark.django_db

CASES = {
    "return": ("submitted", {"reason": "请补充经济效益数据"}, "returned"),
    "recommend": ("submitted", {"opinion": "同意推荐", "rank": 2}, "recommended"),
    "not-recommend": ("submitted", {"reason": "创新性不足"}, "not_recommended"),
    "unrecommend": ("recommended", {"reason": "调整推荐名单"}, "submitted"),
}


def _client(actor_of, role):
    user = actor_of(role)
    if not user.is_authenticated:
        return Client(), {}
    _, raw = api_auth.create_api_token(actor=user, name="test")
    return Client(), {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("action", list(CASES))
@pytest.mark.parametrize("role", ROLES)
def test_each_action_per_role(actor_of, entry_of, role, action):
    source, payload, target = CASES[action]
    entry = entry_of(source, recommendation_rank=1 if source == "recommended" else None)
    client, headers = _client(actor_of, role)
    response = client.post(f"/api/entries/{entry.pk}/{action}", payload, content_type="application/json",
                           headers=headers)
    entry.refresh_from_db()
    if role == "recommender":
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == target == entry.status
        assert body["recommendation_rank"] == (2 if action == "recommend" else None)
    else:
        assert response.status_code == (401 if role == "anonymous" else 403)
        assert entry.status == source
        if role != "anonymous":
            assert response.json()["detail"] == "只有该作品的推荐单位才能进行初审推荐。"


def test_refusal_is_409_with_the_field(actor_of, entry_of):
    entry = entry_of("submitted")
    client, headers = _client(actor_of, "recommender")
    response = client.post(f"/api/entries/{entry.pk}/return", {"reason": " "}, content_type="application/json",
                           headers=headers)
    assert response.status_code == 409
    assert response.json() == {"detail": "请填写退回修改意见。", "field": "reason"}
    response = client.post(f"/api/entries/{entry.pk}/recommend", {}, content_type="application/json", headers=headers)
    assert response.json() == {"detail": "请填写推荐单位意见（通知附件2申报表）。", "field": "opinion"}
    assert not EntryTransition.objects.filter(entry=entry).exists()


def test_unknown_entry_is_404(actor_of):
    client, headers = _client(actor_of, "recommender")
    response = client.post("/api/entries/999999/return", {"reason": "x"}, content_type="application/json",
                           headers=headers)
    assert response.status_code == 404 and response.json()["detail"] == "没有这个编号的作品。"


def test_a_draft_cannot_be_screened(actor_of, entry_of):
    entry = entry_of("draft")
    client, headers = _client(actor_of, "recommender")
    response = client.post(f"/api/entries/{entry.pk}/not-recommend", {"reason": "x"}, content_type="application/json",
                           headers=headers)
    assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_batch_detail_per_role(actor_of, edition, recommending_unit, entry_of, role):
    entry_of("recommended", recommendation_rank=2, title="乙")
    entry_of("recommended", recommendation_rank=1, title="甲")
    client, headers = _client(actor_of, role)
    response = client.get(f"/api/screening/{edition.slug}/units/{recommending_unit.pk}/batch", headers=headers)
    if role in ("recommender", "committee", "site_admin"):
        body = response.json()
        assert response.status_code == 200
        assert (body["quota"], body["used"], body["locked"], body["version"]) == (20, 2, False, 0)
        assert [(e["rank"], e["title"]) for e in body["recommended"]] == [(1, "甲"), (2, "乙")]
    else:
        assert response.status_code == (401 if role == "anonymous" else 403)


@pytest.mark.parametrize("role", ROLES)
def test_batch_submit_and_reopen_per_role(actor_of, edition, recommender, recommending_unit, entry_of, role):
    entry_of("recommended", recommendation_rank=1)
    services.upload_summary_sheet(actor=recommender, edition=edition, unit=recommending_unit, upload=pdf_upload(),
                                  version=0)
    client, headers = _client(actor_of, role)
    base = f"/api/screening/{edition.slug}/units/{recommending_unit.pk}/batch"
    response = client.post(f"{base}/submit", {"version": 1}, content_type="application/json", headers=headers)
    batch = Batch.objects.get(edition=edition, unit=recommending_unit)
    if role == "recommender":
        assert response.status_code == 200 and response.json()["locked"] is True and batch.is_locked
    else:
        assert response.status_code == (401 if role == "anonymous" else 403) and not batch.is_locked
        services.submit_batch(actor=recommender, edition=edition, unit=recommending_unit, version=1)
    response = client.post(f"{base}/reopen", {"version": 2, "reason": "重新核对"}, content_type="application/json",
                           headers=headers)
    batch.refresh_from_db()
    if role in ("committee", "site_admin"):
        assert response.status_code == 200 and response.json()["reopen_reason"] == "重新核对"
        assert not batch.is_locked
    else:
        assert response.status_code == (401 if role == "anonymous" else 403) and batch.is_locked


def test_batch_submit_stale_and_refused(actor_of, edition, recommending_unit, entry_of):
    client, headers = _client(actor_of, "recommender")
    base = f"/api/screening/{edition.slug}/units/{recommending_unit.pk}/batch"
    response = client.post(f"{base}/submit", {"version": 5}, content_type="application/json", headers=headers)
    assert response.status_code == 409 and response.json()["detail"] == "已被他人修改，请刷新后重试"
    response = client.post(f"{base}/submit", {"version": 0}, content_type="application/json", headers=headers)
    assert response.json()["detail"] == "请至少推荐一项作品后再提交组委会。"


SCREENING_PATHS = {
    "/api/entries/{entry_id}/return": {"post"},
    "/api/entries/{entry_id}/recommend": {"post"},
    "/api/entries/{entry_id}/not-recommend": {"post"},
    "/api/entries/{entry_id}/unrecommend": {"post"},
    "/api/screening/{slug}/units/{unit_id}/batch": {"get"},
    "/api/screening/{slug}/units/{unit_id}/batch/submit": {"post"},
    "/api/screening/{slug}/units/{unit_id}/batch/reopen": {"post"},
}


def test_schema_lists_the_screening_operations():
    schema = Client().get("/api/openapi.json").json()
    for path, methods in SCREENING_PATHS.items():
        assert set(schema["paths"][path]) == methods
        for op in schema["paths"][path].values():
            assert op["summary"].isascii() and op["summary"][0].isupper(), op["summary"]
            assert op["tags"] == ["screening"]
            assert op["security"] == [{"TokenAuth": []}, {"SessionAuth": []}]
