"""The results in the REST API (issue 10, item 13): the same predicate (review.manage) and services as the pages."""

import pytest
from django.test import Client

from wuxiao.common import api_auth
from wuxiao.entries.models import Entry, EntryTransition
from wuxiao.review import queries_results as rq
from wuxiao.review.models import FinalistList, FinalistRow

from .helpers_results import immediate_tasks, scored_round, second_round  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]
ROLES = ["anonymous", "declarer", "recommender", "expert", "outsider", "committee", "site_admin"]


@pytest.fixture
def scored(db):
    return scored_round(entries=7, experts=6, k=5, finalist_count=3)


def api(user_of, role):
    user = user_of(role)
    if user is None:
        return Client(), {}
    _, raw = api_auth.create_api_token(actor=user, name="test")
    return Client(), {"Authorization": f"Bearer {raw}"}


def url(edition, tail):
    return f"/api/review/{edition.slug}/{tail}"


@pytest.mark.parametrize("role", ROLES)
def test_results_per_role(user_of, role, scored):
    client, headers = api(user_of, role)
    response = client.get(url(scored.edition, "results"), headers=headers)
    if role in ("committee", "site_admin"):
        assert response.status_code == 200
        body = response.json()
        found = rq.edition_results(scored.edition)
        assert [e["id"] for e in body["entries"]] == found.ranked_ids()
        first = body["entries"][0]
        assert first["official"] == str(found.aggregation.official[first["id"]].score)
        assert first["calibrated"] == str(found.aggregation.entries[first["id"]].calibrated)
        assert first["official_rank"] == 1 and len(first["criteria"]) == 4
        assert {x["id"] for x in body["experts"]} == {x.pk for x in scored.experts}
        assert any("该专家打分普遍高于专家组" in x["leniency"] for x in body["experts"])
    elif role == "anonymous":
        assert response.status_code == 401
    else:
        assert response.status_code == 403
        assert response.json()["detail"] == "只有组委会办公室可以查看复赛成绩并确定决赛入围名单。"


@pytest.mark.parametrize("role", ROLES)
def test_finalist_list_per_role(user_of, role, scored):
    client, headers = api(user_of, role)
    response = client.post(url(scored.edition, "finalists/propose"), headers=headers, content_type="application/json")
    if role not in ("committee", "site_admin"):
        assert response.status_code == (401 if role == "anonymous" else 403)
        assert not FinalistList.objects.exists()
        for tail in ("finalists", "finalists/change", "finalists/approve"):
            method = client.get if tail == "finalists" else client.post
            answer = method(url(scored.edition, tail), headers=headers, content_type="application/json",
                            **({} if tail == "finalists" else {"data": {"entry": 1, "selected": True, "reason": "x"}}))
            assert answer.status_code in (401, 403)
        return
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "draft" and body["title"] == "决赛入围建议名单" and len(body["rows"]) == 7
    out = next(r for r in body["rows"] if not r["selected"])
    refused = client.post(url(scored.edition, "finalists/change"), headers=headers, content_type="application/json",
                          data={"entry": out["entry_id"], "selected": True, "reason": ""})
    assert refused.status_code == 409 and refused.json()["field"] == "reason"
    other = second_round(entries=1, experts=1)
    refused = client.post(url(scored.edition, "finalists/change"), headers=headers, content_type="application/json",
                          data={"entry": other.entries[0].pk, "selected": True, "reason": "另一届"})
    assert refused.status_code == 409 and refused.json()["field"] == "entry"
    changed = client.post(url(scored.edition, "finalists/change"), headers=headers, content_type="application/json",
                          data={"entry": out["entry_id"], "selected": True, "reason": "复议增补"})
    assert changed.status_code == 200
    row = next(r for r in changed.json()["rows"] if r["entry_id"] == out["entry_id"])
    assert row["selected"] and not row["proposed"] and row["change_reason"] == "复议增补"
    approved = client.post(url(scored.edition, "finalists/approve"), headers=headers, content_type="application/json",
                           data={"note": "会议审定"})
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved" and approved.json()["title"] == "决赛入围名单"
    assert Entry.objects.get(pk=out["entry_id"]).status == "finalist"
    assert EntryTransition.objects.filter(entry__edition=scored.edition).count() == 7
    again = client.post(url(scored.edition, "finalists/approve"), headers=headers, content_type="application/json",
                        data={"note": ""})
    assert again.status_code == 409 and "已经批准" in again.json()["detail"]
    assert client.get(url(scored.edition, "finalists"), headers=headers).json()["selected"] == (
        FinalistRow.objects.filter(selected=True).count())


def test_unknown_edition_and_no_list(user_of, scored):
    client, headers = api(user_of, "committee")
    assert client.get("/api/review/no-such-edition/results", headers=headers).status_code == 404
    response = client.get(url(scored.edition, "finalists"), headers=headers)
    assert response.status_code == 404 and response.json()["detail"] == "尚未生成决赛入围建议名单。"
