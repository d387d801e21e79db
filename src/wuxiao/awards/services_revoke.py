"""Revocation of an award where fraud is found (R12): the certificate and the prize money are taken back.

The office revokes a confirmed award with the reason, the date of the decision and who decided; the entry moves
to `revoked` through the one transition function (its history keeps the step), the row keeps the award with the
revocation beside it, so the verification page and the public results show it revoked. The prize money is then
to be reclaimed, and its return is recorded here.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.common import audit
from wuxiao.common.dates import as_date
from wuxiao.common.exceptions import Refused
from wuxiao.entries.enums import Action, EntryStatus
from wuxiao.entries.services import transition_entry

from .models import AwardRow, ListStatus
from .services_tiers import check_office


def _day(value, field: str, *, missing) -> dt.date:
    if value is None or value == "":
        raise Refused(missing, field=field)
    day = as_date(value)
    if day is None:
        raise Refused(_("This is not a valid date."), field=field)
    if day > timezone.localdate():
        raise Refused(_("The date cannot be in the future."), field=field)
    return day


def revoke(*, actor, row: AwardRow, reason: str, decided_on) -> AwardRow:
    """Revoke the confirmed award of `row` with the reason and the date of the decision (not in the future)."""
    check_office(actor)
    reason = (reason or "").strip()
    with transaction.atomic():
        row = (AwardRow.objects.select_for_update(of=("self",)).select_related("award_list__edition", "tier", "entry")
               .get(pk=row.pk))
        if row.award_list.status != ListStatus.CONFIRMED:
            raise Refused(_("Only an award of the confirmed list can be revoked."))
        if row.tier is None:
            raise Refused(_("This entry has no award to revoke."))
        if row.is_revoked or row.entry.status == EntryStatus.REVOKED:
            raise Refused(_("This award has already been revoked."))
        if row.entry.status != EntryStatus.AWARDED:
            raise Refused(_("The entry is not recorded as awarded: its award cannot be revoked."))
        if not reason:
            raise Refused(_("Please give the reason for revoking the award (it is recorded and shown)."),
                          field="reason")
        decided = _day(decided_on, "decided_on", missing=_("Please give the date of the revocation decision."))
        transition_entry(entry=row.entry, action=Action.REVOKE, actor=actor, reason=reason,
                         data={"decided_on": decided.isoformat(), "tier": row.tier.name,
                               "amount_yuan": row.amount_yuan})
        row.revoked_at, row.revoked_by, row.revoked_on, row.revoke_reason = timezone.now(), actor, decided, reason
        row.save(update_fields=["revoked_at", "revoked_by", "revoked_on", "revoke_reason"])
        audit.record(actor=actor, action="awards.revoke", obj=row.award_list, edition=row.award_list.edition,
                     reason=reason, data={"entry": row.entry_id, "tier": row.tier.name,
                                          "amount_yuan": row.amount_yuan, "decided_on": decided.isoformat()})
    return row


def record_money_return(*, actor, row: AwardRow, returned_on, amount_yuan, note: str = "") -> AwardRow:
    """Record that the prize money of a revoked award was returned (on which day, how much)."""
    check_office(actor)
    note = (note or "").strip()
    with transaction.atomic():
        row = AwardRow.objects.select_for_update(of=("self",)).select_related("award_list__edition").get(pk=row.pk)
        if not row.is_revoked:
            raise Refused(_("The return of prize money can only be recorded for a revoked award."))
        day = _day(returned_on, "returned_on", missing=_("Please give the date the money was returned."))
        try:
            amount = int(amount_yuan)
        except (TypeError, ValueError):
            raise Refused(_("Please give the amount returned in whole yuan."), field="amount_yuan") from None
        if not 0 < amount <= row.amount_yuan:
            raise Refused(_("The amount returned must be between 1 and %(max)d yuan (the award's prize money).")
                          % {"max": row.amount_yuan}, field="amount_yuan")
        if len(note) > 300:
            raise Refused(_("The note is too long (at most 300 characters)."), field="note")
        before = row.money_reclaimed_yuan
        row.money_reclaimed_on, row.money_reclaimed_yuan, row.money_reclaim_note = day, amount, note
        row.money_reclaim_recorded_by = actor
        row.save(update_fields=["money_reclaimed_on", "money_reclaimed_yuan", "money_reclaim_note",
                                "money_reclaim_recorded_by"])
        audit.record(actor=actor, action="awards.money_return", obj=row.award_list, edition=row.award_list.edition,
                     reason=note, data={"entry": row.entry_id, "amount_yuan": amount, "returned_on": day.isoformat(),
                                        "from": before})
    return row
