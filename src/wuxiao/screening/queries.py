"""Reads of the screening stage that pages, the API and the transition guards share."""

import datetime as dt

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from wuxiao.common.dates import as_date
from wuxiao.competitions.models import Edition
from wuxiao.documents.content import summary_row
from wuxiao.entries.enums import RECOMMENDED_STATES, Action, EntryStatus
from wuxiao.entries.models import Completer, Entry, EntryTransition
from wuxiao.orgs.models import Organisation

from . import checklist as checks
from .models import Batch, Flag, SummarySheet


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


# --- The recommending unit's summary sheet (R26) and its undecided entries -------------------------

# The states of an entry its recommending unit has not decided on yet: submitted to it, or returned
# to the declaring unit for revision (a batch is handed over only when none is left, issue 9 item 4).
UNDECIDED_STATES = (EntryStatus.SUBMITTED, EntryStatus.RETURNED)


def undecided_entries(edition: Edition, unit: Organisation) -> QuerySet[Entry]:
    """The unit's entries still waiting for its decision (recommend, not recommend, or return)."""
    return (Entry.objects.filter(edition=edition, recommending_unit=unit, status__in=UNDECIDED_STATES)
            .select_related("declaring_unit").order_by("submitted_at", "id"))


def sheet_entries(edition: Edition, unit: Organisation) -> QuerySet[Entry]:
    """The entries on the unit's live summary sheet: those holding one of its places (R6), in merit-rank order.

    An entry the committee has already moved on (accepted, found ineligible) keeps its place, so it
    keeps its row when a reopened batch's sheet is printed again.
    """
    return (Entry.objects.filter(edition=edition, recommending_unit=unit, status__in=RECOMMENDED_STATES)
            .select_related("declaring_unit", "category").prefetch_related("presentation_forms")
            .order_by(F("recommendation_rank").asc(nulls_last=True), "id"))


def live_sheet_rows(edition: Edition, unit: Organisation) -> list[dict]:
    """The rows of the unit's summary sheet as the entries stand now (documents.content.summary_row)."""
    return [summary_row(entry, n) for n, entry in enumerate(sheet_entries(edition, unit), start=1)]


def frozen_sheet(edition: Edition, unit: Organisation) -> SummarySheet | None:
    """The sheet the unit handed over, while its batch is with the committee; None while the batch is open."""
    return (SummarySheet.objects.filter(batch__edition=edition, batch__unit=unit, batch__submitted_at__isnull=False)
            .select_related("handed_over_by").order_by("-handed_over_at", "-id").first())


def summary_sheet_rows(edition: Edition, unit: Organisation) -> tuple[list[dict], SummarySheet | None]:
    """The rows of the unit's summary sheet and the handed-over sheet they come from (None: live).

    Once handed over, the sheet is a record: it is generated from the rows stored at the hand-over,
    so that it always matches the stamped scan, whatever the committee decided since.
    """
    frozen = frozen_sheet(edition, unit)
    if frozen is not None:
        return frozen.rows, frozen
    return live_sheet_rows(edition, unit), None


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


# --- What waits for each role (the dashboard) ------------------------------------------------------

def recommender_work(edition: Edition, unit_ids) -> dict[int, dict]:
    """Per recommending unit: entries waiting to be screened, recommended ones against the quota
    (with the committee's exceptions, R6), entries sent back for correction, the batch's state."""
    from .models import QuotaException

    unit_ids = list(unit_ids)
    counts = {row["recommending_unit_id"]: row for row in (
        Entry.objects.filter(edition=edition, recommending_unit_id__in=unit_ids).order_by()
        .values("recommending_unit_id")
        .annotate(to_screen=Count("pk", filter=Q(status=EntryStatus.SUBMITTED)),
                  recommended=Count("pk", filter=Q(status=EntryStatus.RECOMMENDED)),
                  corrections=Count("pk", filter=_under_correction())))}
    extra = dict(QuotaException.objects.filter(edition=edition, unit_id__in=unit_ids).order_by()
                 .values_list("unit_id").annotate(n=Sum("extra")))
    batches = {b.unit_id: b for b in Batch.objects.filter(edition=edition, unit_id__in=unit_ids)}
    work = {}
    for unit_id in unit_ids:
        row = counts.get(unit_id, {})
        batch = batches.get(unit_id)
        work[unit_id] = {
            "to_screen": row.get("to_screen", 0), "recommended": row.get("recommended", 0),
            "quota": edition.recommendation_quota + (extra.get(unit_id) or 0),
            "corrections": row.get("corrections", 0),
            "handed_over_at": batch.submitted_at if batch is not None else None,
        }
    return work


def committee_work(edition: Edition) -> dict:
    """For the committee office: batches handed over, entries waiting for the eligibility decision,
    entries sent back for correction (and how many are overdue), entries with automatic flags."""
    units = Batch.objects.filter(edition=edition, submitted_at__isnull=False).values("unit_id")
    corrections = list(Entry.objects.filter(_under_correction(), edition=edition).values_list("pk", flat=True))
    today = timezone.localdate()
    return {
        "batches": Batch.objects.filter(edition=edition, submitted_at__isnull=False).count(),
        "to_decide": Entry.objects.filter(edition=edition, status=EntryStatus.RECOMMENDED,
                                          recommending_unit_id__in=units).count(),
        "corrections": len(corrections),
        "overdue": sum(1 for due in corrections_due(corrections).values() if due < today),
        "flagged": Flag.objects.filter(edition=edition).values("entry_id").distinct().count(),
        "in_review": Entry.objects.filter(edition=edition, status=EntryStatus.IN_REVIEW).count(),
    }


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
