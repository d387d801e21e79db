"""The schedule's services (R8): the draw is recorded and reproduces from its seed, a draw after publication is
refused, planned times, publishing notifies the units, the rubric locks once scores exist; every decision audited."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from wuxiao.accounts.models import Role
from wuxiao.common.exceptions import Refused
from wuxiao.common.models import AuditLog
from wuxiao.finals import queries_schedule as q
from wuxiao.finals import scoring
from wuxiao.finals import services_schedule as services
from wuxiao.finals.models import FinalCriterion, FinalStage, OrderMethod, RoadshowScore, Slot
from wuxiao.finals.queries import final_rubric, final_settings
from wuxiao.notifications.models import Notification

from .helpers import final_world, make_expert, make_finalists

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(committee):
    return final_world(finalists=6, judges=3, with_session=False)


def new_session(world, committee, **kw):
    starts = timezone.make_aware(dt.datetime(2025, 9, 20, 8, 30))
    return services.create_session(actor=committee, edition=world.edition, name=kw.pop("name", "第一场"),
                                   starts_at=starts, venue="郑州市职工服务中心", **kw)


def filled_session(world, committee):
    session = new_session(world, committee)
    services.add_finalists(actor=committee, session=session, entry_ids=[e.pk for e in world.finalists])
    return session


def actions(action):
    return list(AuditLog.objects.filter(action=action).order_by("id"))


def test_the_draw_is_recorded_and_reproduces_from_its_seed(world, committee):
    session = filled_session(world, committee)
    order = services.run_draw(actor=committee, session=session)
    session.refresh_from_db()
    ids = sorted(e.pk for e in world.finalists)
    assert session.order_method == OrderMethod.DRAW
    assert 0 <= session.draw_seed < 2**31 and session.draw_by == committee and session.draw_at is not None
    assert session.draw_result["input"] == ids and session.draw_result["output"] == order
    # The same seed and input give the same order, by the pure function anyone can run.
    assert scoring.draw_order(ids, session.draw_seed) == order
    assert list(Slot.objects.filter(session=session).order_by("position").values_list("entry_id", flat=True)) == order
    check = q.draw_check(session)
    assert check.matches and check.in_force and check.recomputed == order
    (log,) = actions("finals.draw")
    assert log.actor == committee and log.data == {"seed": session.draw_seed, "input": ids, "output": order}


def test_a_given_seed_gives_the_known_order(world, committee):
    session = filled_session(world, committee)
    ids = sorted(e.pk for e in world.finalists)
    assert services.run_draw(actor=committee, session=session, seed=20250920) == scoring.draw_order(ids, 20250920)


def test_a_tampered_record_does_not_verify(world, committee):
    session = filled_session(world, committee)
    services.run_draw(actor=committee, session=session, seed=7)
    session.refresh_from_db()
    session.draw_result = {**session.draw_result, "output": list(reversed(session.draw_result["output"]))}
    session.save()
    check = q.draw_check(session)
    assert not check.matches and not check.in_force


def test_a_draw_after_publication_is_refused_and_changes_nothing(world, committee):
    session = filled_session(world, committee)
    order = services.run_draw(actor=committee, session=session, seed=11)
    services.publish_order(actor=committee, session=session)
    with pytest.raises(Refused) as refused:
        services.run_draw(actor=committee, session=session)
    assert str(refused.value.message) == "本场的出场顺序已公布，不能再重新抽签。"
    session.refresh_from_db()
    assert session.draw_seed == 11 and session.draw_result["output"] == order
    assert len(actions("finals.draw")) == 1
    for change in (lambda: services.order_by_group(actor=committee, session=session),
                   lambda: services.remove_slot(actor=committee, slot=session.slots.first())):
        with pytest.raises(Refused):
            change()


def test_planned_times_follow_the_slot_length(world, committee):
    settings = final_settings(world.edition)
    settings.qa_minutes, settings.changeover_minutes = 3, 2
    settings.save()
    session = filled_session(world, committee)
    services.order_by_group(actor=committee, session=session)
    slots = q.session_slots(session)
    # R8: 5 minutes' presentation + 3 of questions + 2 of changeover = a slot every 10 minutes.
    assert [timezone.localtime(s.planned_start).strftime("%H:%M") for s in slots] == [
        "08:30", "08:40", "08:50", "09:00", "09:10", "09:20"]
    services.update_session(actor=committee, session=session,
                            values={"starts_at": timezone.make_aware(dt.datetime(2025, 9, 20, 14, 0))})
    assert timezone.localtime(q.session_slots(session)[2].planned_start).strftime("%H:%M") == "14:20"


def test_order_by_group_is_category_industry_title(world, committee):
    categories = list(world.edition.categories.order_by("position"))
    a, b, c, d, e, f = world.finalists
    for entry, category, industry, title in ((a, 1, "3421", "乙"), (b, 0, "3421", "丙"), (c, 0, "2511", "丁"),
                                             (d, 1, "3421", "甲"), (e, 0, "3421", "甲"), (f, None, "2511", "戊")):
        entry.category = categories[category] if category is not None else None
        entry.industry_id, entry.title = industry, title
        entry.save()
    session = filled_session(world, committee)
    order = services.order_by_group(actor=committee, session=session)
    # Titles compare by their characters' code points (丙 U+4E19 < 甲 U+7532; 乙 U+4E59 < 甲).
    assert order == [c.pk, b.pk, e.pk, a.pk, d.pk, f.pk]


def test_publish_notifies_each_declaring_unit_of_its_slot(world, committee):
    units = {}
    for entry in world.finalists:
        units[entry.pk] = factories.user_with_role(Role.DECLARER, entry.declaring_unit)
    other = factories.user_with_role(Role.DECLARER)
    session = filled_session(world, committee)
    services.order_by_group(actor=committee, session=session)
    services.publish_order(actor=committee, session=session)
    session.refresh_from_db()
    assert session.order_published_at is not None and session.order_published_by == committee
    for slot in q.session_slots(session):
        (note,) = Notification.objects.filter(user=units[slot.entry_id], event="finals.slot_published")
        assert slot.entry.title in note.title and note.url == f"/finals/entry/{slot.entry_id}/slot/"
        planned = timezone.localtime(slot.planned_start).strftime("%Y-%m-%d %H:%M")
        assert f"第{slot.position}位" in note.body or str(slot.position) in note.body
        assert planned in note.body and "郑州市职工服务中心" in note.body
        assert slot.notified_at is not None
    assert not Notification.objects.filter(user=other).exists()
    assert actions("finals.publish_order")[0].data["order"] == [s.entry_id for s in q.session_slots(session)]
    with pytest.raises(Refused):
        services.publish_order(actor=committee, session=session)


def test_finalists_only_once_and_within_the_group(world, committee):
    category = world.edition.categories.order_by("position").first()
    other = world.edition.categories.order_by("position").last()
    first, second = world.finalists[:2]
    first.category = category
    first.save()
    second.category = other
    second.save()
    session = new_session(world, committee, group_category=category)
    with pytest.raises(Refused) as refused:
        services.add_finalists(actor=committee, session=session, entry_ids=[second.pk])
    assert refused.value.field == "entries"
    services.add_finalists(actor=committee, session=session, entry_ids=[first.pk])
    later = new_session(world, committee, name="第二场")
    with pytest.raises(Refused):
        services.add_finalists(actor=committee, session=later, entry_ids=[first.pk])
    not_finalist = factories.EntryFactory(edition=world.edition)
    with pytest.raises(Refused):
        services.add_finalists(actor=committee, session=later, entry_ids=[not_finalist.pk])


def test_judges_seats_and_pool(world, committee):
    session = new_session(world, committee)
    judges = [services.add_judge(actor=committee, session=session, expert=x) for x in world.experts]
    assert [j.seat for j in judges] == [1, 2, 3]
    with pytest.raises(Refused):
        services.add_judge(actor=committee, session=session, expert=world.experts[0])
    foreign = make_expert(factories.EditionFactory(), 99)
    with pytest.raises(Refused):
        services.add_judge(actor=committee, session=session, expert=foreign)
    services.remove_judge(actor=committee, judge=judges[0])
    assert list(session.judges.order_by("seat").values_list("expert_id", "seat")) == [
        (world.experts[1].pk, 1), (world.experts[2].pk, 2)]
    assert [a.data["seat"] for a in actions("finals.add_judge")] == [1, 2, 3]


def test_settings_change_is_audited(world, committee):
    services.update_final_settings(actor=committee, edition=world.edition, values={
        "qa_minutes": 4, "roadshow_weight": Decimal("0.6"), "site_weight": Decimal("0.4")})
    settings = final_settings(world.edition)
    settings.refresh_from_db()
    assert (settings.qa_minutes, settings.roadshow_weight, settings.site_weight) == (4, Decimal("0.6"),
                                                                                     Decimal("0.4"))
    assert actions("finals.update_settings")[0].data["changes"]["qa_minutes"] == [3, 4]


def test_rubric_refuses_changes_once_a_score_exists(world, committee):
    criterion = world.roadshow_criteria[0]
    session = filled_session(world, committee)
    judge = services.add_judge(actor=committee, session=session, expert=world.experts[0])
    slot = session.slots.first()
    RoadshowScore.objects.create(slot=slot, session=session, entry=slot.entry, judge=judge, items={}, total=80,
                                 idempotency_key=uuid.uuid4())
    message = "本环节已有评委按此评分标准打分，不能再修改评分标准，以保证每个作品按同一标准评分。"
    for change in (lambda: services.save_criterion(actor=committee, edition=world.edition, stage=FinalStage.ROADSHOW,
                                                   name="新指标", max_points=10),
                   lambda: services.delete_criterion(actor=committee, criterion=criterion),
                   lambda: services.move_criterion(actor=committee, criterion=criterion, up=False)):
        with pytest.raises(Refused) as refused:
            change()
        assert str(refused.value.message) == message
    # The site rubric has no score yet: it still changes.
    services.save_criterion(actor=committee, edition=world.edition, stage=FinalStage.SITE, name="安全", max_points=5)
    # A cleared score no longer locks it.
    RoadshowScore.objects.update(cleared_at=timezone.now())
    services.delete_criterion(actor=committee, criterion=criterion)


def test_default_rubric_only_when_empty_and_reorder(committee):
    world = final_world(finalists=1, judges=0, with_session=False)
    FinalCriterion.objects.filter(edition=world.edition).delete()
    made = services.use_default_rubric(actor=committee, edition=world.edition, stage=FinalStage.ROADSHOW)
    assert [c.name for c in made] == ["创新性", "实用性", "经济和社会效益", "现场展示与答辩"]
    assert sum(c.max_points for c in made) == 100
    with pytest.raises(Refused):
        services.use_default_rubric(actor=committee, edition=world.edition, stage=FinalStage.ROADSHOW)
    services.move_criterion(actor=committee, criterion=made[2], up=True)
    assert [c.name for c in final_rubric(world.edition, FinalStage.ROADSHOW)] == [
        "创新性", "经济和社会效益", "实用性", "现场展示与答辩"]
    with pytest.raises(Refused) as refused:
        services.save_criterion(actor=committee, edition=world.edition, stage=FinalStage.ROADSHOW, name="实用性",
                                max_points=5)
    assert refused.value.field == "name"


def test_sessions_list_is_constant_in_queries(world, committee, django_assert_max_num_queries):
    for n in range(4):
        session = new_session(world, committee, name=f"第{n}场")
        services.add_judge(actor=committee, session=session, expert=world.experts[n % 3])
    make_finalists(world.edition, 2)
    with django_assert_max_num_queries(1):
        rows = list(q.sessions(world.edition))
        assert [r.n_judges for r in rows] == [1, 1, 1, 1]
