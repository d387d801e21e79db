"""Reads of the second round shared by its pages, its API, its exports and its documents.

The one rule every read obeys: an expert sees an entry only through a published, active
assignment of their accepted seat, and never one they are conflicted with (回避, item 2).
"""

from django.db.models import Exists, OuterRef, QuerySet

from .models import Conflict, Expert, ExpertStatus, ReviewAssignment, ReviewSettings


def review_settings(edition) -> ReviewSettings:
    """The edition's second-round settings, created with the defaults the first time they are asked for."""
    found = getattr(edition, "_review_settings_cache", None)
    if found is None:
        found, _created = ReviewSettings.objects.get_or_create(edition=edition)
        edition._review_settings_cache = found
    return found


def round_entries(edition) -> QuerySet:
    """The entries of `edition` in the second round now (accepted into it, not yet decided by a finalist list)."""
    from wuxiao.entries.enums import EntryStatus
    from wuxiao.entries.models import Entry

    return Entry.objects.filter(edition=edition, status=EntryStatus.IN_REVIEW)


def active_conflicts(edition) -> QuerySet:
    """Conflicts in force (not lifted) in `edition`."""
    return Conflict.objects.filter(edition=edition, lifted_at__isnull=True)


def is_conflicted(expert, entry) -> bool:
    return Conflict.objects.filter(expert=expert, entry=entry, lifted_at__isnull=True).exists()


def expert_seat(user, edition) -> Expert | None:
    """`user`'s accepted seat in `edition`'s expert pool, or None."""
    if user is None or not user.is_authenticated:
        return None
    return Expert.objects.filter(edition=edition, user=user, status=ExpertStatus.ACCEPTED).first()


def expert_seats(user) -> QuerySet:
    """Every accepted seat of `user`, in any edition."""
    if user is None or not user.is_authenticated:
        return Expert.objects.none()
    return Expert.objects.filter(user=user, status=ExpertStatus.ACCEPTED)


def visible_assignments(expert) -> QuerySet:
    """The assignments `expert` sees: published, not removed, and not on an entry they are conflicted with."""
    conflicted = Conflict.objects.filter(expert_id=OuterRef("expert_id"), entry_id=OuterRef("entry_id"),
                                         lifted_at__isnull=True)
    return (ReviewAssignment.objects.filter(expert=expert, published_at__isnull=False, removed_at__isnull=True)
            .exclude(Exists(conflicted)))


def reviewer_assignment(user, entry) -> ReviewAssignment | None:
    """The assignment through which `user` (an expert) may see and score `entry`, or None."""
    seat = expert_seat(user, entry.edition)
    if seat is None:
        return None
    return visible_assignments(seat).filter(entry=entry).first()


def rubric(edition):
    """The edition's criteria (R7) as the aggregation engine reads them, in the committee's order."""
    from .aggregation import Criterion

    return tuple(Criterion(key=str(c.pk), max_points=c.max_points) for c in edition.criteria.all())


def score_rows(edition, entry_ids=None) -> list:
    """Every submitted score of `edition` (of `entry_ids` if given) as aggregation.ScoreRow: total and
    points per criterion (keyed by the criterion's id), for an expert's score only while the pair is active
    and not conflicted. Two queries, whatever the size."""
    from .aggregation import ScoreRow
    from .models import Score, ScoreItem, ScoreStatus

    conflicted = Conflict.objects.filter(expert_id=OuterRef("expert_id"), entry_id=OuterRef("entry_id"),
                                         lifted_at__isnull=True)
    scores = (Score.objects.filter(edition=edition, status=ScoreStatus.SUBMITTED, total__isnull=False,
                                   assignment__removed_at__isnull=True)
              .exclude(Exists(conflicted)))
    if entry_ids is not None:
        scores = scores.filter(entry_id__in=list(entry_ids))
    found = list(scores.values_list("pk", "entry_id", "expert_id", "total"))
    points: dict[int, dict[str, object]] = {}
    items = ScoreItem.objects.filter(score__in=scores, points__isnull=False).values_list("score_id", "criterion_id",
                                                                                          "points")
    for score_id, criterion_id, value in items:
        points.setdefault(score_id, {})[str(criterion_id)] = value
    return [ScoreRow(entry_id=entry_id, expert_id=expert_id, total=total, points=points.get(pk, {}))
            for pk, entry_id, expert_id, total in found]


def stage_overview(edition) -> dict:
    """Where the edition's second round stands, step by step, for the office's hub and dashboard
    (a fixed number of queries whatever the size)."""
    from django.db.models import Count, Q

    from wuxiao.entries.enums import EntryStatus
    from wuxiao.entries.models import Entry

    from .models import (
        AssignmentRun,
        ConflictCheck,
        FinalistList,
        FinalistListStatus,
        Score,
        ScoreStatus,
    )

    experts = dict(Expert.objects.filter(edition=edition).values("status").annotate(n=Count("id"))
                   .values_list("status", "n"))
    in_review = round_entries(edition).count()
    decided = Entry.objects.filter(edition=edition, status__in=[EntryStatus.FINALIST, EntryStatus.NOT_FINALIST,
                                                               EntryStatus.AWARDED, EntryStatus.NOT_AWARDED,
                                                               EntryStatus.REVOKED]).count()
    pairs = ReviewAssignment.objects.filter(edition=edition, removed_at__isnull=True).aggregate(
        drafts=Count("id", filter=Q(published_at__isnull=True)),
        published=Count("id", filter=Q(published_at__isnull=False)))
    scores = Score.objects.filter(edition=edition, assignment__removed_at__isnull=True).aggregate(
        submitted=Count("id", filter=Q(status=ScoreStatus.SUBMITTED)),
        drafts=Count("id", filter=Q(status=ScoreStatus.DRAFT)))
    return {
        "experts": sum(experts.values()),
        "experts_accepted": experts.get(ExpertStatus.ACCEPTED, 0),
        "experts_invited": experts.get(ExpertStatus.INVITED, 0),
        "experts_declined": experts.get(ExpertStatus.DECLINED, 0),
        "conflicts": active_conflicts(edition).count(),
        "last_check": ConflictCheck.objects.filter(edition=edition, finished_at__isnull=False).first(),
        "in_review": in_review,
        "decided": decided,
        "last_run": AssignmentRun.objects.filter(edition=edition).first(),
        "pairs_draft": pairs["drafts"],
        "pairs_published": pairs["published"],
        "scores_submitted": scores["submitted"],
        "scores_draft": scores["drafts"],
        "rubric_locked": review_settings(edition).rubric_locked_at is not None,
        "finalist_list": FinalistList.objects.filter(edition=edition).first(),
        "approved": FinalistList.objects.filter(edition=edition, status=FinalistListStatus.APPROVED).exists(),
    }

