"""The guards of the transitions: deadlines (R15, R6), the quota (R6), completeness, and what each
decision must record (R23 opinion and rank, R1–R4 rule, correction date, R11 tier, R12 date)."""

import datetime as dt

import pytest
from django.utils import timezone

from wuxiao.common.exceptions import Refused
from wuxiao.competitions.models import Exclusion, PrizeTier
from wuxiao.competitions.presets import beijing
from wuxiao.entries.models import Entry, EntryTransition
from wuxiao.entries.services import transition_entry
from wuxiao.screening.queries import correction_due

from .. import factories
from .test_transitions import assert_unchanged, audit_rows, history, refuse

pytestmark = pytest.mark.django_db

SECOND = dt.timedelta(seconds=1)
DEADLINE = beijing(2025, 3, 28, 17, 30)  # R15 of the 2025 notice


@pytest.fixture
def zz_edition(clock):
    """An edition with the 2025 notice's deadline for declaring and recommending alike."""
    clock.now = DEADLINE - dt.timedelta(days=5)
    return factories.EditionFactory(declaration_opens_at=beijing(2025, 3, 10), declaration_deadline=DEADLINE,
                                    recommendation_deadline=DEADLINE)


@pytest.fixture
def zz_entry(zz_edition, declaring_unit):
    def make(status="draft", **kwargs):
        return factories.EntryFactory(edition=zz_edition, declaring_unit=declaring_unit, status=status, **kwargs)

    return make


# --- R15: the declaration deadline, to the second ---------------------------------------

def test_submit_one_second_before_the_deadline_works(zz_entry, declarer, clock):
    entry = zz_entry("draft")
    clock.now = DEADLINE - SECOND
    transition_entry(entry=entry, action="submit", actor=declarer)
    assert Entry.objects.get(pk=entry.pk).status == "submitted"
    assert Entry.objects.get(pk=entry.pk).submitted_at == DEADLINE - SECOND


@pytest.mark.parametrize("after", [dt.timedelta(0), SECOND, dt.timedelta(days=3)])
def test_submit_at_or_after_the_deadline_is_refused(after, zz_entry, declarer, clock):
    entry = zz_entry("returned")
    clock.now = DEADLINE + after
    refused = refuse(entry, "submit", declarer)
    assert str(refused.message) == "申报截止时间（通知附件1“七、报名时间及联系方式”）2025-03-28 17:30 已过，不能再提交作品。"


def test_deadline_one_second_ago_with_the_real_clock(declaring_unit, declarer):
    edition = factories.EditionFactory(declaration_deadline=timezone.now() - SECOND)
    entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit)
    refused = refuse(entry, "submit", declarer)
    assert "已过，不能再提交作品" in str(refused.message) and "（通知附件1“七、报名时间及联系方式”）" in str(refused.message)


def test_submit_before_declaration_opens_is_refused(zz_entry, declarer, clock):
    entry = zz_entry("draft")
    clock.now = beijing(2025, 3, 10) - SECOND
    refused = refuse(entry, "submit", declarer)
    assert str(refused.message) == "申报将于 2025-03-10 00:00 开始。"


def test_withdraw_after_the_deadline_is_allowed(zz_entry, declarer, clock):
    """The table's guard is "not yet decided": a unit may still pull out, though not come back."""
    entry = zz_entry("submitted")
    clock.now = DEADLINE + SECOND
    transition_entry(entry=entry, action="withdraw", actor=declarer, reason="发现涉及商业秘密")
    assert Entry.objects.get(pk=entry.pk).status == "draft"
    refuse(entry, "submit", declarer)


# --- the recommendation deadline -------------------------------------------------------

@pytest.mark.parametrize(("action", "status", "reason", "data"), [
    ("return", "submitted", "请补充数据", {}),
    ("recommend", "submitted", "", {"opinion": "同意推荐"}),
    ("unrecommend", "recommended", "调整名单", {}),
])
def test_screening_after_the_recommendation_deadline_is_refused(action, status, reason, data, zz_entry,
                                                                recommender, clock):
    entry = zz_entry(status)
    clock.now = DEADLINE
    refused = refuse(entry, action, recommender, reason=reason, data=data)
    assert str(refused.message) == "推荐截止时间（通知附件1“六、工作要求”（三））2025-03-28 17:30 已过，不能再退回、推荐或撤回推荐。"


@pytest.mark.parametrize(("action", "status", "reason", "data"), [
    ("return", "submitted", "请补充数据", {}),
    ("recommend", "submitted", "", {"opinion": "同意推荐"}),
    ("unrecommend", "recommended", "调整名单", {}),
])
def test_screening_one_second_before_the_recommendation_deadline_works(action, status, reason, data, zz_entry,
                                                                       recommender, clock):
    entry = zz_entry(status)
    clock.now = DEADLINE - SECOND
    transition_entry(entry=entry, action=action, actor=recommender, reason=reason, data=data)
    assert len(history(entry)) == 1


def test_not_recommending_after_the_deadline_is_allowed(zz_entry, recommender, clock):
    entry = zz_entry("submitted")
    clock.now = DEADLINE + SECOND
    transition_entry(entry=entry, action="not_recommend", actor=recommender, reason="效益数据不足")
    assert Entry.objects.get(pk=entry.pk).status == "not_recommended"


# --- R6: the quota ---------------------------------------------------------------------

def recommended(edition, declaring_unit, count, status="recommended"):
    return [factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status=status,
                                   recommendation_rank=i + 1) for i in range(count)]


def test_twentieth_recommendation_works_and_the_twenty_first_is_refused(edition, declaring_unit, recommender,
                                                                         entry_of):
    recommended(edition, declaring_unit, 19)
    twentieth, twenty_first = entry_of("submitted"), entry_of("submitted")
    transition_entry(entry=twentieth, action="recommend", actor=recommender, data={"opinion": "同意推荐"})
    assert twentieth.recommendation_rank == 20

    refused = refuse(twenty_first, "recommend", recommender)
    assert str(refused.message) == ("推荐名额已满：本单位名额 20 项（通知附件1“六、工作要求”（三）：原则上择优推荐不超过 20 项），"
                                    "现已推荐 20 项。如需推荐本作品，请先撤回另一项推荐，或商请组委会办公室同意增加名额。")


def test_entries_the_committee_took_on_still_hold_their_places(edition, declaring_unit, recommender, entry_of):
    recommended(edition, declaring_unit, 5, status="in_review")
    recommended(edition, declaring_unit, 5, status="ineligible")
    recommended(edition, declaring_unit, 5, status="finalist")
    recommended(edition, declaring_unit, 5, status="awarded")
    refused = refuse(entry_of("submitted"), "recommend", recommender)
    assert "现已推荐 20 项" in str(refused.message)


def test_entries_of_other_units_editions_and_states_do_not_count(edition, declaring_unit, recommender, entry_of):
    other_unit = factories.DeclaringUnitFactory()  # attached to another recommending unit
    recommended(edition, other_unit, 20)
    recommended(factories.EditionFactory(), declaring_unit, 20)
    for status in ("draft", "submitted", "returned", "not_recommended"):
        entry_of(status)
    recommended(edition, declaring_unit, 19)
    entry = entry_of("submitted")
    transition_entry(entry=entry, action="recommend", actor=recommender, data={"opinion": "同意推荐"})
    assert Entry.objects.get(pk=entry.pk).status == "recommended"


def test_the_editions_quota_is_respected(edition, declaring_unit, recommender, entry_of):
    edition.recommendation_quota = 3
    edition.save()
    recommended(edition, declaring_unit, 2)
    third = entry_of("submitted")
    transition_entry(entry=third, action="recommend", actor=recommender, data={"opinion": "同意推荐"})
    assert third.recommendation_rank == 3
    refused = refuse(entry_of("submitted"), "recommend", recommender)
    assert str(refused.message) == ("推荐名额已满：本单位名额 3 项（通知附件1“六、工作要求”（三）：原则上择优推荐不超过 3 项），"
                                    "现已推荐 3 项。如需推荐本作品，请先撤回另一项推荐，或商请组委会办公室同意增加名额。")


def test_taking_back_a_recommendation_frees_its_place_and_rank(edition, declaring_unit, recommender, entry_of):
    edition.recommendation_quota = 3
    edition.save()
    first, second, third = recommended(edition, declaring_unit, 3)
    transition_entry(entry=second, action="unrecommend", actor=recommender, reason="调整推荐名单")
    assert Entry.objects.get(pk=second.pk).recommendation_rank is None
    newcomer = entry_of("submitted")
    transition_entry(entry=newcomer, action="recommend", actor=recommender, data={"opinion": "同意推荐"})
    assert newcomer.recommendation_rank == 2  # the first free rank


@pytest.mark.parametrize("rank", [0, -1, 21, "abc", "2.5", 2.5, True])
def test_rank_must_be_a_whole_number_within_the_quota(rank, recommender, entry_of):
    entry = entry_of("submitted")
    refused = refuse(entry, "recommend", recommender, data={"opinion": "同意推荐", "rank": rank})
    assert str(refused.message) == "推荐排序须为 1 至 20 之间的整数。"
    assert refused.field == "rank"


@pytest.mark.parametrize("rank", [None, ""])
def test_no_rank_means_the_next_free_rank(rank, recommender, entry_of):
    entry = entry_of("submitted")
    transition_entry(entry=entry, action="recommend", actor=recommender, data={"opinion": "同意推荐", "rank": rank})
    assert entry.recommendation_rank == 1
    assert history(entry)[0].data == {"opinion": "同意推荐", "rank": 1}


def test_rank_already_given_is_refused(edition, declaring_unit, recommender, entry_of):
    [holder] = recommended(edition, declaring_unit, 1)
    refused = refuse(entry_of("submitted"), "recommend", recommender, data={"opinion": "同意推荐", "rank": "1"})
    assert str(refused.message) == f"推荐排序第 1 位已由作品“{holder.title}”占用。"


def test_rank_given_as_text_is_recorded_as_a_number(recommender, entry_of):
    entry = entry_of("submitted")
    transition_entry(entry=entry, action="recommend", actor=recommender, data={"opinion": " 同意推荐 ", "rank": " 7 "})
    assert Entry.objects.get(pk=entry.pk).recommendation_rank == 7
    assert history(entry)[0].data == {"opinion": "同意推荐", "rank": 7}


@pytest.mark.parametrize("opinion", [None, "", "  "])
def test_recommend_needs_the_recommending_units_opinion(opinion, recommender, entry_of):
    data = {} if opinion is None else {"opinion": opinion}
    refused = refuse(entry_of("submitted"), "recommend", recommender, data=data)
    assert str(refused.message) == "请填写推荐单位意见（通知附件2申报表）。"
    assert refused.field == "opinion"


# --- completeness ------------------------------------------------------------------------

def test_incomplete_entry_is_refused_listing_what_is_missing(declarer, entry_of):
    refused = refuse(entry_of("draft", category=None), "submit", declarer)
    assert str(refused.message) == "作品信息不完整，缺少：类别。"
    refused = refuse(entry_of("draft", category=None, title="  "), "submit", declarer)
    assert str(refused.message) == "作品信息不完整，缺少：作品名称、类别。"


# --- R1–R4: ineligibility names the rule ----------------------------------------------------

@pytest.mark.parametrize("rule", [None, "", "R5", "R0", "R1.2", "4.3", "R4.", "规则4"])
def test_ineligibility_needs_a_rule_of_r1_to_r4(rule, committee, entry_of):
    data = {} if rule is None else {"rule": rule}
    refused = refuse(entry_of("recommended"), "declare_ineligible", committee, data=data)
    assert str(refused.message) == "请选择不符合的参赛条件：竞赛范围、近三年以来的成果、作品类别，或不列入竞赛范围的某一情形。"
    assert refused.field == "rule"


def test_ineligibility_item_must_be_one_of_the_editions_exclusions(edition, committee, entry_of):
    edition.exclusions.all().delete()  # this edition has only items 1 and 3
    for number, text in [(1, "第一完成人是企业主要负责人"), (3, "已经列入政府有关部门科技计划项目")]:
        Exclusion.objects.create(edition=edition, number=number, text=text, position=number)
    refused = refuse(entry_of("recommended"), "declare_ineligible", committee, data={"rule": "R4.2"})
    assert str(refused.message) == "本届竞赛的不列入竞赛范围的情形中没有第 2 项。"

    entry = entry_of("recommended")
    transition_entry(entry=entry, action="declare_ineligible", actor=committee, reason="已列入市科技计划",
                     data={"rule": " r4.3 "})
    step = history(entry)[0]
    assert step.data == {"rule": "R4.3", "rule_text": "已经列入政府有关部门科技计划项目"}
    assert step.reason == "已列入市科技计划"
    assert audit_rows(entry)[0].data["rule"] == "R4.3"


@pytest.mark.parametrize("rule", ["R1", "R2", "R3", "R4", "R4.7"])
def test_ineligibility_accepts_every_rule(rule, committee, entry_of):
    entry = entry_of("recommended")
    transition_entry(entry=entry, action="declare_ineligible", actor=committee, reason="经核查不符合", data={"rule": rule})
    assert Entry.objects.get(pk=entry.pk).status == "ineligible"


# --- correction by a date (限期补正) -------------------------------------------------------

@pytest.mark.parametrize(("due", "message"), [
    (None, "请填写补正截止日期。"),
    ("", "请填写补正截止日期。"),
    ("2025-13-01", "补正截止日期不是有效的日期。"),
    ("下周五", "补正截止日期不是有效的日期。"),
    ("yesterday", "补正截止日期不是有效的日期。"),
])
def test_correction_needs_a_valid_date(due, message, committee, entry_of):
    data = {} if due is None else {"due_date": due}
    refused = refuse(entry_of("recommended"), "request_correction", committee, data=data)
    assert str(refused.message) == message
    assert refused.field == "due_date"


def test_correction_date_cannot_be_in_the_past(committee, entry_of, clock):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    refused = refuse(entry_of("recommended"), "request_correction", committee, data={"due_date": yesterday})
    assert str(refused.message) == "补正截止日期不能早于今天。"


def test_correction_records_what_and_by_when(committee, entry_of):
    entry = entry_of("recommended", recommendation_rank=5)
    due = timezone.localdate() + dt.timedelta(days=5)
    transition_entry(entry=entry, action="request_correction", actor=committee, reason="补充近三年应用证明",
                     data={"due_date": due})
    step = history(entry)[0]
    assert (step.reason, step.data, step.to_status) == ("补充近三年应用证明", {"due_date": due.isoformat()}, "submitted")
    assert correction_due(entry) == due
    assert Entry.objects.get(pk=entry.pk).recommendation_rank is None


def test_open_correction_extends_the_deadlines_until_its_date(zz_entry, declarer, recommender, committee, clock):
    """After the deadlines the committee asks for a correction by 4 April: the units can act until then."""
    entry = zz_entry("recommended", recommendation_rank=1)
    clock.now = DEADLINE + dt.timedelta(days=2)  # 2025-03-30
    due = dt.date(2025, 4, 4)
    transition_entry(entry=entry, action="request_correction", actor=committee, reason="补充应用证明",
                     data={"due_date": due})
    transition_entry(entry=entry, action="return", actor=recommender, reason="请按组委会要求补充应用证明")
    transition_entry(entry=entry, action="submit", actor=declarer)
    clock.now = beijing(2025, 4, 5) - SECOND  # the last second of the due date
    transition_entry(entry=entry, action="recommend", actor=recommender, data={"opinion": "同意推荐"})
    assert Entry.objects.get(pk=entry.pk).status == "recommended"
    assert correction_due(entry) is None  # answered: the correction is closed

    # once answered, the normal deadline applies again
    with pytest.raises(Refused):
        transition_entry(entry=entry, action="unrecommend", actor=recommender, reason="调整")


def test_correction_date_passed_closes_the_extension(zz_entry, recommender, committee, clock):
    entry = zz_entry("recommended", recommendation_rank=1)
    clock.now = DEADLINE + dt.timedelta(days=2)
    transition_entry(entry=entry, action="request_correction", actor=committee, reason="补充应用证明",
                     data={"due_date": "2025-04-04"})
    clock.now = beijing(2025, 4, 5)
    before = EntryTransition.objects.filter(entry=entry).count()
    with pytest.raises(Refused) as excinfo:
        transition_entry(entry=entry, action="recommend", actor=recommender, data={"opinion": "同意推荐"})
    assert str(excinfo.value.message) == "推荐截止时间（通知附件1“六、工作要求”（三））2025-04-05 00:00 已过，不能再退回、推荐或撤回推荐。"
    assert EntryTransition.objects.filter(entry=entry).count() == before
    assert Entry.objects.get(pk=entry.pk).status == "submitted"


# --- R11: the award names its tier; R12: revocation -------------------------------------------

def test_award_needs_a_tier(committee, entry_of):
    refused = refuse(entry_of("finalist"), "award", committee, data={})
    assert str(refused.message) == "请选择获奖等级（通知附件1“四、奖项设置”）。"
    assert refused.field == "tier"


def test_award_tier_must_be_one_of_the_editions_and_records_the_prize(edition, committee, entry_of):
    PrizeTier.objects.create(edition=edition, name="特等奖", count=3, amount_yuan=20000, position=0)
    PrizeTier.objects.create(edition=edition, name="一等奖", count=10, amount_yuan=15000, position=1)
    refused = refuse(entry_of("finalist"), "award", committee, data={"tier": "优秀奖"})
    assert str(refused.message) == "“优秀奖”不是本届竞赛设定的获奖等级（通知附件1“四、奖项设置”）。"

    entry = entry_of("finalist")
    transition_entry(entry=entry, action="award", actor=committee, data={"tier": "特等奖"})
    assert history(entry)[0].data == {"tier": "特等奖", "amount_yuan": 20000}


def test_revocation_records_reason_date_and_who(committee, entry_of, clock):
    clock.now = beijing(2025, 9, 1, 10)
    entry = entry_of("awarded")
    transition_entry(entry=entry, action="revoke", actor=committee, reason="经查实作品数据造假，收回证书和奖金")
    step = history(entry)[0]
    assert (step.reason, step.data, step.actor, step.at) == (
        "经查实作品数据造假，收回证书和奖金", {"decided_on": "2025-09-01"}, committee, beijing(2025, 9, 1, 10))

    earlier = entry_of("awarded")
    transition_entry(entry=earlier, action="revoke", actor=committee, reason="造假", data={"decided_on": "2025-08-28"})
    assert history(earlier)[0].data == {"decided_on": "2025-08-28"}


@pytest.mark.parametrize(("decided_on", "message"), [
    ("2025-09-02", "决定日期不能晚于今天。"),
    ("2025-02-30", "决定日期不是有效的日期。"),
])
def test_revocation_date_must_be_a_past_date(decided_on, message, committee, entry_of, clock):
    clock.now = beijing(2025, 9, 1, 10)
    entry = entry_of("awarded")
    refused = refuse(entry, "revoke", committee, data={"decided_on": decided_on})
    assert str(refused.message) == message
    assert_unchanged(entry, "awarded")
