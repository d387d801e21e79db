"""The live roadshow in the REST API (issue 11 items 4–7, 12): the state for the console and a judge, the
console's actions (finals.manage), scores with their idempotency key (header or body), stored once also
when the same request arrives twice or at the same moment, and the refusals in Chinese."""

import json
import threading
import urllib.error
import urllib.request
import uuid

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from tests import factories
from tests.finals.helpers import final_world, make_expert, make_session
from wuxiao.accounts.models import Role
from wuxiao.common.api_auth import create_api_token
from wuxiao.finals import services_live as services
from wuxiao.finals.models import RoadshowScore, SlotPhase

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return final_world(finalists=2, judges=3)


def api(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def base(world):
    return f"/api/finals/sessions/{world.session.pk}"


def items(world, points=(25, 20, 20, 15)):
    return {str(c.pk): p for c, p in zip(world.roadshow_criteria, points)}


def open_scoring(world, committee, slot=None):
    slot = slot or world.session.slots.order_by("position").first()
    c = api(committee)
    for action in ("start", "end", "open-scoring"):
        response = c.post(f"{base(world)}/slots/{slot.pk}/{action}", content_type="application/json")
        assert response.status_code == 200, response.content
    return slot


def post_score(client, world, slot, body, key=None):
    headers = {"Idempotency-Key": str(key)} if key else {}
    return client.post(f"{base(world)}/slots/{slot.pk}/scores", body, content_type="application/json",
                       headers=headers)


def test_state_for_the_console_a_judge_and_nobody_else(world, committee):
    judge = world.judges[0]
    response = api(committee).get(f"{base(world)}/state")
    assert response.status_code == 200
    data = response.json()
    assert data["audience"] == "console" and [j["seat"] for j in data["judges"]] == [1, 2, 3]
    assert data["server_now"].endswith("Z") and data["server_now_ms"] > 0
    data = api(judge.expert.user).get(f"{base(world)}/state").json()
    assert data["audience"] == "judge" and data["me"]["seat"] == 1 and data["judges"] is None
    # ?v= the current version: 204, nothing to send
    assert api(committee).get(f"{base(world)}/state?v={data['version']}").status_code == 204
    other = make_expert(world.edition, 8)
    make_session(world.edition, [], [other], name="第二场")
    for user in (other.user, factories.user_with_role(Role.DECLARER), factories.user_with_role(Role.EXPERT)):
        assert api(user).get(f"{base(world)}/state").status_code == 404
    assert api().get(f"{base(world)}/state").status_code == 401


def test_console_actions_are_the_offices(world, committee):
    slot = world.session.slots.order_by("position").first()
    judge_client = api(world.judges[0].expert.user)
    assert judge_client.post(f"{base(world)}/slots/{slot.pk}/start").status_code == 403
    response = api(committee).post(f"{base(world)}/slots/{slot.pk}/start")
    assert response.status_code == 200 and response.json()["slot"]["phase"] == "presenting"
    again = api(committee).post(f"{base(world)}/slots/{slot.pk}/start")
    assert again.status_code == 409 and again.json()["detail"] == "本项目已经开始路演。"
    locked = api(committee).post(f"{base(world)}/slots/{slot.pk}/lock", {"reason": ""},
                                 content_type="application/json")
    assert locked.status_code == 409 and "尚未开放评分" in locked.json()["detail"]


def test_score_with_the_key_in_the_header_twice_is_stored_once(world, committee):
    slot = open_scoring(world, committee)
    client = api(world.judges[0].expert.user)
    key = uuid.uuid4()
    first = post_score(client, world, slot, {"items": items(world)}, key)
    assert first.status_code == 201, first.content
    assert first.json()["total"] in ("80", "80.00", 80) and first.json()["state"] == "received"
    second = post_score(client, world, slot, {"items": items(world)}, key)
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    # the key in the body works the same
    body_again = post_score(client, world, slot, {"items": items(world), "idempotency_key": str(key)})
    assert body_again.status_code == 200 and body_again.json()["id"] == first.json()["id"]
    assert RoadshowScore.objects.filter(slot=slot).count() == 1
    other_key = post_score(client, world, slot, {"items": items(world, (1, 1, 1, 1))}, uuid.uuid4())
    assert other_key.status_code == 409
    assert other_key.json()["detail"] == "已评分，如需更正请联系现场工作人员。"


def test_score_refusals(world, committee):
    slot = world.session.slots.order_by("position").first()
    client = api(world.judges[0].expert.user)
    early = post_score(client, world, slot, {"items": items(world)}, uuid.uuid4())
    assert early.status_code == 409 and early.json()["detail"] == "本项目尚未开放评分。"
    open_scoring(world, committee, slot)
    no_key = post_score(client, world, slot, {"items": items(world)})
    assert no_key.status_code == 422 and no_key.json()["field"] == "idempotency_key"
    out = post_score(client, world, slot, {"items": items(world, (31, 20, 20, 15))}, uuid.uuid4())
    assert out.status_code == 422 and "“创新性”的分值为 0 到 30 分" in out.json()["message"]
    other = make_expert(world.edition, 8)
    make_session(world.edition, [], [other], name="第二场")
    stranger = post_score(api(other.user), world, slot, {"items": items(world)}, uuid.uuid4())
    assert stranger.status_code == 404
    assert post_score(api(committee), world, slot, {"items": items(world)}, uuid.uuid4()).status_code == 403
    for j in world.judges:
        post_score(api(j.expert.user), world, slot, {"items": items(world)}, uuid.uuid4())
    api(committee).post(f"{base(world)}/slots/{slot.pk}/lock", {}, content_type="application/json")
    late = post_score(client, world, slot, {"items": items(world)}, uuid.uuid4())
    assert late.status_code == 409 and "已锁定" in late.json()["detail"]
    assert RoadshowScore.objects.filter(slot=slot).count() == 3


def test_scores_of_a_slot_judges_see_their_own(world, committee):
    slot = open_scoring(world, committee)
    for j in world.judges:
        post_score(api(j.expert.user), world, slot, {"items": items(world)}, uuid.uuid4())
    mine = api(world.judges[1].expert.user).get(f"{base(world)}/slots/{slot.pk}/scores").json()
    assert [s["seat"] for s in mine] == [2]
    everyone = api(committee).get(f"{base(world)}/slots/{slot.pk}/scores").json()
    assert [s["seat"] for s in everyone] == [1, 2, 3]
    cleared = api(committee).post(f"{base(world)}/scores/{everyone[0]['id']}/clear", {"reason": "误输"},
                                  content_type="application/json")
    assert cleared.status_code == 200 and cleared.json()["state"] == "cleared"
    locked = api(committee).post(f"{base(world)}/slots/{slot.pk}/lock", {"reason": ""},
                                 content_type="application/json")
    assert locked.status_code == 409 and "评委1" in locked.json()["detail"]
    locked = api(committee).post(f"{base(world)}/slots/{slot.pk}/lock", {"reason": "评委1缺席"},
                                 content_type="application/json")
    assert locked.status_code == 200 and locked.json()["slot"]["result"] == "80.00"
    revealed = api(committee).post(f"{base(world)}/slots/{slot.pk}/reveal")
    assert revealed.json()["slot"]["phase"] == SlotPhase.REVEALED


def race(calls) -> list:
    """Run each call in its own thread (and database connection), released at the same moment."""
    start = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def run(i, call):
        try:
            start.wait(timeout=10)
            answers[i] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    close_old_connections()
    return answers


def http_post(url: str, token: str, body: dict, key: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.mark.django_db(transaction=True)
def test_the_same_key_posted_by_four_threads_through_http_is_stored_once(live_server, committee):
    """The outbox retrying while the first request is on its way: four threads post one key to the server at
    the same moment; one row, every answer the same score (201 once, 200 for the others)."""
    world = final_world(finalists=1, judges=2)
    slot = open_scoring(world, committee)
    _api_token, token = create_api_token(actor=world.judges[0].expert.user, name="phone")
    key = str(uuid.uuid4())
    url = f"{live_server.url}{base(world)}/slots/{slot.pk}/scores"
    answers = race([lambda: http_post(url, token, {"items": items(world)}, key)] * 4)
    assert RoadshowScore.objects.filter(idempotency_key=key).count() == 1
    stored = RoadshowScore.objects.get(idempotency_key=key)
    assert sorted(a[0] for a in answers) == [200, 200, 200, 201], answers
    assert {a[1]["id"] for a in answers} == {stored.pk}


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="true concurrency: SQLite's shared in-memory test database locks whole tables")
def test_the_same_key_at_once_on_postgresql_is_stored_once(committee):
    """No server in between: four requests run in four connections at once; the unique key decides."""
    world = final_world(finalists=1, judges=2)
    slot = open_scoring(world, committee)
    client = api(world.judges[0].expert.user)
    key = uuid.uuid4()

    def post():
        response = post_score(client, world, slot, {"items": items(world)}, key)
        return response.status_code, response.json()

    answers = race([post] * 4)
    assert RoadshowScore.objects.filter(idempotency_key=key).count() == 1
    assert sorted(a[0] for a in answers) == [200, 200, 200, 201], answers


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks and unique-index waits")
def test_two_keys_from_one_judge_at_once_store_one_score_on_postgresql(committee):
    """Two different keys from the same judge at the same moment (two taps on two phones): one score, the other
    refused with the message."""
    world = final_world(finalists=1, judges=2)
    slot = open_scoring(world, committee)
    client = api(world.judges[0].expert.user)

    def post():
        response = post_score(client, world, slot, {"items": items(world)}, uuid.uuid4())
        return response.status_code, response.json().get("detail")

    answers = race([post, post])
    assert RoadshowScore.objects.filter(slot=slot).count() == 1
    assert sorted(a[0] for a in answers) == [201, 409]
    assert "已评分" in [a[1] for a in answers if a[0] == 409][0]


def test_services_are_what_the_api_calls(world, committee):
    """The page's console and the API reach the same service: a lock refused on one is refused on the other."""
    slot = open_scoring(world, committee)
    with pytest.raises(services.Refused):
        services.lock_scores(slot, actor=committee)
