"""The scoring API (issue 10 item 13): the same predicates and refusals as the pages."""

import json

import pytest
from django.test import Client

from tests.review.helpers_scoring import COMPLETER_NAME, UNIT_NAME, assign, conflict, make_round
from wuxiao.common import api_auth
from wuxiao.review.models import Conflict, ReviewSettings, Score, ScoreStatus

pytestmark = pytest.mark.django_db

API = "/api/review"


def bearer(user) -> dict:
    _, raw = api_auth.create_api_token(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def call(user, method, path, body=None):
    client = Client()
    headers = bearer(user) if user is not None else {}
    if body is None:
        return getattr(client, method)(API + path, **headers)
    return getattr(client, method)(API + path, body, content_type="application/json", **headers)


def text(response) -> str:
    """The answer as readable text (JSON escapes Chinese as \\uXXXX)."""
    return json.dumps(response.json(), ensure_ascii=False)


def points(r, value=20):
    return {str(c.pk): value for c in r.criteria}


def test_expert_lists_assignments_and_reads_the_entry_anonymised():
    r = make_round(n_entries=2)
    response = call(r.expert.user, "get", f"/expert/{r.edition.slug}/assignments")
    assert response.status_code == 200
    body = response.json()
    assert [i["entry_id"] for i in body["items"]] == [e.pk for e in r.entries]
    assert body["total"] == 2 and body["submitted"] == 0
    entry = call(r.expert.user, "get", f"/expert/{r.edition.slug}/entries/{r.entry.pk}")
    assert entry.status_code == 200
    body = text(entry)
    assert r.entry.title in body and UNIT_NAME not in body and COMPLETER_NAME not in body
    assert "declaring_unit" not in entry.json()["entry"]
    assert len(entry.json()["rubric"]["criteria"]) == 4 and entry.json()["score"] is None


def test_expert_lists_their_editions():
    r = make_round(n_experts=1)
    assert call(r.expert.user, "get", "/expert/editions").json() == [
        {"slug": r.edition.slug, "title": r.edition.title, "expert_id": r.expert.pk}]


def test_draft_submit_and_second_submission():
    r = make_round()
    path = f"/expert/{r.edition.slug}/entries/{r.entry.pk}"
    draft = call(r.expert.user, "put", f"{path}/score", {"points": {str(r.criteria[0].pk): 12.5}})
    assert draft.status_code == 200
    assert draft.json()["status"] == "draft" and float(draft.json()["total"]) == 12.5
    assert ReviewSettings.objects.get(edition=r.edition).rubric_locked_at is not None
    no_confirm = call(r.expert.user, "post", f"{path}/submit", {"points": points(r)})
    assert no_confirm.status_code == 422
    assert no_confirm.json()["field"] == "confirm_no_conflict"
    ok = call(r.expert.user, "post", f"{path}/submit", {"points": points(r), "confirm_no_conflict": True})
    assert ok.status_code == 200 and ok.json()["status"] == "submitted" and float(ok.json()["total"]) == 80
    again = call(r.expert.user, "post", f"{path}/submit", {"points": points(r, 25), "confirm_no_conflict": True})
    assert again.status_code == 409
    assert again.json()["detail"]
    assert Score.objects.get().total == 80
    assert call(r.expert.user, "get", f"{path}/score").json()["status"] == "submitted"


@pytest.mark.parametrize("value", [26, -0.5, 18.3])
def test_out_of_range_points_are_422_beside_the_criterion(value):
    r = make_round()
    c = r.criteria[1]
    response = call(r.expert.user, "put", f"/expert/{r.edition.slug}/entries/{r.entry.pk}/score",
                    {"points": {str(c.pk): value}})
    assert response.status_code == 422
    assert response.json()["field"] == f"points_{c.pk}"
    assert not Score.objects.exists()


@pytest.mark.parametrize("case", ["unassigned", "conflicted", "unpublished"])
def test_expert_who_may_not_review_gets_404_everywhere(case):
    r = make_round(n_experts=1, all_assigned=False)
    if case == "conflicted":
        assign(r.expert, r.entry)
        conflict(r.expert, r.entry)
    elif case == "unpublished":
        assign(r.expert, r.entry, published=False)
    path = f"/expert/{r.edition.slug}/entries/{r.entry.pk}"
    for method, sub, body in [("get", "", None), ("get", "/score", None), ("put", "/score", {"points": points(r)}),
                              ("post", "/submit", {"points": points(r), "confirm_no_conflict": True}),
                              ("post", "/conflict", {"reason": "x"})]:
        response = call(r.expert.user, method, path + sub, body)
        assert response.status_code == 404, (method, sub)
        assert r.entry.title not in text(response)
    assert not Score.objects.exists()
    listing = call(r.expert.user, "get", f"/expert/{r.edition.slug}/assignments").json()
    assert listing["items"] == []


def test_declare_conflict_through_the_api():
    r = make_round(n_entries=2, n_experts=1)
    response = call(r.expert.user, "post", f"/expert/{r.edition.slug}/entries/{r.entry.pk}/conflict",
                    {"reason": "亲属在该单位"})
    assert response.status_code == 200 and response.json() == {"entries": 1}
    assert Conflict.objects.get().source == "declared"
    assert call(r.expert.user, "get", f"/expert/{r.edition.slug}/entries/{r.entry.pk}").status_code == 404
    empty = call(r.expert.user, "post", f"/expert/{r.edition.slug}/entries/{r.entries[1].pk}/conflict",
                 {"reason": "  "})
    assert empty.status_code == 409 and empty.json()["field"] == "reason"


@pytest.mark.parametrize("role", ["declarer", "recommender", "committee", "site_admin", "outsider"])
def test_other_roles_get_404_or_403_on_expert_endpoints(role, request):
    r = make_round()
    user = request.getfixturevalue(role)
    assert call(user, "get", f"/expert/{r.edition.slug}/entries/{r.entry.pk}").status_code == 404
    assert call(user, "get", f"/expert/{r.edition.slug}/assignments").status_code == 403


def test_anonymous_is_401():
    r = make_round()
    assert call(None, "get", f"/expert/{r.edition.slug}/assignments").status_code == 401
    assert call(None, "get", f"/{r.edition.slug}/rubric").status_code == 401


@pytest.mark.parametrize("role,status", [("declarer", 403), ("recommender", 403), ("expert", 403), ("outsider", 403),
                                         ("committee", 200), ("site_admin", 200)])
def test_office_endpoints_by_role(role, status, request):
    r = make_round()
    user = request.getfixturevalue(role)
    assert call(user, "get", f"/{r.edition.slug}/rubric").status_code == status
    assert call(user, "get", f"/{r.edition.slug}/scoring-progress").status_code == status
    assert call(user, "post", f"/{r.edition.slug}/reminders", {}).status_code == status


def test_assigned_expert_cannot_use_office_endpoints():
    r = make_round()
    assert call(r.expert.user, "get", f"/{r.edition.slug}/scoring-progress").status_code == 403
    assert call(r.expert.user, "put", f"/{r.edition.slug}/rubric", {"criteria": []}).status_code == 403


def test_office_rubric_put_lock_and_reopen(committee):
    r = make_round()
    rubric = call(committee, "get", f"/{r.edition.slug}/rubric").json()
    criteria = [{"id": c["id"], "name": c["name"], "max_points": c["max_points"], "description": c["description"],
                 "bands": [{"low": 21, "high": 25, "text": "优"}, {"low": 0, "high": 20, "text": "一般"}]}
                for c in rubric["criteria"]]
    assert call(committee, "put", f"/{r.edition.slug}/rubric",
                {"criteria": criteria, "comment_required": True}).status_code == 200
    bad = [dict(criteria[0], bands=[{"low": 0, "high": 30, "text": "超"}])]
    response = call(committee, "put", f"/{r.edition.slug}/rubric", {"criteria": bad})
    assert response.status_code == 422 and response.json()["field"] == f"c{criteria[0]['id']}-bands"
    call(r.expert.user, "put", f"/expert/{r.edition.slug}/entries/{r.entry.pk}/score",
         {"points": {str(r.criteria[0].pk): 3}})
    locked = call(committee, "put", f"/{r.edition.slug}/rubric", {"criteria": criteria})
    assert locked.status_code == 409
    assert call(committee, "post", f"/{r.edition.slug}/rubric/reopen", {"reason": ""}).status_code == 409
    reopened = call(committee, "post", f"/{r.edition.slug}/rubric/reopen", {"reason": "修订评分要点"})
    assert reopened.status_code == 200 and reopened.json()["locked_at"] is None
    assert call(committee, "put", f"/{r.edition.slug}/rubric", {"criteria": criteria}).status_code == 200


def test_office_progress_reopen_score_and_remind(committee):
    r = make_round(n_entries=1, n_experts=2)
    path = f"/expert/{r.edition.slug}/entries/{r.entry.pk}"
    call(r.expert.user, "post", f"{path}/submit", {"points": points(r), "confirm_no_conflict": True})
    progress = call(committee, "get", f"/{r.edition.slug}/scoring-progress").json()
    assert {e["expert_id"]: e["submitted"] for e in progress["experts"]} == {r.experts[0].pk: 1, r.experts[1].pk: 0}
    assert progress["entries"] == [{"entry_id": r.entry.pk, "title": r.entry.title, "assigned": 2, "submitted": 1,
                                    "drafts": 0}]
    reminded = call(committee, "post", f"/{r.edition.slug}/reminders", {"expert_ids": [r.experts[1].pk]})
    assert reminded.json() == {"reminded": 1}
    score = Score.objects.get()
    assert call(committee, "post", f"/{r.edition.slug}/scores/{score.pk}/reopen", {"reason": ""}).status_code == 409
    reopened = call(committee, "post", f"/{r.edition.slug}/scores/{score.pk}/reopen", {"reason": "复核"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "draft"
    assert Score.objects.get().status == ScoreStatus.DRAFT
    # the expert cannot reopen it
    assert call(r.expert.user, "post", f"/{r.edition.slug}/scores/{score.pk}/reopen",
                {"reason": "x"}).status_code == 403


def test_office_cannot_reach_another_editions_score_or_criterion(committee):
    r = make_round(n_entries=1, n_experts=1)
    other = make_round(n_entries=1, n_experts=1)
    call(r.expert.user, "post", f"/expert/{r.edition.slug}/entries/{r.entry.pk}/submit",
         {"points": points(r), "confirm_no_conflict": True})
    score = Score.objects.get()
    assert call(committee, "post", f"/{other.edition.slug}/scores/{score.pk}/reopen",
                {"reason": "x"}).status_code == 404
    foreign = [{"id": r.criteria[0].pk, "name": "改", "max_points": 25, "bands": []}]
    response = call(committee, "put", f"/{other.edition.slug}/rubric", {"criteria": foreign})
    assert response.status_code == 409 and "不属于本届竞赛" in response.json()["detail"]
    assert Score.objects.get().status == ScoreStatus.SUBMITTED
