"""Final-round API: site visits (R9; issue 11 items 9 and 12). The office's proposal, visits created and
decided with a reason, withdrawn, scheduled with the visiting experts, locked; the visiting expert's list,
score (stored once by its idempotency key) and photos. The same predicates and services as the pages: a refusal
is 409 with its message and field, a wrong input 422."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from functools import wraps

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from wuxiao.api_common import ErrorOut, Id, RefusedOut
from wuxiao.common.exceptions import InvalidInput, Refused
from wuxiao.common.permissions import allowed
from wuxiao.common.uploads import LimitedUploadHandler, upload_refusal
from wuxiao.common.validators import is_landline, is_mobile
from wuxiao.entries.models import Entry

from .. import queries
from .. import queries_site as sq
from .. import services_site as services
from ..models import SitePhoto, SiteScore, SiteVisit
from .common import managed_edition

router = Router(tags=["final round: site"])

FORBIDDEN = _("Only the committee office may manage the site visits.")
NOT_FOUND = _("No such site visit.")


class FinalVisitExpertOut(Schema):
    expert_id: int
    name: str
    seat: int
    scored: bool


class FinalVisitOut(Schema):
    id: int
    entry_id: int
    title: str
    declaring_unit: str
    source: str
    selection_reason: str
    visit_date: dt.date | None
    start_time: dt.time | None
    route_position: int | None
    address: str
    contact_name: str
    contact_phone: str
    notes: str
    experts: list[FinalVisitExpertOut]
    result: Decimal | None
    locked_at: dt.datetime | None
    lock_reason: str
    cancelled_at: dt.datetime | None
    cancel_reason: str


class FinalVisitCandidateOut(Schema):
    entry_id: int
    title: str
    roadshow: Decimal | None
    rank: int | None
    proposed: bool
    border: bool
    visit_id: int | None


class FinalVisitProposalOut(Schema):
    top_n: int
    missing_roadshow: int = Field(description="Finalists whose roadshow score is not locked yet.")
    seats_at_border: int
    border_score: Decimal | None
    candidates: list[FinalVisitCandidateOut]


class FinalVisitSelectIn(Schema):
    entry: Id
    reason: str = Field(..., min_length=1, max_length=500)


class FinalVisitReasonIn(Schema):
    reason: str = Field("", max_length=500)


class FinalVisitScheduleIn(Schema):
    visit_date: dt.date | None = None
    start_time: dt.time | None = None
    address: str = Field("", max_length=200)
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=30)
    notes: str = Field("", max_length=2000)
    experts: list[Id] = Field(default_factory=list, max_length=50,
                              description="Ids of accepted experts of the pool, in seat order.")


class FinalSiteScoreIn(Schema):
    items: dict[str, Decimal] = Field(..., description="Points per criterion id of the site rubric.")
    comment: str = Field("", max_length=2000)
    idempotency_key: uuid.UUID


class FinalSiteScoreOut(Schema):
    id: int
    visit_id: int
    items: dict
    total: Decimal
    comment: str
    received_at: dt.datetime
    created: bool
    locked: bool


class FinalSitePhotoOut(Schema):
    id: int
    visit_id: int
    name: str
    size: int
    url: str
    created: bool = False


class FinalVisitScoresOut(Schema):
    visit: FinalVisitOut
    scores: list[FinalSiteScoreOut]
    photos: list[FinalSitePhotoOut]


def _visit_out(visit: SiteVisit) -> dict:
    scored = {s.expert_id for s in visit.scores.all()}
    entry = visit.entry
    return {
        "id": visit.pk, "entry_id": entry.pk, "title": entry.title, "declaring_unit": entry.declaring_unit.name,
        "source": visit.source, "selection_reason": visit.selection_reason, "visit_date": visit.visit_date,
        "start_time": visit.start_time, "route_position": visit.route_position, "address": visit.address,
        "contact_name": visit.contact_name, "contact_phone": visit.contact_phone, "notes": visit.notes,
        "experts": [{"expert_id": s.expert_id, "name": s.expert.name, "seat": s.seat, "scored": s.expert_id in scored}
                    for s in visit.visit_experts.all()],
        "result": visit.result, "locked_at": visit.locked_at, "lock_reason": visit.lock_reason,
        "cancelled_at": visit.cancelled_at, "cancel_reason": visit.cancel_reason}


def _score_out(score: SiteScore, created: bool, locked: bool) -> dict:
    return {"id": score.pk, "visit_id": score.visit_id, "items": score.items, "total": score.total,
            "comment": score.comment, "received_at": score.received_at, "created": created, "locked": locked}


def _photo_out(photo: SitePhoto, created: bool = False) -> dict:
    return {"id": photo.pk, "visit_id": photo.visit_id, "name": photo.original_name, "size": photo.size,
            "url": reverse("finals:visit_photo", args=[photo.pk]), "created": created}


def _edition(request: HttpRequest, slug: str):
    return managed_edition(request, slug, FORBIDDEN)


def _office_visit(edition, visit_id: int) -> SiteVisit:
    visit = (sq.visits(edition).filter(pk=visit_id).first()
             or sq.visits(edition, cancelled=True).filter(pk=visit_id).first())
    if visit is None:
        raise HttpError(404, str(NOT_FOUND))
    return visit


def _expert_visit(request: HttpRequest, visit_id: int) -> SiteVisit:
    visit = SiteVisit.objects.select_related("edition").filter(pk=visit_id, cancelled_at__isnull=True).first()
    if visit is None or not allowed(request.auth, "finals.visit_site", visit):
        raise HttpError(404, str(NOT_FOUND))  # a visit is not shown to anyone who does not visit it
    return visit


ONE = {200: FinalVisitOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: RefusedOut}
MANY = {200: list[FinalVisitOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: RefusedOut}


@router.get("/{slug}/visits/proposal", response={200: FinalVisitProposalOut, 401: ErrorOut, 403: ErrorOut,
                                                  404: ErrorOut},
            url_name="finals_visit_proposal", summary="Finalists by roadshow score: the top N proposed, border ties")
def proposal(request: HttpRequest, slug: str):
    found = sq.proposal(_edition(request, slug))
    return {"top_n": found.n, "missing_roadshow": found.missing, "seats_at_border": found.seats_at_border,
            "border_score": found.border_score,
            "candidates": [{"entry_id": c.entry.pk, "title": c.entry.title, "roadshow": c.score, "rank": c.rank,
                            "proposed": c.proposed, "border": c.border, "visit_id": c.visit.pk if c.visit else None}
                           for c in found.candidates]}


@router.get("/{slug}/visits", response=MANY, url_name="finals_visits",
            summary="The site visits (withdrawn ones left out), in route order")
def visit_list(request: HttpRequest, slug: str):
    return [_visit_out(v) for v in sq.visits(_edition(request, slug))]


@router.post("/{slug}/visits/create", response=MANY, url_name="finals_visits_create",
             summary="Create the visits of the proposed top N (border ties are decided one by one)")
def create(request: HttpRequest, slug: str):
    edition = _edition(request, slug)
    services.create_proposed_visits(actor=request.auth, edition=edition)
    return [_visit_out(v) for v in sq.visits(edition)]


@router.post("/{slug}/visits/select", response=ONE, url_name="finals_visits_select",
             summary="Decide to visit an entry (a tie at the border, or another finalist), with the reason")
def select(request: HttpRequest, slug: str, payload: FinalVisitSelectIn):
    edition = _edition(request, slug)
    entry = Entry.objects.filter(pk=payload.entry, edition=edition).first()
    if entry is None:
        raise Refused(_("Only a finalist of this edition can be visited."), field="entry")
    visit = services.select_visit(actor=request.auth, edition=edition, entry=entry, reason=payload.reason)
    return _visit_out(_office_visit(edition, visit.pk))


@router.post("/{slug}/visits/{visit_id}/withdraw", response=ONE, url_name="finals_visit_withdraw",
             summary="Withdraw a visit, with the reason")
def withdraw(request: HttpRequest, slug: str, visit_id: Id, payload: FinalVisitReasonIn):
    edition = _edition(request, slug)
    services.withdraw_visit(actor=request.auth, visit=_office_visit(edition, visit_id), reason=payload.reason)
    return _visit_out(_office_visit(edition, visit_id))


@router.post("/{slug}/visits/{visit_id}/schedule", response=ONE, url_name="finals_visit_schedule",
             summary="Set a visit's date, time, address, contact and visiting experts")
def schedule(request: HttpRequest, slug: str, visit_id: Id, payload: FinalVisitScheduleIn):
    edition = _edition(request, slug)
    visit = _office_visit(edition, visit_id)
    phone = payload.contact_phone.strip()
    if phone and not (is_mobile(phone) or is_landline(phone)):
        raise InvalidInput({"contact_phone": [str(services.PHONE_WRONG)]})
    pool = {e.pk: e for e in sq.pool_experts(edition).filter(pk__in=payload.experts)}
    if any(pk not in pool for pk in payload.experts):
        raise InvalidInput({"experts": [str(_("Only accepted experts of this edition's pool can visit."))]})
    services.schedule_visit(actor=request.auth, visit=visit, visit_date=payload.visit_date,
                            start_time=payload.start_time, address=payload.address,
                            contact_name=payload.contact_name, contact_phone=phone, notes=payload.notes,
                            experts=[pool[pk] for pk in payload.experts])
    return _visit_out(_office_visit(edition, visit_id))


@router.post("/{slug}/visits/{visit_id}/lock", response=ONE, url_name="finals_visit_lock",
             summary="Lock a visit's scores and compute its site-visit score (a reason when a score is missing)")
def lock(request: HttpRequest, slug: str, visit_id: Id, payload: FinalVisitReasonIn):
    edition = _edition(request, slug)
    services.lock_visit(actor=request.auth, visit=_office_visit(edition, visit_id), reason=payload.reason)
    return _visit_out(_office_visit(edition, visit_id))


@router.get("/{slug}/visits/{visit_id}/scores",
            response={200: FinalVisitScoresOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            url_name="finals_visit_scores", summary="A visit with its experts' scores and photos (the office)")
def visit_scores(request: HttpRequest, slug: str, visit_id: Id):
    edition = _edition(request, slug)
    visit = _office_visit(edition, visit_id)
    locked = visit.locked_at is not None
    return {"visit": _visit_out(visit), "scores": [_score_out(s, False, locked) for s in sq.visit_scores(visit)],
            "photos": [_photo_out(p) for p in sq.visit_photos(visit)]}


# --- the visiting expert ---------------------------------------------------------------------------

@router.get("/site-visits/mine", response={200: list[FinalVisitOut], 401: ErrorOut, 403: ErrorOut},
            url_name="finals_my_visits", summary="The visits the caller is a visiting expert of")
def my_visits(request: HttpRequest):
    if not allowed(request.auth, "finals.view_expert_home"):
        raise HttpError(403, str(_("Only experts have site visits.")))
    ids = list(queries.visits_of_expert(request.auth).values_list("pk", flat=True))
    return [_visit_out(v) for v in SiteVisit.objects.filter(pk__in=ids).select_related("entry__declaring_unit")
            .prefetch_related("visit_experts__expert", "scores").order_by("visit_date", "route_position", "id")]


@router.post("/site-visits/{visit_id}/score",
             response={200: FinalSiteScoreOut, 201: FinalSiteScoreOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                       409: RefusedOut},
             url_name="finals_site_score",
             summary="A visiting expert's score: stored once per idempotency key (the same key again: the stored one)")
def site_score(request: HttpRequest, visit_id: Id, payload: FinalSiteScoreIn):
    visit = _expert_visit(request, visit_id)
    score, created = services.submit_site_score(user=request.auth, visit=visit, items=payload.items,
                                                comment=payload.comment, idempotency_key=payload.idempotency_key)
    visit.refresh_from_db(fields=["locked_at"])
    return Status(201 if created else 200, _score_out(score, created, visit.locked_at is not None))


PHOTO_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["photo", "idempotency_key"],
    "properties": {"photo": {"type": "string", "format": "binary"},
                   "idempotency_key": {"type": "string", "format": "uuid"},
                   "caption": {"type": "string", "maxLength": 200}}}}}}}


def _limit_photo_before_auth(run):
    """Set the photo's size limit before ninja authenticates: a session's CSRF check reads the body."""

    @wraps(run)
    def wrapper(request: HttpRequest, **kwargs):
        request.upload_handlers = [LimitedUploadHandler(request, max_bytes=services.PHOTO_MAX_BYTES,
                                                        message=services.PHOTO_TOO_LARGE)]
        return run(request, **kwargs)

    return wrapper


@router.post("/site-visits/{visit_id}/photos",
             response={200: FinalSitePhotoOut, 201: FinalSitePhotoOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut,
                       404: ErrorOut, 409: RefusedOut, 413: ErrorOut},
             url_name="finals_site_photo", openapi_extra=PHOTO_BODY,
             summary="A photo taken on site (multipart `photo`: a JPEG, PNG or WebP picture), once per key",
             description="`idempotency_key` (a UUID, in the form or the Idempotency-Key header): the same key again "
                         "returns the photo the first request stored. A file that is not a picture: 409 with the "
                         "message beside `photo`.")
@decorate_view(_limit_photo_before_auth)
def site_photo(request: HttpRequest, visit_id: Id):
    visit = _expert_visit(request, visit_id)
    refused = upload_refusal(request)
    if refused:
        raise HttpError(413, str(refused))
    upload = request.FILES.get("photo")
    if upload is None or not upload.size:
        raise InvalidInput({"photo": [str(_("Please choose a photo."))]})
    key = request.POST.get("idempotency_key") or request.headers.get("Idempotency-Key") or ""
    found, created = services.add_site_photo(user=request.auth, visit=visit, upload=upload, idempotency_key=key,
                                             caption=request.POST.get("caption", "")[:200])
    return Status(201 if created else 200, _photo_out(found, created))
