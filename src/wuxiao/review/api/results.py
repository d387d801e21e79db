"""Second-round API: results (R7; issue 10, items 9–11 and 13). The official and calibrated scores with the
flags, and the finalist list: get, propose, change with a reason, approve. The same predicate as the pages
(review.manage: the committee office) and the same services; a refusal is 409 with its message and field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from wuxiao.api_common import ErrorOut, Id, RefusedOut, edition_or_404
from wuxiao.common.permissions import allowed
from wuxiao.competitions.models import Edition

from .. import present_results as words
from .. import queries_results as rq
from .. import services_results as services
from ..models import AggregationRule, Expert

router = Router(tags=["second round: results"])

RESULTS_FORBIDDEN = _("Only the committee office may see the second round's results and decide the finalist list.")
NO_LIST = _("No finalist list has been proposed yet.")


class ResultFlagOut(Schema):
    kind: str
    label: str
    text: str


class CriterionScoreOut(Schema):
    criterion_id: int
    name: str
    max_points: int
    mean: Decimal | None


class EntryResultOut(Schema):
    id: int
    title: str
    declaring_unit: str
    category: str
    n_scores: int
    n_kept: int
    official: Decimal | None = Field(description="The official score by the edition's rule (it decides).")
    official_rank: int | None
    criteria: list[CriterionScoreOut]
    calibrated: Decimal | None = Field(description="Beside the official score, never replacing it: the additive "
                                                   "expert-bias model's score.")
    calibrated_rank: int | None
    z_mean: float | None
    z_rank: int | None
    spread: Decimal | None
    proposed: bool
    flags: list[ResultFlagOut]


class ExpertResultOut(Schema):
    id: int
    number: int | None
    name: str
    n_scores: int
    mean: float
    std: float | None
    bias: float
    ci_low: float
    ci_high: float
    leniency: str
    flags: list[ResultFlagOut]


class ResultsOut(Schema):
    edition: str
    rule: str
    rule_label: str
    entries: list[EntryResultOut]
    experts: list[ExpertResultOut]
    alpha: float | None
    alpha_calibrated: float | None
    agreement: str
    flags: list[ResultFlagOut]


class RowOut(Schema):
    entry_id: int
    title: str
    declaring_unit: str
    category: str
    official_score: Decimal | None
    official_rank: int | None
    calibrated_score: Decimal | None
    calibrated_rank: int | None
    proposed: bool
    selected: bool
    change_reason: str
    changed_by: str
    changed_at: dt.datetime | None
    flags: list[ResultFlagOut]


class FinalistListOut(Schema):
    id: int
    edition: str
    status: str
    title: str
    created_at: dt.datetime
    approved_at: dt.datetime | None
    approved_by: str
    approval_note: str
    parameters: dict
    selected: int
    rows: list[RowOut]


class ChangeIn(Schema):
    entry: Id
    selected: bool
    reason: str = Field("", max_length=300)


class ApproveIn(Schema):
    note: str = Field("", max_length=2000)


def _finite(value: float) -> float | None:
    return None if value != value or value in (float("inf"), float("-inf")) else value


def _edition(request: HttpRequest, slug: str) -> Edition:
    if not allowed(request.auth, "review.manage"):
        raise HttpError(403, str(RESULTS_FORBIDDEN))
    return edition_or_404(slug)


@router.get("/{slug}/results", response={200: ResultsOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            url_name="review_results", summary="Official and calibrated scores of every entry, experts' leniency, flags")
def results(request: HttpRequest, slug: str):
    edition = _edition(request, slug)
    found = rq.edition_results(edition)
    ids = found.ranked_ids()
    entries = rq.all_entries(edition)
    out = []
    for entry_id in ids:
        row = words.entry_row(found, entry_id, entries[entry_id])
        entry = entries[entry_id]
        out.append({**row, "title": entry.title, "declaring_unit": entry.declaring_unit.name,
                    "proposed": entry_id in found.proposed,
                    "criteria": [{"criterion_id": c.pk, "name": c.name, "max_points": c.max_points, "mean": v["value"]}
                                 for c, v in zip(found.criteria, row["criteria"])]})
    experts = [{**e, "mean": _finite(e["mean"]) or 0.0, "bias": _finite(e["bias"]) or 0.0,
                "ci_low": _finite(e["ci_low"]) or 0.0, "ci_high": _finite(e["ci_high"]) or 0.0}
               for e in words.expert_rows(found)]
    agg = found.aggregation
    panel = [words.flag_words(f.kind, f.params) for f in agg.flags if f.entry_id is None and f.expert_id is None]
    if found.proposal is not None:
        panel += [words.flag_words(f.kind, f.params) for f in found.proposal.flags if f.entry_id is None]
    return {"edition": edition.slug, "rule": found.settings.aggregation_rule,
            "rule_label": str(AggregationRule(found.settings.aggregation_rule).label), "entries": out,
            "experts": experts, "alpha": _finite(agg.alpha), "alpha_calibrated": _finite(agg.alpha_calibrated),
            "agreement": words.alpha_words(agg.alpha), "flags": panel}


def _list_out(finalist_list) -> dict:
    from ..exports_results import list_title

    names = dict(Expert.objects.filter(edition_id=finalist_list.edition_id).values_list("pk", "name"))
    rows = []
    for row in rq.finalist_rows(finalist_list):
        entry = row.entry
        rows.append({
            "entry_id": entry.pk, "title": entry.title, "declaring_unit": entry.declaring_unit.name,
            "category": entry.category.name if entry.category_id else "", "official_score": row.official_score,
            "official_rank": row.official_rank, "calibrated_score": row.calibrated_score,
            "calibrated_rank": row.calibrated_rank, "proposed": row.proposed, "selected": row.selected,
            "change_reason": row.change_reason, "changed_by": str(row.changed_by) if row.changed_by_id else "",
            "changed_at": row.changed_at, "flags": words.stored_flags(row.flags, names)})
    return {"id": finalist_list.pk, "edition": finalist_list.edition.slug, "status": finalist_list.status,
            "title": list_title(finalist_list), "created_at": finalist_list.created_at,
            "approved_at": finalist_list.approved_at,
            "approved_by": str(finalist_list.approved_by) if finalist_list.approved_by_id else "",
            "approval_note": finalist_list.approval_note, "parameters": finalist_list.parameters,
            "selected": sum(1 for r in rows if r["selected"]), "rows": rows}


LIST_RESPONSES = {200: FinalistListOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: RefusedOut}


def _current(edition):
    finalist_list = rq.current_finalist_list(edition)
    if finalist_list is None:
        raise HttpError(404, str(NO_LIST))
    return finalist_list


@router.get("/{slug}/finalists", response=LIST_RESPONSES, url_name="review_finalists",
            summary="The finalist list: the approved one, or else the latest proposed one")
def finalist_list(request: HttpRequest, slug: str):
    return _list_out(_current(_edition(request, slug)))


@router.post("/{slug}/finalists/propose", response=LIST_RESPONSES, url_name="review_finalists_propose",
             summary="Propose the finalist list by the edition's rule (top N or cut-off, by category or not)")
def propose(request: HttpRequest, slug: str):
    edition = _edition(request, slug)
    return _list_out(services.propose_finalist_list(actor=request.auth, edition=edition))


@router.post("/{slug}/finalists/change", response=LIST_RESPONSES, url_name="review_finalists_change",
             summary="Put an entry on the proposed list or take it off, with the reason")
def change(request: HttpRequest, slug: str, payload: ChangeIn):
    edition = _edition(request, slug)
    finalist_list = _current(edition)
    services.change_finalist_row(actor=request.auth, finalist_list=finalist_list, entry_id=payload.entry,
                                 selected=payload.selected, reason=payload.reason)
    return _list_out(finalist_list)


@router.post("/{slug}/finalists/approve", response=LIST_RESPONSES, url_name="review_finalists_approve",
             summary="Approve the list: every entry of the second round becomes finalist or not finalist")
def approve(request: HttpRequest, slug: str, payload: ApproveIn):
    edition = _edition(request, slug)
    approved = services.approve_finalist_list(actor=request.auth, finalist_list=_current(edition), note=payload.note)
    return _list_out(approved)
