"""`aggregate`: the official score, the calibrated score and the flags of one second round."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from scipy.stats import norm

from .agreement import krippendorff_alpha_interval
from .calibration import expert_z_scores, fit_bias_model
from .flags import Flag, FlagKind, FlagSettings, points
from .official import OfficialScore, hundredths_to_decimal, kept_scores, score_objects
from .table import Criterion, Rule, build_table


@dataclass(frozen=True, slots=True)
class ExpertStats:
    expert_id: Hashable
    n_scores: int
    mean: float  # of the expert's totals
    std: float  # ddof=1; nan with one score
    std_ratio: float  # std / the panel's median std (experts with at least min_expert_scores scores)
    bias: float  # leniency in points of the total (positive: above the panel)
    bias_se: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True, slots=True)
class EntryStats:
    entry_id: Hashable
    n_scores: int
    low: Decimal | None  # lowest total
    high: Decimal | None
    spread: Decimal | None  # high − low
    std: float  # of the totals, ddof=1 (nan with fewer than two)
    calibrated: Decimal | None  # the bias model's score, two decimals, beside the official one
    calibrated_se: float
    z_mean: float | None  # mean of the experts' z-scores of this entry (None: no usable z-score)
    outliers: tuple  # experts whose score of this entry is flagged as an outlier


@dataclass(frozen=True)
class Aggregation:
    rule: Rule
    criteria: tuple[Criterion, ...]
    official: dict[Hashable, OfficialScore]  # every entry, by id, in id order
    entries: dict[Hashable, EntryStats]
    experts: dict[Hashable, ExpertStats]
    alpha: float  # Krippendorff's α of the totals (nan: undefined)
    alpha_calibrated: float  # α of the totals minus each expert's bias: how much of the disagreement is leniency
    alpha_criteria: dict[str, float]
    sigma: float  # the bias model's residual standard deviation
    components: int  # 1 when every expert's bias is compared with every other through shared entries
    ridge: float
    flags: list[Flag]
    settings: FlagSettings

    def entry_flags(self, entry_id) -> list[Flag]:
        return [f for f in self.flags if f.entry_id == entry_id]

    def expert_flags(self, expert_id) -> list[Flag]:
        return [f for f in self.flags if f.expert_id == expert_id and f.entry_id is None]


def _two_decimals(values: np.ndarray) -> list[Decimal | None]:
    """Floats rounded half up (away from zero) to two decimals; nan → None."""
    hundredths = np.sign(values) * np.floor(np.abs(values) * 100 + 0.5)
    return [None if np.isnan(h) else hundredths_to_decimal(int(h)) for h in hundredths.tolist()]


def official_scores(rows: Iterable, criteria: Iterable[Criterion] = (), rule: Rule | str = Rule.TRIMMED_MEAN, *,
                    entry_ids: Iterable[Hashable] = ()) -> dict[Hashable, OfficialScore]:
    """Only the official scores (what `aggregate` returns as `.official`), without the models and flags."""
    table = build_table(rows, criteria, entry_ids=entry_ids)
    return score_objects(table, kept_scores(table, Rule(rule)))


def aggregate(rows: Iterable, criteria: Iterable[Criterion] = (), rule: Rule | str = Rule.TRIMMED_MEAN, *,
              entry_ids: Iterable[Hashable] = (), ridge: float = 1.0,
              settings: FlagSettings | None = None) -> Aggregation:
    """Official and calibrated scores, per-entry and per-expert statistics, the panel's agreement and the
    flags. `rows`: ScoreRow or (entry_id, expert_id, total[, points]) tuples; `entry_ids`: entries to list
    even without a score. Ids must be sortable. Raises ValueError on inconsistent scores (see build_table)."""
    settings = settings or FlagSettings()
    rule = Rule(rule)
    table = build_table(rows, criteria, entry_ids=entry_ids)
    E, M = table.n_entries, table.n_experts
    entry, expert = table.entry, table.expert
    kept = kept_scores(table, rule)
    official = score_objects(table, kept)
    y = table.total_float()
    model = fit_bias_model(entry, expert, y, E, M, ridge)
    z = expert_z_scores(entry, expert, y, E, M)
    flags: list[Flag] = []

    # Experts: leniency with its interval, scores that barely vary.
    n_j = np.bincount(expert, minlength=M)
    judged = n_j >= settings.min_expert_scores
    median_std = float(np.nanmedian(z.expert_std[judged])) if judged.any() else float("nan")
    ratio = z.expert_std / median_std if median_std > 0 else np.full(M, np.nan)
    quantile = float(norm.ppf(0.5 + settings.confidence / 2))
    low = model.bias - quantile * model.bias_se
    high = model.bias + quantile * model.bias_se
    level = f"{settings.confidence * 100:g}"
    experts = {}
    for j, expert_id in enumerate(table.expert_ids):
        experts[expert_id] = ExpertStats(expert_id, int(n_j[j]), float(z.expert_mean[j]), float(z.expert_std[j]),
                                         float(ratio[j]), float(model.bias[j]), float(model.bias_se[j]),
                                         float(low[j]), float(high[j]))
        if not judged[j]:
            continue
        params = {"bias": points(abs(model.bias[j])), "level": level, "low": points(low[j], signed=True),
                  "high": points(high[j], signed=True), "count": str(n_j[j])}
        if low[j] > settings.bias_margin:
            flags.append(Flag(FlagKind.EXPERT_LENIENT, expert_id=expert_id, value=float(model.bias[j]), params=params))
        elif high[j] < -settings.bias_margin:
            flags.append(Flag(FlagKind.EXPERT_SEVERE, expert_id=expert_id, value=float(model.bias[j]), params=params))
        if ratio[j] < settings.low_variance_ratio:
            flags.append(Flag(FlagKind.EXPERT_LOW_VARIANCE, expert_id=expert_id, value=float(ratio[j]),
                              params={"std": points(z.expert_std[j]), "ratio": f"{ratio[j] * 100:.0f}",
                                      "count": str(n_j[j])}))

    # Entries: spread, outlier scores, too few scores.
    n_i = kept.n_scores
    lowest = np.full(E, np.iinfo(np.int64).max)
    highest = np.full(E, -1, dtype=np.int64)
    np.minimum.at(lowest, entry, table.total)
    np.maximum.at(highest, entry, table.total)
    mean_i = np.divide(np.bincount(entry, weights=y, minlength=E), n_i, out=np.zeros(E), where=n_i > 0)
    ss_i = np.bincount(entry, weights=(y - mean_i[entry]) ** 2, minlength=E)
    std_i = np.sqrt(np.divide(ss_i, n_i - 1, out=np.full(E, np.nan), where=n_i > 1))
    rubric_most = float(sum(c.max_points for c in table.criteria)) if table.criteria else 100.0
    spread_limit = settings.disagreement_share * rubric_most
    outlier = ((np.abs(model.outlier_t) > settings.outlier_sigma)
               & (n_i[entry] >= settings.min_entry_scores_for_outliers) & (model.df >= settings.min_outlier_df))
    outlier_rows = np.flatnonzero(outlier)
    outliers_of: dict[int, list] = {}
    expected = model.robust_expected
    for r in outlier_rows[np.lexsort((expert[outlier_rows], entry[outlier_rows]))].tolist():
        i, j = int(entry[r]), int(expert[r])
        outliers_of.setdefault(i, []).append(table.expert_ids[j])
        flags.append(Flag(FlagKind.SCORE_OUTLIER, entry_id=table.entry_ids[i], expert_id=table.expert_ids[j],
                          value=float(model.outlier_t[r]),
                          params={"score": points(y[r]), "sigma": f"{abs(model.outlier_t[r]):.1f}",
                                  "expected": points(expected[r])}))
    calibrated = _two_decimals(model.entry_score)
    scale = table.scale
    entries = {}
    for i, entry_id in enumerate(table.entry_ids):
        scored = n_i[i] > 0
        lo = Decimal(int(lowest[i])).scaleb(-table.decimals) if scored else None
        hi = Decimal(int(highest[i])).scaleb(-table.decimals) if scored else None
        entries[entry_id] = EntryStats(
            entry_id, int(n_i[i]), lo, hi, hi - lo if scored else None, float(std_i[i]), calibrated[i],
            float(model.entry_se[i]), None if np.isnan(z.entry_mean[i]) else float(z.entry_mean[i]),
            tuple(outliers_of.get(i, ())))
        if scored and n_i[i] >= 2 and (highest[i] - lowest[i]) / scale >= spread_limit:
            flags.append(Flag(FlagKind.ENTRY_DISAGREEMENT, entry_id=entry_id,
                              value=float((highest[i] - lowest[i]) / scale),
                              params={"low": str(lo), "high": str(hi), "spread": str(hi - lo)}))
        if settings.expected_scores and n_i[i] < settings.expected_scores:
            flags.append(Flag(FlagKind.ENTRY_FEW_SCORES, entry_id=entry_id, value=float(n_i[i]),
                              params={"count": str(n_i[i]), "expected": str(settings.expected_scores)}))

    # The panel's agreement.
    alpha = krippendorff_alpha_interval(entry, y)
    alpha_calibrated = krippendorff_alpha_interval(entry, y - model.bias[expert])
    alpha_criteria = {}
    if table.points is not None:
        for k, c in enumerate(table.criteria):
            alpha_criteria[c.key] = krippendorff_alpha_interval(entry, table.points[:, k] / scale)
    if alpha < settings.alpha_threshold:
        flags.append(Flag(FlagKind.PANEL_LOW_AGREEMENT, value=alpha,
                          params={"alpha": f"{alpha:.3f}", "threshold": f"{settings.alpha_threshold:.3f}"}))
    return Aggregation(rule, table.criteria, official, entries, experts, alpha, alpha_calibrated, alpha_criteria,
                       model.sigma, model.components, ridge, flags, settings)
