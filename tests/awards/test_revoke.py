"""Revocation of an award (R12): with reason and a decision date not in the future, through the one transition
function (entry revoked, history step), kept on the row; the prize money to be reclaimed and its return."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.awards.helpers import award_world
from wuxiao.awards import queries_tiers as tq
from wuxiao.awards import services_revoke as services
from wuxiao.awards.models import ListStatus
from wuxiao.common.exceptions import Refused
from wuxiao.common.models import AuditLog
from wuxiao.entries.enums import Action, EntryStatus
from wuxiao.entries.models import EntryTransition

pytestmark = pytest.mark.django_db


def test_revoke_and_record_the_money_returned():
    world = award_world(finalists=3, status=ListStatus.CONFIRMED)
    row = world.rows[1]  # 一等奖, 15000 yuan
    today = timezone.localdate()
    with pytest.raises(Refused) as no_reason:
        services.revoke(actor=world.office, row=row, reason="  ", decided_on=today)
    assert no_reason.value.field == "reason"
    with pytest.raises(Refused) as future:
        services.revoke(actor=world.office, row=row, reason="弄虚作假", decided_on=today + dt.timedelta(days=1))
    assert future.value.field == "decided_on"
    with pytest.raises(Refused):  # the money of an award not revoked cannot be returned
        services.record_money_return(actor=world.office, row=row, returned_on=today, amount_yuan=100, note="")
    row.entry.refresh_from_db()
    assert row.entry.status == EntryStatus.AWARDED  # nothing changed by the refusals

    decided = today - dt.timedelta(days=2)
    services.revoke(actor=world.office, row=row, reason="检测报告系伪造", decided_on=decided)
    row.refresh_from_db()
    row.entry.refresh_from_db()
    assert row.entry.status == EntryStatus.REVOKED and row.tier == world.tiers[1]
    assert row.revoked_on == decided and row.revoked_by == world.office and row.revoke_reason == "检测报告系伪造"
    step = EntryTransition.objects.get(entry=row.entry, action=Action.REVOKE)
    assert step.reason == "检测报告系伪造" and step.data["decided_on"] == decided.isoformat()
    assert AuditLog.objects.get(action="awards.revoke").data["amount_yuan"] == 15000
    totals = tq.tier_totals(world.award_list)
    assert totals.revoked == 1 and totals.revoked_yuan == 15000 and totals.total_yuan == 20000 + 15000 * 1
    with pytest.raises(Refused, match="已被撤销"):
        services.revoke(actor=world.office, row=row, reason="again", decided_on=today)

    with pytest.raises(Refused) as too_much:
        services.record_money_return(actor=world.office, row=row, returned_on=today, amount_yuan=15001, note="")
    assert too_much.value.field == "amount_yuan"
    with pytest.raises(Refused) as later:
        services.record_money_return(actor=world.office, row=row, returned_on=today + dt.timedelta(days=3),
                                     amount_yuan=15000, note="")
    assert later.value.field == "returned_on"
    services.record_money_return(actor=world.office, row=row, returned_on=today, amount_yuan=15000, note="银行回单")
    row.refresh_from_db()
    assert (row.money_reclaimed_on, row.money_reclaimed_yuan, row.money_reclaim_note) == (today, 15000, "银行回单")
    assert AuditLog.objects.filter(action="awards.money_return").count() == 1


def test_only_a_confirmed_award_can_be_revoked():
    world = award_world(finalists=3, status=ListStatus.ANNOUNCED)
    with pytest.raises(Refused, match="已确定获奖名单"):
        services.revoke(actor=world.office, row=world.rows[0], reason="x", decided_on=timezone.localdate())
    confirmed = award_world(finalists=12, status=ListStatus.CONFIRMED)
    with pytest.raises(Refused, match="没有可撤销的奖项"):  # place 11: not awarded
        services.revoke(actor=confirmed.office, row=confirmed.rows[10], reason="x", decided_on=timezone.localdate())
