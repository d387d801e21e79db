"""API: entries, their completers, R4 answers, attachments and documents (issue 3, item 15).

The same rules as the pages: entries.view_entry to read (a recommending unit does not see a
draft, which is the declaring unit's own), the declaring unit to create, edit, validate, submit
and upload (declaration.may_declare). Writes go through the domain functions only:
declaration.create_entry / save_entry, services.transition_entry, services_attachments.
Lists use the page's query (views_lists), so pages and API show the same rows.
"""

import datetime as dt
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.pagination import paginate

from wuxiao import api_messages as msg
from wuxiao.accounts.models import Role
from wuxiao.accounts.rules import is_committee
from wuxiao.api_common import Count, ErrorOut, Id, InvalidOut, Pagination
from wuxiao.common.exceptions import InvalidInput, Refused
from wuxiao.common.permissions import require
from wuxiao.common.request_keys import KEY_MAX_LENGTH
from wuxiao.common.uploads import LimitedUploadHandler, upload_refusal
from wuxiao.competitions.models import Edition
from wuxiao.orgs.models import Organisation

from . import declaration, services, services_attachments
from .enums import EntryStatus
from .forms import NewEntryForm, validate_api_input
from .models import Attachment, AttachmentKind, Entry, EntryTransition, ExclusionAnswer
from .queries import (
    DEFAULT_SORT,
    LIST_RELATED,
    PAGE_SIZE,
    SEARCH_MAX,
    SORTS,
    commitment_stamped,
    filter_entries,
    rows_in_order,
    sort_entries,
    visible_entries,
)
from .rules import is_entry_declarer, is_entry_recommender

router = Router(tags=["entries"])


# What the API says, in English msgids (zh-hans in the entries catalogue).
ENTRY_NOT_FOUND = _("There is no entry with this number.")
ENTRY_FORBIDDEN = _("You may not see this entry.")
DRAFT_FORBIDDEN = _("This entry is still a draft of the declaring unit; it can be seen once submitted.")
ENTRIES_FORBIDDEN = _("Only the committee office, recommending units and declaring units can list entries; "
                      "your account has none of these roles.")
DECLARE_FORBIDDEN = _("Only the declaring unit of this entry may change or submit it.")
CREATE_FORBIDDEN = _("Only staff of a declaring unit can create entries.")
UNIT_NOT_YOURS = _("You are not staff of this declaring unit.")
CHOOSE_UNIT = _("You work for several declaring units; give unit_id to say for which one.")
NOT_EDITABLE = _("This entry has been submitted and can no longer be changed; it can be edited again if it is "
                 "returned for revision.")
ATTACHMENT_NOT_FOUND = _("This entry has no attachment with this number.")
NO_FILE = _("Please send the file in the form field “file” (multipart/form-data).")
ATTACHMENTS_CLOSED = _("The entry is “%(status)s”; its attachments can no longer be changed.")

EDITION_TEXTS = ("edition__scope_text", "edition__procedure_text", "edition__notice_text")
IDEMPOTENCY_KEY = Header(
    None, alias="Idempotency-Key", max_length=KEY_MAX_LENGTH,
    description="Optional: a unique value you choose for this request (e.g. a UUID). Sending the request again "
                "with the same key returns what the first one created; keys are remembered for 24 hours.")


# --- Schemas --------------------------------------------------------------------------------

class NamedOut(Schema):
    id: int
    name: str


class IndustryOut(Schema):
    code: str
    name: str


class ProblemOut(Schema):
    field: str = Field(..., description="The form field the problem belongs to (an anchor of the page).")
    message: str
    missing: bool = Field(..., description="True: `message` is the label of a required field left empty.")


class SubmitRefusedOut(Schema):
    detail: str
    problems: list[ProblemOut]


class ProblemsOut(Schema):
    ready: bool = Field(..., description="True when nothing stops the submission but, maybe, the deadline.")
    declaration_open: bool
    problems: list[ProblemOut]
    warnings: list[ProblemOut] = Field(..., description="Soft targets that do not block the submission.")


class CompleterOut(Schema):
    position: int
    name: str
    age: int | None
    post: str
    workplace: str
    phone: str


class ExclusionAnswerOut(Schema):
    exclusion_id: int
    number: int
    text: str
    applies: bool | None = Field(..., description="null: not answered yet.")


class AttachmentOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    size: int
    content_type: str
    uploaded_at: dt.datetime
    download_url: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.original_name

    @staticmethod
    def resolve_uploaded_at(obj) -> dt.datetime:
        return timezone.localtime(obj.uploaded_at)

    @staticmethod
    def resolve_download_url(obj) -> str:
        return reverse("api:entry_attachment_file", kwargs={"entry_id": obj.entry_id, "attachment_id": obj.pk})


class TransitionOut(Schema):
    action: str
    action_label: str
    from_status: str
    to_status: str
    by: str | None
    at: dt.datetime
    reason: str


class EntrySummaryOut(Schema):
    id: int
    title: str
    edition: str = Field(..., description="The edition's short name (slug).")
    status: str
    status_label: str
    is_editable: bool
    category: NamedOut | None
    declaring_unit: NamedOut
    recommending_unit: NamedOut
    industry: IndustryOut | None
    first_completer: str | None
    submitted_at: dt.datetime | None = Field(..., description="Beijing time.")
    attachment_count: int
    commitment_stamped: bool = Field(..., description="The declaring unit's credit commitment (R27) is stamped.")
    updated_at: dt.datetime

    @staticmethod
    def resolve_edition(obj) -> str:
        return obj.edition.slug

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_category(obj):
        return {"id": obj.category.pk, "name": obj.category.name} if obj.category else None

    @staticmethod
    def resolve_declaring_unit(obj):
        return {"id": obj.declaring_unit.pk, "name": obj.declaring_unit.name}

    @staticmethod
    def resolve_recommending_unit(obj):
        return {"id": obj.recommending_unit.pk, "name": obj.recommending_unit.name}

    @staticmethod
    def resolve_industry(obj):
        return {"code": obj.industry.code, "name": obj.industry.name} if obj.industry else None

    @staticmethod
    def resolve_submitted_at(obj):
        return timezone.localtime(obj.submitted_at) if obj.submitted_at else None

    @staticmethod
    def resolve_updated_at(obj):
        return timezone.localtime(obj.updated_at)


class EntryOut(EntrySummaryOut):
    affiliation: str
    contact_name: str
    contact_mobile: str
    completers: list[CompleterOut] = Field(..., description="In order; the first is the first completer (R18).")
    awards: str
    summary: str
    industry_code: str | None
    background: str
    goals: str
    innovation_points: str
    benefits: str
    presentation_forms: list[NamedOut]
    completed_on: dt.date | None
    other_circumstances: str
    union_opinion: str
    union_opinion_by: str
    union_opinion_on: dt.date | None
    confirms_scope: bool
    confirms_recent: bool
    exclusion_answers: list[ExclusionAnswerOut] = Field(..., description="One per exclusion of R4 in the edition.")
    attachments: list[AttachmentOut]
    history: list[TransitionOut]
    created_at: dt.datetime

    @staticmethod
    def resolve_first_completer(obj):
        completers = obj.completers.all()
        return completers[0].name if completers else None

    @staticmethod
    def resolve_attachment_count(obj):
        return len(obj.attachments.all())

    @staticmethod
    def resolve_completers(obj):
        return list(obj.completers.all())

    @staticmethod
    def resolve_industry_code(obj):
        return obj.industry_id

    @staticmethod
    def resolve_presentation_forms(obj):
        return [{"id": f.pk, "name": f.name} for f in obj.presentation_forms.all()]

    @staticmethod
    def resolve_exclusion_answers(obj):
        answers = {a.exclusion_id: a.applies for a in obj.exclusion_answers.all()}
        return [{"exclusion_id": x.pk, "number": x.number, "text": x.text, "applies": answers.get(x.pk)}
                for x in obj.edition.exclusions.all()]

    @staticmethod
    def resolve_attachments(obj):
        return list(obj.attachments.all())

    @staticmethod
    def resolve_history(obj):
        return [{"action": t.action, "action_label": str(t.get_action_display()), "from_status": t.from_status,
                 "to_status": t.to_status, "by": t.actor.name if t.actor else None, "at": timezone.localtime(t.at),
                 "reason": t.reason} for t in obj.transitions.all()]

    @staticmethod
    def resolve_created_at(obj):
        return timezone.localtime(obj.created_at)


class EntryFilters(Schema):
    edition: str | None = Field(None, max_length=50, description="The edition's short name; default: current.")
    status: EntryStatus | None = Field(None, description="Drafts are listed for the committee only when asked for.")
    category: Id | None = Field(None, description="Id of the category (R3).")
    unit: str | None = Field(None, max_length=SEARCH_MAX, description="Part of the declaring unit's name.")
    recommending_unit: Id | None = Field(None, description="Id of the recommending unit.")
    industry: str | None = Field(None, pattern=r"^\d{2}$", description="GB/T 4754 division (大类), two digits.")
    q: str | None = Field(None, max_length=SEARCH_MAX, description="Part of the title.")
    sort: str = Field(DEFAULT_SORT, pattern="^(" + "|".join(SORTS) + ")$")


class EntryCreateIn(Schema):
    edition: str | None = Field(None, description="The edition's short name; default: current.")
    unit_id: Id | None = Field(None, description="Your declaring unit; needed only if you work for several.")
    title: str = ""


class CompleterIn(Schema):
    name: str = ""
    age: Count | str | None = Field(None, description="Whole years (R18); checked as the page checks it.")
    post: str = ""
    workplace: str = ""
    phone: str = ""


class EntryPatchIn(Schema):
    """Only the fields sent are changed; a draft is saved as it is, the rules are checked on submission."""

    title: str | None = None
    affiliation: str | None = None
    contact_name: str | None = None
    contact_mobile: str | None = None
    awards: str | None = None
    summary: str | None = None
    background: str | None = None
    goals: str | None = None
    innovation_points: str | None = None
    benefits: str | None = None
    completed_on: str | None = Field(None, description="YYYY-MM-DD; not in the future.")
    other_circumstances: str | None = None
    union_opinion: str | None = None
    union_opinion_by: str | None = None
    union_opinion_on: str | None = Field(None, description="YYYY-MM-DD; not in the future.")
    confirms_scope: bool | None = None
    confirms_recent: bool | None = None
    completers: list[CompleterIn] | None = Field(None, description="The whole list, in order (R18).")
    exclusion_answers: dict[Id, bool | None] | None = Field(
        None, description="Exclusion id → true (applies) / false (does not apply), R4.")
    presentation_form_ids: list[Id] | None = Field(None, description="R22, several.")
    industry_code: str | None = Field(None, description="GB/T 4754 class, four digits; empty clears.")
    category_id: Id | None = Field(None, description="R3; null clears.")


# --- Helpers --------------------------------------------------------------------------------

def _detail_queryset():
    """One entry with everything EntryOut shows: its first completer and attachment count come from the
    prefetched rows (EntryOut's resolvers), not from the list's subqueries; the edition's long texts stay out."""
    return Entry.objects.select_related(*LIST_RELATED).defer(*EDITION_TEXTS).annotate(
        commitment_stamped=commitment_stamped()).prefetch_related(
        "completers", "presentation_forms", "attachments", "edition__exclusions",
        Prefetch("exclusion_answers", queryset=ExclusionAnswer.objects.order_by()),
        Prefetch("transitions", queryset=EntryTransition.objects.select_related("actor")))


def _detail(entry_id: int) -> Entry:
    return _detail_queryset().get(pk=entry_id)


def may_view(user, entry: Entry) -> bool:
    """entries.view_entry: a draft is the declaring unit's own."""
    return user.has_perm("entries.view_entry", entry)


def viewable_entry(request: HttpRequest, entry_id: int, queryset=None) -> Entry:
    """The entry, when the caller may see it; 404 or 403 with the reason otherwise."""
    entry = (queryset if queryset is not None else Entry.objects.select_related("edition")).filter(pk=entry_id).first()
    if entry is None:
        raise HttpError(404, str(ENTRY_NOT_FOUND))
    if not may_view(request.auth, entry):
        concerned = is_entry_recommender(request.auth, entry) or is_committee(request.auth)
        draft = entry.status == EntryStatus.DRAFT and concerned
        raise HttpError(403, str(DRAFT_FORBIDDEN if draft else ENTRY_FORBIDDEN))
    return entry


def _declarable(request: HttpRequest, entry_id: int) -> Entry:
    entry = viewable_entry(request, entry_id)
    if not declaration.may_declare(request.auth, entry):
        raise HttpError(403, str(DECLARE_FORBIDDEN))
    return entry


def _edition(slug: str | None) -> Edition:
    edition = Edition.objects.filter(slug=slug).first() if slug else Edition.objects.current()
    if edition is None:
        raise HttpError(404, str(msg.EDITION_NOT_FOUND if slug else msg.NO_EDITION))
    return edition


def _problems(problems) -> list[dict]:
    return [{"field": p.field, "message": str(p.message), "missing": p.missing} for p in problems]


def _form_input(entry: Entry, payload: EntryPatchIn) -> dict:
    """The keyword arguments of declaration.save_entry for the fields sent, checked by the page's own
    forms (entries.forms.validate_api_input): the same rules and messages as the page; InvalidInput
    (422, every message by input name) when any is wrong, and then nothing is saved."""
    return validate_api_input(payload.dict(exclude_unset=True), entry)


def _title(raw: str) -> str:
    """The title as the page's new-entry form cleans it (control characters out, at most 200)."""
    try:
        return NewEntryForm.base_fields["title"].clean(raw)
    except ValidationError as error:
        raise InvalidInput({"title": [str(m) for m in error.messages]}) from None


def _declaring_unit(user, unit_id: int | None) -> Organisation:
    units = {unit.pk: unit for unit in user.units_with_role(Role.DECLARER)}
    if not units:
        raise HttpError(403, str(CREATE_FORBIDDEN))
    if unit_id is None:
        if len(units) > 1:
            raise HttpError(400, str(CHOOSE_UNIT))
        return next(iter(units.values()))
    if unit_id not in units:
        raise HttpError(403, str(UNIT_NOT_YOURS))
    return units[unit_id]


class EntryPagination(Pagination):
    """ninja's page numbers, with the page's ids chosen first and only its rows annotated (views_lists)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        ids = list(queryset.values_list("pk", flat=True)[offset:offset + page_size])
        return {self.items_attribute: rows_in_order(ids), "count": self._items_count(queryset)}


# --- Entries --------------------------------------------------------------------------------

ENTRY_RESPONSES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.get(
    "/entries", response={200: list[EntrySummaryOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="List the entries the caller may see", url_name="entry_list",
    description=(
        "The filters of the entry list page. Committee office and site administrators: every entry of the "
        "edition but drafts (a draft is its declaring unit's own until submitted); recommending-unit staff: the submitted entries of their "
        "declaring units; declaring-unit staff: their own entries, drafts included. Experts and accounts "
        "without a role: 403. 50 per page."
    ),
)
@paginate(EntryPagination, page_size=PAGE_SIZE)
def list_entries(request: HttpRequest, filters: Query[EntryFilters]):
    user = request.auth
    require(user, "entries.list_entries", message=ENTRIES_FORBIDDEN)
    edition = _edition(filters.edition)
    entries = filter_entries(
        visible_entries(user).filter(edition=edition), status=filters.status or "", category_id=filters.category,
        unit=filters.unit or "", recommending_unit_id=filters.recommending_unit, division=filters.industry or "",
        q=filters.q or "")
    return sort_entries(entries, filters.sort)


@router.post(
    "/entries", response={201: EntryOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                          422: InvalidOut},
    summary="Start a draft entry for your declaring unit", url_name="entry_create",
    description="With an `Idempotency-Key`, sending the request again (a retry, a double click) returns the draft "
                "the first one started instead of starting a second one.",
)
def create_entry(request: HttpRequest, payload: EntryCreateIn,
                 idempotency_key: str | None = IDEMPOTENCY_KEY):
    user = request.auth
    edition = _edition(payload.edition)
    unit = _declaring_unit(user, payload.unit_id)
    title = _title(payload.title)
    try:
        entry = declaration.create_entry(actor=user, unit=unit, edition=edition, title=title,
                                         request_key=idempotency_key or "")
    except PermissionDenied:
        raise HttpError(403, str(UNIT_NOT_YOURS)) from None
    except Refused as refused:
        raise HttpError(409, str(refused.message)) from None
    return Status(201, _detail(entry.pk))


@router.get("/entries/{entry_id}", response={200: EntryOut, **ENTRY_RESPONSES},
            summary="One entry with every field of the entry form", url_name="entry_detail")
def entry_detail(request: HttpRequest, entry_id: Id):
    return viewable_entry(request, entry_id, _detail_queryset())


@router.patch(
    "/entries/{entry_id}", response={200: EntryOut, 400: ErrorOut, 409: ErrorOut, 422: InvalidOut,
                                     **ENTRY_RESPONSES},
    summary="Save fields of a draft entry", url_name="entry_update",
    description="Only the fields sent change. Refused with 409 once the entry is submitted (until returned).",
)
def update_entry(request: HttpRequest, entry_id: Id, payload: EntryPatchIn):
    entry = _declarable(request, entry_id)
    if not entry.is_editable:
        raise HttpError(409, str(NOT_EDITABLE))
    kwargs = _form_input(entry, payload)
    try:
        declaration.save_entry(actor=request.auth, entry=entry, **kwargs)
    except PermissionDenied:
        raise HttpError(403, str(DECLARE_FORBIDDEN)) from None
    except Refused as refused:
        status = 409 if not Entry.objects.get(pk=entry.pk).is_editable else 400
        raise HttpError(status, str(refused.message)) from None
    return _detail(entry.pk)


@router.get("/entries/{entry_id}/problems", response={200: ProblemsOut, **ENTRY_RESPONSES},
            summary="Check an entry as a submission would, without submitting", url_name="entry_problems")
def entry_problems(request: HttpRequest, entry_id: Id):
    entry = viewable_entry(request, entry_id)
    problems = declaration.submission_problems(entry)
    return {"ready": not problems, "declaration_open": entry.edition.is_declaration_open(),
            "problems": _problems(problems), "warnings": _problems(declaration.submission_warnings(entry))}


@router.post(
    "/entries/{entry_id}/submit", response={200: EntryOut, 409: SubmitRefusedOut, **ENTRY_RESPONSES},
    summary="Submit an entry to its recommending unit", url_name="entry_submit",
    description="409 with the reason and the list of problems when the entry cannot be submitted "
                "(R15, R1–R4, R17–R25).",
)
def submit_entry(request: HttpRequest, entry_id: Id):
    entry = _declarable(request, entry_id)
    try:
        services.transition_entry(entry=entry, action="submit", actor=request.auth)
    except Refused as refused:
        entry.refresh_from_db()
        problems = declaration.submission_problems(entry) if entry.is_editable else []
        return Status(409, {"detail": str(refused.message), "problems": _problems(problems)})
    return _detail(entry.pk)


# --- Attachments ----------------------------------------------------------------------------

@router.get("/entries/{entry_id}/attachments", response={200: list[AttachmentOut], **ENTRY_RESPONSES},
            summary="List an entry's attachments", url_name="entry_attachments")
def list_attachments(request: HttpRequest, entry_id: Id):
    entry = viewable_entry(request, entry_id)
    return list(entry.attachments.all())


UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"}}}}}}}


def _limit_upload_before_auth(run):
    """Set the upload's limit before ninja authenticates: a session's CSRF check reads the body.

    Without it the session path would parse the body with Django's default handlers, writing a
    file of any size to disk before the view could refuse it.
    """

    @wraps(run)
    def wrapper(request: HttpRequest, **kwargs):
        from .uploads import LimitedTemporaryFileUploadHandler

        entry = Entry.objects.select_related("edition").filter(pk=kwargs.get("entry_id")).first()
        kind = request.GET.get("kind")
        if entry is not None and kind in AttachmentKind.values:
            request.upload_handlers = [LimitedTemporaryFileUploadHandler(request, kind=kind, edition=entry.edition)]
        else:  # answered with 404 or 422 before any file is looked at: none is kept
            request.upload_handlers = [LimitedUploadHandler(request, max_bytes=0, message=NO_FILE)]
        return run(request, **kwargs)

    return wrapper


@router.post(
    "/entries/{entry_id}/attachments",
    response={201: AttachmentOut, 400: ErrorOut, 409: ErrorOut, 413: ErrorOut, **ENTRY_RESPONSES},
    summary="Upload an attachment (multipart field `file`)", url_name="entry_attachment_upload",
    description="The checks of R24 apply (PPT 16:9, first slide without animation or sound; video length, "
                "size and resolution). A PPT, video or stamped form replaces the previous one. A request larger "
                "than the kind's limit is refused with 413 from its Content-Length, before the file is read. "
                "With an `Idempotency-Key`, sending the upload again returns the attachment the first one "
                "stored instead of storing the file twice.",
    openapi_extra=UPLOAD_BODY,
)
@decorate_view(_limit_upload_before_auth)
def upload_attachment(request: HttpRequest, entry_id: Id, kind: AttachmentKind = Query(...),
                      idempotency_key: str | None = IDEMPOTENCY_KEY):
    entry = viewable_entry(request, entry_id)
    if not is_entry_declarer(request.auth, entry):
        raise HttpError(403, str(DECLARE_FORBIDDEN))
    if not services_attachments.may_change_attachment(request.auth, entry, kind):
        raise HttpError(409, str(ATTACHMENTS_CLOSED % {"status": entry.get_status_display()}))
    uploaded = request.FILES.get("file")
    refused = upload_refusal(request)
    if refused:
        raise HttpError(413, str(refused))
    if uploaded is None or not uploaded.size:
        raise HttpError(400, str(NO_FILE))
    try:
        attachment = services_attachments.add_attachment(actor=request.auth, entry=entry, kind=kind,
                                                         uploaded_file=uploaded, request_key=idempotency_key or "")
    except Refused as refused:
        raise HttpError(400, str(refused.message)) from None
    return Status(201, attachment)


def _attachment(request: HttpRequest, entry_id: int, attachment_id: int) -> tuple[Entry, Attachment]:
    entry = viewable_entry(request, entry_id)
    attachment = Attachment.objects.filter(pk=attachment_id, entry_id=entry.pk).first()
    if attachment is None:
        raise HttpError(404, str(ATTACHMENT_NOT_FOUND))
    return entry, attachment


@router.get("/entries/{entry_id}/attachments/{attachment_id}/file", response={200: None, **ENTRY_RESPONSES},
            summary="Download an attachment's file", url_name="entry_attachment_file")
def attachment_file(request: HttpRequest, entry_id: Id, attachment_id: Id):
    _, attachment = _attachment(request, entry_id, attachment_id)
    response = FileResponse(attachment.file.storage.open(attachment.file.name, "rb"), as_attachment=True,
                            filename=attachment.original_name,
                            content_type=attachment.content_type or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@router.delete(
    "/entries/{entry_id}/attachments/{attachment_id}",
    response={204: None, 409: ErrorOut, **ENTRY_RESPONSES},
    summary="Delete an attachment", url_name="entry_attachment_delete",
)
def delete_attachment(request: HttpRequest, entry_id: Id, attachment_id: Id):
    entry, attachment = _attachment(request, entry_id, attachment_id)
    if not is_entry_declarer(request.auth, entry):
        raise HttpError(403, str(DECLARE_FORBIDDEN))
    if not services_attachments.may_change_attachment(request.auth, entry, attachment.kind):
        raise HttpError(409, str(ATTACHMENTS_CLOSED % {"status": entry.get_status_display()}))
    try:
        services_attachments.remove_attachment(actor=request.auth, attachment=attachment)
    except Refused as refused:
        raise HttpError(409, str(refused.message)) from None
    return Status(204, None)
