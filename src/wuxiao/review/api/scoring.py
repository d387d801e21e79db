"""Second-round API: scoring (issue 10 items 3, 7, 8, 13).

The same predicates and services as the pages: an expert reaches an entry and its score only
through `review.review_entry` (else 404, never the data); the office's operations need
`review.manage`. A refused write is 409 (or 422 for values beside their input) with the message.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from wuxiao import api_messages as msg
from wuxiao.api_common import ErrorOut, Id, InvalidOut, RefusedOut, edition_or_404
from wuxiao.common.permissions import allowed, require
from wuxiao.competitions.models import Edition

from .. import queries_scoring as q
from .. import services_scoring as services
from ..models import Expert, Score
from ..queries import expert_seat, review_settings, reviewer_assignment

router = Router(tags=["second round: scoring"])

MANAGE_FORBIDDEN = _("Only the committee office may do this in the second round.")
WORKSPACE_FORBIDDEN = _("Only experts of the second round may do this.")

Points = Annotated[Decimal, Field(ge=-1000, le=1000, max_digits=8, decimal_places=3)]
RESPONSES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_RESPONSES = {409: RefusedOut, 422: InvalidOut, **RESPONSES}


class BandOut(Schema):
    low: Decimal
    high: Decimal
    text: str


class RubricCriterionOut(Schema):
    id: int
    name: str
    max_points: int
    description: str
    bands: list[BandOut]


class RubricOut(Schema):
    criteria: list[RubricCriterionOut]
    comment_required: bool
    locked_at: dt.datetime | None
    reopened_at: dt.datetime | None
    reopen_reason: str
    step: Decimal = Field(description="Points are given in steps of this size.")


class AssignmentOut(Schema):
    entry_id: int
    title: str
    category: str
    status: str = Field(description="\"\" (not started), \"draft\" or \"submitted\".")
    total: Decimal | None


class WorkspaceOut(Schema):
    edition: str
    expert: str
    total: int
    submitted: int
    drafts: int
    scoring_deadline: dt.datetime | None
    overdue: bool
    items: list[AssignmentOut]


class ExpertAttachmentOut(Schema):
    id: int
    kind: str
    name: str
    size: int
    url: str


class ScoreOut(Schema):
    status: str
    points: dict[str, Decimal | None]
    total: Decimal | None
    comment: str
    no_conflict_confirmed_at: dt.datetime | None
    saved_at: dt.datetime | None
    submitted_at: dt.datetime | None


class ExpertEntryOut(Schema):
    entry: dict = Field(description="The entry; without units, completers, contacts, the union's opinion and the "
                                    "awards when the edition anonymises the review.")
    attachments: list[ExpertAttachmentOut]
    rubric: RubricOut
    score: ScoreOut | None


class ScoreIn(Schema):
    points: dict[str, Points | None] = Field(default_factory=dict,
                                             description="Points per criterion id (steps of 0.5); null when not given.")
    comment: str = Field("", max_length=5000)
    confirm_no_conflict: bool = Field(False, description="本人与该作品无利害关系: needed before the first submission.")


class DeclaredConflictIn(Schema):
    reason: str = Field(..., max_length=1000)
    whole_unit: bool = Field(False, description="Every entry of the entry's declaring unit in the edition.")


class BandIn(Schema):
    low: Points
    high: Points
    text: str = Field(..., max_length=2000)


class CriterionIn(Schema):
    id: Id
    name: str = Field(..., max_length=50)
    max_points: Annotated[int, Field(ge=1, le=100)]
    description: str = Field("", max_length=2000)
    bands: list[BandIn] = Field(default_factory=list, max_length=20)


class RubricIn(Schema):
    criteria: list[CriterionIn] = Field(..., max_length=20)
    comment_required: bool = False


class ScoreReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


class RemindIn(Schema):
    expert_ids: list[Id] | None = Field(None, max_length=1000,
                                         description="Only these experts; all with scores outstanding when absent.")


class RemindedOut(Schema):
    reminded: int


class DeclaredConflictOut(Schema):
    entries: int = Field(description="How many entries the declaration covers.")


class ExpertProgressOut(Schema):
    expert_id: int
    name: str
    organisation: str
    assigned: int
    submitted: int
    drafts: int
    overdue: bool
    last_reminded: dt.datetime | None


class EntryProgressOut(Schema):
    entry_id: int
    title: str
    assigned: int
    submitted: int
    drafts: int


class ProgressOut(Schema):
    scoring_deadline: dt.datetime | None
    reminder_every_days: int | None
    last_reminder_at: dt.datetime | None
    experts: list[ExpertProgressOut]
    entries: list[EntryProgressOut]


def _edition(slug: str) -> Edition:
    return edition_or_404(slug)


def _rubric(edition) -> dict:
    settings = review_settings(edition)
    return {
        "criteria": [{"id": c.pk, "name": c.name, "max_points": c.max_points, "description": c.description,
                      "bands": [{"low": b.low, "high": b.high, "text": b.text} for b in c.bands.all()]}
                     for c in q.criteria_with_bands(edition)],
        "comment_required": settings.comment_required, "locked_at": settings.rubric_locked_at,
        "reopened_at": settings.rubric_reopened_at, "reopen_reason": settings.rubric_reopen_reason, "step": q.STEP,
    }


def _score(score: Score | None) -> dict | None:
    if score is None:
        return None
    return {"status": score.status, "points": {str(k): v for k, v in q.points_of(score).items()},
            "total": score.total, "comment": score.comment, "no_conflict_confirmed_at": score.no_conflict_confirmed_at,
            "saved_at": score.saved_at, "submitted_at": score.submitted_at}


# --- The expert -----------------------------------------------------------------------------------

class SeatOut(Schema):
    slug: str
    title: str
    expert_id: int


@router.get("/expert/editions", response={200: list[SeatOut], **RESPONSES}, url_name="scoring_seats",
            summary="The editions in which I review (my accepted seats in their expert pools)")
def my_editions(request: HttpRequest):
    require(request.auth, "review.view_workspace", message=WORKSPACE_FORBIDDEN)
    return [{"slug": seat.edition.slug, "title": seat.edition.title, "expert_id": seat.pk}
            for seat in q.scoring_seats(request.auth)]


@router.get("/expert/{slug}/assignments", response={200: WorkspaceOut, **RESPONSES}, url_name="scoring_assignments",
            summary="My assigned entries in this edition with my progress (expert)")
def my_assignments(request: HttpRequest, slug: str):
    require(request.auth, "review.view_workspace", message=WORKSPACE_FORBIDDEN)
    edition = _edition(slug)
    seat = expert_seat(request.auth, edition)
    if seat is None:
        raise HttpError(404, str(msg.NOT_FOUND))
    assignments = q.workspace_assignments(seat)
    summary = q.summarise(assignments)
    items = []
    for a in assignments:
        status = q.score_status(a)
        items.append({"entry_id": a.entry_id, "title": a.entry.title,
                      "category": a.entry.category.name if a.entry.category_id else "", "status": status,
                      "total": a.score.total if status else None})
    settings = review_settings(edition)
    return {"edition": edition.title, "expert": seat.name, "total": summary.total, "submitted": summary.submitted,
            "drafts": summary.drafts, "scoring_deadline": settings.scoring_deadline, "overdue": q.overdue(edition),
            "items": items}


def _reviewer(request, slug: str, entry_id: int):
    """(entry, assignment) for the expert who may review it; 404 for anyone else, whatever the reason."""
    entry = q.expert_entry(entry_id)
    if entry is None or entry.edition.slug != slug or not allowed(request.auth, "review.review_entry", entry):
        raise HttpError(404, str(msg.NOT_FOUND))
    assignment = reviewer_assignment(request.auth, entry)
    if assignment is None:
        raise HttpError(404, str(msg.NOT_FOUND))
    return entry, assignment


@router.get("/expert/{slug}/entries/{entry_id}", response={200: ExpertEntryOut, **RESPONSES},
            url_name="scoring_entry", summary="An assigned entry as its expert sees it (anonymised when the edition "
                                              "says so), with the rubric and my score")
def expert_entry(request: HttpRequest, slug: str, entry_id: Id):
    entry, assignment = _reviewer(request, slug, entry_id)
    anonymise = review_settings(entry.edition).anonymise
    attachments = [{"id": a.pk, "kind": a.kind, "name": label, "size": a.size,
                    "url": reverse("review:expert_attachment", args=[slug, entry.pk, a.pk])}
                   for a, label in q.labelled_attachments(entry, anonymise)]
    return {"entry": q.entry_data(entry, anonymise=anonymise), "attachments": attachments,
            "rubric": _rubric(entry.edition), "score": _score(q.score_of(assignment))}


@router.get("/expert/{slug}/entries/{entry_id}/score", response={200: ScoreOut | None, **RESPONSES},
            url_name="scoring_score", summary="My score of an assigned entry (null before the first save)")
def get_score(request: HttpRequest, slug: str, entry_id: Id):
    _entry, assignment = _reviewer(request, slug, entry_id)
    return _score(q.score_of(assignment))


@router.put("/expert/{slug}/entries/{entry_id}/score", response={200: ScoreOut, **WRITE_RESPONSES},
            url_name="scoring_save", summary="Save my score as a draft (the first saved score locks the rubric)")
def save_score(request: HttpRequest, slug: str, entry_id: Id, payload: ScoreIn):
    _entry, assignment = _reviewer(request, slug, entry_id)
    services.save_score(actor=request.auth, assignment=assignment, points=payload.points, comment=payload.comment,
                        confirm_no_conflict=payload.confirm_no_conflict)
    return _score(q.score_of(assignment))


@router.post("/expert/{slug}/entries/{entry_id}/submit", response={200: ScoreOut, **WRITE_RESPONSES},
             url_name="scoring_submit", summary="Submit my score: every criterion, the comment when required and "
                                                "the no-conflict confirmation; locked afterwards")
def submit_score(request: HttpRequest, slug: str, entry_id: Id, payload: ScoreIn):
    _entry, assignment = _reviewer(request, slug, entry_id)
    services.save_score(actor=request.auth, assignment=assignment, points=payload.points, comment=payload.comment,
                        confirm_no_conflict=payload.confirm_no_conflict, submit=True)
    return _score(q.score_of(assignment))


@router.post("/expert/{slug}/entries/{entry_id}/conflict", response={200: DeclaredConflictOut, **WRITE_RESPONSES},
             url_name="scoring_declare_conflict",
             summary="Declare a conflict of interest with an assigned entry or its whole declaring unit "
                     "(answer: how many entries)")
def declare_conflict(request: HttpRequest, slug: str, entry_id: Id, payload: DeclaredConflictIn):
    entry, assignment = _reviewer(request, slug, entry_id)
    found = services.declare_conflict(actor=request.auth, seat=assignment.expert, entry=entry, reason=payload.reason,
                                      whole_unit=payload.whole_unit)
    return {"entries": len(found)}


# --- The committee office -------------------------------------------------------------------------

def _office(request, slug: str) -> Edition:
    require(request.auth, "review.manage", message=MANAGE_FORBIDDEN)
    return _edition(slug)


@router.get("/{slug}/rubric", response={200: RubricOut, **RESPONSES}, url_name="scoring_rubric",
            summary="The edition's criteria with their scoring guidance (office)")
def get_rubric(request: HttpRequest, slug: str):
    return _rubric(_office(request, slug))


@router.put("/{slug}/rubric", response={200: RubricOut, **WRITE_RESPONSES}, url_name="scoring_rubric_put",
            summary="Change the criteria, their guidance bands and whether a comment is required (refused while "
                    "the rubric is locked)")
def put_rubric(request: HttpRequest, slug: str, payload: RubricIn):
    edition = _office(request, slug)
    services.update_rubric(actor=request.auth, edition=edition, comment_required=payload.comment_required, criteria=[
        services.CriterionInput(criterion_id=c.id, name=c.name, max_points=c.max_points, description=c.description,
                                bands=[services.BandInput(low=b.low, high=b.high, text=b.text) for b in c.bands])
        for c in payload.criteria])
    return _rubric(edition)


@router.post("/{slug}/rubric/reopen", response={200: RubricOut, **WRITE_RESPONSES}, url_name="scoring_rubric_reopen",
             summary="Reopen the locked rubric with a reason (it locks again at the next saved score)")
def reopen_rubric(request: HttpRequest, slug: str, payload: ScoreReasonIn):
    edition = _office(request, slug)
    services.reopen_rubric(actor=request.auth, edition=edition, reason=payload.reason)
    return _rubric(edition)


@router.get("/{slug}/scoring-progress", response={200: ProgressOut, **RESPONSES}, url_name="scoring_progress",
            summary="Scoring progress per expert and per entry (office)")
def progress(request: HttpRequest, slug: str):
    edition = _office(request, slug)
    experts, entries = q.progress(edition)
    settings = review_settings(edition)
    return {"scoring_deadline": settings.scoring_deadline, "reminder_every_days": settings.reminder_every_days,
            "last_reminder_at": settings.last_reminder_at,
            "experts": [{"expert_id": r.expert.pk, "name": r.expert.name, "organisation": r.expert.organisation_name,
                         "assigned": r.assigned, "submitted": r.submitted, "drafts": r.drafts, "overdue": r.overdue,
                         "last_reminded": r.last_reminded} for r in experts],
            "entries": [{"entry_id": e.entry_id, "title": e.title, "assigned": e.assigned, "submitted": e.submitted,
                         "drafts": e.drafts} for e in entries]}


@router.post("/{slug}/scores/{score_id}/reopen", response={200: ScoreOut, **WRITE_RESPONSES},
             url_name="scoring_reopen_score", summary="Reopen a submitted score with a reason (office)")
def reopen_score(request: HttpRequest, slug: str, score_id: Id, payload: ScoreReasonIn):
    edition = _office(request, slug)
    score = Score.objects.filter(pk=score_id, edition=edition).first()
    if score is None:
        raise HttpError(404, str(msg.NOT_FOUND))
    score = services.reopen_score(actor=request.auth, score=score, reason=payload.reason)
    return _score(Score.objects.prefetch_related("items").get(pk=score.pk))


@router.post("/{slug}/reminders", response={200: RemindedOut, **RESPONSES}, url_name="scoring_remind",
             summary="Remind by e-mail the experts with scores outstanding (all, or those given)")
def remind(request: HttpRequest, slug: str, payload: RemindIn | None = None):
    edition = _office(request, slug)
    ids = payload.expert_ids if payload is not None else None
    if ids is not None:
        known = set(Expert.objects.filter(edition=edition, pk__in=ids).values_list("pk", flat=True))
        if known != set(ids):
            raise HttpError(404, str(msg.NOT_FOUND))
    return {"reminded": services.send_reminders(actor=request.auth, edition=edition, expert_ids=ids)}

