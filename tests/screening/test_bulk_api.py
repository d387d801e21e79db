"""API of the queues' bulk actions and search (issue 9 items 13, 14).

POST /api/screening/{slug}/units/{unit_id}/bulk and POST /api/review/{slug}/bulk: each entry's result in
the 200 answer; input missing or wrong for all is 422 (the one handler), and nothing moves then.
GET /api/review/{slug}/entries?q=… searches.
"""

import json

import pytest
from django.test import Client

from wuxiao.common import api_auth
from wuxiao.entries.models import Completer, EntryTransition

from .. import factories
from .review_fixtures import batch, recommended  # noqa: F401
from .screen_fixtures import ROLES, _media, actor_of, entry_of, other_recommender  # noqa: F401

pytestmark = pytest.mark.django_db


def _post(actor_of, role, url, body):
    user = actor_of(role)
    headers = {}
    if user.is_authenticated:
        headers["Authorization"] = f"Bearer {api_auth.create_api_token(actor=user, name='test')[1]}"
    return Client().post(url, json.dumps(body), content_type="application/json", headers=headers)


def _status(entry) -> str:
    entry.refresh_from_db()
    return entry.status


@pytest.mark.parametrize("role", ROLES)
def test_unit_bulk_per_role(actor_of, role, edition, recommending_unit, entry_of):
    a, b = entry_of("submitted"), entry_of("submitted")
    response = _post(actor_of, role, f"/api/screening/{edition.slug}/units/{recommending_unit.pk}/bulk",
                     {"action": "return", "entry_ids": [a.pk, b.pk], "reason": "请补充材料"})
    if role == "recommender":
        assert response.status_code == 200
        body = response.json()
        assert (body["action"], body["moved"], body["refused"]) == ("return", 2, 0)
        assert [(r["id"], r["moved"], r["status"]) for r in body["results"]] == [(a.pk, True, "returned"),
                                                                                 (b.pk, True, "returned")]
    else:
        assert response.status_code == (401 if role == "anonymous" else 403)
        if role != "anonymous":
            assert response.json()["detail"] == "只有本推荐单位的工作人员可以审核其作品。"
        assert (_status(a), _status(b)) == ("submitted", "submitted")


def test_unit_bulk_mixed_results_and_ranks(actor_of, edition, recommending_unit, entry_of):
    edition.recommendation_quota = 2
    edition.save(update_fields=["recommendation_quota"])
    a, b, c = entry_of("submitted"), entry_of("returned"), entry_of("submitted")
    d = entry_of("submitted")
    response = _post(actor_of, "recommender", f"/api/screening/{edition.slug}/units/{recommending_unit.pk}/bulk",
                     {"action": "recommend", "entry_ids": [a.pk, b.pk, c.pk, d.pk], "opinion": "同意推荐"})
    assert response.status_code == 200
    body = response.json()
    assert (body["moved"], body["refused"]) == (2, 2)
    results = {r["id"]: r for r in body["results"]}
    assert (results[a.pk]["recommendation_rank"], results[c.pk]["recommendation_rank"]) == (1, 2)
    assert results[b.pk]["detail"] == "作品当前状态为“已退回修改”，不能执行“推荐”操作。"
    assert results[d.pk]["detail"].startswith("推荐名额已满") and results[d.pk]["status"] == "submitted"
    assert results[d.pk]["moved"] is False and results[d.pk]["status_label"] == "已提交"


@pytest.mark.parametrize("body,field,message", [
    ({"action": "return", "entry_ids": [], "reason": "请修改"}, "entry_ids", "请至少选择一项作品。"),
    ({"action": "return", "entry_ids": [1]}, "reason", "请填写退回修改意见。"),
    ({"action": "recommend", "entry_ids": [1], "opinion": ""}, "opinion", "推荐单位意见"),
    ({"action": "not_recommend", "entry_ids": [1], "reason": "\x00"}, "reason", "不能包含空字符。"),
])
def test_unit_bulk_input_is_422_by_field(actor_of, edition, recommending_unit, entry_of, body, field, message):
    entry = entry_of("submitted")
    body["entry_ids"] = [entry.pk] if body["entry_ids"] else []
    response = _post(actor_of, "recommender", f"/api/screening/{edition.slug}/units/{recommending_unit.pk}/bulk",
                     body)
    assert response.status_code == 422
    answer = response.json()
    assert answer["field"] == field and message in answer["errors"][field][0]
    assert _status(entry) == "submitted" and not EntryTransition.objects.filter(entry=entry).exists()


def test_unit_bulk_unknown_action_and_unknown_unit(actor_of, edition, recommending_unit, entry_of):
    entry = entry_of("submitted")
    url = f"/api/screening/{edition.slug}/units/{recommending_unit.pk}/bulk"
    assert _post(actor_of, "recommender", url, {"action": "unrecommend", "entry_ids": [entry.pk],
                                                "reason": "x"}).status_code == 422
    assert _post(actor_of, "recommender", f"/api/screening/{edition.slug}/units/{10**12}/bulk",
                 {"action": "return", "entry_ids": [entry.pk], "reason": "x"}).status_code == 404
    assert _post(actor_of, "recommender", f"/api/screening/nope/units/{recommending_unit.pk}/bulk",
                 {"action": "return", "entry_ids": [entry.pk], "reason": "x"}).status_code == 404
    assert _status(entry) == "submitted"


@pytest.mark.parametrize("role", ROLES)
def test_review_bulk_per_role(actor_of, role, edition, recommended):
    a, b = recommended(), recommended(stamped=False)
    response = _post(actor_of, role, f"/api/review/{edition.slug}/bulk", {"action": "accept",
                                                                         "entry_ids": [a.pk, b.pk]})
    if role in ("committee", "site_admin"):
        assert response.status_code == 200
        results = response.json()["results"]
        assert [r["moved"] for r in results] == [True, False]
        assert results[1]["field"] == "confirm_failed_checks" and "形式审查以下项目未通过" in results[1]["detail"]
        assert (_status(a), _status(b)) == ("in_review", "recommended")
    else:
        assert response.status_code == (401 if role == "anonymous" else 403)
        assert (_status(a), _status(b)) == ("recommended", "recommended")


def test_review_bulk_decisions(actor_of, edition, recommended):
    a, b, c = recommended(), recommended(), recommended(stamped=False)
    url = f"/api/review/{edition.slug}/bulk"
    body = _post(actor_of, "committee", url, {"action": "declare_ineligible", "entry_ids": [a.pk], "rule": "R4.2",
                                              "reason": "属于已获奖项目"}).json()
    assert body["results"][0]["status"] == "ineligible"
    body = _post(actor_of, "committee", url, {"action": "request_correction", "entry_ids": [b.pk, a.pk],
                                              "reason": "补充材料", "due_date": "2099-12-31"}).json()
    assert [(r["moved"], r["status"]) for r in body["results"]] == [(True, "submitted"), (False, "ineligible")]
    body = _post(actor_of, "committee", url, {"action": "accept", "entry_ids": [c.pk], "confirm_failed_checks": True,
                                              "reason": "已核验纸质件"}).json()
    assert body["moved"] == 1


@pytest.mark.parametrize("body,field", [
    ({"action": "declare_ineligible", "reason": "x", "rule": "R7"}, "rule"),
    ({"action": "declare_ineligible", "reason": "x"}, "rule"),
    ({"action": "request_correction", "reason": "x", "due_date": "2000-01-01"}, "due_date"),
    ({"action": "request_correction", "due_date": "2099-01-01"}, "reason"),
    ({"action": "accept", "confirm_failed_checks": True}, "reason"),
])
def test_review_bulk_input_is_422(actor_of, edition, recommended, body, field):
    entry = recommended()
    response = _post(actor_of, "committee", f"/api/review/{edition.slug}/bulk", {"entry_ids": [entry.pk], **body})
    assert response.status_code == 422 and response.json()["field"] == field
    assert _status(entry) == "recommended"


def test_review_list_is_searched(actor_of, edition, recommending_unit, recommended):
    unit = factories.DeclaringUnitFactory(parent=recommending_unit, name="郑州重型机械厂")
    a = recommended(title="数控车床快换刀具")
    b = factories.EntryFactory(edition=edition, declaring_unit=unit, status="recommended", recommendation_rank=5,
                               title="焊接夹具改进")
    Completer.objects.filter(entry=b).update(name="欧阳明")
    _, raw = api_auth.create_api_token(actor=actor_of("committee"), name="test")
    client, headers = Client(), {"Authorization": f"Bearer {raw}"}
    url = f"/api/review/{edition.slug}/entries"
    for q, expected in (("快换", {a.pk}), ("重型", {b.pk}), ("欧阳", {b.pk}), ("", {a.pk, b.pk}),
                        ("\x00欧阳", {b.pk}), ("x" * 500, set())):
        response = client.get(url, {"q": q}, headers=headers)
        assert response.status_code == 200
        assert {item["id"] for item in response.json()["items"]} == expected, q


def _get(actor_of, role, url, params=None):
    user = actor_of(role)
    headers = {}
    if user.is_authenticated:
        headers["Authorization"] = f"Bearer {api_auth.create_api_token(actor=user, name='test')[1]}"
    return Client().get(url, params or {}, headers=headers)


@pytest.mark.parametrize("role", ROLES)
def test_unit_queue_per_role(actor_of, role, edition, recommending_unit, entry_of):
    entry = entry_of("submitted", title="数控车床快换刀具")
    entry_of("draft", title="草稿")
    response = _get(actor_of, role, f"/api/screening/{edition.slug}/units/{recommending_unit.pk}/entries")
    if role in ("recommender", "committee", "site_admin"):
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 1 and body["pages"] == 1
        item = body["items"][0]
        assert (item["id"], item["status_label"], item["first_completer"]) == (entry.pk, "已提交", "张三")
        assert item["industry"].startswith("3421 ") and item["declaring_unit"] == entry.declaring_unit.name
    else:
        assert response.status_code == (401 if role == "anonymous" else 403)


def test_unit_queue_is_searched(actor_of, edition, recommending_unit, entry_of):
    unit = factories.DeclaringUnitFactory(parent=recommending_unit, name="郑州重型机械厂")
    a = entry_of("submitted", title="数控车床快换刀具")
    b = factories.EntryFactory(edition=edition, declaring_unit=unit, status="returned", title="焊接夹具改进")
    Completer.objects.filter(entry=b).update(name="欧阳明")
    url = f"/api/screening/{edition.slug}/units/{recommending_unit.pk}/entries"
    for params, expected in (({"q": "快换"}, {a.pk}), ({"q": "重型"}, {b.pk}), ({"q": "欧阳"}, {b.pk}),
                             ({"status": "returned"}, {b.pk}),
                             ({"status": "bogus"}, {a.pk, b.pk}), ({"q": "\x00"}, {a.pk, b.pk})):
        response = _get(actor_of, "recommender", url, params)
        assert response.status_code == 200
        assert {item["id"] for item in response.json()["items"]} == expected, params
    by_number = _get(actor_of, "recommender", url, {"q": str(a.pk)}).json()["items"]
    assert a.pk in {item["id"] for item in by_number}  # its number (names with the same digits match as well)
