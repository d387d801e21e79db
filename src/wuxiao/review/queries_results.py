"""Reads of the second round's results (R7; issue 10, items 9–11): the edition's submitted scores through
the aggregation engine, the proposed finalist list from the edition's rule, the stored finalist lists.

A handful of queries whatever the number of entries and scores: the settings, the criteria, the
entries' ids and categories, the scores and their points (queries.score_rows), the experts. A page
then loads only the entries it shows (`entries_by_id`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet

from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Entry

from . import queries
from .aggregation import Aggregation, FinalistProposal, FlagSettings, aggregate, propose_finalists
from .models import (
    Conflict,
    Expert,
    FinalistList,
    FinalistListStatus,
    FinalistRow,
    ReviewAssignment,
    Score,
    ScoreStatus,
)

# An entry reached the second round and keeps its second-round results whatever happened next.
SECOND_ROUND_STATES = (EntryStatus.IN_REVIEW, EntryStatus.FINALIST, EntryStatus.NOT_FINALIST,
                       EntryStatus.AWARDED, EntryStatus.NOT_AWARDED, EntryStatus.REVOKED)


@dataclass(frozen=True)
class Results:
    """The edition's aggregation with what the pages, the API and the exports show beside it."""

    edition: object
    settings: object  # ReviewSettings
    criteria: list  # competitions.Criterion, in the committee's order
    aggregation: Aggregation
    categories: dict  # entry id → category id (None: no category)
    category_names: dict  # category id → name
    experts: dict  # expert id → review.Expert (those with a submitted score)
    expert_numbers: dict  # expert id → 1, 2, … (专家1, 专家2 …, in the order of the pool)
    proposal: FinalistProposal | None  # None: the edition's rule names no N and no cut-off, or nothing is scored
    places: dict | None  # per category (None: the whole list) the N asked for
    rows: list  # the submitted scores (aggregation.ScoreRow)
    official_rank: dict  # entry id → competition rank of the official score in the whole edition (None: no score)
    calibrated_rank: dict
    z_rank: dict

    @cached_property
    def flags_by_entry(self) -> dict:
        """Entry id → its flags: the aggregation's, with the proposed list's (ties, calibrated disagreements)."""
        found: dict = {}
        if self.proposal is not None:
            for row in self.proposal.rows:
                if row.flags:
                    found[row.entry_id] = list(row.flags)
            return found
        for flag in self.aggregation.flags:
            if flag.entry_id is not None:
                found.setdefault(flag.entry_id, []).append(flag)
        return found

    @cached_property
    def flags_by_expert(self) -> dict:
        found: dict = {}
        for flag in self.aggregation.flags:
            if flag.entry_id is None and flag.expert_id is not None:
                found.setdefault(flag.expert_id, []).append(flag)
        return found

    @cached_property
    def proposed(self) -> set:
        return set(self.proposal.proposed) if self.proposal is not None else set()

    @property
    def n_scores(self) -> int:
        return sum(s.n_scores for s in self.aggregation.official.values())

    def ranked_ids(self) -> list:
        """Entry ids by official rank (ties by calibrated score, then id); entries without a score last."""
        if self.proposal is not None:
            return [row.entry_id for row in self.proposal.rows]
        official = self.aggregation.official
        entries = self.aggregation.entries

        def key(entry_id):
            score = official[entry_id].score
            calibrated = entries[entry_id].calibrated
            return (score is None, -(score or 0), -(calibrated or 0), entry_id)

        return sorted(official, key=key)


def second_round_entries(edition) -> QuerySet:
    return Entry.objects.filter(edition=edition, status__in=SECOND_ROUND_STATES)


def finalist_quotas(counts: dict, top: int) -> dict:
    """`top` places shared among the categories in proportion to their entries (largest remainders; ties to
    the category listed first), for a list chosen within each category."""
    total = sum(counts.values())
    if not total:
        return {c: 0 for c in counts}
    exact = {c: Decimal(top) * n / total for c, n in counts.items()}
    quotas = {c: int(v) for c, v in exact.items()}
    left = top - sum(quotas.values())
    for c in sorted(counts, key=lambda c: -(exact[c] - quotas[c]))[:max(left, 0)]:
        quotas[c] += 1
    return quotas


def edition_results(edition, *, with_proposal: bool = True) -> Results:
    """Official and calibrated scores, flags and (unless asked not to) the proposed finalist list of
    `edition`, from every submitted score of its second-round entries (R7)."""
    settings = queries.review_settings(edition)
    criteria = list(edition.criteria.all())
    entries = list(second_round_entries(edition).values_list("pk", "category_id", "category__name"))
    categories = {pk: category for pk, category, _name in entries}
    category_names = {category: name for _pk, category, name in entries if category is not None}
    rows = queries.score_rows(edition, entry_ids=categories.keys()) if categories else []
    from .aggregation import Criterion

    result = aggregate(rows, [Criterion(key=str(c.pk), max_points=Decimal(c.max_points)) for c in criteria],
                       settings.aggregation_rule, entry_ids=categories.keys(),
                       settings=FlagSettings(expected_scores=settings.reviews_per_entry or None))
    experts = {e.pk: e for e in Expert.objects.filter(pk__in=list(result.experts)).order_by("pk")}
    numbers = {pk: n for n, pk in enumerate(experts, start=1)}
    proposal = places = None
    scored = any(s.n_scores for s in result.official.values())
    top = settings.finalist_count
    cutoff = settings.finalist_cutoff
    if with_proposal and scored and (top is not None or cutoff is not None):
        if settings.finalists_by_category:
            keys = {pk: (c if c is not None else 0) for pk, c in categories.items()}
            quotas = None
            if top is not None:
                counts: dict = {}
                for c in keys.values():
                    counts[c] = counts.get(c, 0) + 1
                quotas = finalist_quotas(dict(sorted(counts.items())), top)
            proposal = propose_finalists(result, cutoff=cutoff, categories=keys, quotas=quotas)
        else:
            proposal = propose_finalists(result, top=top, cutoff=cutoff)
        places = proposal.places if proposal is not None else None
    official = {k: v.score for k, v in result.official.items()}
    calibrated = {k: v.calibrated for k, v in result.entries.items()}
    z_mean = {k: v.z_mean for k, v in result.entries.items()}
    return Results(edition, settings, criteria, result, categories, category_names, experts, numbers, proposal,
                   places, rows, ranks(official), ranks(calibrated), ranks(z_mean))


def ranks(values: dict) -> dict:
    """Competition ranks (1, 2, 2, 4) of the values, highest first; None stays None."""
    ordered = sorted((v for v in values.values() if v is not None), reverse=True)
    first: dict = {}
    for place, value in enumerate(ordered, start=1):
        first.setdefault(value, place)
    return {k: (None if v is None else first[v]) for k, v in values.items()}


def entries_by_id(ids) -> dict:
    """The entries a page shows (a page of them), with their units and category, in one query."""
    return Entry.objects.select_related("declaring_unit", "recommending_unit", "category").in_bulk(list(ids))


def all_entries(edition) -> dict:
    """Every second-round entry of `edition` by id, with units and category, in one query (exports, API)."""
    return {e.pk: e for e in second_round_entries(edition).select_related("declaring_unit", "recommending_unit",
                                                                           "category")}


def scores_fingerprint(edition) -> dict:
    """What the submitted scores are now, in one query: a list proposed from other scores is out of date."""
    found = Score.objects.filter(edition=edition, status=ScoreStatus.SUBMITTED).aggregate(
        n=Count("pk"), last=Max("saved_at"))
    return {"scores": found["n"], "last_saved": found["last"].isoformat() if found["last"] else ""}


def outstanding_scores(edition) -> dict:
    """Published, active, non-conflicted assignments of entries still in the second round without a submitted
    score: how many, and of how many entries (one query)."""
    conflicted = Conflict.objects.filter(expert_id=OuterRef("expert_id"), entry_id=OuterRef("entry_id"),
                                         lifted_at__isnull=True)
    submitted = Score.objects.filter(assignment_id=OuterRef("pk"), status=ScoreStatus.SUBMITTED)
    found = (ReviewAssignment.objects.filter(edition=edition, published_at__isnull=False, removed_at__isnull=True,
                                             entry__status=EntryStatus.IN_REVIEW)
             .exclude(Exists(conflicted)).exclude(Exists(submitted))
             .aggregate(n=Count("pk"), entries=Count("entry_id", distinct=True)))
    return {"scores": found["n"], "entries": found["entries"]}


def current_finalist_list(edition) -> FinalistList | None:
    """The newest list of `edition`: a proposed (supplementary) one after an approved one, else the approved one."""
    return FinalistList.objects.filter(edition=edition).select_related("created_by", "approved_by").first()


def approved_finalist_list(edition) -> FinalistList | None:
    return FinalistList.objects.filter(edition=edition, status=FinalistListStatus.APPROVED).first()


def finalist_rows(finalist_list: FinalistList) -> QuerySet:
    """The list's rows with their entries, units, category and who changed them (one query)."""
    return (FinalistRow.objects.filter(finalist_list=finalist_list)
            .select_related("entry", "entry__declaring_unit", "entry__recommending_unit", "entry__category",
                            "changed_by")
            .order_by("official_rank", "-calibrated_score", "entry_id"))


def missing_from_list(finalist_list: FinalistList) -> list[int]:
    """Entries of the edition in the second round that the list does not hold (accepted after it was proposed)."""
    on_list = FinalistRow.objects.filter(finalist_list=finalist_list, entry_id=OuterRef("pk"))
    return list(queries.round_entries(finalist_list.edition_id)
                .exclude(Exists(on_list)).order_by("pk").values_list("pk", flat=True))


def finalist_counts(finalist_list: FinalistList) -> dict:
    """How many entries the list holds and how many of them it selects (one query)."""
    return FinalistRow.objects.filter(finalist_list=finalist_list).aggregate(
        total=Count("pk"), selected=Count("pk", filter=Q(selected=True)))


def changed_rows(finalist_list: FinalistList) -> list:
    """The rows the office changed (selected differs from proposed), with who and why (one query)."""
    return list(finalist_rows(finalist_list).exclude(selected=F("proposed")))


def row_position(finalist_list: FinalistList, entry_id) -> int | None:
    """0-based place of `entry_id` in the list's order, to show the page that holds it (one query)."""
    ids = list(finalist_rows(finalist_list).values_list("entry_id", flat=True))
    return ids.index(entry_id) if entry_id in ids else None


def entries_waiting(finalist_list: FinalistList) -> int:
    """Entries of the list still in the second round (not yet moved by the approval), in one query."""
    return FinalistRow.objects.filter(finalist_list=finalist_list, entry__status=EntryStatus.IN_REVIEW).count()


def approval_progress(finalist_list: FinalistList) -> dict | None:
    """The approved list's move of its entries: state (queued, running, done, failed), done of total, percent."""
    found = (finalist_list.parameters or {}).get("approval")
    if finalist_list.status != FinalistListStatus.APPROVED or not found:
        return None
    total, done = found.get("total") or 0, found.get("done") or 0
    return {**found, "total": total, "done": done, "percent": round(100 * done / total) if total else 100,
            "finished": found.get("state") == "done"}
