"""Reads of entries that the pages, the API and later stages share (views and API import these,
never each other).

A list page is one query for its ids and one for its rows, whatever its length: the related
units, category and industry are joined; the first completer, the number of attachments and
whether the unit's credit commitment (R27) is stamped are correlated subqueries evaluated for the
page's rows only.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from wuxiao.accounts.models import Role
from wuxiao.accounts.rules import is_committee

from .declaration import REQUIRED_TEXT
from .enums import RECOMMENDED_STATES, Action, EntryStatus
from .models import Attachment, Completer, CreditCommitment, Entry, EntryTransition

PAGE_SIZE = 50
SEARCH_MAX = 100
DEFAULT_SORT = "-submitted"


# Large texts of the form that no list shows: left out of the list's SELECT.
LONG_TEXTS = ("awards", "summary", "background", "goals", "innovation_points", "benefits", "other_circumstances",
              "union_opinion")

SORTS = {
    "-submitted": (F("submitted_at").desc(nulls_last=True), "-id"),
    "submitted": (F("submitted_at").asc(nulls_last=True), "id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
}


def visible_entries(user, *, own_drafts: bool = True) -> QuerySet[Entry]:
    """The entries `user` may see in a list: entries.view_entry as one query, drafts for their own unit only.

    A draft is its declaring unit's own until submitted: the committee sees every other entry
    (and drafts only as counts, `draft_progress`); a recommending unit the entries of its
    declaring units once submitted; a declaring unit its own entries, drafts included, unless
    `own_drafts` is False (the recommending unit's page shows no unit's drafts).
    """
    entries = Entry.objects.all()
    if is_committee(user):
        return entries.exclude(status=EntryStatus.DRAFT)
    scope = Q(recommending_unit_id__in=user.unit_ids_with_role(Role.RECOMMENDER)) & ~Q(status=EntryStatus.DRAFT)
    declaring = user.unit_ids_with_role(Role.DECLARER)
    if declaring:
        scope |= Q(declaring_unit_id__in=declaring) & (Q() if own_drafts else ~Q(status=EntryStatus.DRAFT))
    return entries.filter(scope)


LIST_RELATED = ("edition", "category", "declaring_unit", "recommending_unit", "industry")


def commitment_stamped() -> Exists:
    """Whether the entry's declaring unit has stamped its credit commitment (R27) for the entry's edition."""
    return Exists(CreditCommitment.objects.filter(edition=OuterRef("edition"), unit=OuterRef("declaring_unit"))
                  .exclude(scan=""))


def with_list_columns(entries: QuerySet[Entry], *, defer_texts: bool = True) -> QuerySet[Entry]:
    """The list's columns in the same query: joined names, first completer, attachment count, R27 stamp."""
    first_completer = Completer.objects.filter(entry=OuterRef("pk")).order_by("position", "id").values("name")[:1]
    attachments = (Attachment.objects.filter(entry=OuterRef("pk")).order_by().values("entry")
                   .annotate(n=Count("pk")).values("n"))
    entries = entries.select_related(*LIST_RELATED)
    if defer_texts:
        entries = entries.defer(*LONG_TEXTS)
    return (entries
            .annotate(first_completer=Subquery(first_completer),
                      attachment_count=Coalesce(Subquery(attachments, output_field=IntegerField()), Value(0)),
                      commitment_stamped=commitment_stamped()))


def rows_in_order(ids: list[int]) -> list[Entry]:
    """The entries `ids`, with the list's columns, in the order given.

    A page is chosen by its ids first, then only its rows get the columns: SQLite computes a
    row's subqueries before it sorts, so annotating the whole filtered set before LIMIT would
    cost subqueries for every matching entry instead of the fifty shown.
    """
    rows = {entry.pk: entry for entry in with_list_columns(Entry.objects.filter(pk__in=ids))}
    return [rows[pk] for pk in ids if pk in rows]


def filter_entries(entries: QuerySet[Entry], *, status: str = "", category_id: int | None = None, unit: str = "",
                   recommending_unit_id: int | None = None, division: str = "", q: str = "") -> QuerySet[Entry]:
    """Narrow `entries` by the list's filters."""
    if status:
        entries = entries.filter(status=status)
    if category_id:
        entries = entries.filter(category_id=category_id)
    if unit.strip():
        entries = entries.filter(declaring_unit__name__icontains=unit.strip())
    if recommending_unit_id:
        entries = entries.filter(recommending_unit_id=recommending_unit_id)
    if division:
        # industry_id is the four-digit class code; its first two digits are the division (大类).
        entries = entries.filter(industry__code__startswith=division)
    if q.strip():
        entries = entries.filter(title__icontains=q.strip())
    return entries


def sort_entries(entries: QuerySet[Entry], sort: str) -> QuerySet[Entry]:
    return entries.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


def status_counts(entries: QuerySet[Entry]) -> dict[str, int]:
    """The number of entries per status, in one query."""
    return dict(entries.order_by().values_list("status").annotate(n=Count("id")))


def draft_progress(entries: QuerySet[Entry]) -> list[dict]:
    """Per declaring unit: how many drafts it has and how complete they are, for the office's reminders.

    Only counts and percentages: a draft's content is its unit's own until it is submitted.
    Completeness is the share of the form's required parts filled (the texts of Attachment 2,
    category, industry, completion date, a completer), computed in SQL in one query.
    """
    parts = [Case(When(~Q(**{name: ""}), then=Value(1)), default=Value(0)) for name in REQUIRED_TEXT]
    parts += [Case(When(category__isnull=False, then=Value(1)), default=Value(0)),
              Case(When(industry__isnull=False, then=Value(1)), default=Value(0)),
              Case(When(completed_on__isnull=False, then=Value(1)), default=Value(0)),
              Case(When(Exists(Completer.objects.filter(entry=OuterRef("pk"))), then=Value(1)), default=Value(0))]
    filled = sum(parts[1:], parts[0])
    rows = (entries.filter(status=EntryStatus.DRAFT).annotate(filled=filled).order_by()
            .values("declaring_unit_id", "declaring_unit__name", "recommending_unit__name")
            .annotate(drafts=Count("id"), average=Avg("filled"), best=Max("filled"))
            .order_by("recommending_unit__name", "declaring_unit__name"))
    total = len(parts)
    return [{"unit": row["declaring_unit__name"], "recommending_unit": row["recommending_unit__name"],
             "drafts": row["drafts"], "average": round(100 * float(row["average"]) / total),
             "best": round(100 * row["best"] / total)} for row in rows]


def declarer_work(entries) -> dict[str, int]:
    """What waits for a declaring unit among its `entries`: drafts to finish and submit, entries
    returned for revision, entries submitted and not decided yet."""
    statuses = [e.status for e in entries]
    return {"drafts": statuses.count(EntryStatus.DRAFT), "returned": statuses.count(EntryStatus.RETURNED),
            "waiting": statuses.count(EntryStatus.SUBMITTED)}


# --- An entry's history: the steps the pages and documents quote ------------------------------

def _last_step(entry: Entry, action: str) -> EntryTransition | None:
    """The entry's latest step by `action`, from its prefetched history when there is one."""
    if "transitions" in getattr(entry, "_prefetched_objects_cache", {}):
        steps = [t for t in entry.transitions.all() if t.action == action]
        return max(steps, key=lambda t: (t.at, t.pk)) if steps else None
    return entry.transitions.filter(action=action).select_related("actor").order_by("-at", "-id").first()


@dataclass(frozen=True)
class RecommendationOpinion:
    """推荐单位意见 (R23): what the recommending unit wrote when it recommended the entry."""

    text: str
    unit: str  # the recommending unit's name
    given_at: dt.datetime
    by: str  # the person who recorded it

    @property
    def given_on(self) -> dt.date:
        return timezone.localdate(self.given_at)


def recommendation_opinion(entry: Entry) -> RecommendationOpinion | None:
    """The recommending unit's opinion (R23) on the entry while it stands recommended (or later), else None.

    It is recorded with the recommendation (screening's guard `opinion_given`); a recommendation
    taken back, or sent back for correction, takes its opinion with it, and the next recommendation
    brings a new one. Whoever may see the entry may read it: the declaring unit has been told it
    with the recommendation's notification already.
    """
    if entry.status not in RECOMMENDED_STATES:
        return None
    step = _last_step(entry, Action.RECOMMEND)
    text = str((step.data or {}).get("opinion") or "").strip() if step is not None else ""
    if not text:
        return None
    return RecommendationOpinion(text=text, unit=entry.recommending_unit.name, given_at=step.at,
                                 by=step.actor.name if step.actor else "")


def return_step(entry: Entry) -> EntryTransition | None:
    """The step that returned the entry for revision (what must be revised, who, when), while it is returned."""
    if entry.status != EntryStatus.RETURNED:
        return None
    return _last_step(entry, Action.RETURN)
