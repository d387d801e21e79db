"""API: the committee office's eligibility check (issue 4, items 6–8 and 11).

The same predicate as the pages (is_committee) and the same transition function; a refused
decision is 409 with the message and the input it belongs to (`field`).
"""

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from wuxiao import api_messages as msg
from wuxiao.api_common import ErrorOut, Id, PageNumber, RefusedOut
from wuxiao.common.permissions import require
from wuxiao.competitions.models import Edition
from wuxiao.entries.api import ENTRY_NOT_FOUND
from wuxiao.entries.enums import Action, EntryStatus
from wuxiao.entries.models import Entry
from wuxiao.entries.services import transition_entry

from . import checklist as checks
from . import services
from .api import BULK_RESPONSES, bulk_answer
from .models import Flag, FlagKind
from .queries import CORRECTION, REVIEW_STATES, SEARCH_MAX, review_entries, review_page

router = Router(tags=["review"])

REVIEW_FORBIDDEN = _("Only the committee office may carry out the eligibility check.")


class CheckOut(Schema):
    key: str
    label: str
    ok: bool
    problems: list[str]


class FlagOut(Schema):
    kind: str
    label: str
    other_id: int | None
    other_title: str | None
    score: float | None
    details: dict


class ReviewEntryOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    declaring_unit: str
    recommending_unit_id: int
    recommending_unit: str
    category: str | None
    recommendation_rank: int | None
    checklist: list[CheckOut]
    checklist_ok: bool
    correction_due: str | None = None  # 限期补正: the date the open correction request is due (ISO)
    flags: list[FlagOut]


class ReviewPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[ReviewEntryOut]


class DecidedOut(Schema):
    id: int
    status: str
    status_label: str


class IneligibleIn(Schema):
    rule: str = ""
    reason: str = ""


class AcceptIn(Schema):
    """Needed only when the entry's checklist fails: an explicit confirmation and the reason."""

    confirm_failed_checks: bool = False
    reason: str = ""


class CorrectionIn(Schema):
    reason: str = ""
    due_date: str = ""


RESPONSES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _flag(flag: Flag) -> dict:
    return {"kind": flag.kind, "label": str(flag.get_kind_display()), "other_id": flag.other_id,
            "other_title": flag.other.title if flag.other_id else None, "score": flag.score, "details": flag.details}


def _entry(entry: Entry) -> dict:
    return {
        "id": entry.pk, "title": entry.title, "status": entry.status,
        "status_label": str(EntryStatus(entry.status).label), "declaring_unit": entry.declaring_unit.name,
        "recommending_unit_id": entry.recommending_unit_id, "recommending_unit": entry.recommending_unit.name,
        "category": entry.category.name if entry.category_id else None,
        "recommendation_rank": entry.recommendation_rank,
        "checklist": [{"key": i.key, "label": str(i.label), "ok": i.ok, "problems": i.problems} for i in entry.checks],
        "checklist_ok": not entry.checks_failing,
        "correction_due": entry.correction_due.isoformat() if getattr(entry, "correction_due", None) else None,
        "flags": [_flag(f) for f in entry.flags.all()],
    }


@router.get("/review/{slug}/entries", response={200: ReviewPageOut, **RESPONSES}, url_name="review_entries",
            summary="The recommended entries of the handed-over batches, with their checklist and flags")
def list_review_entries(request: HttpRequest, slug: str, unit: Id | None = None, category: Id | None = None,
                        status: str = "", flag: str = "", failing: str = "", page: PageNumber = 1,
                        q: str = Query("", description="Part of the title, of a unit's or a completer's name, "
                                                       "or the entry's number (case-insensitive).")):
    require(request.auth, "screening.check_eligibility", message=REVIEW_FORBIDDEN)
    edition = Edition.objects.filter(slug=slug).first()
    if edition is None:
        raise HttpError(404, str(msg.EDITION_NOT_FOUND))
    status = status if status in REVIEW_STATES or status == CORRECTION else ""
    flag = flag if flag in FlagKind.values else ""
    failing = failing if failing == "any" or failing in checks.ITEMS else ""
    rows = review_entries(edition, unit=unit or "", category=category or "", status=status, flag=flag,
                          failing=failing, q=q[:SEARCH_MAX])
    current = review_page(rows, page, edition)
    return {"count": current.paginator.count, "page": current.number, "pages": current.paginator.num_pages,
            "items": [_entry(e) for e in current.object_list]}


def _entry_or_404(entry_id: int) -> Entry:
    entry = Entry.objects.select_related("edition").filter(pk=entry_id).first()
    if entry is None:
        raise HttpError(404, str(ENTRY_NOT_FOUND))
    return entry


@router.get("/entries/{entry_id}/flags", response={200: list[FlagOut], **RESPONSES}, url_name="entry_flags",
            summary="The automatic flags of an entry (committee office)")
def entry_flags(request: HttpRequest, entry_id: Id):
    require(request.auth, "screening.check_eligibility", message=REVIEW_FORBIDDEN)
    entry = _entry_or_404(entry_id)
    return [_flag(f) for f in Flag.objects.filter(entry=entry).select_related("other").order_by("kind", "id")]


def _decide(request: HttpRequest, entry_id: int, action: str, reason: str = "", data: dict | None = None):
    require(request.auth, "screening.check_eligibility", message=REVIEW_FORBIDDEN)
    entry = _entry_or_404(entry_id)
    # A refusal is answered 409 with its message and field by the one handler (wuxiao.api).
    transition_entry(entry=entry, action=action, actor=request.auth, reason=reason, data=data)
    return {"id": entry.pk, "status": entry.status, "status_label": str(EntryStatus(entry.status).label)}


DECISION_RESPONSES = {200: DecidedOut, 409: RefusedOut, **RESPONSES}


@router.post("/entries/{entry_id}/accept", response=DECISION_RESPONSES, url_name="entry_accept",
             summary="Accept a recommended entry into the second round (when its checklist fails: "
                     "confirm_failed_checks and a reason)")
def accept_entry(request: HttpRequest, entry_id: Id, payload: AcceptIn | None = None):
    payload = payload or AcceptIn()
    # screening.transitions.checklist_passed_or_confirmed reads the confirmation and the reason.
    return _decide(request, entry_id, Action.ACCEPT, payload.reason,
                   {"confirm_failed_checks": payload.confirm_failed_checks, "override_reason": payload.reason})


@router.post("/entries/{entry_id}/declare-ineligible", response=DECISION_RESPONSES, url_name="entry_ineligible",
             summary="Declare a recommended entry ineligible, naming the rule (R1–R4, R4.n) and a reason")
def declare_ineligible(request: HttpRequest, entry_id: Id, payload: IneligibleIn):
    return _decide(request, entry_id, Action.DECLARE_INELIGIBLE, payload.reason, {"rule": payload.rule})


@router.post("/entries/{entry_id}/request-correction", response=DECISION_RESPONSES, url_name="entry_correction",
             summary="Send a recommended entry back for correction by a date (限期补正, YYYY-MM-DD)")
def request_correction(request: HttpRequest, entry_id: Id, payload: CorrectionIn):
    return _decide(request, entry_id, Action.REQUEST_CORRECTION, payload.reason, {"due_date": payload.due_date})



# --- Several entries at once (issue 9 item 13) ---------------------------------------------------

class BulkDecisionIn(Schema):
    action: Literal["accept", "declare_ineligible", "request_correction"]
    entry_ids: list[Id] = Field(..., max_length=services.BULK_MAX)
    reason: str = Field("", description="declare_ineligible: why; request_correction: what must be corrected; "
                                        "accept with confirm_failed_checks: why.")
    rule: str = Field("", description="declare_ineligible: the rule not met (R1–R4, R4.n).")
    due_date: str = Field("", description="request_correction: the date it is due (YYYY-MM-DD).")
    confirm_failed_checks: bool = Field(False, description="accept: accept also the entries whose checklist fails "
                                                           "(needs a reason).")


@router.post("/review/{slug}/bulk", response=BULK_RESPONSES, url_name="review_bulk",
             summary="Accept, declare ineligible or send back for correction several entries at once; each entry's "
                     "result (moved, or why not) in the answer")
def review_bulk(request: HttpRequest, slug: str, payload: BulkDecisionIn):
    require(request.auth, "screening.check_eligibility", message=REVIEW_FORBIDDEN)
    edition = Edition.objects.filter(slug=slug).first()
    if edition is None:
        raise HttpError(404, str(msg.EDITION_NOT_FOUND))
    data = {"accept": {"confirm_failed_checks": payload.confirm_failed_checks},
            "declare_ineligible": {"rule": payload.rule},
            "request_correction": {"due_date": payload.due_date}}[payload.action]
    # Missing or wrong input (no entry, no reason, a wrong rule or date) is 422 by the one handler.
    results = services.decide_entries(actor=request.auth, edition=edition, entry_ids=payload.entry_ids,
                                      action=payload.action, reason=payload.reason, data=data)
    return bulk_answer(payload.action, results)
