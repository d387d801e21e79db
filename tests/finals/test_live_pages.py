"""The live roadshow's pages (issue 11 items 4–6): who reaches the judge's phone, the console and the big
screen, the one-time join link, the console's buttons with and without the script, and the polled state
(204 from one query when nothing changed)."""

import uuid

import pytest
from django.urls import reverse

from tests import factories
from tests.finals.helpers import final_world, make_expert, make_session
from wuxiao.accounts.models import Role
from wuxiao.finals import services_live as services
from wuxiao.finals.models import SlotEvent, SlotPhase

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return final_world(finalists=2, judges=3)


def fresh_client():
    from django.test import Client

    return Client()


def logged(client, user):
    client.force_login(user)
    return client


def test_judge_page_for_the_sessions_judges_only(client, world, committee):
    url = reverse("finals:judge", args=[world.session.pk])
    assert client.get(url).status_code == 302  # to the login page
    judge = world.judges[0]
    page = logged(client, judge.expert.user).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "评委1" in html and "创新性" in html and "finals/outbox.js" in html and 'id="live-criteria"' in html
    other = make_expert(world.edition, 7)
    make_session(world.edition, [], [other], name="第二场")
    for user in (other.user, committee, factories.user_with_role(Role.DECLARER),
                 factories.user_with_role(Role.RECOMMENDER)):
        client.force_login(user)
        assert client.get(url).status_code == 403, user


def test_judge_home_lists_the_judges_sessions(client, world):
    page = logged(client, world.judges[0].expert.user).get(reverse("finals:judge_home"))
    assert page.status_code == 200 and world.session.name in page.content.decode()
    client.force_login(factories.user_with_role(Role.DECLARER))
    assert client.get(reverse("finals:judge_home")).status_code == 403


def test_one_time_link_signs_the_judge_in_once(client, world):
    judge = world.judges[1]
    url = reverse("finals:join", args=[judge.join_token])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "评委2" in confirm.content.decode()
    judge.refresh_from_db()
    assert judge.join_token_used_at is None  # a GET (a chat app's preview) spends nothing
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("finals:judge", args=[judge.session_id])
    assert client.get(response["Location"]).status_code == 200
    judge.refresh_from_db()
    assert judge.join_token_used_at is not None
    again = fresh_client().post(url)
    assert again.status_code == 410 and "已经使用" in again.content.decode()
    assert reverse("accounts:login") in again.content.decode()
    unknown = fresh_client().get(reverse("finals:join", args=["nope"]))
    assert unknown.status_code == 404 and "无效" in unknown.content.decode()


def test_console_is_the_offices(client, world, committee):
    url = reverse("finals:console", args=[world.session.pk])
    for user in (world.judges[0].expert.user, factories.user_with_role(Role.DECLARER)):
        client.force_login(user)
        assert client.get(url).status_code == 403
    page = logged(client, committee).get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("data:image/svg+xml;") == 1 + 3  # the judges' page and one link per judge
    assert world.finalists[0].title in html and "评委专家0" in html
    assert reverse("finals:screen", args=[world.session.screen_token]) in html


def test_console_buttons_without_and_with_the_script(client, world, committee):
    logged(client, committee)
    slot = world.session.slots.order_by("position").first()
    action = lambda name: reverse("finals:console_action", args=[world.session.pk, name])  # noqa: E731
    response = client.post(action("start"), {"slot": slot.pk})
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.phase == SlotPhase.PRESENTING
    # with the script: JSON, the new state or the refusal
    paused = client.post(action("pause"), {"slot": slot.pk}, headers={"Accept": "application/json"})
    assert paused.status_code == 200 and paused.json()["slot"]["clock"]["running"] is False
    refused = client.post(action("pause"), {"slot": slot.pk}, headers={"Accept": "application/json"})
    assert refused.status_code == 409 and refused.json()["detail"] == "计时器不在计时中。"
    bad = client.post(action("pause"), {"slot": "x"}, headers={"Accept": "application/json"})
    assert bad.status_code == 422
    followed = client.post(action("pause"), {"slot": slot.pk}, follow=True)
    assert "计时器不在计时中。" in followed.content.decode()
    for name in ("resume", "end", "open"):
        assert client.post(action(name), {"slot": slot.pk}).status_code == 302
    for j in world.judges[:2]:
        services.submit_score(judge_user=j.expert.user, session=world.session, slot_id=slot.pk,
                              items={str(c.pk): 10 for c in world.roadshow_criteria}, idempotency_key=uuid.uuid4())
    refused = client.post(action("lock"), {"slot": slot.pk, "reason": ""}, headers={"Accept": "application/json"})
    assert refused.status_code == 409 and "评委3" in refused.json()["detail"]
    locked = client.post(action("lock"), {"slot": slot.pk, "reason": "评委3缺席"},
                         headers={"Accept": "application/json"})
    assert locked.status_code == 200 and locked.json()["slot"]["result"] == "40.00"
    assert list(SlotEvent.objects.filter(slot=slot).values_list("action", flat=True)) == [
        "start", "pause", "resume", "end", "open", "lock"]
    assert client.post(action("fly"), {"slot": slot.pk}).status_code == 404


def test_clear_from_the_console_needs_a_reason(client, world, committee):
    logged(client, committee)
    slot = world.session.slots.order_by("position").first()
    for step in (services.start_presentation, services.end_presentation, services.open_scoring):
        step(actor=committee, slot=slot)
    score, _ = services.submit_score(judge_user=world.judges[0].expert.user, session=world.session, slot_id=slot.pk,
                                     items={str(c.pk): 10 for c in world.roadshow_criteria},
                                     idempotency_key=uuid.uuid4())
    url = reverse("finals:console_action", args=[world.session.pk, "clear"])
    assert client.post(url, {"score": score.pk, "reason": " "}, headers={"Accept": "application/json"}).status_code == 422
    assert client.post(url, {"score": score.pk, "reason": "误输"}).status_code == 302
    score.refresh_from_db()
    assert score.clear_reason == "误输" and score.cleared_by == committee


def test_screen_needs_its_link_and_shows_no_names_of_judges(client, world, committee):
    assert client.get(reverse("finals:screen", args=["wrong"])).status_code == 404
    page = client.get(reverse("finals:screen", args=[world.session.screen_token]))
    assert page.status_code == 200
    assert "评委专家" not in page.content.decode()


def test_polled_state_is_204_from_one_query_when_nothing_changed(client, world, committee,
                                                                 django_assert_num_queries):
    url = reverse("finals:screen_state", args=[world.session.screen_token])
    first = client.get(url)
    assert first.status_code == 200 and "no-store" in first["Cache-Control"]
    version = first.json()["version"]
    with django_assert_num_queries(1):
        unchanged = client.get(f"{url}?v={version}")
    assert unchanged.status_code == 204 and int(unchanged["X-Server-Now-Ms"]) > 0
    services.start_presentation(actor=committee, slot=world.session.slots.first())
    changed = client.get(f"{url}?v={version}")
    assert changed.status_code == 200 and changed.json()["version"] == version + 1
    assert changed.json()["slot"]["title"] == world.finalists[0].title
    assert "judges" not in changed.json()


def test_judge_state_and_console_state(client, world, committee):
    url = reverse("finals:live_state", args=[world.session.pk])
    assert client.get(url).status_code == 403
    judge = world.judges[0]
    data = logged(client, judge.expert.user).get(url).json()
    assert data["audience"] == "judge" and data["me"] == {"seat": 1, "name": "评委专家0"}
    judge.refresh_from_db()
    assert judge.last_seen_at is not None
    data = logged(client, committee).get(url).json()
    assert data["audience"] == "console" and data["judges"][0]["joined"] is True
    other = make_expert(world.edition, 7)
    make_session(world.edition, [], [other], name="第二场")
    assert logged(client, other.user).get(url).status_code == 403


def test_console_qr_codes_are_images_a_browser_can_show(client, world, committee):
    """The QR codes are SVG data URIs with the SVG namespace (without it a browser shows a broken image)."""
    import re
    from urllib.parse import unquote

    client.force_login(committee)
    html = client.get(reverse("finals:console", args=[world.session.pk])).content.decode()
    sources = re.findall(r'<img[^>]+src="(data:image/svg\+xml[^"]+)"', html)
    assert sources, "no QR code on the console"
    for source in sources:
        svg = unquote(source.split(",", 1)[1])
        assert svg.startswith("<svg") or "<svg" in svg[:200]
        assert 'xmlns="http://www.w3.org/2000/svg"' in svg or "xmlns='http://www.w3.org/2000/svg'" in svg
