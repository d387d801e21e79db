"""Fixtures of the results part (issue 10, items 9–11): an edition in its second round with criteria,
entries `in_review`, accepted experts and published assignments with submitted scores, straight in the DB."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from wuxiao.accounts.models import Role
from wuxiao.competitions.models import Criterion
from wuxiao.entries.models import Entry
from wuxiao.review import queries
from wuxiao.review.models import (
    Expert,
    ExpertStatus,
    ReviewAssignment,
    Score,
    ScoreItem,
    ScoreStatus,
)

CRITERIA = [("实际运用水平", 25), ("产业（行业）领先水平", 25), ("生产效率提升水平", 25), ("能源消耗降低水平", 25)]
_mobiles = itertools.count(1)


@dataclass
class SecondRound:
    edition: object
    criteria: list
    entries: list
    experts: list  # review.Expert, accepted, each with a user
    units: list  # declaring units (each with its recommending unit as parent)
    assignments: dict = field(default_factory=dict)  # (entry id, expert id) → ReviewAssignment


def split(total: int, parts: int = 4) -> list[int]:
    """An integer total as `parts` criterion points adding up to it."""
    base, extra = divmod(int(total), parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def second_round(*, entries: int = 3, experts: int = 5, units: int = 2, edition=None, rule: str | None = None,
                 finalist_count: int | None = 1, title_of=None) -> SecondRound:
    """An edition with the four criteria of 25 points, `entries` entries in the second round spread over
    `units` declaring units, and `experts` accepted experts with logins; no assignment yet."""
    edition = edition or factories.EditionFactory()
    criteria = [Criterion.objects.create(edition=edition, name=name, max_points=points, position=i)
                for i, (name, points) in enumerate(CRITERIA)]
    settings = queries.review_settings(edition)
    if rule:
        settings.aggregation_rule = rule
    settings.finalist_count = finalist_count
    settings.save()
    declaring = [factories.DeclaringUnitFactory() for _ in range(units)]
    category = edition.categories.first()
    made = Entry.objects.bulk_create([
        Entry(edition=edition, declaring_unit=declaring[i % units], recommending_unit=declaring[i % units].parent,
              title=title_of(i) if title_of else f"复赛作品{i + 1}", category=category, status="in_review",
              industry_id="3421", affiliation=declaring[i % units].name)
        for i in range(entries)])
    made = list(Entry.objects.filter(edition=edition).order_by("pk"))
    pool = []
    for k in range(experts):
        user = factories.user_with_role(Role.EXPERT)
        pool.append(Expert(edition=edition, user=user, name=f"专家{chr(0x7532 + k)}", organisation_name="测试研究院",
                           mobile=f"137{next(_mobiles):08d}", status=ExpertStatus.ACCEPTED))
    Expert.objects.bulk_create(pool)
    pool = list(Expert.objects.filter(edition=edition).order_by("pk"))
    return SecondRound(edition, criteria, made, pool, declaring)


def give_scores(round_: SecondRound, scores: dict, *, submitted: bool = True) -> None:
    """`scores`: {(entry, expert): total} — publishes the assignment and saves the score with its points."""
    now = timezone.now()
    pairs = []
    for (entry, expert), _total in scores.items():
        pairs.append(ReviewAssignment(edition=round_.edition, entry=entry, expert=expert, published_at=now))
    ReviewAssignment.objects.bulk_create(pairs)
    found = {(a.entry_id, a.expert_id): a for a in ReviewAssignment.objects.filter(edition=round_.edition,
                                                                                     removed_at__isnull=True)}
    round_.assignments.update(found)
    made = []
    for (entry, expert), total in scores.items():
        if total is None:
            continue
        made.append(Score(assignment=found[(entry.pk, expert.pk)], edition=round_.edition, entry=entry, expert=expert,
                          status=ScoreStatus.SUBMITTED if submitted else ScoreStatus.DRAFT, total=Decimal(total),
                          submitted_at=now if submitted else None, no_conflict_confirmed_at=now))
    Score.objects.bulk_create(made)
    saved = {(s.entry_id, s.expert_id): s for s in Score.objects.filter(edition=round_.edition)}
    items = []
    for (entry, expert), total in scores.items():
        if total is None:
            continue
        score = saved[(entry.pk, expert.pk)]
        for criterion, points in zip(round_.criteria, split(total)):
            items.append(ScoreItem(score=score, criterion=criterion, points=Decimal(points)))
    ScoreItem.objects.bulk_create(items, batch_size=1000)


def scored_round(*, entries: int, experts: int = 8, k: int = 5, seed: int = 0, **kwargs) -> SecondRound:
    """`entries` entries each scored by `k` of `experts` experts (in turn), totals from a fixed pattern with a
    lenient expert, so flags and ranks are not all equal."""
    round_ = second_round(entries=entries, experts=experts, **kwargs)
    scores = {}
    for i, entry in enumerate(round_.entries):
        for r in range(k):
            j = (i + r + seed) % experts
            total = 60 + (i * 7) % 31 + (6 if j == 0 else 0) + (r % 3)
            scores[(entry, round_.experts[j])] = min(total, 100)
    give_scores(round_, scores)
    return round_


def approved_list_deciding(entry, selected: bool, actor=None):
    """The edition's approved finalist list (made if missing), with a row deciding `entry`: what the second
    round's guard asks before SELECT_FINALIST / NOT_SELECT (tests of the transition table use it)."""
    from wuxiao.review.models import FinalistList, FinalistListStatus, FinalistRow

    finalist_list = FinalistList.objects.filter(edition_id=entry.edition_id,
                                                status=FinalistListStatus.APPROVED).first()
    if finalist_list is None:
        finalist_list = FinalistList.objects.create(edition_id=entry.edition_id, status=FinalistListStatus.APPROVED,
                                                    approved_by=actor, approved_at=timezone.now())
    FinalistRow.objects.update_or_create(finalist_list=finalist_list, entry=entry,
                                         defaults={"selected": selected, "proposed": selected})
    return finalist_list


@pytest.fixture
def immediate_tasks(settings):
    """Background tasks run at once, in the request (the approval's move of the entries)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
