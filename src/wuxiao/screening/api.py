"""API: the recommending unit's decisions on entries and its batch (issue 4, item 11).

The same predicates as the pages (entries.screen, screening.*), the same service functions.
A refused decision is 409 with the message and the input it belongs to (`field`).
"""

import datetime as dt
from typing import Literal

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from wuxiao import api_messages as msg
from wuxiao.api_common import Count, ErrorOut, Id, InvalidOut, PageNumber, RefusedOut
from wuxiao.competitions.models import Edition
from wuxiao.entries.api import ENTRY_NOT_FOUND
from wuxiao.entries.enums import Action, EntryStatus
from wuxiao.entries.models import Entry
from wuxiao.entries.queries import rows_in_order
from wuxiao.orgs.models import Organisation

from . import queries, services
from . import rules as screening_rules  # noqa: F401  (registers the screening.* permissions)
from .queries import summary_sheet_rows, undecided_entries

router = Router(tags=["screening"])

SCREEN_FORBIDDEN = _("Only the recommending unit of this entry may screen it.")
BATCH_FORBIDDEN = _("You may not see this recommending unit's batch.")
SUBMIT_FORBIDDEN = _("Only staff of this recommending unit may hand over its batch.")
REOPEN_FORBIDDEN = _("Only the committee office may reopen a batch.")
SCREEN_UNIT_FORBIDDEN = _("Only staff of this recommending unit may screen its entries.")


class ReasonIn(Schema):
    reason: str = ""


class RecommendIn(Schema):
    opinion: str = ""
    rank: Count | None = None


class ScreenedOut(Schema):
    id: int
    status: str
    status_label: str
    recommendation_rank: int | None


class BatchEntryOut(Schema):
    rank: int | None
    id: int
    title: str
    declaring_unit: str


class UndecidedOut(Schema):
    id: int
    title: str
    declaring_unit: str
    status: str
    status_label: str


class SheetRowOut(Schema):
    number: int
    entry_id: int
    rank: int | None
    cells: list[str | int]  # the columns of the summary sheet (R26), as printed


class BatchOut(Schema):
    edition: str
    unit_id: int
    unit: str
    quota: int
    extra_quota: int
    used: int
    recommendation_deadline: dt.datetime  # the unit's own: the edition's, or the committee's extension (R6)
    deadline_extended: bool
    locked: bool
    submitted_at: dt.datetime | None
    reopened_at: dt.datetime | None
    reopen_reason: str
    has_stamped_sheet: bool
    version: int
    recommended: list[BatchEntryOut]
    # Entries still waiting for the unit's decision: a hand-over is refused while any is left.
    undecided: list[UndecidedOut]
    # The summary sheet: the one handed over (frozen at `sheet_handed_over_at`), or the live one while open.
    sheet_handed_over_at: dt.datetime | None
    sheet: list[SheetRowOut]


class VersionIn(Schema):
    version: Count


class BatchSubmitIn(Schema):
    version: Count
    # The undecided entries to mark as not recommended in the same step (all of them, as listed in
    # `undecided`), with the reason their declaring units are told.
    not_recommend: list[Id] = Field(default_factory=list, max_length=1000)
    reason: str = ""


class ReopenIn(Schema):
    version: Count
    reason: str = ""


RESPONSES = {200: ScreenedOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: RefusedOut}
BATCH_RESPONSES = {200: BatchOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: RefusedOut}


def _screened(entry: Entry) -> dict:
    return {"id": entry.pk, "status": entry.status, "status_label": str(EntryStatus(entry.status).label),
            "recommendation_rank": entry.recommendation_rank}


def _screen(request: HttpRequest, entry_id: int, action: str, reason: str = "", data: dict | None = None):
    entry = Entry.objects.select_related("edition").filter(pk=entry_id).first()
    if entry is None:
        raise HttpError(404, str(ENTRY_NOT_FOUND))
    if not request.auth.has_perm("entries.screen", entry) or entry.status == EntryStatus.DRAFT:
        raise HttpError(403, str(SCREEN_FORBIDDEN))
    # A refusal is answered 409 with its message and field by the one handler (wuxiao.api).
    services.screen_entry(actor=request.auth, entry=entry, action=action, reason=reason, data=data)
    return _screened(entry)


@router.post("/entries/{entry_id}/return", response=RESPONSES, url_name="entry_return",
             summary="Return an entry to its declaring unit for revision (a comment is required)")
def return_entry(request: HttpRequest, entry_id: Id, payload: ReasonIn):
    return _screen(request, entry_id, Action.RETURN, payload.reason)


@router.post("/entries/{entry_id}/recommend", response=RESPONSES, url_name="entry_recommend",
             summary="Recommend an entry (R6 quota, R23 opinion required, optional merit rank)")
def recommend_entry(request: HttpRequest, entry_id: Id, payload: RecommendIn):
    data = {"opinion": payload.opinion}
    if payload.rank is not None:
        data["rank"] = payload.rank
    return _screen(request, entry_id, Action.RECOMMEND, data=data)


@router.post("/entries/{entry_id}/not-recommend", response=RESPONSES, url_name="entry_not_recommend",
             summary="Do not recommend an entry (a reason is required)")
def not_recommend_entry(request: HttpRequest, entry_id: Id, payload: ReasonIn):
    return _screen(request, entry_id, Action.NOT_RECOMMEND, payload.reason)


@router.post("/entries/{entry_id}/unrecommend", response=RESPONSES, url_name="entry_unrecommend",
             summary="Take back a recommendation (a reason is required)")
def unrecommend_entry(request: HttpRequest, entry_id: Id, payload: ReasonIn):
    return _screen(request, entry_id, Action.UNRECOMMEND, payload.reason)


# --- The batch ----------------------------------------------------------------------------

def _edition_and_unit(request: HttpRequest, slug: str, unit_id: int, perm: str, forbidden) -> tuple:
    edition = Edition.objects.filter(slug=slug).first()
    if edition is None:
        raise HttpError(404, str(msg.EDITION_NOT_FOUND))
    unit = Organisation.objects.filter(pk=unit_id).first()
    if unit is None or not unit.is_recommending:
        raise HttpError(404, str(msg.UNIT_NOT_FOUND))
    if not request.auth.has_perm(perm, unit):
        raise HttpError(403, str(forbidden))
    return edition, unit


def _batch(edition: Edition, unit: Organisation) -> dict:
    batch = services.batch_of(edition, unit)
    rows, frozen = summary_sheet_rows(edition, unit)
    extra = services.extra_quota_of(edition, unit)
    deadline = services.recommendation_deadline_of(edition, unit)
    return {
        "edition": edition.slug, "unit_id": unit.pk, "unit": unit.name,
        "quota": edition.recommendation_quota, "extra_quota": extra, "used": services.used_quota_of(edition, unit),
        "recommendation_deadline": deadline, "deadline_extended": deadline > edition.recommendation_deadline,
        "locked": batch.is_locked, "submitted_at": batch.submitted_at, "reopened_at": batch.reopened_at,
        "reopen_reason": batch.reopen_reason, "has_stamped_sheet": bool(batch.stamped_sheet),
        "version": batch.version,
        "recommended": [{"rank": e.recommendation_rank, "id": e.pk, "title": e.title,
                         "declaring_unit": e.declaring_unit.name}
                        for e in services.recommended_entries(edition, unit).select_related("declaring_unit")],
        "undecided": [{"id": e.pk, "title": e.title, "declaring_unit": e.declaring_unit.name, "status": e.status,
                       "status_label": str(EntryStatus(e.status).label)} for e in undecided_entries(edition, unit)],
        "sheet_handed_over_at": frozen.handed_over_at if frozen else None,
        "sheet": [{"number": row["number"], "entry_id": row["entry"], "rank": row["rank"], "cells": row["cells"]}
                  for row in rows],
    }


@router.get("/screening/{slug}/units/{unit_id}/batch", response=BATCH_RESPONSES, url_name="batch",
            summary="A recommending unit's batch: quota, state and recommended entries in rank order")
def batch_detail(request: HttpRequest, slug: str, unit_id: Id):
    edition, unit = _edition_and_unit(request, slug, unit_id, "screening.view_batch", BATCH_FORBIDDEN)
    return _batch(edition, unit)


@router.post("/screening/{slug}/units/{unit_id}/batch/submit", response=BATCH_RESPONSES, url_name="batch_submit",
             summary="Hand the batch to the committee (needs at least one recommended entry, the stamped sheet, and "
                     "a decision on every entry: the undecided ones may be marked not recommended here, with a "
                     "reason); freezes the summary sheet")
def batch_submit(request: HttpRequest, slug: str, unit_id: Id, payload: BatchSubmitIn):
    edition, unit = _edition_and_unit(request, slug, unit_id, "screening.screen_unit", SUBMIT_FORBIDDEN)
    # A refusal is answered 409 with its message and field by the one handler (wuxiao.api).
    services.submit_batch(actor=request.auth, edition=edition, unit=unit, version=payload.version,
                          not_recommend=payload.not_recommend, reason=payload.reason)
    return _batch(edition, unit)


@router.post("/screening/{slug}/units/{unit_id}/batch/reopen", response=BATCH_RESPONSES, url_name="batch_reopen",
             summary="The committee reopens a handed-over batch, with a reason")
def batch_reopen(request: HttpRequest, slug: str, unit_id: Id, payload: ReopenIn):
    edition, unit = _edition_and_unit(request, slug, unit_id, "screening.reopen_batch", REOPEN_FORBIDDEN)
    # A refusal is answered 409 with its message and field by the one handler (wuxiao.api).
    services.reopen_batch(actor=request.auth, edition=edition, unit=unit, reason=payload.reason,
                          version=payload.version)
    return _batch(edition, unit)


# --- The unit's queue, searched (issue 9 item 14) -----------------------------------------------

class QueueEntryOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    declaring_unit: str
    category: str | None
    industry: str | None
    first_completer: str | None
    recommendation_rank: int | None
    submitted_at: dt.datetime | None


class QueuePageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[QueueEntryOut]


@router.get("/screening/{slug}/units/{unit_id}/entries", response={200: QueuePageOut, 401: ErrorOut, 403: ErrorOut,
                                                                    404: ErrorOut},
            url_name="unit_queue", summary="A recommending unit's screening queue (its entries past the draft), "
                                           "searched and by status, 50 a page")
def unit_queue(request: HttpRequest, slug: str, unit_id: Id, page: PageNumber = 1,
               q: str = Query("", description="Part of the title, of a unit's or a completer's name, or the "
                                              "entry's number (case-insensitive)."),
               status: str = Query("", description="One status (submitted, returned, recommended, ...).")):
    edition, unit = _edition_and_unit(request, slug, unit_id, "screening.view_batch", BATCH_FORBIDDEN)
    status = status if status in {s.value for s in queries.UNIT_QUEUE_STATES} else ""
    rows = queries.unit_queue(edition, unit, q=q[:queries.SEARCH_MAX], status=status)
    current = Paginator(rows.values_list("pk", flat=True), queries.PAGE_SIZE).get_page(page)
    entries = rows_in_order(list(current.object_list))
    return {"count": current.paginator.count, "page": current.number, "pages": current.paginator.num_pages,
            "items": [{"id": e.pk, "title": e.title, "status": e.status,
                       "status_label": str(EntryStatus(e.status).label), "declaring_unit": e.declaring_unit.name,
                       "category": e.category.name if e.category_id else None,
                       "industry": str(e.industry) if e.industry_id else None,
                       "first_completer": e.first_completer, "recommendation_rank": e.recommendation_rank,
                       "submitted_at": e.submitted_at} for e in entries]}


# --- Several entries at once (issue 9 item 13) ---------------------------------------------------

class BulkScreenIn(Schema):
    action: Literal["return", "recommend", "not_recommend"]
    entry_ids: list[Id] = Field(..., max_length=services.BULK_MAX,
                                description="The entries, in the order to handle them (recommended entries take "
                                            "the next free merit ranks in this order).")
    reason: str = Field("", description="return: what must be revised; not_recommend: why.")
    opinion: str = Field("", description="recommend: the recommending unit's opinion (R23), for every entry.")


class BulkResultOut(Schema):
    id: int
    title: str = Field(description="Empty for an entry that is not in this queue.")
    moved: bool
    status: str = Field(description="The entry's status after the action (empty when it is not in this queue).")
    status_label: str
    recommendation_rank: int | None
    detail: str = Field(description="Why the entry was not moved (empty when it was).")
    field: str | None


class BulkOut(Schema):
    action: str
    moved: int
    refused: int
    results: list[BulkResultOut]


BULK_RESPONSES = {200: BulkOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut}


def bulk_answer(action: str, results: list[services.BulkResult]) -> dict:
    """Every entry's result, in the order given: refusals of single entries are part of the 200 answer."""
    moved = sum(1 for r in results if r.moved)
    return {"action": action, "moved": moved, "refused": len(results) - moved,
            "results": [{"id": r.entry_id, "title": r.title, "moved": r.moved, "status": r.status,
                         "status_label": r.status_label, "recommendation_rank": r.recommendation_rank,
                         "detail": r.message, "field": r.field} for r in results]}


@router.post("/screening/{slug}/units/{unit_id}/bulk", response=BULK_RESPONSES, url_name="unit_bulk",
             summary="Return, recommend or not recommend several of the unit's entries at once; each entry's "
                     "result (moved, or why not) in the answer")
def unit_bulk(request: HttpRequest, slug: str, unit_id: Id, payload: BulkScreenIn):
    edition, unit = _edition_and_unit(request, slug, unit_id, "screening.screen_unit", SCREEN_UNIT_FORBIDDEN)
    data = {"opinion": payload.opinion} if payload.action == Action.RECOMMEND else {}
    reason = "" if payload.action == Action.RECOMMEND else payload.reason
    # Missing or wrong input (no entry, no reason) is 422 by the one handler; nothing has moved then.
    results = services.screen_entries(actor=request.auth, edition=edition, unit=unit, entry_ids=payload.entry_ids,
                                      action=payload.action, reason=reason, data=data)
    return bulk_answer(payload.action, results)
