"""What the office is warned about (issue 10, item 10). A flag names its subject (an expert, an
entry, one score, or the panel), keeps its numbers, and says what it means in the reader's language
when it is shown (its message is formatted then, not when the aggregation runs in a worker)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class FlagKind(StrEnum):
    EXPERT_LENIENT = "expert_lenient"
    EXPERT_SEVERE = "expert_severe"
    EXPERT_LOW_VARIANCE = "expert_low_variance"
    ENTRY_DISAGREEMENT = "entry_disagreement"
    ENTRY_FEW_SCORES = "entry_few_scores"
    SCORE_OUTLIER = "score_outlier"
    PANEL_LOW_AGREEMENT = "panel_low_agreement"
    TIE_AT_CUTOFF = "tie_at_cutoff"
    CALIBRATED_BELOW_CUTOFF = "calibrated_below_cutoff"
    CALIBRATED_ABOVE_CUTOFF = "calibrated_above_cutoff"


LABELS = {
    FlagKind.EXPERT_LENIENT: _("Lenient expert"),
    FlagKind.EXPERT_SEVERE: _("Severe expert"),
    FlagKind.EXPERT_LOW_VARIANCE: _("Scores barely vary"),
    FlagKind.ENTRY_DISAGREEMENT: _("Experts disagree"),
    FlagKind.ENTRY_FEW_SCORES: _("Too few scores"),
    FlagKind.SCORE_OUTLIER: _("Outlier score"),
    FlagKind.PANEL_LOW_AGREEMENT: _("Low panel agreement"),
    FlagKind.TIE_AT_CUTOFF: _("Tie at the cut-off"),
    FlagKind.CALIBRATED_BELOW_CUTOFF: _("Calibrated score below the cut-off"),
    FlagKind.CALIBRATED_ABOVE_CUTOFF: _("Calibrated score above the cut-off"),
}

MESSAGES = {
    FlagKind.EXPERT_LENIENT: _(
        "Scores %(bias)s points above the panel on average (%(level)s%% confidence interval %(low)s to %(high)s, "
        "%(count)s scores)."),
    FlagKind.EXPERT_SEVERE: _(
        "Scores %(bias)s points below the panel on average (%(level)s%% confidence interval %(low)s to %(high)s, "
        "%(count)s scores)."),
    FlagKind.EXPERT_LOW_VARIANCE: _(
        "Scores barely vary: standard deviation %(std)s points, %(ratio)s%% of the panel's median "
        "(%(count)s scores)."),
    FlagKind.ENTRY_DISAGREEMENT: _(
        "The experts disagree: totals from %(low)s to %(high)s, a spread of %(spread)s points."),
    FlagKind.ENTRY_FEW_SCORES: _("Only %(count)s scores, %(expected)s expected."),
    FlagKind.SCORE_OUTLIER: _(
        "This score (%(score)s) is %(sigma)s standard deviations from what this expert would be expected to "
        "give this entry (%(expected)s)."),
    FlagKind.PANEL_LOW_AGREEMENT: _(
        "The panel agrees little: Krippendorff's alpha is %(alpha)s, below %(threshold)s."),
    FlagKind.TIE_AT_CUTOFF: _(
        "Tied at the cut-off: %(count)s entries share the official score %(score)s; places left for them: "
        "%(places)s."),
    FlagKind.CALIBRATED_BELOW_CUTOFF: _(
        "Proposed, but its calibrated score ranks it %(rank)s, below the cut-off (%(places)s places)."),
    FlagKind.CALIBRATED_ABOVE_CUTOFF: _(
        "Not proposed, but its calibrated score ranks it %(rank)s, within the cut-off (%(places)s places)."),
}


@dataclass(frozen=True, slots=True)
class Flag:
    kind: FlagKind
    entry_id: Hashable | None = None  # None: not about one entry
    expert_id: Hashable | None = None  # None: not about one expert (an entry and an expert: one score)
    value: float | None = None  # the number compared with the threshold (bias, ratio, spread, σ, α…)
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(LABELS[self.kind])

    @property
    def message(self) -> str:
        return str(MESSAGES[self.kind]) % dict(self.params)


@dataclass(frozen=True)
class FlagSettings:
    """Thresholds of the flags. Points are points of the total."""

    confidence: float = 0.95  # of the experts' bias intervals
    bias_margin: float = 1.0  # flag a bias whose interval excludes 0 by more than this
    min_expert_scores: int = 5  # an expert with fewer scores is neither lenient nor flat
    low_variance_ratio: float = 0.4  # flag an expert whose std is below this share of the panel's median std
    outlier_sigma: float = 2.5  # flag a score whose studentised residual exceeds this
    min_entry_scores_for_outliers: int = 3  # with two scores one cannot tell which is the outlier
    min_outlier_df: int = 10  # nor with a handful of scores in all (the model's residual degrees of freedom)
    disagreement_share: float = 0.25  # flag an entry whose spread (max − min) is at least this share of the
    # rubric's most points (of 100 when the rubric is not given)
    alpha_threshold: float = 0.667  # Krippendorff's limit for tentative conclusions
    expected_scores: int | None = None  # flag entries with fewer scores (e.g. the assignment's k)


def points(value: float, *, signed: bool = False) -> str:
    return f"{value:+.2f}" if signed else f"{value:.2f}"
