"""The results in the office's words (issue 10, items 9–10): what the pages, the API and the exports say about
each expert, each entry and the panel, in sentences rather than statistics only."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

from .aggregation import LABELS, MESSAGES, FlagKind
from .queries_results import Results

# Entry flags worth the office's attention on the results page, most serious first.
ENTRY_FLAG_ORDER = [FlagKind.SCORE_OUTLIER, FlagKind.ENTRY_DISAGREEMENT, FlagKind.ENTRY_FEW_SCORES,
                    FlagKind.TIE_AT_CUTOFF, FlagKind.CALIBRATED_BELOW_CUTOFF, FlagKind.CALIBRATED_ABOVE_CUTOFF]


def signed(value: float) -> str:
    return f"{value:+.2f}".replace("-", "−")


def expert_name(results: Results, expert_id) -> str:
    expert = results.experts.get(expert_id)
    return expert.name if expert is not None else _("expert %(number)s") % {
        "number": results.expert_numbers.get(expert_id, "?")}


def leniency_words(stats, min_scores: int, confidence: float) -> str:
    """An expert's leniency in words, with its confidence interval."""
    if stats.n_scores < min_scores or not math.isfinite(stats.ci_low):
        return _("Only %(count)s scores: too few to judge whether this expert scores high or low.") % {
            "count": stats.n_scores}
    params = {"bias": signed(stats.bias), "level": f"{confidence * 100:g}", "low": signed(stats.ci_low),
              "high": signed(stats.ci_high)}
    if stats.ci_low > 0:
        return _("This expert scores higher than the panel overall: %(bias)s points (%(level)s%% confidence interval "
                 "%(low)s to %(high)s).") % params
    if stats.ci_high < 0:
        return _("This expert scores lower than the panel overall: %(bias)s points (%(level)s%% confidence interval "
                 "%(low)s to %(high)s).") % params
    return _("No clear difference from the panel: %(bias)s points (%(level)s%% confidence interval %(low)s to "
             "%(high)s).") % params


def alpha_words(alpha: float) -> str:
    """The panel's agreement (Krippendorff's α) in words, with Krippendorff's own thresholds."""
    if alpha != alpha:
        return _("Not enough scores yet to measure how well the experts agree.")
    if alpha >= 0.8:
        return _("The experts agree well (Krippendorff's alpha %(alpha).3f, at least 0.800).") % {"alpha": alpha}
    if alpha >= 0.667:
        return _("The experts broadly agree (Krippendorff's alpha %(alpha).3f, between 0.667 and 0.800): the scores "
                 "support tentative conclusions.") % {"alpha": alpha}
    return _("The experts agree little (Krippendorff's alpha %(alpha).3f, below 0.667): look at the entries on which "
             "they disagree most before deciding.") % {"alpha": alpha}


def flag_words(kind, params: dict, expert_label: str = "") -> dict:
    """One flag as the office reads it: its label and its sentence (with the expert when it is about a score)."""
    kind = FlagKind(kind)
    text = str(MESSAGES[kind]) % dict(params)
    if expert_label:
        text = _("%(expert)s: %(text)s") % {"expert": expert_label, "text": text}
    return {"kind": str(kind), "label": str(LABELS[kind]), "text": text}


def entry_flags(results: Results, entry_id, flags=None) -> list[dict]:
    """An entry's flags (those of the aggregation, and of the proposed list when given) in words."""
    found = flags if flags is not None else results.flags_by_entry.get(entry_id, [])
    order = {k: n for n, k in enumerate(ENTRY_FLAG_ORDER)}
    words = []
    for flag in sorted(found, key=lambda f: order.get(f.kind, 99)):
        label = expert_name(results, flag.expert_id) if flag.expert_id is not None else ""
        words.append(flag_words(flag.kind, flag.params, label))
    return words


def stored_flags(records: list, names: dict) -> list[dict]:
    """Flags as stored on a finalist list's row, in words; `names`: expert id → how to name the expert."""
    words = []
    for record in records or []:
        try:
            expert = record.get("expert")
            words.append(flag_words(record["kind"], record.get("params") or {},
                                    names.get(expert, "") if expert is not None else ""))
        except (KeyError, ValueError, TypeError):
            continue
    return words


def expert_rows(results: Results) -> list[dict]:
    """Every expert with a submitted score: scores, mean, spread, leniency with its interval, flags, in words."""
    agg = results.aggregation
    settings = agg.settings
    rows = []
    for expert_id, stats in agg.experts.items():
        flags = [flag_words(f.kind, f.params) for f in results.flags_by_expert.get(expert_id, [])]
        rows.append({
            "id": expert_id, "number": results.expert_numbers.get(expert_id), "name": expert_name(results, expert_id),
            "organisation": getattr(results.experts.get(expert_id), "organisation_name", ""),
            "n_scores": stats.n_scores, "mean": stats.mean, "std": None if stats.std != stats.std else stats.std,
            "bias": stats.bias, "ci_low": stats.ci_low, "ci_high": stats.ci_high,
            "judged": stats.n_scores >= settings.min_expert_scores,
            "leniency": leniency_words(stats, settings.min_expert_scores, settings.confidence),
            "flags": flags, "flagged": bool(flags),
        })
    rows.sort(key=lambda r: (not r["flagged"], -abs(r["bias"]) if r["judged"] else 0, r["number"] or 0))
    return rows


def entry_row(results: Results, entry_id, entry=None) -> dict:
    """One entry's line of the results: official score (with the per-criterion breakdown) and rank, and beside
    it the calibrated score and rank, the mean z-score and rank, the spread, the flags in words."""
    agg = results.aggregation
    official = agg.official[entry_id]
    stats = agg.entries[entry_id]
    criteria = official.criteria or {}
    return {
        "id": entry_id, "entry": entry, "n_scores": official.n_scores, "n_kept": official.n_kept,
        "official": official.score, "official_rank": results.official_rank.get(entry_id),
        "criteria": [{"name": c.name, "max_points": c.max_points, "value": criteria.get(str(c.pk))}
                     for c in results.criteria],
        "calibrated": stats.calibrated, "calibrated_rank": results.calibrated_rank.get(entry_id),
        "z_mean": stats.z_mean, "z_rank": results.z_rank.get(entry_id),
        "low": stats.low, "high": stats.high, "spread": stats.spread,
        "category": results.category_names.get(results.categories.get(entry_id), ""),
        "flags": entry_flags(results, entry_id),
    }
