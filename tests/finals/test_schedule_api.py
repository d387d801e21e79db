"""The schedule in the REST API (R8): the same predicate (finals.manage) and services as the pages."""

import pytest
from django.test import Client

from wuxiao.common import api_auth
from wuxiao.finals import scoring
from wuxiao.finals.models import FinalCriterion, RoadshowSession
from wuxiao.notifications.models import Notification

from .helpers import final_world

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "declarer", "recommender", "expert", "outsider", "committee", "site_admin"]


def api(user_of, role):
    user = user_of(role)
    if user is None:
        return Client(), {}
    _, raw = api_auth.create_api_token(actor=user, name="test")
    return Client(), {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def world(db):
    return final_world(finalists=4, judges=3, with_session=False)


@pytest.mark.parametrize("role", ROLES)
def test_sessions_per_role(user_of, role, world):
    client, headers = api(user_of, role)
    response = client.post(f"/api/finals/{world.edition.slug}/sessions", {
        "name": "第一场", "starts_at": "2025-09-20T08:30:00", "venue": "报告厅"}, content_type="application/json",
        headers=headers)
    listed = client.get(f"/api/finals/{world.edition.slug}/sessions", headers=headers)
    if role in ("committee", "site_admin"):
        assert response.status_code == 201 and listed.status_code == 200
        assert response.json()["starts_at"].startswith("2025-09-20T08:30:00+08:00")
        assert [s["name"] for s in listed.json()] == ["第一场"]
    elif role == "anonymous":
        assert response.status_code == 401 and listed.status_code == 401
    else:
        assert response.status_code == 403 and listed.status_code == 403
        assert response.json()["detail"] == "只有组委会办公室可以进行决赛的这项操作。"
        assert not RoadshowSession.objects.exists()


def test_the_whole_schedule_through_the_api(user_of, world):
    client, headers = api(user_of, "committee")
    json = {"content_type": "application/json", "headers": headers}
    session = client.post(f"/api/finals/{world.edition.slug}/sessions", {
        "name": "第一场", "starts_at": "2025-09-20T08:30:00+08:00", "venue": "报告厅"}, **json).json()
    sid = session["id"]
    for expert in world.experts:
        assert client.post(f"/api/finals/sessions/{sid}/judges", {"expert_id": expert.pk}, **json).status_code == 201
    ids = [e.pk for e in world.finalists]
    detail = client.post(f"/api/finals/sessions/{sid}/slots", {"entry_ids": ids}, **json).json()
    assert [j["seat"] for j in detail["judge_list"]] == [1, 2, 3] and len(detail["slot_list"]) == 4
    again = client.post(f"/api/finals/sessions/{sid}/slots", {"entry_ids": ids[:1]}, **json)
    assert again.status_code == 409 and again.json()["field"] == "entries"
    drawn = client.post(f"/api/finals/sessions/{sid}/draw", **json).json()
    assert drawn["input"] == sorted(ids) and drawn["output"] == scoring.draw_order(sorted(ids), drawn["seed"])
    check = client.get(f"/api/finals/sessions/{sid}/draw", headers=headers).json()
    assert check["matches"] and check["in_force"] and check["recomputed"] == drawn["output"]
    published = client.post(f"/api/finals/sessions/{sid}/publish", **json).json()
    assert published["order_published_at"] and [s["entry_id"] for s in published["slot_list"]] == drawn["output"]
    assert [s["planned_start"][11:16] for s in published["slot_list"]] == ["08:30", "08:39", "08:48", "08:57"]
    assert all(s["notified_at"] for s in published["slot_list"])
    refused = client.post(f"/api/finals/sessions/{sid}/draw", **json)
    assert refused.status_code == 409 and refused.json()["detail"] == "本场的出场顺序已公布，不能再重新抽签。"
    assert Notification.objects.filter(event="finals.slot_published").count() == 0  # the units have no staff here


def test_settings_and_rubric_through_the_api(user_of, world):
    client, headers = api(user_of, "committee")
    json = {"content_type": "application/json", "headers": headers}
    slug = world.edition.slug
    response = client.put(f"/api/finals/{slug}/settings", {"qa_minutes": 4, "roadshow_weight": "0", "site_weight": "0"},
                          **json)
    assert response.status_code == 422 and "至少有一项权重须大于零。" in response.json()["errors"]["site_weight"]
    response = client.put(f"/api/finals/{slug}/settings", {"qa_minutes": 4, "material_deadline": "2025-09-15T18:00"},
                          **json)
    assert response.status_code == 200 and response.json()["qa_minutes"] == 4
    assert response.json()["material_deadline"].startswith("2025-09-15T18:00:00+08:00")
    rubric = client.get(f"/api/finals/{slug}/rubric/roadshow", headers=headers).json()
    assert [c["name"] for c in rubric["criteria"]] == ["创新性", "实用性", "经济和社会效益", "现场展示与答辩"]
    first = rubric["criteria"][0]["id"]
    moved = client.post(f"/api/finals/{slug}/criteria/{first}/move", {"up": False}, **json).json()
    assert [c["name"] for c in moved["criteria"]][:2] == ["实用性", "创新性"]
    dup = client.post(f"/api/finals/{slug}/rubric/roadshow/criteria", {"name": "实用性", "max_points": 5}, **json)
    assert dup.status_code == 409 and dup.json()["field"] == "name"
    assert client.delete(f"/api/finals/{slug}/criteria/{first}", headers=headers).status_code == 204
    assert not FinalCriterion.objects.filter(pk=first).exists()
    other, other_headers = api(user_of, "declarer")
    assert other.get(f"/api/finals/{slug}/rubric/roadshow", headers=other_headers).status_code == 403
