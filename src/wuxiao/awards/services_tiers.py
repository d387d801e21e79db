"""The prize tiers of the award list (R11): allocated from the approved final ranking by the tiers' counts,
changed by the office with a recorded reason, ties at a border decided, tiers left partly vacant by decision.

Reallocation (the button: from the newest approved ranking; a vacancy set or lifted: from the list's ranking)
computes the tiers afresh with the list's vacancies. An earlier manual change (a tier changed or a tie decided)
is re-applied when it still holds: the entry is still in the ranking, and its tier by the ranking is the same as
when the change was made, as are those of the entries with its final score (a decision on a tie was taken
against them). Otherwise it is reset, and the office is told how many were (`award_list.reset_changes`); every
change stays in the list's history (AwardChange) and the audit log.

Entries move to awarded / not awarded only when the list is confirmed (services of the announcement); here no
entry changes status.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.common import audit
from wuxiao.common.exceptions import Refused
from wuxiao.common.permissions import allowed
from wuxiao.competitions.models import PrizeTier
from wuxiao.finals.models import RankingRow
from wuxiao.finals.queries import approved_ranking

from . import allocation
from .models import AwardChange, AwardList, AwardRow, ListStatus, Objection, TierVacancy

NOT_OFFICE = _("Only the committee office may allocate and change the prize tiers.")
REASON_MISSING = _("Please give the reason for the change (it is recorded).")
CONFIRMED = _("The award list is confirmed and can no longer be changed (an award can only be revoked).")


def check_office(actor) -> None:
    if not allowed(actor, "awards.manage"):
        raise Refused(NOT_OFFICE)


def _reason(reason) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Refused(REASON_MISSING, field="reason")
    return reason


def tier_name(tier) -> str:
    return tier.name if tier is not None else ""


def _tiers(edition) -> list[PrizeTier]:
    return list(PrizeTier.objects.filter(edition=edition).order_by("position", "id"))


def _locked(award_list: AwardList) -> AwardList:
    return AwardList.objects.select_for_update(of=("self",)).select_related("edition").get(pk=award_list.pk)


def _bump(award_list: AwardList) -> None:
    AwardList.objects.filter(pk=award_list.pk).update(version=F("version") + 1)
    award_list.refresh_from_db(fields=["version"])


def _fill(award_list: AwardList, ranking, tiers: list[PrizeTier]) -> tuple[int, int]:
    """Replace the rows of `award_list` with the allocation of `ranking`; (rows, manual changes reset)."""
    by_id = {t.pk: t for t in tiers}
    vacancies = dict(TierVacancy.objects.filter(award_list=award_list).values_list("tier_id", "vacant"))
    ranked = list(RankingRow.objects.filter(ranking=ranking).order_by("position", "id")
                  .values_list("entry_id", "position", "final"))
    allocated = allocation.allocate(ranked, [(t.pk, t.count) for t in tiers], vacancies)
    earlier = {r.entry_id: r for r in AwardRow.objects.filter(award_list=award_list)}
    # A decision about an entry depends on the entries with its score (a tie): it holds while none of them
    # changed its tier by the ranking.
    moved_scores = {a.final for a in allocated
                    if a.entry_id not in earlier or earlier[a.entry_id].computed_tier_id != a.tier_id}
    reset = 0
    rows = []
    for a in allocated:
        row = AwardRow(award_list=award_list, entry_id=a.entry_id, position=a.position, final=a.final,
                       computed_tier_id=a.tier_id, tier_id=a.tier_id, tie=a.tie)
        before = earlier.pop(a.entry_id, None)
        if before is not None and before.change_reason:
            holds = before.computed_tier_id == a.tier_id and (a.final is None or a.final not in moved_scores)
            if holds and (before.tier_id is None or before.tier_id in by_id):
                row.tier_id, row.tie = before.tier_id, False
                row.change_reason, row.changed_by_id, row.changed_at = (before.change_reason, before.changed_by_id,
                                                                        before.changed_at)
            else:
                reset += 1
        row.amount_yuan = by_id[row.tier_id].amount_yuan if row.tier_id else 0
        rows.append(row)
    reset += sum(1 for r in earlier.values() if r.change_reason)  # entries no longer in the ranking
    AwardRow.objects.filter(award_list=award_list).delete()
    AwardRow.objects.bulk_create(rows, batch_size=500)
    return len(rows), reset


def allocate(*, actor, edition) -> AwardList:
    """Allocate the tiers from the approved final ranking: a new draft list, or a draft list's rows replaced."""
    check_office(actor)
    ranking = approved_ranking(edition)
    if ranking is None:
        raise Refused(_("The final ranking is not approved yet: prizes are allocated from the approved final "
                        "ranking."))
    tiers = _tiers(edition)
    if not tiers:
        raise Refused(_("The edition has no prize tiers: set them in the edition's settings first."))
    with transaction.atomic():
        type(edition).objects.select_for_update().get(pk=edition.pk)  # one allocation at a time
        award_list = AwardList.objects.select_for_update().filter(edition=edition).first()
        created = award_list is None
        if created:
            award_list = AwardList.objects.create(edition=edition, ranking=ranking, created_by=actor)
        elif award_list.status != ListStatus.DRAFT:
            raise Refused(_("The award list has been announced: it can no longer be allocated again; change single "
                            "entries' tiers with a reason instead.") if award_list.status == ListStatus.ANNOUNCED
                          else CONFIRMED)
        else:
            award_list.ranking = ranking
            award_list.save(update_fields=["ranking"])
        n, reset = _fill(award_list, ranking, tiers)
        _bump(award_list)
        audit.record(actor=actor, action="awards.allocate", obj=award_list, edition=edition,
                     data={"ranking": ranking.pk, "rows": n, "created": created, "reset": reset})
    award_list.reset_changes = reset
    return award_list


def _capacity(award_list: AwardList, tier: PrizeTier) -> int:
    vacant = TierVacancy.objects.filter(award_list=award_list, tier=tier).values_list("vacant", flat=True).first()
    return max(0, tier.count - (vacant or 0))


def set_tier(*, actor, row: AwardRow, tier: PrizeTier | None, reason: str, objection: Objection | None = None,
             exceed: bool = False) -> AwardRow:
    """Give `row` another tier (None: not awarded) with the reason; during the announcement, how an upheld
    objection changes the list. A tier already full (count less vacancies) only with `exceed` (a decision)."""
    check_office(actor)
    reason = _reason(reason)
    with transaction.atomic():
        award_list = _locked(row.award_list)
        if award_list.status == ListStatus.CONFIRMED:
            raise Refused(CONFIRMED)
        row = AwardRow.objects.select_for_update(of=("self",)).select_related("tier", "entry").get(pk=row.pk)
        if tier is not None and tier.edition_id != award_list.edition_id:
            raise Refused(_("This is not a prize tier of this edition."), field="tier")
        if (tier.pk if tier is not None else None) == row.tier_id:
            raise Refused(_("The entry already has this tier."), field="tier")
        if objection is not None and objection.award_list_id != award_list.pk:
            raise Refused(_("This objection does not belong to this award list."), field="objection")
        if tier is not None and not exceed:
            capacity = _capacity(award_list, tier)
            given = AwardRow.objects.filter(award_list=award_list, tier=tier).exclude(pk=row.pk).count()
            if given >= capacity:
                raise Refused(_("“%(tier)s” already has %(given)d of its %(capacity)d prizes (its number less the "
                                "prizes left vacant). Give another entry a different tier first, or tick “award "
                                "beyond the tier's number by decision” if that was decided.")
                              % {"tier": tier.name, "given": given, "capacity": capacity}, field="tier")
        before = row.tier
        AwardChange.objects.create(award_list=award_list, entry=row.entry, from_tier_name=tier_name(before),
                                   to_tier_name=tier_name(tier), during=award_list.status, objection=objection,
                                   reason=reason, by=actor)
        row.tier, row.amount_yuan = tier, tier.amount_yuan if tier else 0
        row.change_reason, row.changed_by, row.changed_at, row.tie = reason, actor, timezone.now(), False
        row.save(update_fields=["tier", "amount_yuan", "change_reason", "changed_by", "changed_at", "tie"])
        _bump(award_list)
        audit.record(actor=actor, action="awards.set_tier", obj=award_list, edition=award_list.edition, reason=reason,
                     data={"entry": row.entry_id, "from": tier_name(before), "to": tier_name(tier),
                           "during": award_list.status, "objection": objection.number if objection else "",
                           "exceed": bool(exceed)})
    return row


def resolve_tie(*, actor, row: AwardRow, reason: str) -> AwardRow:
    """Record the decision on a tie at a tier border: the row keeps its tier, the flag is cleared."""
    check_office(actor)
    reason = _reason(reason)
    with transaction.atomic():
        award_list = _locked(row.award_list)
        if award_list.status == ListStatus.CONFIRMED:
            raise Refused(CONFIRMED)
        row = AwardRow.objects.select_for_update(of=("self",)).select_related("tier").get(pk=row.pk)
        if not row.tie:
            raise Refused(_("This entry is not tied across a tier border."), field="entry")
        name = tier_name(row.tier)
        AwardChange.objects.create(award_list=award_list, entry_id=row.entry_id, from_tier_name=name,
                                   to_tier_name=name, during=award_list.status, reason=reason, by=actor)
        row.change_reason, row.changed_by, row.changed_at, row.tie = reason, actor, timezone.now(), False
        row.save(update_fields=["change_reason", "changed_by", "changed_at", "tie"])
        _bump(award_list)
        audit.record(actor=actor, action="awards.resolve_tie", obj=award_list, edition=award_list.edition,
                     reason=reason, data={"entry": row.entry_id, "tier": name})
    return row


def set_vacancy(*, actor, award_list: AwardList, tier: PrizeTier, vacant: int, reason: str) -> AwardList:
    """Leave `vacant` prizes of `tier` unawarded by decision (0 lifts it) and reallocate the draft list."""
    check_office(actor)
    reason = _reason(reason)
    with transaction.atomic():
        award_list = _locked(award_list)
        if award_list.status != ListStatus.DRAFT:
            raise Refused(_("Vacancies can only be decided while the list is proposed (before the announcement)."))
        if tier is None or tier.edition_id != award_list.edition_id:
            raise Refused(_("This is not a prize tier of this edition."), field="tier")
        if vacant is None or not 0 <= int(vacant) <= tier.count:
            raise Refused(_("The prizes left vacant must be between 0 and %(n)d.") % {"n": tier.count},
                          field="vacant")
        vacant = int(vacant)
        current = TierVacancy.objects.filter(award_list=award_list, tier=tier).first()
        before = current.vacant if current else 0
        if before == vacant:
            raise Refused(_("%(n)d prizes of this tier are already left vacant.") % {"n": vacant}, field="vacant")
        if vacant == 0:
            current.delete()
        elif current is None:
            TierVacancy.objects.create(award_list=award_list, tier=tier, vacant=vacant, reason=reason, by=actor)
        else:
            current.vacant, current.reason, current.by = vacant, reason, actor
            current.save(update_fields=["vacant", "reason", "by"])
        AwardChange.objects.create(award_list=award_list, tier=tier, vacant=vacant, during=award_list.status,
                                   reason=reason, by=actor)
        _n, reset = _fill(award_list, award_list.ranking, _tiers(award_list.edition))
        _bump(award_list)
        audit.record(actor=actor, action="awards.set_vacancy", obj=award_list, edition=award_list.edition,
                     reason=reason, data={"tier": tier.name, "from": before, "to": vacant, "reset": reset})
    award_list.reset_changes = reset
    return award_list
