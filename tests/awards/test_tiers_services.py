"""The services of the prize tiers (R11): allocation from the approved ranking (the 2025 tiers, ties, vacancies),
changes with their reasons (AwardChange and audit), a full tier refused unless decided, reallocation keeping the
changes that still hold."""

from decimal import Decimal

import pytest

from tests.awards.helpers import award_world
from wuxiao.awards import queries_tiers as tq
from wuxiao.awards import services_tiers as services
from wuxiao.awards.models import AwardChange, AwardRow, ListStatus, Objection
from wuxiao.common.exceptions import Refused
from wuxiao.common.models import AuditLog
from wuxiao.finals.models import RankingStatus

pytestmark = pytest.mark.django_db

TIERS_2025 = [("特等奖", 3, 20000), ("一等奖", 10, 15000), ("二等奖", 20, 10000), ("三等奖", 30, 2000)]


def rows_of(award_list):
    return list(AwardRow.objects.filter(award_list=award_list).select_related("tier").order_by("position"))


def names(award_list):
    return [r.tier.name if r.tier else None for r in rows_of(award_list)]


def test_the_2025_tiers_give_63_awards_and_470000_yuan():
    world = award_world(finalists=66, tiers=TIERS_2025)
    lst = services.allocate(actor=world.office, edition=world.edition)
    got = names(lst)
    assert [got.count(n) for n in ("特等奖", "一等奖", "二等奖", "三等奖", None)] == [3, 10, 20, 30, 3]
    totals = tq.tier_totals(lst)
    assert [(t.awarded, t.subtotal) for t in totals.tiers] == [(3, 60000), (10, 150000), (20, 200000), (30, 60000)]
    assert totals.awarded == 63 and totals.total_yuan == 470000 and totals.count == 63
    assert lst.status == ListStatus.DRAFT and lst.version == 1
    assert AuditLog.objects.get(action="awards.allocate").data["rows"] == 66


def test_refused_without_an_approved_ranking_and_once_announced():
    world = award_world(finalists=3)
    world.ranking.status = RankingStatus.DRAFT
    world.ranking.save()
    with pytest.raises(Refused, match="尚未审定"):
        services.allocate(actor=world.office, edition=world.edition)
    announced = award_world(finalists=3, status=ListStatus.ANNOUNCED)
    with pytest.raises(Refused, match="已公示"):
        services.allocate(actor=announced.office, edition=announced.edition)


def test_ties_changes_and_a_full_tier():
    # SMALL_TIERS: 特等奖 1, 一等奖 2, 二等奖 3, 三等奖 4. Places 3 and 4 tie across 一等奖 | 二等奖.
    finals = [Decimal(x) for x in ("95", "94", "93", "93", "90", "89")]
    world = award_world(finalists=6, finals=finals)
    lst = services.allocate(actor=world.office, edition=world.edition)
    rows = rows_of(lst)
    assert names(lst) == ["特等奖", "一等奖", "一等奖", "二等奖", "二等奖", "二等奖"]
    assert [r.tie for r in rows] == [False, False, True, True, False, False]
    first, second = world.tiers[:2]

    # 一等奖 is full (2 of 2): giving it to the fourth entry needs a decision.
    with pytest.raises(Refused) as refused:
        services.set_tier(actor=world.office, row=rows[3], tier=second, reason="并列，会议决定同授一等奖")
    assert refused.value.field == "tier" and "2" in str(refused.value.message)
    with pytest.raises(Refused) as no_reason:
        services.set_tier(actor=world.office, row=rows[3], tier=second, reason=" ", exceed=True)
    assert no_reason.value.field == "reason"
    row = services.set_tier(actor=world.office, row=rows[3], tier=second, reason="并列，会议决定同授一等奖",
                            exceed=True)
    assert row.tier == second and row.amount_yuan == 15000 and not row.tie and row.changed_by == world.office
    change = AwardChange.objects.get(entry=rows[3].entry)
    assert (change.from_tier_name, change.to_tier_name, change.during) == ("二等奖", "一等奖", ListStatus.DRAFT)
    log = AuditLog.objects.get(action="awards.set_tier")
    assert log.data["exceed"] is True and log.data["to"] == "一等奖" and log.reason == "并列，会议决定同授一等奖"
    totals = tq.tier_totals(lst)
    assert totals.tiers[1].awarded == 3 and totals.tiers[1].over

    # The other tied entry: the decision recorded, its tier kept.
    kept = services.resolve_tie(actor=world.office, row=rows[2], reason="同分，均授一等奖")
    assert not kept.tie and kept.tier == second
    with pytest.raises(Refused):
        services.resolve_tie(actor=world.office, row=rows[2], reason="again")

    # Allocating again keeps both decisions (the entries' tiers by the ranking are unchanged).
    again = services.allocate(actor=world.office, edition=world.edition)
    assert names(again) == ["特等奖", "一等奖", "一等奖", "一等奖", "二等奖", "二等奖"]
    assert again.reset_changes == 0 and not any(r.tie for r in rows_of(again))

    # A vacancy in 特等奖 shifts every border: the changes no longer hold and are reset (still in the history).
    lst = services.set_vacancy(actor=world.office, award_list=again, tier=first, vacant=1, reason="无作品达到特等奖水平")
    assert names(lst) == ["一等奖", "一等奖", "二等奖", "二等奖", "二等奖", "三等奖"]
    assert lst.reset_changes == 2 and AwardChange.objects.filter(award_list=lst).count() == 3
    assert tq.tier_totals(lst).tiers[0].vacant == 1
    with pytest.raises(Refused) as too_many:
        services.set_vacancy(actor=world.office, award_list=lst, tier=first, vacant=2, reason="x")
    assert too_many.value.field == "vacant"
    lifted = services.set_vacancy(actor=world.office, award_list=lst, tier=first, vacant=0, reason="撤销空缺决定")
    assert names(lifted)[0] == "特等奖" and not lifted.vacancies.exists()


def test_during_the_announcement_a_change_names_its_objection_and_a_confirmed_list_is_final():
    world = award_world(finalists=8, status=ListStatus.ANNOUNCED)
    objection = Objection.objects.create(award_list=world.award_list, entry=world.finalists[0], number="YY-001",
                                         kind="person", person_name="李四", grounds="数据造假", evidence="检测报告")
    row = services.set_tier(actor=world.office, row=world.rows[0], tier=None, reason="异议成立，取消获奖",
                            objection=objection)
    assert row.tier is None and row.amount_yuan == 0
    change = AwardChange.objects.get()
    assert change.objection == objection and change.during == ListStatus.ANNOUNCED and change.to_tier_name == ""
    with pytest.raises(Refused):  # vacancies only while proposed
        services.set_vacancy(actor=world.office, award_list=world.award_list, tier=world.tiers[0], vacant=1,
                             reason="x")
    confirmed = award_world(finalists=3, status=ListStatus.CONFIRMED)
    with pytest.raises(Refused, match="获奖名单已确定"):
        services.set_tier(actor=confirmed.office, row=confirmed.rows[2], tier=confirmed.tiers[1], reason="x")


def test_only_the_office(declarer):
    world = award_world(finalists=2)
    with pytest.raises(Refused):
        services.allocate(actor=declarer, edition=world.edition)
