"""API: the public configuration of competition editions (what the notice fixes, R2–R24)."""

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from wuxiao import api_messages as msg
from wuxiao.api_common import ErrorOut

from .models import Edition

router = Router(tags=["editions"])

EDITION_LISTS = ("categories", "presentation_forms", "exclusions", "criteria", "prize_tiers", "committee_members")


class EditionSummaryOut(Schema):
    slug: str
    title: str
    year: int
    is_practice: bool
    is_current: bool
    declaration_opens_at: dt.datetime
    declaration_deadline: dt.datetime
    declaration_open: bool


class NamedItemOut(Schema):
    id: int
    name: str


class ExclusionOut(Schema):
    number: int
    text: str


class CriterionOut(Schema):
    name: str
    max_points: int
    description: str


class PrizeTierOut(Schema):
    name: str
    count: int
    amount_yuan: int
    total_yuan: int


class CommitteeMemberOut(Schema):
    body: str
    body_label: str
    function: str
    name: str
    post: str


class MaterialLimitsOut(Schema):
    ppt_max_mb: int
    ppt_aspect: str
    video_max_minutes: int
    video_max_mb: int
    video_width: int
    video_height: int
    video_formats: list[str]


class ContactOut(Schema):
    name: str
    phone: str
    email: str
    address: str


class EditionOut(EditionSummaryOut):
    document_number: str
    issuers: str
    notice_date: dt.date
    recommendation_deadline: dt.datetime
    window_start: dt.date
    window_end: dt.date
    recommendation_quota: int
    roadshow_minutes: int
    site_visit_top_n: int
    materials: MaterialLimitsOut
    contact: ContactOut
    scope_text: str
    procedure_text: str
    categories: list[NamedItemOut]
    presentation_forms: list[NamedItemOut]
    exclusions: list[ExclusionOut]
    criteria: list[CriterionOut]
    criteria_total_points: int
    prize_tiers: list[PrizeTierOut]
    prize_count_total: int
    prize_money_total_yuan: int
    committee_members: list[CommitteeMemberOut]


def _beijing(value: dt.datetime) -> dt.datetime:
    # Stored in UTC; the API speaks Beijing time (+08:00), as the notice does.
    return timezone.localtime(value)


def _summary(edition: Edition, now: dt.datetime) -> dict:
    return {
        "slug": edition.slug,
        "title": edition.title,
        "year": edition.year,
        "is_practice": edition.is_practice,
        "is_current": edition.is_current,
        "declaration_opens_at": _beijing(edition.declaration_opens_at),
        "declaration_deadline": _beijing(edition.declaration_deadline),
        "declaration_open": edition.is_declaration_open(now),
    }


def _configuration(edition: Edition) -> dict:
    criteria = list(edition.criteria.all())
    tiers = list(edition.prize_tiers.all())
    return {
        **_summary(edition, timezone.now()),
        "document_number": edition.document_number,
        "issuers": edition.issuers,
        "notice_date": edition.notice_date,
        "recommendation_deadline": _beijing(edition.recommendation_deadline),
        "window_start": edition.window_start,
        "window_end": edition.window_end,
        "recommendation_quota": edition.recommendation_quota,
        "roadshow_minutes": edition.roadshow_minutes,
        "site_visit_top_n": edition.site_visit_top_n,
        "materials": {
            "ppt_max_mb": edition.ppt_max_mb,
            "ppt_aspect": edition.ppt_aspect,
            "video_max_minutes": edition.video_max_minutes,
            "video_max_mb": edition.video_max_mb,
            "video_width": edition.video_width,
            "video_height": edition.video_height,
            "video_formats": [f.strip() for f in edition.video_formats.split(",") if f.strip()],
        },
        "contact": {
            "name": edition.contact_name,
            "phone": edition.contact_phone,
            "email": edition.contact_email,
            "address": edition.contact_address,
        },
        "scope_text": edition.scope_text,
        "procedure_text": edition.procedure_text,
        "categories": [{"id": c.pk, "name": c.name} for c in edition.categories.all()],
        "presentation_forms": [{"id": f.pk, "name": f.name} for f in edition.presentation_forms.all()],
        "exclusions": [{"number": e.number, "text": e.text} for e in edition.exclusions.all()],
        "criteria": [{"name": c.name, "max_points": c.max_points, "description": c.description} for c in criteria],
        "criteria_total_points": sum(c.max_points for c in criteria),
        "prize_tiers": [
            {"name": t.name, "count": t.count, "amount_yuan": t.amount_yuan, "total_yuan": t.count * t.amount_yuan}
            for t in tiers
        ],
        "prize_count_total": sum(t.count for t in tiers),
        "prize_money_total_yuan": sum(t.count * t.amount_yuan for t in tiers),
        "committee_members": [
            {"body": m.body, "body_label": str(m.get_body_display()), "function": m.function,
             "name": m.name, "post": m.post}
            for m in edition.committee_members.all()
        ],
    }


def _with_lists():
    return Edition.objects.prefetch_related(*EDITION_LISTS)


@router.get("/editions", auth=None, response=list[EditionSummaryOut], summary="List the competition editions")
def list_editions(request: HttpRequest):
    now = timezone.now()
    return [_summary(edition, now) for edition in Edition.objects.order_by("-year", "-id")]


# Declared before /editions/{slug}, so "current" is never read as a slug.
@router.get(
    "/editions/current", auth=None, response={200: EditionOut, 404: ErrorOut},
    summary="The current edition's public configuration",
    description="The edition shown on the public page: the one marked current, else the newest.",
)
def current_edition(request: HttpRequest):
    edition = _with_lists().order_by("-is_current", "-year", "-id").first()
    if edition is None:
        raise HttpError(404, str(msg.NO_EDITION))
    return _configuration(edition)


@router.get(
    "/editions/{slug}", auth=None, response={200: EditionOut, 404: ErrorOut},
    summary="An edition's public configuration",
    description=(
        "Dates in Beijing time (ISO 8601, +08:00); quota R6, roadshow minutes R8, site visits R9, "
        "material limits R24, contact R16, and the lists: categories R3, exclusions R4, criteria R7, "
        "prize tiers R11 with totals, committee members R13, presentation forms R22."
    ),
)
def edition_detail(request: HttpRequest, slug: str):
    edition = _with_lists().filter(slug=slug).first()
    if edition is None:
        raise HttpError(404, str(msg.EDITION_NOT_FOUND))
    return _configuration(edition)
