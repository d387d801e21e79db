"""The scores as arrays: one row per (entry, expert) score, points as exact integers.

Every total and criterion point is a `Decimal` (an `int`, a `str` or a `float` is accepted and turned
into the `Decimal` it reads as). All of them are scaled by one power of ten (`10 ** decimals`, the most
decimal places any value has) into int64, so that sums and means of the official score are exact
integer arithmetic. Entries and experts are numbered in the sorted order of their ids and the rows kept
in (entry, expert) order, so that nothing computed here depends on the order of the input rows.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from itertools import chain
from operator import itemgetter

import numpy as np

MAX_DECIMALS = 4


class Rule(StrEnum):
    """The edition's rule for the official score (R7)."""

    MEAN = "mean"
    # Drop one highest and one lowest total when an entry has at least TRIM_FROM scores.
    TRIMMED_MEAN = "trimmed_mean"


TRIM_FROM = 5


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion of the rubric (R7's four aspects) and its most points."""

    key: str
    max_points: Decimal


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One submitted score: the total and, when the rubric is scored per criterion, the points of
    every criterion (keys of the rubric's criteria; they must add up to the total)."""

    entry_id: Hashable
    expert_id: Hashable
    total: Decimal
    points: Mapping[str, Decimal] = field(default_factory=dict)


def as_decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


@dataclass(frozen=True)
class ScoreTable:
    entry_ids: list  # sorted; index = entry number
    expert_ids: list  # sorted; index = expert number
    entry: np.ndarray  # per row, entry number (intp)
    expert: np.ndarray  # per row, expert number (intp)
    total: np.ndarray  # per row, int64 total × 10**decimals
    points: np.ndarray | None  # rows × criteria, int64 × 10**decimals; None when no row has points
    decimals: int
    criteria: tuple[Criterion, ...]

    @property
    def scale(self) -> int:
        return 10 ** self.decimals

    @property
    def n_rows(self) -> int:
        return len(self.total)

    @property
    def n_entries(self) -> int:
        return len(self.entry_ids)

    @property
    def n_experts(self) -> int:
        return len(self.expert_ids)

    def total_float(self) -> np.ndarray:
        return self.total / self.scale


def _scaled(values: list) -> tuple[np.ndarray, int]:
    """The values as int64 × 10**decimals, exact, with the fewest decimals that represent every one of them."""
    try:
        try:
            ratios = np.fromiter(chain.from_iterable(map(Decimal.as_integer_ratio, values)), np.int64, 2 * len(values))
        except TypeError:  # not all of them are Decimals
            values = [as_decimal(v) for v in values]
            ratios = np.fromiter(chain.from_iterable(map(Decimal.as_integer_ratio, values)), np.int64, 2 * len(values))
    except (ValueError, OverflowError, ArithmeticError) as error:  # NaN, infinity, too large
        raise ValueError(f"not a usable score: {error}") from None
    numerators, denominators = ratios[0::2], ratios[1::2]
    for decimals in range(MAX_DECIMALS + 1):
        if not np.any(10 ** decimals % denominators):
            return numerators * (10 ** decimals // denominators), decimals
    raise ValueError(f"more than {MAX_DECIMALS} decimal places")


def build_table(rows: Iterable, criteria: Iterable[Criterion] = (), *,
                entry_ids: Iterable[Hashable] = ()) -> ScoreTable:
    """The rows as arrays. A row is a `ScoreRow` or a tuple (entry_id, expert_id, total[, points]).

    Raises ValueError on data that the scoring services must never have saved: two scores of one
    expert for one entry, a negative value, points that do not match the rubric or the total, some rows
    with points and some without, more than MAX_DECIMALS decimal places."""
    criteria = tuple(Criterion(c.key, as_decimal(c.max_points)) for c in criteria)
    keys = [c.key for c in criteria]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate criterion key")
    entries, experts, values, points = [], [], [], []
    for row in rows:
        if not isinstance(row, ScoreRow):
            row = ScoreRow(*row)
        entries.append(row.entry_id)
        experts.append(row.expert_id)
        values.append(row.total)
        points.append(row.points)
    n_rows = len(values)
    with_points = sum(1 for p in points if p)
    if with_points not in (0, n_rows):
        raise ValueError("either every score has its criterion points or none has")
    if with_points and not criteria:
        raise ValueError("criterion points given without the rubric's criteria")
    if with_points:
        key_set = set(keys)
        pick = itemgetter(*keys)
        for p in points:
            if p.keys() != key_set:
                raise ValueError(f"points {sorted(p)} do not match the criteria {keys}")
            picked = pick(p)
            values.extend(picked if len(keys) > 1 else (picked,))
    most = [c.max_points for c in criteria]
    scaled, decimals = _scaled(values + most)
    total, point_array = scaled[:n_rows], None
    if np.any(scaled < 0):
        raise ValueError("negative score")
    if with_points:
        point_array = scaled[n_rows:n_rows * (len(keys) + 1)].reshape(n_rows, len(keys))
        wrong = np.flatnonzero(point_array.sum(axis=1) != total)
        if len(wrong):
            raise ValueError(f"the points of a score do not add up to its total {values[wrong[0]]}")
        above = np.flatnonzero((point_array > scaled[None, n_rows * (len(keys) + 1):]).any(axis=1))
        if len(above):
            raise ValueError(f"a criterion's points are above its most points ({points[above[0]]})")
    if criteria and np.any(total > scaled[-len(keys):].sum()):
        raise ValueError(f"a total is above the rubric's {sum(most)} points")

    entry_list = sorted(set(entries) | set(entry_ids))
    expert_list = sorted(set(experts))
    entry_index = {e: i for i, e in enumerate(entry_list)}
    expert_index = {e: j for j, e in enumerate(expert_list)}
    entry = np.fromiter(map(entry_index.__getitem__, entries), dtype=np.intp, count=n_rows)
    expert = np.fromiter(map(expert_index.__getitem__, experts), dtype=np.intp, count=n_rows)
    # Rows in (entry, expert) order, so that even the floating-point sums do not depend on the input's order.
    order = np.lexsort((expert, entry))
    entry, expert, total = entry[order], expert[order], total[order]
    if point_array is not None:
        point_array = point_array[order]
    if n_rows and np.any((entry[1:] == entry[:-1]) & (expert[1:] == expert[:-1])):
        raise ValueError("an expert scored one entry twice")
    return ScoreTable(entry_list, expert_list, entry, expert, total, point_array, decimals, criteria)
