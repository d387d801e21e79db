"""The calibrated score: an additive expert-bias model, and per-expert z-scores. Shown beside the
official score, never instead of it (R7 fixes the official rule; these help the office read it).

Model: score_ij = a_i + b_j + noise, where a_i is entry i's calibrated score (the score an average
expert of the panel would give it) and b_j expert j's leniency (positive: scores above the panel).
Least squares with a ridge λ‖b‖² on the biases only. The ridge identifies the model: shifting every
bias by c and every a_i by -c fits equally well, so at the optimum the biases add up to 0 (an
unweighted sum over the experts); it also keeps apart experts who never share an entry with the
others (a disconnected panel), pulling each group's biases towards 0.

The entries are eliminated (a_i = mean over its scores of y_ij - b_j) and the experts' normal
equations solved on their Schur complement S = diag(n_j + λ) - Cᵀ diag(1/n_i) C, a sparse m × m
matrix (C: entries × experts incidence), solved by conjugate gradients, so 5,000 entries × 5 scores cost
a few dozen sparse products. With up to EXACT_LIMIT experts, S⁻¹ (from a sparse LU) gives the exact
standard errors and leverages; beyond that they are approximated from S's diagonal.

σ² = RSS / (N − entries − experts + 1). A bias's standard error is σ √(S⁻¹)_jj, S⁻¹ restricted to
biases that add up to 0 (a 95% interval covers the planted bias 95% of the time in the tests).
Outlier scores are judged on a robust (Huber) refit, see `fit_bias_model`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.csgraph
import scipy.sparse.linalg

EXACT_LIMIT = 800


@dataclass(frozen=True)
class BiasModel:
    entry_score: np.ndarray  # per entry (nan without scores)
    entry_se: np.ndarray  # standard error of entry_score
    bias: np.ndarray  # per expert, adding up to 0
    bias_se: np.ndarray
    residual: np.ndarray  # per row, of the least-squares fit
    leverage: np.ndarray  # per row
    sigma: float  # residual standard deviation (nan when there are no degrees of freedom)
    df: int
    ridge: float
    components: int  # connected groups of the entry–expert graph (1: every bias compared with every other)
    robust_expected: np.ndarray  # per row, the score the robust (Huber) fit expects
    robust_scale: float
    outlier_t: np.ndarray  # per row, the robust residual / (robust_scale √(1 − h)); 0 where h = 1


def _within_entry_pairs(entry: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All ordered pairs (r, s) of rows of one entry, r == s included."""
    order = np.argsort(entry, kind="stable")
    starts = np.cumsum(n) - n
    size = n[entry[order]]
    left = np.repeat(order, size)
    offset = np.arange(len(left)) - np.repeat(np.cumsum(size) - size, size)
    right = order[starts[entry[left]] + offset]
    return left, right


@dataclass
class _Design:
    entry: np.ndarray
    expert: np.ndarray
    n_entries: int
    n_experts: int
    ridge: float

    def solve(self, y: np.ndarray, weight: np.ndarray, start: np.ndarray | None = None, *, explicit: bool = False):
        """Weighted ridge least squares: (entry scores, biases, S or None).

        S = diag(w_j + λ) − C_wᵀ diag(1/w_i) C_w is symmetric positive definite and well conditioned
        (eigenvalues from λ to about the largest n_j): conjugate gradients with a diagonal preconditioner
        converge in a few dozen products, each two sparse products with the incidence C_w. S itself is
        formed (a sparse m × m matrix) only when `explicit`, for its inverse."""
        entry, expert, E, M = self.entry, self.expert, self.n_entries, self.n_experts
        w_i = np.bincount(entry, weights=weight, minlength=E)
        w_j = np.bincount(expert, weights=weight, minlength=M)
        inv_w_i = np.divide(1.0, w_i, out=np.zeros(E), where=w_i > 0)
        incidence = sp.csr_matrix((weight, (entry, expert)), shape=(E, M))
        transposed = incidence.T.tocsr()
        sum_i = np.bincount(entry, weights=weight * y, minlength=E)
        sum_j = np.bincount(expert, weights=weight * y, minlength=M)
        rhs = sum_j - transposed @ (inv_w_i * sum_i)
        diagonal = w_j + self.ridge - transposed.multiply(transposed) @ inv_w_i
        if explicit:
            schur = (sp.diags(w_j + self.ridge) - transposed @ sp.diags(inv_w_i) @ incidence).tocsr()
        else:
            schur = None
        operator = schur if explicit else scipy.sparse.linalg.LinearOperator(
            (M, M), matvec=lambda b: (w_j + self.ridge) * b - transposed @ (inv_w_i * (incidence @ b)), dtype=float)
        bias, info = scipy.sparse.linalg.cg(operator, rhs, x0=start, rtol=1e-12, atol=0.0, maxiter=10 * M,
                                            M=sp.diags(1.0 / diagonal))
        if info != 0:  # never seen; the direct solver is slower, not less exact
            if schur is None:
                schur = (sp.diags(w_j + self.ridge) - transposed @ sp.diags(inv_w_i) @ incidence).tocsr()
            bias = scipy.sparse.linalg.spsolve(schur.tocsc(), rhs)
        return inv_w_i * (sum_i - incidence @ bias), bias, schur


# Huber's constant: the usual 1.345 downweights so many ordinary scores that, with five scores per entry, the
# fit stops following them and their residuals grow: 2.8% of scores beyond 2.5σ under normal noise instead
# of 1.24%. With 2.5: 1.3% under normal noise; with 3% of scores planted 15–30 points off, 87% of them are
# found (least squares: 73%) and 1.0% of the others are flagged (2,000 entries × 5 scores, 120 experts).
HUBER = 2.5
ROBUST_ITERATIONS = 10
# The robust refit judges whether a score fits the expert's habits and the entry's other scores: its biases
# are not shrunk (a ridge only to identify them), or an expert far more lenient than the noise would have
# every score look like an outlier by the shrinkage alone.
IDENTIFYING_RIDGE = 1e-6


def _exact_inverse(schur) -> np.ndarray:
    """S⁻¹ from a sparse LU, one column at a time: dense LAPACK on a machine whose cores are busy loses
    most of its time in OpenBLAS's threads (a 300 × 300 Cholesky: 1 ms alone, over 1 s on a loaded 2-core
    machine), the column solves do not."""
    lu = scipy.sparse.linalg.splu(schur.tocsc())
    size = schur.shape[0]
    inverse = np.empty((size, size))
    unit = np.zeros(size)
    for j in range(size):
        unit[j] = 1.0
        inverse[:, j] = lu.solve(unit)
        unit[j] = 0.0
    return inverse


def fit_bias_model(entry: np.ndarray, expert: np.ndarray, y: np.ndarray, n_entries: int, n_experts: int,
                   ridge: float = 1.0) -> BiasModel:
    """The least-squares bias model, its standard errors and leverages, and a robust refit for outliers.

    Outliers are judged on a Huber fit (iteratively reweighted, scale from the median absolute
    residual), not on the least-squares residuals: one wild score among an entry's five pulls the
    least-squares entry score towards it and makes the four other scores look wrong too."""
    if ridge <= 0:
        raise ValueError("the ridge must be positive (it identifies the biases)")
    rows = len(y)
    y = np.asarray(y, dtype=float)
    design = _Design(entry, expert, n_entries, n_experts, ridge)
    identifying = _Design(entry, expert, n_entries, n_experts, IDENTIFYING_RIDGE)
    n_i = np.bincount(entry, minlength=n_entries)
    inv_n_i = np.divide(1.0, n_i, out=np.zeros(n_entries), where=n_i > 0)
    entry_score, bias, schur = design.solve(y, np.ones(rows), explicit=True)
    residual = y - entry_score[entry] - bias[expert]
    scored = int(np.count_nonzero(n_i))
    df = rows - scored - n_experts + 1
    sigma = float(np.sqrt(residual @ residual / df)) if df > 0 and rows else float("nan")

    # Leverage h = 1/n_i + (u_i - e_j)ᵀ S⁻¹ (u_i - e_j), u_i = the mean of the indicators of entry i's experts;
    # the variance of entry i's score is σ² (1/n_i + u_iᵀ S⁻¹ u_i).
    if n_experts <= EXACT_LIMIT and rows:
        # S·1 = λ·1 exactly, so S⁻¹ = (S⁻¹ on the zero-sum biases) + 11ᵀ/(λm): the second part is the ridge's
        # prior on a common shift of all biases, which the sum-to-zero biases do not have. Removed.
        schur_inv = _exact_inverse(schur) - 1.0 / (ridge * n_experts)
        inv_diag = np.diag(schur_inv).copy()
        left, right = _within_entry_pairs(entry, n_i)
        cross = schur_inv[expert[left], expert[right]]
        entry_quad = np.bincount(entry[left], weights=cross, minlength=n_entries) * inv_n_i ** 2
        row_cross = np.bincount(left, weights=cross, minlength=rows) * inv_n_i[entry]
    else:
        # S⁻¹ ≈ D⁻¹ − D⁻¹ O D⁻¹ + D⁻¹ O D⁻¹ O D⁻¹ on the diagonal (S = D + O), D⁻¹ elsewhere.
        diagonal = schur.diagonal()
        off = schur - sp.diags(diagonal)
        inv_diag = 1.0 / diagonal + (off.multiply(off) @ (1.0 / diagonal)) / diagonal ** 2
        entry_quad = np.bincount(entry, weights=1.0 / diagonal[expert], minlength=n_entries) * inv_n_i ** 2
        row_cross = inv_n_i[entry] / diagonal[expert]
    leverage = inv_n_i[entry] + entry_quad[entry] - 2 * row_cross + inv_diag[expert]
    entry_var = inv_n_i + entry_quad
    free = np.sqrt(np.clip(1.0 - leverage, 0, None))
    judged = free > 1e-6

    # Huber refit: weights min(1, c / |t|) on the standardised residuals, scale 1.4826 × their median.
    robust_entry, robust_bias, _ = identifying.solve(y, np.ones(rows), start=bias)
    robust_residual = y - robust_entry[entry] - robust_bias[expert]
    scale, weight = float("nan"), np.ones(rows)
    for _ in range(ROBUST_ITERATIONS if judged.any() else 0):
        standardised = robust_residual[judged] / free[judged]
        scale = 1.4826 * float(np.median(np.abs(standardised)))
        if not scale > 0:
            break
        t = np.zeros(rows)
        t[judged] = standardised / scale
        new_weight = np.minimum(1.0, HUBER / np.maximum(np.abs(t), 1e-12))
        if np.max(np.abs(new_weight - weight)) < 1e-3:
            break
        weight = new_weight
        fitted_entry, robust_bias, _ = identifying.solve(y, weight, start=robust_bias)
        robust_residual = y - fitted_entry[entry] - robust_bias[expert]
    outlier_t = np.zeros(rows)
    if scale > 0:
        outlier_t[judged] = robust_residual[judged] / (free[judged] * scale)

    components = 0
    if rows:
        incidence = sp.csr_matrix((np.ones(rows), (entry, expert)), shape=(n_entries, n_experts))
        graph = sp.bmat([[None, incidence], [incidence.T, None]])
        labels = scipy.sparse.csgraph.connected_components(graph, directed=False)[1]
        components = len(np.unique(labels[:n_entries][n_i > 0]))
    entry_score = np.where(n_i > 0, entry_score, np.nan)
    entry_se = np.where(n_i > 0, sigma * np.sqrt(np.maximum(entry_var, 0)), np.nan)
    return BiasModel(entry_score, entry_se, bias, sigma * np.sqrt(np.maximum(inv_diag, 0)), residual, leverage,
                     sigma, df, ridge, components, y - robust_residual, scale, outlier_t)


@dataclass(frozen=True)
class ZScores:
    per_row: np.ndarray  # (y - expert's mean) / expert's std; nan when the expert has < 2 scores or std 0
    entry_mean: np.ndarray  # per entry, mean of its rows' z (nan when none)
    expert_mean: np.ndarray
    expert_std: np.ndarray  # ddof=1; nan with fewer than 2 scores


def expert_z_scores(entry: np.ndarray, expert: np.ndarray, y: np.ndarray, n_entries: int, n_experts: int) -> ZScores:
    y = np.asarray(y, dtype=float)
    n_j = np.bincount(expert, minlength=n_experts)
    mean = np.divide(np.bincount(expert, weights=y, minlength=n_experts), n_j, out=np.full(n_experts, np.nan),
                     where=n_j > 0)
    deviation = y - mean[expert]
    ss = np.bincount(expert, weights=deviation ** 2, minlength=n_experts)
    std = np.sqrt(np.divide(ss, n_j - 1, out=np.full(n_experts, np.nan), where=n_j > 1))
    usable = (n_j > 1) & (std > 1e-12)
    z = np.full(len(y), np.nan)
    ok = usable[expert]
    z[ok] = deviation[ok] / std[expert[ok]]
    counts = np.bincount(entry[ok], minlength=n_entries)
    sums = np.bincount(entry[ok], weights=z[ok], minlength=n_entries)
    entry_mean = np.divide(sums, counts, out=np.full(n_entries, np.nan), where=counts > 0)
    return ZScores(z, entry_mean, mean, std)
