"""Krippendorff's α for interval data, with missing values (Krippendorff, "Computing Krippendorff's
Alpha-Reliability", 2011).

α = 1 − D_o / D_e over the pairable values (those of units with at least two values):

  D_o = (1/n) Σ_u 1/(m_u − 1) Σ_{i≠j in u} (v_i − v_j)²     (observed disagreement within units)
  D_e = 1/(n(n − 1)) Σ_{i≠j over all pairable values} (v_i − v_j)²   (expected by chance)

with m_u the number of values of unit u and n = Σ m_u. Both double sums reduce to sums and sums of
squares: Σ_{i≠j} (v_i − v_j)² = 2 m Σ v² − 2 (Σ v)², so the computation is a few bincounts, linear
in the number of values. Values are centred first, which keeps the squares small.

α = 1 is perfect agreement, 0 agreement at chance level; Krippendorff suggests relying on data with
α ≥ 0.800 and drawing tentative conclusions only from α ≥ 0.667. α is undefined (nan) when fewer
than two values are pairable or all of them are equal.
"""

from __future__ import annotations

import numpy as np


def _pair_sum(count, total, squares):
    return 2 * count * squares - 2 * total ** 2


def krippendorff_alpha_interval(unit: np.ndarray, value: np.ndarray) -> float:
    """α of values given as (unit number, value) pairs; nan values are ignored (missing)."""
    unit = np.asarray(unit)
    value = np.asarray(value, dtype=float)
    present = ~np.isnan(value)
    unit, value = unit[present], value[present]
    if not len(unit):
        return float("nan")
    _, unit = np.unique(unit, return_inverse=True)
    m = np.bincount(unit)
    pairable = m[unit] >= 2
    unit, value = unit[pairable], value[pairable]
    n = len(value)
    if n < 2:
        return float("nan")
    value = value - value.mean()
    m = np.bincount(unit)
    sums = np.bincount(unit, weights=value)
    squares = np.bincount(unit, weights=value ** 2)
    used = m >= 2
    observed = (_pair_sum(m[used], sums[used], squares[used]) / (m[used] - 1)).sum() / n
    expected = _pair_sum(n, value.sum(), (value ** 2).sum()) / (n * (n - 1))
    if expected <= 1e-12 * max(1.0, float((value ** 2).max())):
        return float("nan")
    return float(1.0 - observed / expected)


def krippendorff_alpha_interval_matrix(data) -> float:
    """α of a reliability data matrix: one row per coder (expert), one column per unit (entry),
    nan (or None) where the coder gave no value, as in Krippendorff's papers."""
    matrix = np.array(data, dtype=float)
    unit = np.broadcast_to(np.arange(matrix.shape[1]), matrix.shape)
    return krippendorff_alpha_interval(unit.ravel(), matrix.ravel())
