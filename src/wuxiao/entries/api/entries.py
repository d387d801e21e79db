"""Entries: list, create, read, save, check and submit."""


from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from ninja import Query, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from wuxiao.api_common import ErrorOut, Id, InvalidOut, RefusedOut
from wuxiao.common.exceptions import Refused
from wuxiao.common.permissions import require

from .. import declaration, services
from ..enums import Action
from ..forms import validate_withdraw_input
from ..queries import (
    PAGE_SIZE,
    filter_entries,
    sort_entries,
    visible_entries,
)
from .common import (
    ENTRIES_FORBIDDEN,
    ENTRY_RESPONSES,
    IDEMPOTENCY_KEY,
    NOT_EDITABLE,
    EntryPagination,
    clean_title,
    declarable_entry,
    declaring_unit,
    detail_queryset,
    detail_row_queryset,
    edition_or_404,
    form_input,
    load_detail,
    new_detail,
    problem_list,
    router,
    viewable_entry,
    with_detail,
)
from .schemas import (
    EntryCreateIn,
    EntryFilters,
    EntryOut,
    EntryPatchIn,
    EntrySummaryOut,
    ProblemsOut,
    SubmitRefusedOut,
    WithdrawIn,
)


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
    edition = edition_or_404(filters.edition)
    entries = filter_entries(
        visible_entries(user).filter(edition=edition), status=filters.status or "", category_id=filters.category,
        unit=filters.unit or "", recommending_unit_id=filters.recommending_unit, division=filters.industry or "",
        q=filters.q or "")
    return sort_entries(entries, filters.sort)


@router.post(
    "/entries", response={201: EntryOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: RefusedOut,
                          422: InvalidOut},
    summary="Start a draft entry for your declaring unit", url_name="entry_create",
    description="With an `Idempotency-Key`, sending the request again (a retry, a double click) returns the draft "
                "the first one started instead of starting a second one.",
)
def create_entry(request: HttpRequest, payload: EntryCreateIn,
                 idempotency_key: str | None = IDEMPOTENCY_KEY):
    user = request.auth
    edition = edition_or_404(payload.edition)
    unit = declaring_unit(user, payload.unit_id)
    title = clean_title(payload.title)
    entry = declaration.create_entry(actor=user, unit=unit, edition=edition, title=title,
                                     request_key=idempotency_key or "")
    if getattr(entry, "just_created", False):
        return Status(201, new_detail(entry.pk))
    return Status(201, load_detail(entry.pk))  # a repeated request: the draft as it is now


@router.get("/entries/{entry_id}", response={200: EntryOut, **ENTRY_RESPONSES},
            summary="One entry with every field of the entry form", url_name="entry_detail")
def entry_detail(request: HttpRequest, entry_id: Id):
    return viewable_entry(request, entry_id, detail_queryset())


@router.patch(
    "/entries/{entry_id}", response={200: EntryOut, 400: ErrorOut, 409: RefusedOut, 422: InvalidOut,
                                     **ENTRY_RESPONSES},
    summary="Save fields of a draft entry", url_name="entry_update",
    description="Only the fields sent change. Refused with 409 once the entry is submitted (until returned).",
)
def update_entry(request: HttpRequest, entry_id: Id, payload: EntryPatchIn):
    # Read as the answer shows it: save_entry hands the saved row back to it, so only the related rows are read again.
    entry = declarable_entry(request, entry_id, detail_row_queryset())
    if not entry.is_editable:
        raise HttpError(409, str(NOT_EDITABLE))
    # The edition's exclusions, read once for the form's R4 questions, save_entry and the answer.
    prefetch_related_objects([entry.edition], "exclusions")
    kwargs = form_input(entry, payload)
    declaration.save_entry(actor=request.auth, entry=entry, **kwargs)
    return with_detail(entry)


@router.get("/entries/{entry_id}/problems", response={200: ProblemsOut, **ENTRY_RESPONSES},
            summary="Check an entry as a submission would, without submitting", url_name="entry_problems")
def entry_problems(request: HttpRequest, entry_id: Id):
    entry = viewable_entry(request, entry_id)
    problems = declaration.submission_problems(entry)
    return {"ready": not problems, "declaration_open": entry.edition.is_declaration_open(),
            "problems": problem_list(problems), "warnings": problem_list(declaration.submission_warnings(entry))}


@router.post(
    "/entries/{entry_id}/submit", response={200: EntryOut, 409: SubmitRefusedOut, **ENTRY_RESPONSES},
    summary="Submit an entry to its recommending unit", url_name="entry_submit",
    description="409 with the reason and the list of problems when the entry cannot be submitted "
                "(R15, R1–R4, R17–R25).",
)
def submit_entry(request: HttpRequest, entry_id: Id):
    entry = declarable_entry(request, entry_id, detail_row_queryset())
    try:
        services.transition_entry(entry=entry, action="submit", actor=request.auth)
    except Refused as refused:  # answered here, not by the API's handler: with the entry's list of problems
        entry.refresh_from_db()
        problems = declaration.submission_problems(entry) if entry.is_editable else []
        return Status(409, {"detail": str(refused.message), "problems": problem_list(problems)})
    return with_detail(entry)  # transition_entry handed the saved columns back to it


@router.post(
    "/entries/{entry_id}/withdraw", response={200: EntryOut, 409: RefusedOut, 422: InvalidOut, **ENTRY_RESPONSES},
    summary="Withdraw a submitted entry no one has decided on yet (a reason is required)", url_name="entry_withdraw",
    description="The declaring unit takes its entry back to a draft, to revise and submit it again; the "
                "recommending unit is told, with the reason. 422 without a reason; 409 once the recommending "
                "unit or the committee has decided on it (recommended, returned, not recommended, sent back for "
                "correction) or its batch has been handed to the committee.",
)
def withdraw_entry(request: HttpRequest, entry_id: Id, payload: WithdrawIn):
    entry = declarable_entry(request, entry_id)
    reason = validate_withdraw_input(payload.dict())
    # A refusal is answered 409 with its message by the API's one handler (wuxiao.api).
    services.transition_entry(entry=entry, action=Action.WITHDRAW, actor=request.auth, reason=reason)
    return load_detail(entry.pk)
