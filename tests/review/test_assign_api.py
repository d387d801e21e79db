"""The assignment in the REST API (issue 10 item 13): the same predicate as the pages for every role, the same
services, refusals as 409 with the Chinese message and its field."""

import json

import pytest
from django.test import Client

from wuxiao.common import api_auth
from wuxiao.review import services_assign as services
from wuxiao.review.models import AssignmentRun, Expert, ExpertStatus, PairRule, ReviewAssignment, RunStatus

from .helpers_assign import immediate, pairs_of, second_round

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "declarer", "recommender", "expert", "committee", "site_admin"]
ALLOWED = {"committee", "site_admin"}


@pytest.fixture(autouse=True)
def _tasks_now(settings):
    immediate(settings)


@pytest.fixture
def world(db):
    return second_round(entries=8, experts=4, k=2, with_users=True)


def client_for(user):
    client = Client()
    if user is None:
        return client, {}
    _, raw = api_auth.create_api_token(actor=user, name="test")
    return client, {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def call(user, method, path, body=None):
    client, headers = client_for(user)
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    return getattr(client, method)(f"/api/review/{path}", **kwargs, **headers)


def _calls(edition, entries, experts):
    e, x = entries[0].pk, experts[0].pk
    return [
        ("post", f"{edition.slug}/assignment/runs", {"seed": 1}),
        ("get", f"{edition.slug}/assignment/pairs", None),
        ("post", f"{edition.slug}/assignment/pairs", {"entry": e, "add_expert": x}),
        ("get", f"{edition.slug}/assignment/rules", None),
        ("post", f"{edition.slug}/assignment/rules", {"entry": e, "expert": x, "kind": "forbid", "reason": "理由"}),
        ("post", f"{edition.slug}/assignment/publish", None),
        ("get", f"{edition.slug}/assignment/needing-reassignment", None),
        ("post", f"{edition.slug}/assignment/reassign", None),
        ("get", f"{edition.slug}/assignment/second-pass", None),
        ("post", f"{edition.slug}/assignment/second-pass", {"entries": [e], "extra": 1}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_asks_the_same_predicate(user_of, role, world):
    edition, entries, experts = world
    user = user_of(role)
    for method, path, body in _calls(edition, entries, experts):
        response = call(user, method, path, body)
        if role == "anonymous":
            assert response.status_code == 401, path
        elif role not in ALLOWED:
            assert response.status_code == 403, path
            assert response.json()["detail"] == "只有组委会办公室可以管理评审专家分配。"
        else:
            assert response.status_code in (200, 202, 409), (path, response.content)
    if role not in ALLOWED:
        assert not AssignmentRun.objects.exists() and not ReviewAssignment.objects.exists()
        assert not PairRule.objects.exists()


def test_experts_of_the_pool_are_refused(world, committee):
    edition, entries, experts = world
    services.start_assignment(actor=committee, edition=edition, seed=1)
    services.publish_assignment(actor=committee, edition=edition)
    for seat in experts:  # assigned, and one of them conflicted later: still not the office
        assert call(seat.user, "get", f"{edition.slug}/assignment/pairs").status_code == 403
        assert call(seat.user, "post", f"{edition.slug}/assignment/publish").status_code == 403


def test_the_whole_flow_through_the_api(committee, world):
    edition, entries, experts = world
    started = call(committee, "post", f"{edition.slug}/assignment/runs", {"seed": 777})
    assert started.status_code == 202
    run_id = started.json()["id"]
    status = call(committee, "get", f"{edition.slug}/assignment/runs/{run_id}").json()
    assert status["status"] == RunStatus.DONE and status["seed"] == 777 and status["result"]["pairs"] == 16
    pairs = call(committee, "get", f"{edition.slug}/assignment/pairs?page_size=100").json()
    assert pairs["count"] == 16 and {(p["entry_id"], p["expert_id"]) for p in pairs["items"]} == pairs_of(edition)
    names = {x.pk: x.name for x in experts}
    assert all(p["expert"] == names[p["expert_id"]] and p["published"] is False and p["review_pass"] == 1
               for p in pairs["items"])
    # A hand edit that leaves the entry short is allowed, with the warning in words.
    (one,) = [p for p in pairs["items"] if p["entry_id"] == entries[0].pk][:1]
    edited = call(committee, "post", f"{edition.slug}/assignment/pairs",
                  {"entry": entries[0].pk, "remove_expert": one["expert_id"]})
    assert edited.status_code == 200 and "需要 2 位" in edited.json()["warnings"][0]
    refused = call(committee, "post", f"{edition.slug}/assignment/publish")
    assert refused.status_code == 409 and str(entries[0].pk) in refused.json()["detail"]
    back = call(committee, "post", f"{edition.slug}/assignment/pairs",
                {"entry": entries[0].pk, "add_expert": one["expert_id"]})
    assert back.status_code == 200 and back.json()["warnings"] == []
    published = call(committee, "post", f"{edition.slug}/assignment/publish")
    assert published.json() == {"published": 16}
    # An expert declines: the pair needs re-assignment, and the API re-assigns it.
    Expert.objects.filter(pk=experts[0].pk).update(status=ExpertStatus.DECLINED)
    from wuxiao.review.queries import review_settings

    s = review_settings(edition)
    s.load_max = 8
    s.save()
    needing = call(committee, "get", f"{edition.slug}/assignment/needing-reassignment").json()
    assert needing and all(n["expert_id"] == experts[0].pk for n in needing)
    re = call(committee, "post", f"{edition.slug}/assignment/reassign")
    assert re.status_code == 200 and re.json()["result"]["removed"] == len(needing)
    assert not pairs_of(edition, expert=experts[0])
    second = call(committee, "post", f"{edition.slug}/assignment/second-pass",
                  {"entries": [entries[1].pk], "extra": 1})
    assert second.status_code == 200 and second.json()["second_pass"] and second.json()["result"]["pairs"] == 1


def test_refusals_are_409_beside_their_field(committee, world):
    edition, entries, experts = world
    pin = call(committee, "post", f"{edition.slug}/assignment/rules",
               {"entry": 999999, "expert": experts[0].pk, "kind": "pin", "reason": "x"})
    assert pin.status_code == 409 and pin.json()["field"] == "entry" and "999999" in pin.json()["detail"]
    bad_kind = call(committee, "post", f"{edition.slug}/assignment/rules",
                    {"entry": entries[0].pk, "expert": experts[0].pk, "kind": "maybe", "reason": "x"})
    assert bad_kind.status_code == 422
    unknown = call(committee, "get", "no-such-edition/assignment/pairs")
    assert unknown.status_code == 404
    missing = call(committee, "get", f"{edition.slug}/assignment/runs/123456")
    assert missing.status_code == 404
    huge = call(committee, "post", f"{edition.slug}/assignment/runs", {"seed": 2**63})
    assert huge.status_code == 422
