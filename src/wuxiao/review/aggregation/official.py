"""The official score (R7): the mean or the trimmed mean of an entry's totals, exact, to two decimals.

* `trimmed_mean` (the default, as Chinese juries do): with at least 5 scores, one highest and one
  lowest total are dropped and the others averaged; with fewer, all are averaged.
* `mean`: all totals are averaged.

Which score is dropped among equal totals does not change the total, but it changes the breakdown:
the dropped one is chosen by (total, expert id), i.e. among equal lowest totals the expert with the
smallest id, among equal highest the one with the largest id, whatever the order of the rows.

The per-criterion breakdown is the mean of each criterion over the **kept** scores (those whose
totals count), not the rule applied to each criterion on its own: then the breakdown explains the
official total (before rounding, the criteria add up to it exactly), and one expert is either in an
entry's score or out of it. Each value is rounded on its own, so the rounded criteria may differ from
the rounded total by a few hundredths.

Rounding is ROUND_HALF_UP to two decimals (82.125 → 82.13), computed on integers: the kept totals are
integers × 10**-d, so the mean in hundredths is an exact fraction rounded once.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from .table import TRIM_FROM, Rule, ScoreTable

PLACES = 2


@dataclass(frozen=True, slots=True)
class OfficialScore:
    entry_id: Hashable
    score: Decimal | None  # None: no score yet
    criteria: dict[str, Decimal] | None  # None without per-criterion points
    n_scores: int
    n_kept: int
    dropped_low: Hashable | None  # the expert whose total was dropped as the lowest
    dropped_high: Hashable | None


def div_half_up(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator rounded half away from zero (ROUND_HALF_UP), on int64 arrays; denominator > 0."""
    magnitude = (2 * np.abs(numerator) + denominator) // (2 * denominator)
    return np.sign(numerator) * magnitude


def to_hundredths(sums: np.ndarray, counts: np.ndarray, decimals: int) -> np.ndarray:
    """Mean of values scaled by 10**decimals, in hundredths, rounded half up. Counts of 0 give 0."""
    up = 10 ** max(0, PLACES - decimals)
    down = 10 ** max(0, decimals - PLACES)
    counts = np.where(counts > 0, counts, 1).astype(np.int64)
    if sums.ndim == 2:
        counts = counts[:, None]
    return div_half_up(sums.astype(np.int64) * up, counts * down)


def hundredths_to_decimal(value: int) -> Decimal:
    return Decimal(int(value)).scaleb(-PLACES)


@dataclass(frozen=True)
class KeptScores:
    """Per row, whether its total counts in the official score; per entry, the dropped rows (-1: none)."""

    keep: np.ndarray  # bool per row
    low_row: np.ndarray  # per entry
    high_row: np.ndarray
    hundredths: np.ndarray  # int64 per entry (0 when no score)
    criteria_hundredths: np.ndarray | None  # entries × criteria
    n_scores: np.ndarray
    n_kept: np.ndarray


def kept_scores(table: ScoreTable, rule: Rule | str) -> KeptScores:
    rule = Rule(rule)
    n_entries = table.n_entries
    # Sort by entry, then total, then expert number (expert numbers follow the sorted expert ids).
    order = np.lexsort((table.expert, table.total, table.entry))
    entry_sorted = table.entry[order]
    n = np.bincount(table.entry, minlength=n_entries)
    starts = np.cumsum(n) - n
    position = np.arange(len(order)) - starts[entry_sorted]
    size = n[entry_sorted]
    low_row = np.full(n_entries, -1, dtype=np.intp)
    high_row = np.full(n_entries, -1, dtype=np.intp)
    keep_sorted = np.ones(len(order), dtype=bool)
    if rule is Rule.TRIMMED_MEAN:
        trimmed = size >= TRIM_FROM
        low = trimmed & (position == 0)
        high = trimmed & (position == size - 1)
        keep_sorted &= ~(low | high)
        low_row[entry_sorted[low]] = order[low]
        high_row[entry_sorted[high]] = order[high]
    keep = np.empty(len(order), dtype=bool)
    keep[order] = keep_sorted
    kept_entry = table.entry[keep]
    n_kept = np.bincount(kept_entry, minlength=n_entries)
    sums = np.zeros(n_entries, dtype=np.int64)
    np.add.at(sums, kept_entry, table.total[keep])
    criteria = None
    if table.points is not None:
        criterion_sums = np.zeros((n_entries, table.points.shape[1]), dtype=np.int64)
        np.add.at(criterion_sums, kept_entry, table.points[keep])
        criteria = to_hundredths(criterion_sums, n_kept, table.decimals)
    return KeptScores(keep, low_row, high_row, to_hundredths(sums, n_kept, table.decimals), criteria, n, n_kept)


def score_objects(table: ScoreTable, kept: KeptScores) -> dict[Hashable, OfficialScore]:
    keys = [c.key for c in table.criteria]
    result = {}
    hundredths = kept.hundredths.tolist()
    criteria = kept.criteria_hundredths.tolist() if kept.criteria_hundredths is not None else None
    n_scores, n_kept = kept.n_scores.tolist(), kept.n_kept.tolist()
    low, high = kept.low_row.tolist(), kept.high_row.tolist()
    experts = table.expert.tolist()
    memo: dict[int, Decimal] = {}

    def decimal(value: int) -> Decimal:  # scores repeat: build each Decimal once
        found = memo.get(value)
        if found is None:
            found = memo[value] = hundredths_to_decimal(value)
        return found

    for i, entry_id in enumerate(table.entry_ids):
        scored = n_scores[i] > 0
        result[entry_id] = OfficialScore(
            entry_id=entry_id,
            score=decimal(hundredths[i]) if scored else None,
            criteria={k: decimal(v) for k, v in zip(keys, criteria[i])} if scored and criteria else None,
            n_scores=n_scores[i],
            n_kept=n_kept[i],
            dropped_low=table.expert_ids[experts[low[i]]] if low[i] >= 0 else None,
            dropped_high=table.expert_ids[experts[high[i]]] if high[i] >= 0 else None,
        )
    return result
