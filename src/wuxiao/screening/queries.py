"""Reads of the screening stage that pages, the API and the transition guards share."""

import datetime as dt

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from wuxiao.common.dates import as_date
from wuxiao.competitions.models import Edition
from wuxiao.entries.enums import Action, EntryStatus
from wuxiao.entries.models import Completer, Entry, EntryTransition

from . import checklist as checks
from .models import Batch, Flag


def corrections_due(entry_ids) -> dict[int, dt.date]:
    """For each of `entry_ids` with an open correction request (限期补正), the date it is due (one query).

    A request is open from `request_correction` until the entry is recommended again; the SQL
    form of the same rule is `open_correction`.
    """
    due: dict[int, dt.date | None] = {}
    steps = (EntryTransition.objects.filter(entry_id__in=list(entry_ids),
                                            action__in=[Action.REQUEST_CORRECTION, Action.RECOMMEND])
             .order_by("id").values_list("entry_id", "action", "data"))
    for entry_id, action, data in steps:  # the later step wins: a recommendation closes the request
        due[entry_id] = as_date((data or {}).get("due_date")) if action == Action.REQUEST_CORRECTION else None
    return {pk: day for pk, day in due.items() if day is not None}


def correction_due(entry: Entry) -> dt.date | None:
    """The date by which the entry's open correction request (限期补正) must be answered, or None."""
    return corrections_due([entry.pk]).get(entry.pk)


def open_correction() -> Q:
    """`corrections_due` as a WHERE condition on entries: a correction request with no recommendation
    after it. The few entries ever sent back are found first (a set the database builds once), then
    the correlated check; as a SELECT column it would be computed for every row before a page is cut."""
    requests = EntryTransition.objects.filter(action=Action.REQUEST_CORRECTION)
    later = EntryTransition.objects.filter(entry_id=OuterRef(OuterRef("pk")), action=Action.RECOMMEND,
                                           id__gt=OuterRef("id"))
    return (Q(pk__in=requests.values("entry_id"))
            & Q(Exists(requests.filter(entry_id=OuterRef("pk")).exclude(Exists(later)))))


# --- The committee's eligibility check (形式审查) -------------------------------------------------

PAGE_SIZE = 50
# The states an entry of a handed-over batch goes through in this check.
REVIEW_STATES = (EntryStatus.RECOMMENDED, EntryStatus.IN_REVIEW, EntryStatus.INELIGIBLE)
# The status filter's value for entries sent back for correction by a date (限期补正) and not yet
# recommended again: they stay in the queue, so that the office sees what it is waiting for.
CORRECTION = "correction"
CORRECTION_STATES = (EntryStatus.SUBMITTED, EntryStatus.RETURNED)





def handed_over(edition: Edition) -> list[Batch]:
    """The batches handed to the committee, with the count of their entries in this check (`n`) and of
    those sent back for correction and not yet recommended again (`waiting`)."""
    batches = list(Batch.objects.filter(edition=edition, submitted_at__isnull=False).select_related("unit")
                   .annotate(n=Count("unit__recommended_entries",
                                     filter=Q(unit__recommended_entries__edition=edition,
                                              unit__recommended_entries__status__in=REVIEW_STATES)))
                   .order_by("submitted_at", "pk"))
    waiting = dict(Entry.objects.filter(_under_correction(), edition=edition,
                                        recommending_unit_id__in=[b.unit_id for b in batches])
                   .order_by().values_list("recommending_unit_id").annotate(w=Count("pk")))
    for batch in batches:
        batch.waiting = waiting.get(batch.unit_id, 0)
    return batches


def review_entries(edition: Edition, *, unit="", category="", status="", flag="", failing="", q=""):
    """The entries of the handed-over batches, filtered (the checklist filter in SQL, see checklist.filter_failing)."""
    units = Batch.objects.filter(edition=edition, submitted_at__isnull=False).values("unit_id")
    qs = Entry.objects.filter(Q(status__in=REVIEW_STATES) | _under_correction(), edition=edition,
                              recommending_unit_id__in=units)
    if q:
        qs = qs.filter(search_condition(q))
    if unit:
        qs = qs.filter(recommending_unit_id=unit)
    if category:
        qs = qs.filter(category_id=category)
    if status == CORRECTION:
        qs = qs.filter(_under_correction())
    elif status:
        qs = qs.filter(status=status)
    if flag:
        qs = qs.filter(pk__in=Flag.objects.filter(edition=edition, kind=flag).values("entry_id"))
    if failing:
        qs = checks.filter_failing(qs, edition, failing)
    return qs.order_by("recommending_unit__name", "recommendation_rank", "pk")


def review_page(rows, number, edition: Edition):
    """A page of `rows` (review_entries): the ids are paged, a light sort, and only the page's entries
    are then loaded with the checklist data, annotated and marked (sorting whole rows with their long
    texts made late pages several times slower)."""
    page = Paginator(rows.values_list("pk", flat=True), PAGE_SIZE).get_page(number)
    ids = list(page.object_list)
    loaded = {e.pk: e for e in checks.with_checklist_data(Entry.objects.filter(pk__in=ids))}
    page.object_list = mark_corrections(checks.annotate([loaded[pk] for pk in ids], edition))
    return page


def mark_corrections(entries: list[Entry]) -> list[Entry]:
    """Set `correction_due` (date or None) and `correction_overdue` on entries of the queue (one query)."""
    due = corrections_due(e.pk for e in entries if e.status in CORRECTION_STATES)
    today = timezone.localdate()
    for entry in entries:
        entry.correction_due = due.get(entry.pk)
        entry.correction_overdue = entry.correction_due is not None and entry.correction_due < today
    return entries


def _under_correction() -> Q:
    """Entries sent back for correction by a date (限期补正) and not yet recommended again."""
    return Q(status__in=CORRECTION_STATES) & open_correction()


def flag_check_of(edition) -> "FlagCheck | None":  # noqa: F821
    """When the edition's automatic flags were last computed, and whether a computation waits or runs."""
    from .models import FlagCheck

    return FlagCheck.objects.filter(edition=edition).first()


# --- Searching the queues (issue 9 item 14) ------------------------------------------------------

SEARCH_MAX = 100


def search_condition(text: str) -> Q:
    """Entries whose title, declaring or recommending unit's name or a completer's name contains `text`, in
    any case, or whose number (id) it is: one WHERE condition (the completers as a correlated EXISTS), so a
    page searched costs the same queries as one that is not."""
    text = text.replace("\x00", "").strip()[:SEARCH_MAX]
    if not text:
        return Q()
    named = Completer.objects.filter(entry_id=OuterRef("pk"), name__icontains=text)
    condition = (Q(title__icontains=text) | Q(declaring_unit__name__icontains=text)
                 | Q(recommending_unit__name__icontains=text) | Q(Exists(named)))
    if text.isdigit() and len(text) <= 18:  # an entry's number; longer digits would overflow the column
        condition |= Q(pk=int(text))
    return condition


# The statuses a recommending unit's queue lists (its declaring units' drafts are theirs alone).
UNIT_QUEUE_STATES = tuple(s for s in EntryStatus if s != EntryStatus.DRAFT)


def unit_queue(edition: Edition, unit, *, q: str = "", status: str = ""):
    """The recommending unit's entries in `edition` past the draft stage, searched (`q`) and by `status`,
    in the queue's order (merit rank, then the latest submitted first)."""
    qs = Entry.objects.filter(edition=edition, recommending_unit=unit).exclude(status=EntryStatus.DRAFT)
    if q:
        qs = qs.filter(search_condition(q))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("recommendation_rank", "-submitted_at", "id")
