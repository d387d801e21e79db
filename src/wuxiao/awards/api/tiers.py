"""Awards API: the prize tiers (R11) and revocation (R12): read the list with its totals, allocate, change an
entry's tier with its reason, decide a tie, leave prizes vacant, revoke an award, record the return of its prize
money. The same predicate (awards.manage) and services as the pages; a refusal is 409 with its message and
field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from wuxiao.api_common import ErrorOut, Id, RefusedOut
from wuxiao.common.exceptions import Refused
from wuxiao.competitions.models import PrizeTier

from .. import queries, services_revoke, services_tiers
from .. import queries_tiers as tq
from ..models import Objection
from .common import managed_edition

router = Router(tags=["awards: tiers"])

FORBIDDEN = _("Only the committee office may allocate and change the prize tiers.")
NO_LIST = _("The prize tiers have not been allocated yet.")
NOT_IN_LIST = _("This entry is not in the award list.")


class AwardTierRowOut(Schema):
    entry_id: int
    title: str
    declaring_unit: str
    position: int
    final: Decimal | None
    computed_tier: str | None = Field(description="The tier by the ranking (null: not awarded).")
    tier: str | None = Field(description="The tier (null: not awarded).")
    amount_yuan: int
    tie: bool = Field(description="Tied with another entry across a tier border, not decided yet.")
    change_reason: str
    changed_at: dt.datetime | None
    revoked: bool
    revoked_on: dt.date | None
    revoke_reason: str
    money_returned_on: dt.date | None
    money_returned_yuan: int | None


class AwardTierTotalOut(Schema):
    tier: str
    count: int
    vacant: int
    awarded: int
    revoked: int
    amount_yuan: int = Field(description="Prize money per prize.")
    subtotal_yuan: int = Field(description="Prize money payable (revoked awards excluded).")


class AwardTierTotalsOut(Schema):
    tiers: list[AwardTierTotalOut]
    count: int
    vacant: int
    awarded: int
    revoked: int
    total_yuan: int = Field(description="Prize money payable in all.")
    revoked_yuan: int = Field(description="Prize money of revoked awards, to be reclaimed or returned.")


class AwardTiersOut(Schema):
    edition: str
    status: str
    version: int
    ranking_id: int
    rows: list[AwardTierRowOut]
    totals: AwardTierTotalsOut


class AwardTierSetIn(Schema):
    tier: str | None = Field(None, description="The name of the prize tier; null: not awarded.", max_length=30)
    reason: str = Field("", max_length=2000)
    objection: Id | None = Field(None, description="The objection (id) that led to the change, if any.")
    exceed: bool = Field(False, description="Award beyond the tier's number by decision.")


class AwardTieIn(Schema):
    reason: str = Field("", max_length=2000)


class AwardVacancyIn(Schema):
    tier: str = Field(..., max_length=30)
    vacant: int = Field(..., ge=0, le=10000)
    reason: str = Field("", max_length=2000)


class AwardRevokeIn(Schema):
    reason: str = Field("", max_length=2000)
    decided_on: dt.date | None = None


class AwardMoneyReturnIn(Schema):
    returned_on: dt.date | None = None
    amount_yuan: int = Field(..., ge=0, le=10**9)
    note: str = Field("", max_length=300)


def _row_out(r) -> dict:
    return {"entry_id": r.entry_id, "title": r.entry.title, "declaring_unit": r.entry.declaring_unit.name,
            "position": r.position, "final": r.final,
            "computed_tier": r.computed_tier.name if r.computed_tier_id else None,
            "tier": r.tier.name if r.tier_id else None, "amount_yuan": r.amount_yuan, "tie": r.tie,
            "change_reason": r.change_reason, "changed_at": r.changed_at, "revoked": r.is_revoked,
            "revoked_on": r.revoked_on, "revoke_reason": r.revoke_reason,
            "money_returned_on": r.money_reclaimed_on, "money_returned_yuan": r.money_reclaimed_yuan}


def _out(edition) -> dict:
    award_list = _list(edition)
    rows = tq.list_rows(award_list)
    totals = tq.tier_totals(award_list, [r for r in rows if r.tier_id])
    return {"edition": edition.slug, "status": award_list.status, "version": award_list.version,
            "ranking_id": award_list.ranking_id, "rows": [_row_out(r) for r in rows],
            "totals": {"tiers": [{"tier": t.tier.name, "count": t.count, "vacant": t.vacant, "awarded": t.awarded,
                                  "revoked": t.revoked, "amount_yuan": t.amount, "subtotal_yuan": t.subtotal}
                                 for t in totals.tiers],
                       "count": totals.count, "vacant": totals.vacant, "awarded": totals.awarded,
                       "revoked": totals.revoked, "total_yuan": totals.total_yuan,
                       "revoked_yuan": totals.revoked_yuan}}


def _edition(request: HttpRequest, slug: str):
    return managed_edition(request, slug, FORBIDDEN)


def _list(edition):
    award_list = queries.award_list(edition)
    if award_list is None:
        raise HttpError(404, str(NO_LIST))
    return award_list


def _row(edition, entry_id: int):
    row = tq.award_row(_list(edition), entry_id)
    if row is None:
        raise HttpError(404, str(NOT_IN_LIST))
    return row


def _tier(edition, name: str | None):
    if name is None or name == "":
        return None
    tier = PrizeTier.objects.filter(edition=edition, name=name.strip()).first()
    if tier is None:
        raise Refused(_("“%(tier)s” is not a prize tier of this edition.") % {"tier": name}, field="tier")
    return tier


RESPONSES = {200: AwardTiersOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: RefusedOut}
ROW_RESPONSES = {200: AwardTierRowOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: RefusedOut}


@router.get("/{slug}/tiers", response=RESPONSES, url_name="awards_tiers",
            summary="The award list: each finalist's tier, ties and changes, and the totals of prize money")
def tiers(request: HttpRequest, slug: str):
    return _out(_edition(request, slug))


@router.post("/{slug}/tiers/allocate", response=RESPONSES, url_name="awards_tiers_allocate",
             summary="Allocate the prize tiers from the approved final ranking (again, while proposed)")
def allocate(request: HttpRequest, slug: str):
    edition = _edition(request, slug)
    services_tiers.allocate(actor=request.auth, edition=edition)
    return _out(edition)


@router.post("/{slug}/tiers/rows/{entry_id}", response=RESPONSES, url_name="awards_tiers_set",
             summary="Change an entry's prize tier (null: not awarded) with the reason")
def set_tier(request: HttpRequest, slug: str, entry_id: Id, payload: AwardTierSetIn):
    edition = _edition(request, slug)
    row = _row(edition, entry_id)
    objection = None
    if payload.objection is not None:
        objection = Objection.objects.filter(pk=payload.objection, award_list=row.award_list).first()
        if objection is None:
            raise Refused(_("This objection does not belong to this award list."), field="objection")
    services_tiers.set_tier(actor=request.auth, row=row, tier=_tier(edition, payload.tier), reason=payload.reason,
                            objection=objection, exceed=payload.exceed)
    return _out(edition)


@router.post("/{slug}/tiers/rows/{entry_id}/tie", response=RESPONSES, url_name="awards_tiers_tie",
             summary="Record the decision on a tie at a tier border (the entry keeps its tier)")
def resolve_tie(request: HttpRequest, slug: str, entry_id: Id, payload: AwardTieIn):
    edition = _edition(request, slug)
    services_tiers.resolve_tie(actor=request.auth, row=_row(edition, entry_id), reason=payload.reason)
    return _out(edition)


@router.post("/{slug}/tiers/vacancies", response=RESPONSES, url_name="awards_tiers_vacancy",
             summary="Leave prizes of a tier vacant by decision (0 lifts it) and allocate again")
def set_vacancy(request: HttpRequest, slug: str, payload: AwardVacancyIn):
    edition = _edition(request, slug)
    tier = _tier(edition, payload.tier)
    if tier is None:
        raise Refused(_("Please choose the prize tier."), field="tier")
    services_tiers.set_vacancy(actor=request.auth, award_list=_list(edition), tier=tier, vacant=payload.vacant,
                               reason=payload.reason)
    return _out(edition)


@router.post("/{slug}/awards/{entry_id}/revoke", response=ROW_RESPONSES, url_name="awards_revoke",
             summary="Revoke a confirmed award with the reason and the date of the decision")
def revoke(request: HttpRequest, slug: str, entry_id: Id, payload: AwardRevokeIn):
    edition = _edition(request, slug)
    row = services_revoke.revoke(actor=request.auth, row=_row(edition, entry_id), reason=payload.reason,
                                 decided_on=payload.decided_on)
    return _row_out(tq.award_row(row.award_list, row.entry_id))


@router.post("/{slug}/awards/{entry_id}/money-return", response=ROW_RESPONSES, url_name="awards_money_return",
             summary="Record the return of a revoked award's prize money")
def money_return(request: HttpRequest, slug: str, entry_id: Id, payload: AwardMoneyReturnIn):
    edition = _edition(request, slug)
    row = services_revoke.record_money_return(actor=request.auth, row=_row(edition, entry_id),
                                              returned_on=payload.returned_on, amount_yuan=payload.amount_yuan,
                                              note=payload.note)
    return _row_out(tq.award_row(row.award_list, row.entry_id))
