"""What the entries API's operations share: the router, the messages, finding an entry the caller may see."""


from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Header, Router
from ninja.errors import HttpError

from wuxiao.accounts.models import Role
from wuxiao.accounts.rules import is_committee
from wuxiao.api_common import ErrorOut, Pagination, edition_or_404  # noqa: F401  (edition_or_404: entries.py)
from wuxiao.common.exceptions import InvalidInput
from wuxiao.common.request_keys import KEY_MAX_LENGTH
from wuxiao.orgs.models import Organisation

from .. import declaration
from ..enums import EntryStatus
from ..forms import NewEntryForm, validate_api_input
from ..models import Entry, EntryTransition, ExclusionAnswer
from ..queries import (
    LIST_RELATED,
    commitment_stamped,
    rows_in_order,
)
from ..rules import is_entry_recommender
from .schemas import EntryPatchIn

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

ENTRY_RESPONSES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def detail_lookups() -> tuple:
    """The rows EntryOut shows besides the entry's own: its first completer and attachment count come from
    these (EntryOut's resolvers), not from the list's subqueries."""
    return ("completers", "presentation_forms", "attachments", "edition__exclusions",
            Prefetch("exclusion_answers", queryset=ExclusionAnswer.objects.order_by()),
            Prefetch("transitions", queryset=EntryTransition.objects.select_related("actor")))


def detail_row_queryset():
    """The entry's row as EntryOut shows it, with its edition, category, units and industry; the edition's
    long texts stay out."""
    return Entry.objects.select_related(*LIST_RELATED).defer(*EDITION_TEXTS).annotate(
        commitment_stamped=commitment_stamped())


def detail_queryset():
    """One entry with everything EntryOut shows."""
    return detail_row_queryset().prefetch_related(*detail_lookups())


def load_detail(entry_id: int) -> Entry:
    return detail_queryset().get(pk=entry_id)


# The related rows of a draft that create_entry has just inserted, in its own transaction: none yet.
NEW_ENTRY_EMPTY = ("completers", "presentation_forms", "attachments", "exclusion_answers", "transitions")


def new_detail(entry_id: int) -> Entry:
    """The answer of create: the new row as EntryOut shows it and the edition's exclusions (the R4 questions);
    its completers, forms, attachments, answers and history are known to be empty, so they are not read."""
    entry = detail_row_queryset().get(pk=entry_id)
    entry._prefetched_objects_cache = {name: Entry._meta.get_field(name).related_model.objects.none()
                                       for name in NEW_ENTRY_EMPTY}
    prefetch_related_objects([entry], "edition__exclusions")
    return entry


def with_detail(entry: Entry) -> Entry:
    """An entry read by `detail_row_queryset` (and since written by a service, which took over the saved row),
    with the rows EntryOut shows read now: the answer of a write without reading the entry's row again."""
    prefetch_related_objects([entry], *detail_lookups())
    return entry


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


def declarable_entry(request: HttpRequest, entry_id: int, queryset=None) -> Entry:
    entry = viewable_entry(request, entry_id, queryset)
    if not declaration.may_declare(request.auth, entry):
        raise HttpError(403, str(DECLARE_FORBIDDEN))
    return entry


def problem_list(problems) -> list[dict]:
    return [{"field": p.field, "message": str(p.message), "missing": p.missing} for p in problems]


def form_input(entry: Entry, payload: EntryPatchIn) -> dict:
    """The keyword arguments of declaration.save_entry for the fields sent, checked by the page's own
    forms (entries.forms.validate_api_input): the same rules and messages as the page; InvalidInput
    (422, every message by input name) when any is wrong, and then nothing is saved."""
    return validate_api_input(payload.dict(exclude_unset=True), entry)


def clean_title(raw: str) -> str:
    """The title as the page's new-entry form cleans it (control characters out, at most 200)."""
    try:
        return NewEntryForm.base_fields["title"].clean(raw)
    except ValidationError as error:
        raise InvalidInput({"title": [str(m) for m in error.messages]}) from None


def declaring_unit(user, unit_id: int | None) -> Organisation:
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
