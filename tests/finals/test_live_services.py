"""The live roadshow's services (issue 11 items 4–7; R8): the clock by the server's time, the order of the
console's actions, scores refused before opening / after locking / out of range / twice, stored once by
their idempotency key, the trimmed result at the lock, clearing a score."""

import datetime as dt
import uuid
from decimal import Decimal as D

import pytest
from django.utils import timezone

from tests.finals.helpers import final_world, make_expert, make_session
from wuxiao.common.exceptions import InvalidInput, Refused
from wuxiao.common.models import AuditLog
from wuxiao.finals import queries_live as q
from wuxiao.finals import services_live as services
from wuxiao.finals.models import FinalSettings, RoadshowScore, RoadshowSession, SlotEvent, SlotPhase
from wuxiao.finals.queries import final_settings

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2025, 11, 20, 1, 0, 0, tzinfo=dt.UTC)


class Clock:
    """The server's clock, moved by the test (timezone.now, monkeypatched: outside the project's code)."""

    def __init__(self, monkeypatch):
        self.now = T0
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, seconds):
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def world(db):
    return final_world(finalists=3, judges=3)


def refresh(obj):
    obj.refresh_from_db()
    return obj


def items_of(world, points):
    return {str(c.pk): p for c, p in zip(world.roadshow_criteria, points)}


def score(world, judge, slot, points=(25, 20, 20, 15), key=None):
    return services.submit_score(judge_user=judge.expert.user, session=world.session, slot_id=slot.pk,
                                 items=items_of(world, points), idempotency_key=key or uuid.uuid4())


def to_scoring(world, slot, committee, clock):
    services.start_presentation(actor=committee, slot=slot)
    clock.advance(10)
    services.end_presentation(actor=committee, slot=slot)
    services.open_scoring(actor=committee, slot=slot)
    return refresh(slot)


def test_clock_starts_pauses_resumes_and_ends_by_the_servers_time(world, committee, clock):
    slot = world.session.slots.first()
    version = world.session.version
    services.start_presentation(actor=committee, slot=slot)
    slot, session = refresh(slot), refresh(world.session)
    assert (slot.phase, slot.clock_running_since, session.current_slot_id) == (SlotPhase.PRESENTING, T0, slot.pk)
    assert session.started_at == T0 and session.version == version + 1
    clock.advance(100)
    assert q.clock_seconds(slot) == 100
    services.pause_clock(actor=committee, slot=slot)
    slot = refresh(slot)
    assert (slot.clock_elapsed, slot.clock_running_since) == (100, None)
    clock.advance(60)  # paused: the clock does not move
    assert q.clock_seconds(slot) == 100
    services.resume_clock(actor=committee, slot=slot)
    clock.advance(230.5)
    state = q.live_state(refresh(world.session), audience=q.SCREEN)
    assert state["slot"]["clock"]["elapsed"] == 330.5
    assert state["slot"]["clock"]["limit"] == 300  # R8: 5 minutes
    assert state["slot"]["clock"]["remaining"] == -30.5 and state["slot"]["clock"]["overtime"] is True
    services.end_presentation(actor=committee, slot=slot)
    slot = refresh(slot)
    assert slot.presentation_seconds == 330.5
    # Q&A (the edition's 3 minutes) starts at once on the server's clock
    assert (slot.phase, slot.clock_elapsed, slot.clock_running_since) == (SlotPhase.QA, 0, clock.now)
    clock.advance(45)
    services.end_qa(actor=committee, slot=slot)
    slot = refresh(slot)
    assert (slot.qa_seconds, slot.clock_running_since) == (45, None)
    actions = list(SlotEvent.objects.filter(slot=slot).values_list("action", "by", flat=False))
    assert actions == [("start", committee.pk), ("pause", committee.pk), ("resume", committee.pk),
                       ("end", committee.pk), ("end_qa", committee.pk)]
    assert refresh(world.session).version == version + 5


def test_clock_from_a_start_in_the_past(world, committee):
    slot = world.session.slots.first()
    services.start_presentation(actor=committee, slot=slot)
    slot.refresh_from_db()
    slot.clock_running_since = timezone.now() - dt.timedelta(seconds=90)
    slot.save()
    assert 90 <= q.clock_seconds(slot) < 95


def test_without_qa_time_ending_the_presentation_opens_scoring(world, committee, clock):
    final_settings(world.edition)
    FinalSettings.objects.filter(edition=world.edition).update(qa_minutes=0)
    slot = world.session.slots.first()
    services.start_presentation(actor=committee, slot=slot)
    clock.advance(280)
    services.end_presentation(actor=committee, slot=slot)
    slot = refresh(slot)
    assert (slot.phase, slot.presentation_seconds, slot.scoring_opened_at) == (SlotPhase.SCORING, 280, clock.now)


@pytest.mark.parametrize("steps, action, message", [
    ([], "pause", "不在计时"),
    ([], "open", "结束"),
    ([], "lock", "尚未开放"),
    (["start", "pause"], "pause", "不在计时"),
    (["start"], "resume", "未暂停"),
    (["start", "end", "open"], "open", "已经开放"),
    (["start", "end", "open"], "start", "已经开始"),
    (["start", "end", "open"], "reveal", "先锁定"),
])
def test_actions_out_of_order_are_refused(world, committee, clock, steps, action, message):
    calls = {"start": services.start_presentation, "pause": services.pause_clock, "resume": services.resume_clock,
             "end": services.end_presentation, "open": services.open_scoring, "reveal": services.reveal_scores,
             "lock": lambda *, actor, slot: services.lock_scores(slot, actor=actor, reason="评委缺席")}
    slot = world.session.slots.first()
    for step in steps:
        calls[step](actor=committee, slot=slot)
    before = refresh(slot).phase
    with pytest.raises(Refused) as refused:
        calls[action](actor=committee, slot=slot)
    assert message in str(refused.value.message)
    assert refresh(slot).phase == before


def test_a_second_presentation_cannot_start_while_one_is_on_stage(world, committee, clock):
    first, second = list(world.session.slots.order_by("position"))[:2]
    services.start_presentation(actor=committee, slot=first)
    with pytest.raises(Refused, match="仍在进行"):
        services.start_presentation(actor=committee, slot=second)
    with pytest.raises(Refused, match="仍在进行"):
        services.next_slot(actor=committee, session=world.session)


def test_scoring_before_opening_and_after_locking_is_refused(world, committee, clock):
    slot = world.session.slots.first()
    judges = world.judges
    with pytest.raises(Refused, match="尚未开放"):
        score(world, judges[0], slot)
    services.start_presentation(actor=committee, slot=slot)
    services.end_presentation(actor=committee, slot=slot)
    with pytest.raises(Refused, match="尚未开放"):  # during Q&A
        score(world, judges[0], slot)
    services.open_scoring(actor=committee, slot=slot)
    for j in judges:
        score(world, j, slot)
    extra = make_expert(world.edition, 9)
    from wuxiao.finals.models import SessionJudge
    SessionJudge.objects.create(session=world.session, expert=extra, seat=4)
    services.lock_scores(slot, actor=committee, reason="4号评委缺席")
    with pytest.raises(Refused, match="已锁定"):
        services.submit_score(judge_user=extra.user, session=world.session, slot_id=slot.pk,
                              items=items_of(world, (20, 20, 20, 10)), idempotency_key=uuid.uuid4())
    assert RoadshowScore.objects.filter(slot=slot).count() == 3


def test_out_of_range_missing_and_unknown_criteria_are_refused_beside_their_input(world, committee, clock):
    slot = to_scoring(world, world.session.slots.first(), committee, clock)
    judge = world.judges[0]
    c = world.roadshow_criteria
    cases = [
        ({str(c[0].pk): 31, str(c[1].pk): 20, str(c[2].pk): 20, str(c[3].pk): 10}, f"c{c[0].pk}", "0 到 30 分"),
        ({str(c[0].pk): -1, str(c[1].pk): 20, str(c[2].pk): 20, str(c[3].pk): 10}, f"c{c[0].pk}", "0 到 30 分"),
        ({str(c[0].pk): "20.3", str(c[1].pk): 20, str(c[2].pk): 20, str(c[3].pk): 10}, f"c{c[0].pk}", "0.5"),
        ({str(c[0].pk): 20, str(c[1].pk): 20, str(c[2].pk): 20}, f"c{c[3].pk}", "现场展示与答辩"),
        ({str(c[0].pk): 20, str(c[1].pk): 20, str(c[2].pk): 20, str(c[3].pk): 10, "999999": 5}, "c999999", "不是"),
    ]
    for items, field, text in cases:
        with pytest.raises(InvalidInput) as invalid:
            services.submit_score(judge_user=judge.expert.user, session=world.session, slot_id=slot.pk, items=items,
                                  idempotency_key=uuid.uuid4())
        assert text in " ".join(invalid.value.errors[field]), (items, invalid.value.errors)
    assert not RoadshowScore.objects.exists()
    stored, created = services.submit_score(
        judge_user=judge.expert.user, session=world.session, slot_id=slot.pk, idempotency_key=uuid.uuid4(),
        items={str(c[0].pk): "27.5", str(c[1].pk): 0, str(c[2].pk): 25, str(c[3].pk): "18，5"})
    assert created and stored.total == D("71.0") and stored.items[str(c[0].pk)] == "27.5"


def test_a_judge_of_another_session_is_refused(world, committee, clock):
    slot = to_scoring(world, world.session.slots.first(), committee, clock)
    other = make_expert(world.edition, 7)
    make_session(world.edition, [], [other], name="第二场")
    with pytest.raises(Refused, match="不是本场"):
        services.submit_score(judge_user=other.user, session=world.session, slot_id=slot.pk,
                              items=items_of(world, (20, 20, 20, 10)), idempotency_key=uuid.uuid4())


def test_the_same_key_twice_is_stored_once_and_a_second_score_is_refused(world, committee, clock):
    slot = to_scoring(world, world.session.slots.first(), committee, clock)
    judge = world.judges[0]
    key = uuid.uuid4()
    first, created = score(world, judge, slot, key=key)
    again, created_again = score(world, judge, slot, (1, 1, 1, 1), key=key)
    assert created and not created_again and again.pk == first.pk and again.total == D(80)
    with pytest.raises(Refused) as refused:
        score(world, judge, slot, (10, 10, 10, 10))
    assert str(refused.value.message) == "已评分，如需更正请联系现场工作人员。"
    assert RoadshowScore.objects.filter(slot=slot).count() == 1
    # After the lock, the same key still answers with the stored score (the phone only missed our answer).
    services.lock_scores(slot, actor=committee, reason="评委缺席")
    assert score(world, judge, slot, key=key)[0].pk == first.pk


def test_lock_needs_every_judge_or_a_reason_and_computes_the_trimmed_result(world, committee, clock):
    slot = to_scoring(world, world.session.slots.first(), committee, clock)
    j1, j2, j3 = world.judges
    score(world, j1, slot, (27, 22, 22, 17))  # 88
    score(world, j2, slot, (28, 24, 23, 17))  # 92
    with pytest.raises(Refused) as refused:
        services.lock_scores(slot, actor=committee)
    assert "评委3" in str(refused.value.message) and refused.value.field == "reason"
    score(world, j3, slot, (25, 20, 20, 14.5))  # 79.5
    services.lock_scores(slot, actor=committee)
    slot = refresh(slot)
    # 88, 92, 79.5: strike 92 and 79.5 → 88.00
    assert (slot.phase, slot.result, slot.locked_by, slot.lock_reason) == (SlotPhase.LOCKED, D("88.00"), committee, "")
    assert AuditLog.objects.filter(action="finals.lock_scores", object_id=str(slot.pk)).count() == 1
    services.reveal_scores(actor=committee, slot=slot)
    state = q.live_state(refresh(world.session), audience=q.SCREEN)
    assert state["slot"]["result"] == "88.00"
    assert state["slot"]["scores"] == [
        {"label": "评委1", "seat": 1, "total": "88.00", "struck": None},
        {"label": "评委2", "seat": 2, "total": "92.00", "struck": "high"},
        {"label": "评委3", "seat": 3, "total": "79.50", "struck": "low"}]


def test_lock_with_a_judge_absent_by_decision_averages_the_others(world, committee, clock):
    slot = to_scoring(world, world.session.slots.first(), committee, clock)
    j1, j2, _j3 = world.judges
    score(world, j1, slot, (27, 22, 22, 17))  # 88
    score(world, j2, slot, (28, 24, 23, 16))  # 91
    services.lock_scores(slot, actor=committee, reason="评委3因病缺席")
    slot = refresh(slot)
    assert (slot.result, slot.lock_reason) == (D("89.50"), "评委3因病缺席")
    event = SlotEvent.objects.get(slot=slot, action="lock")
    assert (event.reason, event.data["missing_seats"], event.by) == ("评委3因病缺席", [3], committee)


def test_without_trimming_all_are_averaged(world, committee, clock):
    final_settings(world.edition)
    FinalSettings.objects.filter(edition=world.edition).update(trim_extremes=False)
    slot = to_scoring(world, world.session.slots.first(), committee, clock)
    for j, points in zip(world.judges, [(27, 22, 22, 17), (28, 24, 23, 17), (25, 20, 20, 14)]):
        score(world, j, slot, points)
    services.lock_scores(slot, actor=committee)
    assert refresh(slot).result == D("86.33")  # (88 + 92 + 79) / 3


def test_clearing_a_score_lets_the_judge_score_again(world, committee, clock):
    slot = to_scoring(world, world.session.slots.first(), committee, clock)
    judge = world.judges[0]
    first, _ = score(world, judge, slot, (10, 10, 10, 10))
    with pytest.raises(Refused, match="原因"):
        services.clear_score(first, actor=committee, reason=" ")
    services.clear_score(first, actor=committee, reason="评委误输分数")
    second, created = score(world, judge, slot, (25, 20, 20, 15))
    assert created and second.pk != first.pk
    assert refresh(first).cleared_by == committee
    assert AuditLog.objects.filter(action="finals.clear_score", reason="评委误输分数").count() == 1
    state = q.live_state(refresh(world.session), audience=q.CONSOLE)
    assert state["judges"][0]["score"]["total"] == "80.00"
    assert state["cleared"] == [{"id": first.pk, "seat": 1, "total": "40.00", "reason": "评委误输分数"}]


def test_next_slot_and_session_end(world, committee, clock):
    slots = list(world.session.slots.order_by("position"))
    services.next_slot(actor=committee, session=world.session)
    assert refresh(world.session).current_slot_id == slots[0].pk
    slot = to_scoring(world, slots[0], committee, clock)
    with pytest.raises(Refused):
        services.end_session(actor=committee, session=world.session)
    for j in world.judges:
        score(world, j, slot)
    services.lock_scores(slot, actor=committee)
    services.next_slot(actor=committee, session=world.session)
    assert refresh(world.session).current_slot_id == slots[1].pk
    services.end_session(actor=committee, session=world.session)
    with pytest.raises(Refused, match="已结束"):
        services.start_presentation(actor=committee, slot=slots[1])


def test_one_time_join_link(world):
    judge = world.judges[0]
    seat = services.use_join_link(token=judge.join_token)
    assert seat.pk == judge.pk and refresh(judge).join_token_used_at is not None
    with pytest.raises(Refused, match="已经使用"):
        services.use_join_link(token=judge.join_token)
    with pytest.raises(Refused, match="无效"):
        services.use_join_link(token="nope")


def test_live_state_is_constant_in_queries(world, committee, clock, django_assert_max_num_queries):
    slot = to_scoring(world, world.session.slots.first(), committee, clock)
    for j in world.judges:
        score(world, j, slot)
    bigger = final_world(finalists=12, judges=9)
    big_slot = to_scoring(bigger, bigger.session.slots.first(), committee, clock)
    for j in bigger.judges:
        score(bigger, j, big_slot)
    for w in (world, bigger):
        session = RoadshowSession.objects.select_related("edition").get(pk=w.session.pk)
        with django_assert_max_num_queries(6):
            q.live_state(session, audience=q.CONSOLE)
        session = RoadshowSession.objects.select_related("edition").get(pk=w.session.pk)
        with django_assert_max_num_queries(5):
            q.live_state(session, audience=q.JUDGE, judge=w.judges[0])
    version = refresh(world.session).version
    with django_assert_max_num_queries(1):
        assert q.session_version(screen_token=world.session.screen_token) == version


def test_judge_sees_their_own_score_state_and_the_screen_the_running_ranking(world, committee, clock):
    final_settings(world.edition)
    FinalSettings.objects.filter(edition=world.edition).update(show_running_ranking=True)
    slot = to_scoring(world, world.session.slots.first(), committee, clock)
    j1, j2, j3 = world.judges
    stored, _ = score(world, j1, slot, (27, 22, 22, 17))
    mine = q.live_state(refresh(world.session), audience=q.JUDGE, judge=j1)["slot"]["my_score"]
    assert mine == {"state": "received", "total": "88.00", "items": stored.items, "key": str(stored.idempotency_key)}
    assert q.live_state(refresh(world.session), audience=q.JUDGE, judge=j2)["slot"]["my_score"] is None
    score(world, j2, slot, (28, 24, 23, 17))
    score(world, j3, slot, (25, 20, 20, 14))
    services.lock_scores(slot, actor=committee)
    assert q.live_state(refresh(world.session), audience=q.JUDGE, judge=j1)["slot"]["my_score"]["state"] == "locked"
    screen = q.live_state(refresh(world.session), audience=q.SCREEN)
    assert "scores" not in screen["slot"] and "result" not in screen["slot"]  # not before the reveal
    assert screen["ranking"] == []
    services.reveal_scores(actor=committee, slot=slot)
    screen = q.live_state(refresh(world.session), audience=q.SCREEN)
    assert screen["ranking"] == [{"rank": 1, "title": world.finalists[0].title,
                                  "unit": world.finalists[0].declaring_unit.name, "result": "88.00"}]
    assert "judges" not in screen and "name" not in str(screen["slot"].get("scores"))
