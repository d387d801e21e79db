"""Aggregation of the second round's scores (R7; issue 10, items 9–11): pure computation, no models.

* `aggregate(rows, criteria, rule)` → `Aggregation`: the official score of every entry by the edition's
  rule (mean or trimmed mean, exact Decimal, two decimals ROUND_HALF_UP, with the per-criterion
  breakdown), and beside it the calibrated score of an additive expert-bias model, per-expert z-scores,
  the experts' leniency with confidence intervals, the panel's agreement (Krippendorff's α) and the
  flags for the office.
* `official_scores(rows, criteria, rule)`: only the official scores (for a quick export).
* `propose_finalists(aggregation, top=N | cutoff=…, categories=…, quotas=…)` → `FinalistProposal`:
  official and calibrated ranks side by side, ties at the border flagged.
* `second_pass_candidates(aggregation, proposal, count)`: the entries nearest the border, to be scored
  again by more experts.
"""

from .agreement import krippendorff_alpha_interval, krippendorff_alpha_interval_matrix
from .calibration import BiasModel, ZScores, expert_z_scores, fit_bias_model
from .engine import Aggregation, EntryStats, ExpertStats, aggregate, official_scores
from .finalists import FinalistProposal, FinalistRow, propose_finalists, second_pass_candidates
from .flags import LABELS, MESSAGES, Flag, FlagKind, FlagSettings
from .official import OfficialScore
from .table import TRIM_FROM, Criterion, Rule, ScoreRow

__all__ = [
    "LABELS", "MESSAGES", "TRIM_FROM", "Aggregation", "BiasModel", "Criterion", "EntryStats", "ExpertStats",
    "FinalistProposal", "FinalistRow", "Flag", "FlagKind", "FlagSettings", "OfficialScore", "Rule", "ScoreRow",
    "ZScores", "aggregate", "expert_z_scores", "fit_bias_model", "krippendorff_alpha_interval",
    "krippendorff_alpha_interval_matrix", "official_scores", "propose_finalists", "second_pass_candidates",
]
