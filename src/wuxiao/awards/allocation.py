"""The allocation of prize tiers (R11), as plain arithmetic: no models, no database.

The ranked rows take the tiers in ranking order: the first tier's prizes (its count less the prizes the office
left vacant) go to the first rows, the next tier's to the following ones, and so on; the rows after the last
prize get none. A border falls between two rows that get different tiers (or a tier and none). Rows with an
equal final score on both sides of a border cannot be told apart by the ranking: every row of that run of equal
scores is flagged (`tie`) for the office's decision, which services_tiers records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Allocated:
    entry_id: int
    position: int
    final: Decimal | None
    tier_id: int | None
    tie: bool


def capacities(tiers: Iterable[tuple[int, int]], vacancies: Mapping[int, int] | None = None) -> list[tuple[int, int]]:
    """(tier_id, prizes to award): each tier's count less its vacancies, never below 0."""
    vacancies = vacancies or {}
    return [(tier_id, max(0, count - max(0, vacancies.get(tier_id, 0)))) for tier_id, count in tiers]


def allocate(rows: Sequence[tuple[int, int, Decimal | None]], tiers: Iterable[tuple[int, int]],
             vacancies: Mapping[int, int] | None = None) -> list[Allocated]:
    """Each of `rows` ((entry_id, position, final) in ranking order) with its tier by the ranking and the tie flag.

    `tiers` are (tier_id, count) in order (特等奖 first); `vacancies` {tier_id: prizes left vacant}."""
    slots = [tier_id for tier_id, n in capacities(tiers, vacancies) for _i in range(n)]
    given = [slots[i] if i < len(slots) else None for i in range(len(rows))]
    tie = [False] * len(rows)
    for i in range(1, len(rows)):
        final = rows[i][2]
        if given[i] == given[i - 1] or final is None or rows[i - 1][2] != final:
            continue
        # A border inside a run of equal scores: flag the whole run.
        first, last = i - 1, i
        while first > 0 and rows[first - 1][2] == final:
            first -= 1
        while last + 1 < len(rows) and rows[last + 1][2] == final:
            last += 1
        for k in range(first, last + 1):
            tie[k] = True
    return [Allocated(entry_id, position, final, given[i], tie[i])
            for i, (entry_id, position, final) in enumerate(rows)]
