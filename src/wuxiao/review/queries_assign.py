"""Reads of the assignment (issue 10 items 4–6) shared by its pages and its API: the runs, the matrix by entry
and by expert, the pairs needing re-assignment and the second pass's candidates. Constant queries per page."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Entry

from .models import AssignmentRun, Expert, ExpertStatus, PairRule, ReviewAssignment, RunStatus
from .queries import active_conflicts, review_settings, round_entries, rubric, score_rows


def latest_run(edition, *, second_pass: bool = False) -> AssignmentRun | None:
    """The edition's latest computed run (first pass or second), re-assignments left aside."""
    # A JSON key lookup that misses is NULL, which exclude() would drop too: filter in Python, one query.
    runs = AssignmentRun.objects.filter(edition=edition, second_pass=second_pass).select_related("created_by")[:20]
    return next((r for r in runs if r.parameters.get("kind") != "reassign"), None)


def run_of(edition, pk) -> AssignmentRun | None:
    return AssignmentRun.objects.filter(edition=edition, pk=pk).select_related("created_by").first()


def run_under_way(edition) -> bool:
    return AssignmentRun.objects.filter(edition=edition, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists()


def assignment_counts(edition) -> dict:
    """Drafts, published and removed pairs, entries in the second round and accepted experts (one query each)."""
    pairs = ReviewAssignment.objects.filter(edition=edition).aggregate(
        drafts=Count("pk", filter=Q(removed_at__isnull=True, published_at__isnull=True)),
        published=Count("pk", filter=Q(removed_at__isnull=True, published_at__isnull=False)),
        removed=Count("pk", filter=Q(removed_at__isnull=False)),
        second_pass=Count("pk", filter=Q(removed_at__isnull=True, review_pass=2)))
    pairs["entries"] = round_entries(edition).count()
    pairs["experts"] = Expert.objects.filter(edition=edition, status=ExpertStatus.ACCEPTED).count()
    return pairs


def active_pairs() -> QuerySet:
    return (ReviewAssignment.objects.filter(removed_at__isnull=True).select_related("expert")
            .order_by("review_pass", "expert__name", "expert_id"))


def matrix_entries(edition, *, q: str = "", category: int | None = None, short: bool = False) -> QuerySet:
    """The edition's second-round entries, each with its active pairs (`active_pairs`) and their experts."""
    qs = (round_entries(edition)
          .select_related("category", "industry")
          .prefetch_related(Prefetch("review_assignments", queryset=active_pairs(), to_attr="active_pairs"))
          .order_by("pk"))
    if q:
        qs = qs.filter(Q(pk=int(q)) if q.isdigit() and len(q) < 18 else Q(title__icontains=q))
    if category:
        qs = qs.filter(category_id=category)
    if short:
        k = review_settings(edition).reviews_per_entry
        qs = qs.annotate(n_active=Count("review_assignments", filter=Q(review_assignments__removed_at__isnull=True,
                                                                      review_assignments__review_pass=1)))
        qs = qs.filter(n_active__lt=k)
    return qs


def decorate_entries(edition, entries: list) -> list:
    """Per entry on a page: mean match quality of its experts, its number of first-pass experts, and its pairs
    marked when the expert has a conflict with it (one query for the page's conflicts)."""
    k = review_settings(edition).reviews_per_entry
    conflicted = set(active_conflicts(edition).filter(entry_id__in=[e.pk for e in entries])
                     .values_list("entry_id", "expert_id"))
    for entry in entries:
        pairs = entry.active_pairs
        first = [p for p in pairs if p.review_pass == 1]
        entry.first_count = len(first)
        entry.needed = k
        entry.match_quality = round(sum(p.quality for p in pairs) / len(pairs), 1) if pairs else None
        for p in pairs:
            p.conflicted = (p.entry_id, p.expert_id) in conflicted or p.expert.status != ExpertStatus.ACCEPTED
    return entries


def expert_loads(edition) -> QuerySet:
    """The accepted experts (and those who had pairs) with their active first-pass load, drafts, second pass, and
    their pairs (`active_pairs`, with the entry's number only)."""
    pairs = (ReviewAssignment.objects.filter(removed_at__isnull=True).only("pk", "entry_id", "expert_id", "quality",
                                                                           "published_at", "review_pass", "source")
             .order_by("entry_id"))
    active = Q(assignments__removed_at__isnull=True)
    return (Expert.objects.filter(edition=edition)
            .filter(Q(status=ExpertStatus.ACCEPTED) | Q(assignments__removed_at__isnull=True)).distinct()
            .annotate(load=Count("assignments", filter=active & Q(assignments__review_pass=1), distinct=True),
                      second=Count("assignments", filter=active & Q(assignments__review_pass=2), distinct=True),
                      drafts=Count("assignments", filter=active & Q(assignments__published_at__isnull=True),
                                   distinct=True))
            .prefetch_related(Prefetch("assignments", queryset=pairs, to_attr="active_pairs"))
            .order_by("name", "pk"))


def decorate_experts(edition, experts: list) -> list:
    """Each expert's load bounds [min, max] (their own or the edition's) and whether the load is within them."""
    s = review_settings(edition)
    for x in experts:
        x.low = s.load_min if x.load_min is None else x.load_min
        x.high = s.load_max if x.load_max is None else x.load_max
        x.within = x.low <= x.load <= x.high
        x.percent = min(100, round(100 * x.load / x.high)) if x.high else 0
    return experts


def pair_rules(edition) -> QuerySet:
    return (PairRule.objects.filter(edition=edition).select_related("expert", "entry", "created_by")
            .order_by("entry_id", "expert__name"))


def pairs_needing_reassignment(edition) -> list:
    """Published, active pairs (either pass) whose expert declined (or left the pool) or has a conflict of interest
    with the entry; each with `why` in words."""
    conflict = active_conflicts(edition).filter(expert_id=OuterRef("expert_id"), entry_id=OuterRef("entry_id"))
    rows = (ReviewAssignment.objects.filter(edition=edition, published_at__isnull=False, removed_at__isnull=True)
            .annotate(conflict_reason=Subquery(conflict.values("reason")[:1]))
            .filter(~Q(expert__status=ExpertStatus.ACCEPTED) | Q(conflict_reason__isnull=False))
            .select_related("entry", "expert").order_by("entry_id", "expert_id"))
    found = []
    for row in rows:
        if row.expert.status == ExpertStatus.DECLINED:
            row.why = _("the expert declined: %(reason)s") % {"reason": row.expert.decline_reason or "—"}
        elif row.expert.status != ExpertStatus.ACCEPTED:
            row.why = _("the expert is no longer in the pool")
        else:
            row.why = _("conflict of interest: %(reason)s") % {"reason": row.conflict_reason}
        found.append(row)
    return found


def second_pass_candidates_for(edition, count: int = 20) -> list[dict]:
    """The scored entries nearest the finalist cut-off (the aggregation's `second_pass_candidates`), nearest
    first, with their official and calibrated scores and ranks, their number of scores and of active experts."""
    from .aggregation import aggregate, propose_finalists, second_pass_candidates

    s = review_settings(edition)
    entries = {pk: (title, category or "") for pk, title, category in Entry.objects.filter(
        edition=edition, status=EntryStatus.IN_REVIEW).values_list("pk", "title", "category__name")}
    rows = [r for r in score_rows(edition) if r.entry_id in entries]
    if not rows or (s.finalist_count is None and s.finalist_cutoff is None):
        return []
    aggregation = aggregate(rows, rubric(edition), s.aggregation_rule, entry_ids=list(entries))
    categories = {pk: category for pk, (_t, category) in entries.items()} if s.finalists_by_category else None
    proposal = propose_finalists(aggregation, top=s.finalist_count, cutoff=s.finalist_cutoff, categories=categories)
    chosen = second_pass_candidates(aggregation, proposal, count)
    by_id = {r.entry_id: r for r in proposal.rows}
    experts = defaultdict(int)
    for entry_id in ReviewAssignment.objects.filter(edition=edition, removed_at__isnull=True,
                                                    entry_id__in=chosen).values_list("entry_id", flat=True):
        experts[entry_id] += 1
    return [{"entry_id": pk, "title": entries[pk][0], "category": entries[pk][1],
             "official": by_id[pk].official, "official_rank": by_id[pk].official_rank,
             "calibrated": by_id[pk].calibrated, "calibrated_rank": by_id[pk].calibrated_rank,
             "proposed": by_id[pk].proposed, "scores": by_id[pk].n_scores, "experts": experts[pk]}
            for pk in chosen]


def accepted_experts(edition) -> QuerySet:
    return Expert.objects.filter(edition=edition, status=ExpertStatus.ACCEPTED).order_by("name", "pk")


def pool_experts(edition) -> QuerySet:
    """Every expert of the pool (a declined expert's pair may still be removed by hand)."""
    return Expert.objects.filter(edition=edition).order_by("name", "pk")
