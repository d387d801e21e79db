"""Final-round API: the final ranking (R10; issue 11 items 10 and 12): compute (a new draft), read the rows,
move a row with its reason, approve. The same predicate (finals.manage) and services as the page; a refusal is
409 with its message and field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from wuxiao.api_common import Count, ErrorOut, Id, RefusedOut

from .. import queries_ranking as rq
from .. import services_ranking as services
from .common import managed_edition

router = Router(tags=["final round: ranking"])

FORBIDDEN = _("Only the committee office may compute, change and approve the final ranking.")
NO_RANKING = _("No final ranking has been computed yet.")


class FinalRankingRowOut(Schema):
    entry_id: int
    title: str
    declaring_unit: str
    position: int
    computed_position: int
    roadshow: Decimal | None
    site: Decimal | None
    final: Decimal | None
    visited: bool
    tie: bool
    change_reason: str
    changed_by: str
    changed_at: dt.datetime | None


class FinalRankingOut(Schema):
    id: int
    edition: str
    status: str
    parameters: dict
    created_at: dt.datetime
    approved_at: dt.datetime | None
    approved_by: str
    approval_note: str
    stale: bool = Field(description="Scores were locked or visits changed since it was computed.")
    visits_unlocked: int
    rows: list[FinalRankingRowOut]


class FinalRankingMoveIn(Schema):
    entry: Id
    position: Count = Field(..., ge=1)
    reason: str = Field(..., min_length=1, max_length=500)


class FinalApproveIn(Schema):
    note: str = Field("", max_length=2000)


def _edition(request: HttpRequest, slug: str):
    return managed_edition(request, slug, FORBIDDEN)


def _current(edition):
    ranking = rq.current_ranking(edition)
    if ranking is None:
        raise HttpError(404, str(NO_RANKING))
    return ranking


def _out(ranking) -> dict:
    ranking = rq.ranking_or_none(ranking.edition, ranking.pk)
    parameters = {k: v for k, v in ranking.parameters.items() if k != "inputs"}
    return {
        "id": ranking.pk, "edition": ranking.edition.slug, "status": ranking.status, "parameters": parameters,
        "created_at": ranking.created_at, "approved_at": ranking.approved_at,
        "approved_by": str(ranking.approved_by) if ranking.approved_by_id else "",
        "approval_note": ranking.approval_note,
        "stale": ranking.status == "draft" and rq.is_stale(ranking),
        "visits_unlocked": rq.open_items(ranking.edition).visits_unlocked,
        "rows": [{"entry_id": r.entry_id, "title": r.entry.title, "declaring_unit": r.entry.declaring_unit.name,
                  "position": r.position, "computed_position": r.computed_position, "roadshow": r.roadshow,
                  "site": r.site, "final": r.final, "visited": r.visited, "tie": r.tie,
                  "change_reason": r.change_reason, "changed_by": str(r.changed_by) if r.changed_by_id else "",
                  "changed_at": r.changed_at} for r in rq.ranking_rows(ranking)]}


RESPONSES = {200: FinalRankingOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: RefusedOut}


@router.get("/{slug}/ranking", response=RESPONSES, url_name="finals_ranking",
            summary="The newest final ranking (a proposal or approved) with its rows")
def ranking(request: HttpRequest, slug: str):
    return _out(_current(_edition(request, slug)))


@router.post("/{slug}/ranking/compute", response=RESPONSES, url_name="finals_ranking_compute",
             summary="Compute a new proposed ranking from the locked roadshow and site-visit scores")
def compute(request: HttpRequest, slug: str):
    return _out(services.compute_ranking(actor=request.auth, edition=_edition(request, slug)))


@router.post("/{slug}/ranking/move", response=RESPONSES, url_name="finals_ranking_move",
             summary="Move an entry to another place in the proposed ranking, with the reason")
def move(request: HttpRequest, slug: str, payload: FinalRankingMoveIn):
    current = _current(_edition(request, slug))
    services.move_row(actor=request.auth, ranking=current, entry_id=payload.entry, position=payload.position,
                      reason=payload.reason)
    return _out(current)


@router.post("/{slug}/ranking/approve", response=RESPONSES, url_name="finals_ranking_approve",
             summary="Approve the proposed ranking (then it is read-only)")
def approve(request: HttpRequest, slug: str, payload: FinalApproveIn):
    current = _current(_edition(request, slug))
    return _out(services.approve_ranking(actor=request.auth, ranking=current, note=payload.note))
