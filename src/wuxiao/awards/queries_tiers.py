"""Reads of the prize tiers (R11, R12): the list's rows, the totals of prizes and prize money per tier and overall,
one award with its history, and the rows of the prize-money sheet."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from wuxiao.competitions.models import PrizeTier
from wuxiao.entries.models import Completer, EntryTransition

from .models import AwardChange, AwardList, AwardRow, Objection, TierVacancy


@dataclass
class TierTotal:
    tier: PrizeTier
    count: int
    vacant: int
    awarded: int  # rows with the tier, revoked ones included
    revoked: int
    amount: int  # yuan per prize
    subtotal: int  # yuan payable: awarded and not revoked
    revoked_yuan: int

    @property
    def capacity(self) -> int:
        return max(0, self.count - self.vacant)

    @property
    def over(self) -> bool:
        return self.awarded > self.capacity


@dataclass
class Totals:
    tiers: list[TierTotal] = field(default_factory=list)
    count: int = 0
    vacant: int = 0
    awarded: int = 0
    revoked: int = 0
    total_yuan: int = 0  # payable
    revoked_yuan: int = 0  # to be reclaimed (or returned)


def list_rows(award_list: AwardList) -> list[AwardRow]:
    """Every row of the list in ranking order, with what the tiers page and the API show."""
    return list(AwardRow.objects.filter(award_list=award_list)
                .select_related("entry__declaring_unit", "tier", "computed_tier", "changed_by")
                .order_by("position", "id"))


def tiers_of(edition_id: int) -> list[PrizeTier]:
    return list(PrizeTier.objects.filter(edition_id=edition_id).order_by("position", "id"))


def vacancies(award_list: AwardList) -> list[TierVacancy]:
    return list(TierVacancy.objects.filter(award_list=award_list).select_related("tier", "by")
                .order_by("tier__position"))


def tier_totals(award_list: AwardList, rows: list[AwardRow] | None = None) -> Totals:
    """Per tier: its number, prizes left vacant, given, revoked, money each and the money payable; and overall.

    Revoked awards are shown but their money is not payable (it is to be reclaimed)."""
    rows = rows if rows is not None else list(AwardRow.objects.filter(award_list=award_list, tier__isnull=False)
                                              .only("tier_id", "amount_yuan", "revoked_at"))
    vacant = {v.tier_id: v.vacant for v in TierVacancy.objects.filter(award_list=award_list)}
    totals = Totals()
    per = {}
    for tier in tiers_of(award_list.edition_id):
        per[tier.pk] = TierTotal(tier, tier.count, vacant.get(tier.pk, 0), 0, 0, tier.amount_yuan, 0, 0)
        totals.tiers.append(per[tier.pk])
    for row in rows:
        t = per.get(row.tier_id)
        if t is None:
            continue
        t.awarded += 1
        if row.revoked_at is not None:
            t.revoked += 1
            t.revoked_yuan += row.amount_yuan
        else:
            t.subtotal += row.amount_yuan
    for t in totals.tiers:
        totals.count += t.count
        totals.vacant += t.vacant
        totals.awarded += t.awarded
        totals.revoked += t.revoked
        totals.total_yuan += t.subtotal
        totals.revoked_yuan += t.revoked_yuan
    return totals


def objections(award_list: AwardList) -> list[Objection]:
    return list(Objection.objects.filter(award_list=award_list).select_related("entry").order_by("submitted_at"))


def changes(award_list: AwardList, entry_id: int | None = None) -> list[AwardChange]:
    found = AwardChange.objects.filter(award_list=award_list).select_related("by", "tier", "objection", "entry")
    if entry_id is not None:
        found = found.filter(entry_id=entry_id)
    return list(found.order_by("at", "id"))


def award_row(award_list: AwardList, entry_id: int) -> AwardRow | None:
    if not 0 < entry_id < 2**63:  # an address with a number no database holds
        return None
    return (AwardRow.objects.filter(award_list=award_list, entry_id=entry_id)
            .select_related("entry__declaring_unit", "tier", "computed_tier", "changed_by", "revoked_by",
                            "money_reclaim_recorded_by", "award_list__edition")
            .first())


def certificate_number(row: AwardRow) -> str:
    """The number of the row's certificate, if one was made."""
    try:
        return row.certificate.number
    except AwardRow.certificate.RelatedObjectDoesNotExist:
        return ""


def entry_history(entry_id: int) -> list[EntryTransition]:
    return list(EntryTransition.objects.filter(entry_id=entry_id).select_related("actor").order_by("at", "id"))


def money_rows(award_list: AwardList) -> list[AwardRow]:
    """The awarded rows (revoked ones included) by tier and place, with certificate and first completer."""
    return list(AwardRow.objects.filter(award_list=award_list, tier__isnull=False)
                .select_related("entry__declaring_unit", "tier", "certificate")
                .prefetch_related(Prefetch("entry__completers", queryset=Completer.objects.order_by("position", "id")))
                .order_by("tier__position", "position", "id"))
