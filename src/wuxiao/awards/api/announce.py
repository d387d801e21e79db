"""Awards API: the announcement (公示), objections and confirmation (issue 12 items 2 and 3). The office's
operations take the same predicate (awards.manage) and services as the pages; a refusal is 409 with its message
and field. `GET /api/awards/{slug}/public` needs no login and gives the announced or confirmed list, never an
objector's data. Objections are received through the public page only (a named letter may come with them)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from wuxiao.api_common import ErrorOut, Id, RefusedOut, edition_or_404

from .. import queries_announce as aq
from .. import services_announce as services
from ..models import ListStatus, ObjectorKind
from ..queries import award_list, award_settings, public_list
from .common import managed_edition

router = Router(tags=["awards: announce"])

FORBIDDEN = _("Only the committee office may publish the award list, answer objections and confirm the list.")
NOT_PUBLISHED = _("The award list of this competition has not been published yet.")
NO_OBJECTION = _("There is no such objection.")


class AwardAnnouncementSettingsOut(Schema):
    announcement_working_days: int
    objection_contact: str
    preview_start: dt.date = Field(description="The period's first day if the list were published today.")
    preview_end: dt.date


class AwardAnnouncementSettingsIn(Schema):
    announcement_working_days: int = Field(..., ge=1, le=services.MAX_WORKING_DAYS)
    objection_contact: str = Field("", max_length=5000)


class AwardCalendarDayOut(Schema):
    date: dt.date
    kind: str = Field(description="holiday (not a working day) or workday (a make-up working day).")
    note: str


class AwardCalendarDayIn(Schema):
    date: dt.date
    kind: str = Field(..., max_length=10, description="holiday or workday")
    note: str = Field("", max_length=100)


class AwardListStateOut(Schema):
    status: str
    announced_at: dt.datetime | None
    period_start: dt.date | None
    period_end: dt.date | None
    working_days: int | None
    confirmed_at: dt.datetime | None
    confirm_note: str
    version: int
    objections: int
    objections_open: int


class AwardObjectionSummaryOut(Schema):
    id: int
    number: str
    entry_id: int
    entry_title: str
    kind: str
    objector: str = Field(description="The individual's or the unit's name.")
    submitted_at: dt.datetime
    status: str
    outcome: str


class AwardObjectionOut(AwardObjectionSummaryOut):
    person_name: str
    employer: str
    mobile: str
    unit_name: str
    contact_name: str
    letter_name: str
    grounds: str
    evidence: str
    evidence_file_name: str
    finding: str
    answer: str
    answered_at: dt.datetime | None
    answered_by: str


class AwardObjectionAnswerIn(Schema):
    finding: str = Field(..., min_length=1, max_length=5000)
    answer: str = Field(..., min_length=1, max_length=5000)
    outcome: str = Field(..., max_length=10, description="upheld, partly or rejected")


class AwardConfirmIn(Schema):
    note: str = Field("", max_length=2000)


class AwardPublicRowOut(Schema):
    tier: str
    title: str
    declaring_unit: str
    revoked: bool


class AwardPublicListOut(Schema):
    edition: str
    title: str
    status: str = Field(description="announced (公示) or confirmed (the results).")
    period_start: dt.date | None
    period_end: dt.date | None
    working_days: int | None
    objections_open: bool
    objection_contact: str
    rows: list[AwardPublicRowOut]


def _edition(request: HttpRequest, slug: str):
    return managed_edition(request, slug, FORBIDDEN)


def _settings_out(edition) -> dict:
    settings = award_settings(edition)
    preview = aq.period_if_published(edition)
    return {"announcement_working_days": settings.announcement_working_days,
            "objection_contact": settings.objection_contact, "preview_start": preview.start,
            "preview_end": preview.end}


def _state_out(lst) -> dict:
    period = aq.published_period(lst)
    counts = aq.objection_counts(lst)
    return {"status": lst.status, "announced_at": lst.announced_at, "period_start": lst.period_start,
            "period_end": lst.period_end, "working_days": period.days if period else None,
            "confirmed_at": lst.confirmed_at, "confirm_note": lst.confirm_note, "version": lst.version,
            "objections": counts["n"], "objections_open": counts["open"]}


def _summary(o) -> dict:
    return {"id": o.pk, "number": o.number, "entry_id": o.entry_id, "entry_title": o.entry.title, "kind": o.kind,
            "objector": o.unit_name if o.kind == ObjectorKind.UNIT else o.person_name,
            "submitted_at": o.submitted_at, "status": o.status, "outcome": o.outcome}


def _objection_out(o) -> dict:
    return {**_summary(o), "person_name": o.person_name, "employer": o.employer, "mobile": o.mobile,
            "unit_name": o.unit_name, "contact_name": o.contact_name, "letter_name": o.letter_name,
            "grounds": o.grounds, "evidence": o.evidence, "evidence_file_name": o.evidence_file_name,
            "finding": o.finding, "answer": o.answer, "answered_at": o.answered_at,
            "answered_by": str(o.answered_by) if o.answered_by_id else ""}


def _list_or_404(edition):
    lst = award_list(edition)
    if lst is None:
        raise HttpError(404, str(services.NO_LIST))
    return lst


def _objection_or_404(edition, pk: int):
    found = aq.objection_or_none(award_list(edition), pk)
    if found is None:
        raise HttpError(404, str(NO_OBJECTION))
    return found


COMMON = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: RefusedOut}


@router.get("/{slug}/announcement/settings", response={200: AwardAnnouncementSettingsOut, **COMMON},
            url_name="awards_announcement_settings", summary="The announcement period's length and how to object")
def get_settings(request: HttpRequest, slug: str):
    return _settings_out(_edition(request, slug))


@router.put("/{slug}/announcement/settings", response={200: AwardAnnouncementSettingsOut, **COMMON},
            url_name="awards_announcement_settings_put",
            summary="Set the announcement period (working days) and how to object")
def put_settings(request: HttpRequest, slug: str, payload: AwardAnnouncementSettingsIn):
    edition = _edition(request, slug)
    services.update_announcement_settings(actor=request.auth, edition=edition,
                                          working_days=payload.announcement_working_days,
                                          objection_contact=payload.objection_contact)
    return _settings_out(edition)


@router.get("/{slug}/announcement/calendar", response={200: list[AwardCalendarDayOut], **COMMON},
            url_name="awards_calendar", summary="The marked holidays and make-up working days")
def calendar(request: HttpRequest, slug: str):
    return [{"date": d.date, "kind": d.kind, "note": d.note} for d in aq.calendar_days(_edition(request, slug))]


@router.post("/{slug}/announcement/calendar", response={201: AwardCalendarDayOut, **COMMON},
             url_name="awards_calendar_mark", summary="Mark a holiday or a make-up working day")
def mark(request: HttpRequest, slug: str, payload: AwardCalendarDayIn):
    day = services.mark_day(actor=request.auth, edition=_edition(request, slug), date=payload.date,
                            kind=payload.kind, note=payload.note)
    return Status(201, {"date": day.date, "kind": day.kind, "note": day.note})


@router.delete("/{slug}/announcement/calendar/{day}", response={204: None, **COMMON},
               url_name="awards_calendar_unmark", summary="Remove the mark of a day")
def unmark(request: HttpRequest, slug: str, day: dt.date):
    services.unmark_day(actor=request.auth, edition=_edition(request, slug), date=day)
    return Status(204, None)


@router.post("/{slug}/announce", response={200: AwardListStateOut, **COMMON}, url_name="awards_announce",
             summary="Publish the proposed list for the announcement period")
def announce(request: HttpRequest, slug: str):
    return _state_out(services.announce(actor=request.auth, edition=_edition(request, slug)))


@router.get("/{slug}/objections", response={200: list[AwardObjectionSummaryOut], **COMMON},
            url_name="awards_objections", summary="The objections received, with the objector's name")
def objections(request: HttpRequest, slug: str):
    return [_summary(o) for o in aq.objections(_list_or_404(_edition(request, slug)))]


@router.get("/{slug}/objections/{objection_id}", response={200: AwardObjectionOut, **COMMON},
            url_name="awards_objection", summary="An objection with the objector's identity and the answer")
def objection(request: HttpRequest, slug: str, objection_id: Id):
    return _objection_out(_objection_or_404(_edition(request, slug), objection_id))


@router.post("/{slug}/objections/{objection_id}/answer", response={200: AwardObjectionOut, **COMMON},
             url_name="awards_objection_answer", summary="Record the finding, the answer and the outcome")
def answer(request: HttpRequest, slug: str, objection_id: Id, payload: AwardObjectionAnswerIn):
    edition = _edition(request, slug)
    found = _objection_or_404(edition, objection_id)
    services.answer_objection(actor=request.auth, objection=found, finding=payload.finding, answer=payload.answer,
                              outcome=payload.outcome)
    return _objection_out(_objection_or_404(edition, objection_id))


@router.post("/{slug}/confirm", response={200: AwardListStateOut, **COMMON}, url_name="awards_confirm",
             summary="Confirm the announced list: entries awarded or not awarded, the results public")
def confirm(request: HttpRequest, slug: str, payload: AwardConfirmIn):
    return _state_out(services.confirm(actor=request.auth, edition=_edition(request, slug), note=payload.note))


@router.get("/{slug}/public", auth=None, response={200: AwardPublicListOut, 404: ErrorOut},
            url_name="awards_public", summary="The announced or confirmed award list (public, no objector data)")
def public(request: HttpRequest, slug: str):
    edition = edition_or_404(slug)
    lst = public_list(edition)
    if lst is None:
        raise HttpError(404, str(NOT_PUBLISHED))
    period = aq.published_period(lst)
    return {"edition": edition.slug, "title": edition.title, "status": lst.status,
            "period_start": lst.period_start, "period_end": lst.period_end,
            "working_days": period.days if period else None, "objections_open": aq.objections_open(lst),
            "objection_contact": award_settings(edition).objection_contact if lst.status == ListStatus.ANNOUNCED
            else "",
            "rows": [{"tier": r.tier.name, "title": r.entry.title, "declaring_unit": r.entry.declaring_unit.name,
                      "revoked": r.is_revoked} for r in aq.public_rows(lst)]}
