"""Bulk actions of the two queues (issue 9 item 13): services.screen_entries and services.decide_entries.

Each entry goes through the one transition function in its own transaction; one that may not move is
reported with the reason and the others move; what is given once (reason, opinion, rule, date) is
checked before anything moves.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from wuxiao.accounts.models import Role
from wuxiao.common.exceptions import InvalidInput, Refused
from wuxiao.common.models import AuditLog
from wuxiao.entries import services as entry_services
from wuxiao.entries.models import Entry, EntryTransition
from wuxiao.notifications.models import Notification
from wuxiao.screening import services
from wuxiao.screening.models import Batch, QuotaException

from .. import factories
from .review_fixtures import batch, recommended  # noqa: F401
from .screen_fixtures import _media, entry_of, other_recommender  # noqa: F401

pytestmark = pytest.mark.django_db

FULL = "推荐名额已满："


def _screen(actor, edition, unit, entries, action, reason="", data=None):
    return services.screen_entries(actor=actor, edition=edition, unit=unit, entry_ids=[e.pk for e in entries],
                                   action=action, reason=reason, data=data)


def _status(entry) -> str:
    entry.refresh_from_db()
    return entry.status


# --- The recommending unit's queue ------------------------------------------------------------------

def test_return_several_each_with_history_audit_and_notification(recommender, declarer, edition, recommending_unit,
                                                                  entry_of):
    a, b = entry_of("submitted", title="甲"), entry_of("submitted", title="乙")
    results = _screen(recommender, edition, recommending_unit, [a, b], "return", "请补充效益证明。")
    assert [(r.entry_id, r.moved, r.status) for r in results] == [(a.pk, True, "returned"), (b.pk, True, "returned")]
    for entry in (a, b):
        step = EntryTransition.objects.get(entry=entry, action="return")
        assert (step.reason, step.actor) == ("请补充效益证明。", recommender)
        assert AuditLog.objects.filter(action="entry.return", object_id=str(entry.pk)).exists()
    assert Notification.objects.filter(event="entry.return", user=declarer).count() == 2
    assert Batch.objects.get(edition=edition, unit=recommending_unit).version == 2  # screen_entry bumps per entry


def test_mixed_results_one_refused_the_others_moved(recommender, edition, recommending_unit, entry_of):
    first, done, last = entry_of("submitted", title="一"), entry_of("recommended", recommendation_rank=1), \
        entry_of("submitted", title="三")
    results = _screen(recommender, edition, recommending_unit, [first, done, last], "not_recommend", "不符合要求")
    assert [r.moved for r in results] == [True, False, True]
    refused = results[1]
    assert refused.title == done.title and refused.status == "recommended"
    assert refused.message == "作品当前状态为“已推荐”，不能执行“不予推荐”操作。"
    assert (_status(first), _status(done), _status(last)) == ("not_recommended", "recommended", "not_recommended")
    assert not EntryTransition.objects.filter(entry=done, action="not_recommend").exists()


def test_recommend_takes_the_next_ranks_in_the_order_given_until_the_quota(recommender, edition, recommending_unit,
                                                                           entry_of):
    edition.recommendation_quota = 4
    edition.save(update_fields=["recommendation_quota"])
    entry_of("recommended", recommendation_rank=1)
    entry_of("recommended", recommendation_rank=3)
    a, b, c = (entry_of("submitted", title=t) for t in ("甲", "乙", "丙"))
    results = _screen(recommender, edition, recommending_unit, [c, a, b], "recommend", data={"opinion": "同意推荐"})
    assert [(r.entry_id, r.moved, r.recommendation_rank) for r in results[:2]] == [(c.pk, True, 2), (a.pk, True, 4)]
    assert results[2].moved is False and results[2].message.startswith(FULL)
    assert "本单位名额 4 项（通知附件1“六、工作要求”（三）：原则上择优推荐不超过 4 项），现已推荐 4 项" in results[2].message
    assert _status(b) == "submitted"
    for entry, rank in ((c, 2), (a, 4)):
        entry.refresh_from_db()
        assert entry.recommendation_rank == rank
        assert EntryTransition.objects.get(entry=entry, action="recommend").data == {"opinion": "同意推荐",
                                                                                   "rank": rank}


def test_a_quota_exception_counts_in_bulk(committee, recommender, edition, recommending_unit, entry_of):
    edition.recommendation_quota = 1
    edition.save(update_fields=["recommendation_quota"])
    QuotaException.objects.create(edition=edition, unit=recommending_unit, extra=1, reason="企业多",
                                  granted_by=committee)
    entries = [entry_of("submitted") for _ in range(3)]
    results = _screen(recommender, edition, recommending_unit, entries, "recommend", data={"opinion": "同意"})
    assert [r.moved for r in results] == [True, True, False]
    assert [r.recommendation_rank for r in results[:2]] == [1, 2]


def test_other_units_entries_and_unknown_ids_are_reported_not_touched(recommender, edition, recommending_unit,
                                                                      entry_of):
    own = entry_of("submitted")
    foreign = factories.EntryFactory(edition=edition, status="submitted", title="别家的秘密作品")
    draft = entry_of("draft", title="草稿")
    results = services.screen_entries(actor=recommender, edition=edition, unit=recommending_unit,
                                      entry_ids=[foreign.pk, own.pk, draft.pk, 10**12], action="return",
                                      reason="请修改")
    assert [(r.moved, r.title) for r in results] == [(False, ""), (True, own.title), (False, ""), (False, "")]
    assert results[0].message == "该作品不在此队列中，未作处理。"
    assert (_status(foreign), _status(draft)) == ("submitted", "draft")


def test_duplicates_are_handled_once_in_the_order_given(recommender, edition, recommending_unit, entry_of):
    a, b = entry_of("submitted"), entry_of("submitted")
    results = services.screen_entries(actor=recommender, edition=edition, unit=recommending_unit,
                                      entry_ids=[b.pk, a.pk, b.pk], action="return", reason="请修改")
    assert [r.entry_id for r in results] == [b.pk, a.pk]


@pytest.mark.parametrize("action,reason,data,field,message", [
    ("return", "", None, "reason", "请填写退回修改意见。"),
    ("not_recommend", "  ", None, "reason", "请填写不予推荐的理由。"),
    ("recommend", "", {"opinion": " "}, "opinion", "推荐单位意见"),
    ("return", "x" * 2001, None, "reason", "2000"),
])
def test_missing_input_refuses_the_whole_step_before_anything_moves(recommender, edition, recommending_unit,
                                                                     entry_of, action, reason, data, field,
                                                                     message):
    entry = entry_of("submitted")
    with pytest.raises(InvalidInput) as invalid:
        _screen(recommender, edition, recommending_unit, [entry], action, reason, data)
    assert list(invalid.value.errors) == [field]
    assert message in invalid.value.errors[field][0]
    assert _status(entry) == "submitted" and not EntryTransition.objects.filter(entry=entry).exists()


def test_nothing_selected(recommender, edition, recommending_unit):
    with pytest.raises(InvalidInput) as invalid:
        services.screen_entries(actor=recommender, edition=edition, unit=recommending_unit, entry_ids=[],
                                action="return", reason="请修改")
    assert invalid.value.errors == {"entry_ids": ["请至少选择一项作品。"]}


def test_too_many_selected(recommender, edition, recommending_unit):
    with pytest.raises(InvalidInput) as invalid:
        services.screen_entries(actor=recommender, edition=edition, unit=recommending_unit,
                                entry_ids=list(range(1, services.BULK_MAX + 2)), action="return", reason="请修改")
    assert list(invalid.value.errors) == ["entry_ids"]


def test_only_the_units_staff_screen_its_entries(other_recommender, committee, declarer, edition, recommending_unit,
                                                 entry_of):
    entry = entry_of("submitted")
    for actor in (other_recommender, committee, declarer):
        with pytest.raises(PermissionDenied):
            _screen(actor, edition, recommending_unit, [entry], "return", "请修改")
    assert _status(entry) == "submitted"


def test_a_unit_action_not_offered_in_bulk_is_refused(recommender, edition, recommending_unit, entry_of):
    entry = entry_of("recommended", recommendation_rank=1)
    with pytest.raises(InvalidInput) as invalid:
        _screen(recommender, edition, recommending_unit, [entry], "unrecommend", "撤回")
    assert list(invalid.value.errors) == ["action"]


def test_a_handed_over_batch_refuses_each_entry_with_the_reason(recommender, edition, recommending_unit, entry_of):
    Batch.objects.create(edition=edition, unit=recommending_unit, submitted_at=timezone.now())
    entries = [entry_of("submitted"), entry_of("submitted")]
    results = _screen(recommender, edition, recommending_unit, entries, "return", "请修改")
    assert [r.moved for r in results] == [False, False]
    assert all("已提交组委会" in r.message for r in results)


@pytest.mark.django_db(transaction=True)
def test_each_entry_in_its_own_transaction(monkeypatch, tmp_path, settings):
    """A failure after an entry's history was written undoes that entry only; the ones before stay committed."""
    settings.MEDIA_ROOT = str(tmp_path)
    edition = factories.EditionFactory()
    declaring_unit = factories.DeclaringUnitFactory()
    unit = declaring_unit.parent
    staff = factories.user_with_role(Role.RECOMMENDER, unit)
    a, b, c = (factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status="submitted")
               for _ in range(3))
    real = entry_services.notify_transition

    def failing_for_b(*, entry, **kwargs):
        real(entry=entry, **kwargs)
        if entry.pk == b.pk:  # after the entry, its history and audit row were written
            raise Refused("通知发送失败")

    monkeypatch.setattr(entry_services, "notify_transition", failing_for_b)
    results = services.screen_entries(actor=staff, edition=edition, unit=unit, entry_ids=[a.pk, b.pk, c.pk],
                                      action="return", reason="请修改")
    assert [r.moved for r in results] == [True, False, True]
    assert results[1].message == "通知发送失败"
    assert Entry.objects.get(pk=b.pk).status == "submitted"
    assert not EntryTransition.objects.filter(entry_id=b.pk).exists()
    assert not AuditLog.objects.filter(action="entry.return", object_id=str(b.pk)).exists()
    assert {e.status for e in Entry.objects.filter(pk__in=[a.pk, c.pk])} == {"returned"}
    assert EntryTransition.objects.filter(entry_id__in=[a.pk, c.pk], action="return").count() == 2


# --- The committee office's eligibility queue --------------------------------------------------------

def _decide(actor, edition, entries, action, reason="", data=None):
    return services.decide_entries(actor=actor, edition=edition, entry_ids=[e.pk for e in entries], action=action,
                                   reason=reason, data=data)


def test_accept_several_and_refuse_those_whose_checklist_fails(committee, edition, recommended):
    good, unstamped, other_good = recommended(title="好"), recommended(stamped=False, title="缺扫描件"), recommended()
    results = _decide(committee, edition, [good, unstamped, other_good], "accept")
    assert [r.moved for r in results] == [True, False, True]
    assert results[1].message.startswith("形式审查以下项目未通过：")
    assert "申报表扫描件" in results[1].message and results[1].field == "confirm_failed_checks"
    assert (_status(good), _status(unstamped), _status(other_good)) == ("in_review", "recommended", "in_review")
    assert EntryTransition.objects.get(entry=good, action="accept").data == {}


def test_accept_despite_failed_checks_with_confirmation_and_reason(committee, edition, recommended):
    good, unstamped = recommended(), recommended(stamped=False)
    results = _decide(committee, edition, [good, unstamped], "accept", "纸质盖章件已现场核验",
                      {"confirm_failed_checks": True})
    assert [r.moved for r in results] == [True, True]
    step = EntryTransition.objects.get(entry=unstamped, action="accept")
    assert step.reason == "纸质盖章件已现场核验"
    assert step.data == {"failed_checks": ["stamped_form"], "confirm_failed_checks": True,
                         "override_reason": "纸质盖章件已现场核验"}
    assert EntryTransition.objects.get(entry=good, action="accept").data == {}


def test_confirmation_without_a_reason_is_refused_beside_the_reason(committee, edition, recommended):
    entry = recommended(stamped=False)
    with pytest.raises(InvalidInput) as invalid:
        _decide(committee, edition, [entry], "accept", "", {"confirm_failed_checks": True})
    assert invalid.value.errors == {"reason": ["请填写形式审查未通过仍予受理的理由。"]}
    assert _status(entry) == "recommended"


def test_ineligible_in_bulk_records_rule_and_reason(committee, declarer, edition, recommended):
    a, b = recommended(), recommended()
    results = _decide(committee, edition, [a, b], "declare_ineligible", "属于已获奖项目", {"rule": "r4.3"})
    assert all(r.moved and r.status == "ineligible" for r in results)
    step = EntryTransition.objects.get(entry=b, action="declare_ineligible")
    assert step.data["rule"] == "R4.3" and step.data["rule_text"] and step.reason == "属于已获奖项目"
    assert Notification.objects.filter(event="entry.declare_ineligible", user=declarer).count() == 2


def test_correction_in_bulk_with_a_date(committee, edition, recommended):
    a, b = recommended(), recommended()
    due = timezone.localdate() + dt.timedelta(days=5)
    results = _decide(committee, edition, [a, b], "request_correction", "补充盖章件", {"due_date": due.isoformat()})
    assert [(r.moved, r.status, r.recommendation_rank) for r in results] == [(True, "submitted", None)] * 2
    assert EntryTransition.objects.get(entry=a, action="request_correction").data == {"due_date": due.isoformat()}


@pytest.mark.parametrize("action,reason,data,field", [
    ("declare_ineligible", "不符合", {"rule": ""}, "rule"),
    ("declare_ineligible", "不符合", {"rule": "R9"}, "rule"),
    ("declare_ineligible", "", {"rule": "R1"}, "reason"),
    ("request_correction", "补正", {"due_date": ""}, "due_date"),
    ("request_correction", "补正", {"due_date": "2000-01-01"}, "due_date"),
    ("request_correction", "补正", {"due_date": "明天"}, "due_date"),
    ("request_correction", "", {"due_date": "2099-01-01"}, "reason"),
])
def test_review_input_refused_once_before_anything_moves(committee, edition, recommended, action, reason, data,
                                                         field):
    entry = recommended()
    with pytest.raises(InvalidInput) as invalid:
        _decide(committee, edition, [entry], action, reason, data)
    assert list(invalid.value.errors) == [field]
    assert _status(entry) == "recommended"


def test_entries_outside_the_handed_over_batches_are_not_in_the_queue(committee, edition, recommended, entry_of):
    queued = recommended()
    not_handed_over = factories.EntryFactory(edition=edition, status="recommended", recommendation_rank=1)
    results = _decide(committee, edition, [not_handed_over, queued], "accept")
    assert [(r.moved, r.title) for r in results] == [(False, ""), (True, queued.title)]
    assert _status(not_handed_over) == "recommended"


def test_only_the_committee_decides(recommender, declarer, expert, edition, recommended):
    entry = recommended()
    for actor in (recommender, declarer, expert):
        with pytest.raises(PermissionDenied):
            _decide(actor, edition, [entry], "accept")
    assert _status(entry) == "recommended"


def test_site_administrator_decides_as_the_committee(site_admin, edition, recommended):
    entry = recommended()
    assert _decide(site_admin, edition, [entry], "accept")[0].moved is True
