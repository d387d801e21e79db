"""The second round's aggregation (R7; issue 10, items 9–11): official score, calibrated score, flags, α,
finalist list. Pure computation: no database."""

import random
from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy as np
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from wuxiao.review.aggregation import (
    Criterion,
    FlagKind,
    FlagSettings,
    ScoreRow,
    aggregate,
    calibration,
    krippendorff_alpha_interval,
    krippendorff_alpha_interval_matrix,
    official_scores,
    propose_finalists,
    second_pass_candidates,
)

D = Decimal
CRITERIA = [Criterion(key, D(25)) for key in ("application", "leading", "efficiency", "energy")]


def rows_of(entry_id, totals, experts=None):
    experts = experts or [f"x{k}" for k in range(len(totals))]
    return [(entry_id, e, D(str(t))) for e, t in zip(experts, totals)]


def official(rows, rule="trimmed_mean", **kwargs):
    return aggregate(rows, rule=rule, **kwargs).official


# --- official score -----------------------------------------------------------------------------------

def test_mean_of_three_rounds_half_up():
    score = official(rows_of(1, ["80", "85", "90.5"]), rule="mean")[1]
    assert score.score == D("85.17") and score.n_scores == 3 and score.n_kept == 3  # 255.5 / 3 = 85.1666…
    assert score.score.as_tuple().exponent == -2


def test_trimmed_mean_with_four_scores_keeps_them_all():
    score = official(rows_of(1, [70, 80, 90, 100]))[1]
    assert score.score == D("85.00") and str(score.score) == "85.00"
    assert (score.n_kept, score.dropped_low, score.dropped_high) == (4, None, None)


def test_trimmed_mean_with_five_scores_drops_highest_and_lowest():
    score = official(rows_of(1, [85, 60, 99, 70, 80], ["a", "b", "c", "d", "e"]))[1]
    assert score.score == D("78.33")  # (70 + 80 + 85) / 3
    assert (score.n_scores, score.n_kept, score.dropped_low, score.dropped_high) == (5, 3, "b", "c")


def test_trimmed_mean_with_seven_scores():
    score = official(rows_of(1, [50, 72, 75, 77, 80, 81, 95]))[1]
    assert score.score == D("77.00") and score.n_kept == 5  # (72 + 75 + 77 + 80 + 81) / 5


def test_mean_rule_keeps_the_extremes():
    assert official(rows_of(1, [50, 72, 75, 77, 80, 81, 95]), rule="mean")[1].score == D("75.71")  # 530 / 7


def test_rounding_is_half_up_not_half_even():
    # 80.125 → 80.13 and 80.005 → 80.01 (banker's rounding would give 80.12 and 80.00).
    assert official(rows_of(1, ["80", "80", "80", "80.5"]), rule="mean")[1].score == D("80.13")
    assert official(rows_of(1, ["80", "80.01"]), rule="mean")[1].score == D("80.01")
    assert official(rows_of(1, ["80.005"]), rule="mean")[1].score == D("80.01")
    assert official(rows_of(1, ["80.0049"]), rule="mean")[1].score == D("80.00")


def test_ties_for_the_dropped_scores_are_broken_by_expert_id_whatever_the_order():
    # Two highest (90) and two lowest (70): the lowest of the smallest id and the highest of the largest id go.
    points = {"a": (25, 25, 20, 20), "b": (20, 20, 25, 25), "c": (20, 20, 20, 20), "d": (25, 15, 15, 15),
              "e": (10, 20, 20, 20)}
    rows = [ScoreRow(1, e, D(sum(p)), dict(zip([c.key for c in CRITERIA], map(D, p)))) for e, p in points.items()]
    for order in (rows, rows[::-1], rows[2:] + rows[:2]):
        score = aggregate(order, CRITERIA).official[1]
        assert (score.dropped_low, score.dropped_high) == ("d", "b")
        assert score.score == D("80.00")  # a, c and e: (90 + 80 + 70) / 3
        # The breakdown is the mean of the kept scores a, c, e.
        assert score.criteria == {"application": D("18.33"), "leading": D("21.67"), "efficiency": D("20.00"),
                                  "energy": D("20.00")}


def test_breakdown_is_each_criterion_over_the_kept_scores_rounded_on_its_own():
    keys = [c.key for c in CRITERIA]
    points = [(20, 21, 22, 23), (21, 21, 21, 21), (19, 22, 22, 22)]
    rows = [ScoreRow(1, f"x{k}", D(sum(p)), dict(zip(keys, map(D, p)))) for k, p in enumerate(points)]
    score = aggregate(rows, CRITERIA, rule="mean").official[1]
    assert score.score == D("85.00")
    assert score.criteria == {"application": D("20.00"), "leading": D("21.33"), "efficiency": D("21.67"),
                              "energy": D("22.00")}
    assert sum(score.criteria.values()) == D("85.00")


def test_several_entries_and_entries_without_scores():
    rows = rows_of(1, [80, 90]) + rows_of(2, [60, 61, 62, 63, 99]) + rows_of(3, [77])
    result = official(rows, entry_ids=[4])
    assert {k: v.score for k, v in result.items()} == {1: D("85.00"), 2: D("62.00"), 3: D("77.00"), 4: None}
    assert result[4].n_scores == 0 and result[4].criteria is None


def test_no_score_yet_and_a_single_score():
    empty = aggregate([], entry_ids=[1, 2])
    assert [o.score for o in empty.official.values()] == [None, None] and empty.flags == []
    assert np.isnan(empty.alpha) and np.isnan(empty.sigma)
    assert propose_finalists(empty, top=1).proposed == []
    single = aggregate([(1, "a", D(80))])
    assert (single.official[1].score, single.entries[1].calibrated) == (D("80.00"), D("80.00"))
    assert single.experts["a"].bias == 0


def test_strings_ints_and_floats_are_read_as_the_decimals_they_show():
    rows = [(1, "a", 80), (1, "b", "82.5"), (1, "c", 85.25)]
    assert official(rows, rule="mean")[1].score == D("82.58")  # 247.75 / 3 = 82.583…


@pytest.mark.parametrize("rows, criteria, message", [
    ([(1, "a", D(80)), (1, "a", D(81))], (), "twice"),
    ([(1, "a", D(-1))], (), "negative"),
    ([(1, "a", D("80.00001"))], (), "decimal places"),
    ([(1, "a", D("NaN"))], (), "usable"),
    ([(1, "a", D(101))], CRITERIA, "above the rubric"),
    ([ScoreRow(1, "a", D(80), {"application": D(20), "leading": D(20), "efficiency": D(20), "energy": D(19)})],
     CRITERIA, "add up"),
    ([ScoreRow(1, "a", D(80), {"application": D(26), "leading": D(20), "efficiency": D(20), "energy": D(14)})],
     CRITERIA, "most points"),
    ([ScoreRow(1, "a", D(80), {"application": D(80)})], CRITERIA, "do not match"),
    ([ScoreRow(1, "a", D(80), {"application": D(20), "leading": D(20), "efficiency": D(20), "energy": D(20)}),
      ScoreRow(2, "a", D(80))], CRITERIA, "every score"),
])
def test_inconsistent_scores_are_refused(rows, criteria, message):
    with pytest.raises(ValueError, match=message):
        aggregate(rows, criteria)


def reference_official(totals: list[Decimal]) -> Decimal:
    kept = sorted(totals)
    if len(kept) >= 5:
        kept = kept[1:-1]
    with localcontext() as context:
        context.prec = 60
        return (sum(kept) / len(kept)).quantize(D("0.01"), rounding=ROUND_HALF_UP)


score_values = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
panels = st.dictionaries(st.integers(1, 6), st.lists(score_values, min_size=1, max_size=9), min_size=1)


@given(panels, st.randoms(use_true_random=False))
@settings(max_examples=200, deadline=None)
def test_trimmed_mean_properties(panel, rng):
    rows = [(entry, f"x{k}", total) for entry, totals in panel.items() for k, total in enumerate(totals)]
    result = official_scores(rows)
    for entry, totals in panel.items():
        score = result[entry].score
        assert min(totals) - D("0.005") <= score <= max(totals) + D("0.005")
        assert score == reference_official(totals)
        assert result[entry].n_kept == (len(totals) - 2 if len(totals) >= 5 else len(totals))
    rng.shuffle(rows)
    assert official_scores(rows) == result


@given(panels, st.randoms(use_true_random=False))
@settings(max_examples=25, deadline=None)
def test_aggregation_does_not_depend_on_the_order_of_the_rows(panel, rng):
    rows = [(entry, f"x{k}", total) for entry, totals in panel.items() for k, total in enumerate(totals)]
    first = aggregate(rows)
    rng.shuffle(rows)
    second = aggregate(rows)
    assert second.official == first.official == official_scores(rows)
    assert [(e.entry_id, e.calibrated, e.outliers) for e in second.entries.values()] == [
        (e.entry_id, e.calibrated, e.outliers) for e in first.entries.values()]
    assert kinds(second.flags) == kinds(first.flags)


# --- calibrated score ----------------------------------------------------------------------------------

def test_two_by_two_hand_computed():
    # y = a_i + b_j exactly: entry 1 gets 10 and 12, entry 2 gets 20 and 22 from experts A and B.
    rows = [(1, "A", 10), (1, "B", 12), (2, "A", 20), (2, "B", 22)]
    result = aggregate(rows, rule="mean")  # ridge λ = 1
    # S = [[1 + λ, −1], [−1, 1 + λ]], right side (−2, 2): b = ∓2/(2 + λ) = ∓2/3; a_i = ȳ_i − mean(b) = 11, 21.
    assert result.experts["A"].bias == pytest.approx(-2 / 3) and result.experts["B"].bias == pytest.approx(2 / 3)
    assert (result.entries[1].calibrated, result.entries[2].calibrated) == (D("11.00"), D("21.00"))
    tiny = aggregate(rows, ridge=1e-9)
    assert tiny.experts["B"].bias == pytest.approx(1.0)


def test_calibration_reverses_a_lenient_experts_advantage():
    # Anchors scored by all three: L gives q + 5, S gives q − 5, N gives q. Entry A (true 75) is scored by
    # L and N, entry B (true 77) by S and N: the official score puts A first, the calibrated one B.
    rows = []
    for entry, q in (("e1", 60), ("e2", 70), ("e3", 80), ("e4", 90)):
        rows += [(entry, "L", q + 5), (entry, "S", q - 5), (entry, "N", q)]
    rows += [("A", "L", 80), ("A", "N", 75), ("B", "S", 72), ("B", "N", 77)]
    result = aggregate(rows, rule="mean", ridge=1e-6)
    assert result.official["A"].score == D("77.50") and result.official["B"].score == D("74.50")
    assert result.entries["A"].calibrated == D("75.00") and result.entries["B"].calibrated == D("77.00")
    assert [result.experts[e].bias for e in "LNS"] == pytest.approx([5, 0, -5], abs=1e-4)
    proposal = propose_finalists(aggregate(rows, rule="mean"), top=5)
    by_id = {r.entry_id: r for r in proposal.rows}
    assert by_id["A"].official_rank < by_id["B"].official_rank
    assert by_id["A"].calibrated_rank > by_id["B"].calibrated_rank


def synthetic(seed, entries=200, experts=30, k=5, bias_sd=3.0, noise_sd=4.0, quality_sd=8.0):
    rng = np.random.default_rng(seed)
    quality = rng.normal(70, quality_sd, entries)
    bias = rng.normal(0, bias_sd, experts)
    panel = np.argsort(rng.random((entries, experts)), axis=1)[:, :k]
    scores = np.clip(np.rint(quality[:, None] + bias[panel] + rng.normal(0, noise_sd, panel.shape)), 0, 100)
    rows = [(i, int(panel[i, c]), D(int(scores[i, c]))) for i in range(entries) for c in range(k)]
    return rows, quality, bias


def estimated_biases(result, experts):
    return np.array([result.experts[j].bias for j in range(experts)])


def test_planted_biases_are_recovered():
    for seed in range(5):
        rows, _, bias = synthetic(seed)
        result = aggregate(rows)
        assert np.corrcoef(estimated_biases(result, 30), bias)[0, 1] > 0.9
        assert abs(sum(r.bias for r in result.experts.values())) < 1e-6
        assert result.components == 1


def test_bias_intervals_cover_the_planted_biases_about_95_percent_of_the_time():
    covered = []
    for seed in range(20):
        rows, _, bias = synthetic(seed)
        result = aggregate(rows)
        centred = bias - bias.mean()  # the model's biases are relative to the panel's average expert
        covered += [result.experts[j].ci_low <= centred[j] <= result.experts[j].ci_high for j in range(30)]
    assert 0.90 <= np.mean(covered) <= 0.99


def recall(scores, quality, top):
    chosen = set(np.argsort(-np.asarray(scores), kind="stable")[:top].tolist())
    return len(chosen & set(np.argsort(-quality)[:top].tolist())) / top


def test_calibrated_ranking_finds_the_true_top_n_better_than_the_raw_mean():
    raw, calibrated = [], []
    for seed in range(20):
        rows, quality, _ = synthetic(seed)
        result = aggregate(rows, rule="mean")
        raw.append(recall([float(result.official[i].score) for i in range(200)], quality, 30))
        calibrated.append(recall([float(result.entries[i].calibrated) for i in range(200)], quality, 30))
    assert np.mean(calibrated) > np.mean(raw) + 0.01
    assert sum(c > r for c, r in zip(calibrated, raw)) > sum(c < r for c, r in zip(calibrated, raw))


def test_a_constant_added_to_one_expert_moves_only_that_experts_bias():
    rows, _, _ = synthetic(3)
    before = aggregate(rows, ridge=1e-6)
    shifted = [(i, j, total + 10 if j == 7 else total) for i, j, total in rows]
    after = aggregate(shifted, ridge=1e-6)
    # Without the ridge, b_7 rises by 10 − 10/30 and every other bias and entry score by 10/30.
    assert after.experts[7].bias - before.experts[7].bias == pytest.approx(10 - 10 / 30, abs=1e-4)
    assert after.experts[3].bias - before.experts[3].bias == pytest.approx(-10 / 30, abs=1e-4)
    moves = [float(after.entries[i].calibrated - before.entries[i].calibrated) for i in range(200)]
    assert max(moves) - min(moves) <= 0.011  # rounding to hundredths only


def test_disconnected_panels_are_counted():
    rows = [(1, "a", 80), (1, "b", 82), (2, "a", 70), (2, "b", 71), (3, "c", 60), (3, "d", 65)]
    assert aggregate(rows).components == 2


def test_studentised_residuals_are_standard_under_the_model():
    rows, _, _ = synthetic(11, entries=400, noise_sd=5.0)
    model = calibration.fit_bias_model(*_arrays(rows), ridge=1.0)
    ls_t = model.residual / (model.sigma * np.sqrt(1 - model.leverage))
    assert 0.95 < np.std(ls_t) < 1.05
    assert 0.9 < np.std(model.outlier_t) < 1.1
    assert 0.005 < np.mean(np.abs(model.outlier_t) > 2.5) < 0.025  # 1.24% beyond 2.5σ for normal noise
    assert model.sigma == pytest.approx(5.0, rel=0.1)


def test_planted_wild_scores_are_found_and_few_others():
    rows, _, _ = synthetic(12, entries=400, noise_sd=5.0)
    rng = random.Random(12)
    wild = set(rng.sample(range(len(rows)), 60))
    rows = [(i, j, max(D(0), total + rng.choice((-1, 1)) * rng.randint(20, 30)) if r in wild else total)
            for r, (i, j, total) in enumerate(rows)]
    result = aggregate(rows)
    flagged = {(f.entry_id, f.expert_id) for f in result.flags if f.kind == FlagKind.SCORE_OUTLIER}
    planted = {rows[r][:2] for r in wild}
    assert len(flagged & planted) >= 0.85 * len(planted)
    assert len(flagged - planted) <= 0.02 * (len(rows) - len(planted))


def _arrays(rows):
    entries = sorted({r[0] for r in rows})
    experts = sorted({r[1] for r in rows})
    entry = np.array([entries.index(r[0]) for r in rows])
    expert = np.array([experts.index(r[1]) for r in rows])
    return entry, expert, np.array([float(r[2]) for r in rows]), len(entries), len(experts)


def test_the_large_panel_approximation_is_close_to_the_exact_errors(monkeypatch):
    rows, _, _ = synthetic(5, entries=600, experts=60)
    exact = calibration.fit_bias_model(*_arrays(rows))
    monkeypatch.setattr(calibration, "EXACT_LIMIT", 0)
    approximate = calibration.fit_bias_model(*_arrays(rows))
    assert np.allclose(approximate.bias, exact.bias, atol=1e-8)
    assert np.allclose(approximate.bias_se, exact.bias_se, rtol=0.1)
    assert np.allclose(approximate.leverage, exact.leverage, atol=0.03)
    assert np.allclose(approximate.entry_se, exact.entry_se, rtol=0.1)


def test_expert_z_scores():
    rows, quality, _ = synthetic(2)
    result = aggregate(rows)
    z = calibration.expert_z_scores(*_arrays(rows))
    for j in (0, 1):
        mine = z.per_row[_arrays(rows)[1] == j]
        assert mine.mean() == pytest.approx(0, abs=1e-9) and mine.std(ddof=1) == pytest.approx(1)
    z_means = [result.entries[i].z_mean for i in range(200)]
    assert np.corrcoef(z_means, quality)[0, 1] > 0.8
    flat = aggregate([(1, "a", 70), (2, "a", 70), (1, "b", 60), (2, "b", 80)])
    assert flat.entries[1].z_mean == pytest.approx(-1 / np.sqrt(2))  # a's z-scores are undefined (std 0)


# --- Krippendorff's α ----------------------------------------------------------------------------------

NAN = float("nan")
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", reliability data with missing values:
# 4 observers, 12 units; α_interval = 0.849 (α_nominal = 0.743, α_ordinal = 0.815, α_ratio = 0.797).
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def test_alpha_of_krippendorffs_example():
    assert round(krippendorff_alpha_interval_matrix(KRIPPENDORFF_2011), 3) == 0.849


def test_alpha_hand_computed():
    # Units {1, 2} and {3, 3}: D_o = (2 + 0) / 4; D_e = 22 / 12 over the 4 values; α = 1 − 3/11.
    assert krippendorff_alpha_interval_matrix([[1, 3], [2, 3]]) == pytest.approx(8 / 11)
    # Unit 3 has a single value: it is not pairable and changes nothing.
    assert krippendorff_alpha_interval_matrix([[1, 3, 7], [2, 3, NAN]]) == pytest.approx(8 / 11)


def test_alpha_limits():
    assert krippendorff_alpha_interval_matrix([[1, 2, 3], [1, 2, 3], [1, 2, 3]]) == 1.0
    assert np.isnan(krippendorff_alpha_interval_matrix([[4, 4], [4, 4]]))  # no variation: undefined
    assert np.isnan(krippendorff_alpha_interval_matrix([[1, NAN], [NAN, 2]]))  # nothing pairable
    # Systematic disagreement is worse than chance.
    assert krippendorff_alpha_interval_matrix([[1, 5, 1, 5], [5, 1, 5, 1]]) < 0


def alpha_by_definition(units: list[list[float]]) -> float:
    """α from the coincidence definition, pair by pair (slow, obviously right)."""
    pairable = [[v for v in u] for u in units if len(u) >= 2]
    n = sum(len(u) for u in pairable)
    observed = sum(sum((a - b) ** 2 for i, a in enumerate(u) for j, b in enumerate(u) if i != j) / (len(u) - 1)
                   for u in pairable) / n
    values = [v for u in pairable for v in u]
    expected = sum((a - b) ** 2 for i, a in enumerate(values) for j, b in enumerate(values) if i != j) / (n * (n - 1))
    return 1 - observed / expected


@given(st.lists(st.lists(st.integers(0, 25), min_size=0, max_size=6), min_size=2, max_size=12))
@settings(max_examples=200, deadline=None)
def test_alpha_equals_the_definition(units):
    pairable = [u for u in units if len(u) >= 2]
    values = [v for u in pairable for v in u]
    if len(set(values)) < 2:
        return
    unit = [k for k, u in enumerate(units) for _ in u]
    value = [v for u in units for v in u]
    assert krippendorff_alpha_interval(np.array(unit), np.array(value)) == pytest.approx(
        alpha_by_definition(units), abs=1e-9)


def test_alpha_of_the_panel_rises_once_biases_are_removed():
    rows, _, _ = synthetic(4, bias_sd=5.0)
    result = aggregate(rows)
    assert 0 < result.alpha < result.alpha_calibrated < 1


# --- flags ---------------------------------------------------------------------------------------------

def kinds(flags):
    return [f.kind for f in flags]


def quiet_panel(seed=0, entries=60, experts=10, k=5):
    """Scores q + b + noise uniform in ±1 (no outlier, no flat expert, no bias)."""
    rng = np.random.default_rng(seed)
    quality = rng.uniform(55, 95, entries)
    panel = np.argsort(rng.random((entries, experts)), axis=1)[:, :k]
    return {(i, int(j)): float(np.round(quality[i] + rng.uniform(-1, 1), 1)) for i in range(entries) for j in panel[i]}


def as_rows(scores):
    return [(i, j, D(str(round(v, 1)))) for (i, j), v in scores.items()]


def test_a_quiet_panel_raises_no_flag():
    result = aggregate(as_rows(quiet_panel()))
    assert result.flags == []
    assert result.alpha > 0.99


def test_one_wild_score_is_the_only_outlier():
    scores = quiet_panel()
    target = next(key for key in scores if key[0] == 7)
    scores[target] -= 30
    result = aggregate(as_rows(scores))
    outliers = [f for f in result.flags if f.kind == FlagKind.SCORE_OUTLIER]
    assert [(f.entry_id, f.expert_id) for f in outliers] == [target]
    assert result.entries[7].outliers == (target[1],)
    assert outliers[0].value < -10
    with translation.override("en"):
        assert outliers[0].message.startswith(f"This score ({scores[target]:.2f}) is ")
        assert "standard deviations from what this expert would be expected to give" in outliers[0].message


def test_a_flat_expert_is_flagged_for_low_variance():
    scores = quiet_panel()
    for key in scores:
        if key[1] == 3:
            scores[key] = 75.0
    result = aggregate(as_rows(scores))
    flat = [f for f in result.flags if f.kind == FlagKind.EXPERT_LOW_VARIANCE]
    assert [f.expert_id for f in flat] == [3] and flat[0].value == 0
    assert result.experts[3].std == 0


def test_lenient_and_severe_experts_are_flagged_with_their_interval():
    scores = quiet_panel()
    for key in scores:
        scores[key] += {2: 8, 5: -6}.get(key[1], 0)
    result = aggregate(as_rows(scores))
    assert {(f.kind, f.expert_id) for f in result.flags} == {(FlagKind.EXPERT_LENIENT, 2), (FlagKind.EXPERT_SEVERE, 5)}
    lenient = result.experts[2]
    assert lenient.ci_low < lenient.bias < lenient.ci_high and lenient.ci_low > 1
    # Relative to the panel's average ((8 − 6) / 10), shrunk by the ridge by about λ / S_jj (1 / 24 here).
    assert 7.8 * 0.94 < lenient.bias < 7.8
    with translation.override("en"):
        message = result.expert_flags(2)[0].message
    assert message.startswith(f"Scores {lenient.bias:.2f} points above the panel on average (95% confidence interval ")


def test_a_small_bias_within_the_margin_is_not_flagged():
    scores = quiet_panel()
    for key in scores:
        scores[key] += 0.8 if key[1] == 2 else 0
    result = aggregate(as_rows(scores))
    assert result.experts[2].ci_low > 0  # clearly above 0, but not by the 1-point margin
    assert FlagKind.EXPERT_LENIENT not in kinds(result.flags)
    assert FlagKind.EXPERT_LENIENT in kinds(aggregate(as_rows(scores), settings=FlagSettings(bias_margin=0)).flags)


def test_disagreement_and_few_scores():
    rows = rows_of(1, [60, 70, 86]) + rows_of(2, [70, 75, 80, 85, 90]) + rows_of(3, [80, 81])
    result = aggregate(rows, settings=FlagSettings(expected_scores=3))
    flagged = {(f.kind, f.entry_id) for f in result.flags if f.entry_id is not None}
    assert flagged == {(FlagKind.ENTRY_DISAGREEMENT, 1), (FlagKind.ENTRY_FEW_SCORES, 3)}
    assert (result.entries[1].spread, result.entries[2].spread) == (D(26), D(20))
    with translation.override("en"):
        assert result.entry_flags(1)[0].message == "The experts disagree: totals from 60 to 86, a spread of 26 points."


def test_low_agreement_of_the_panel():
    rng = random.Random(3)
    rows = [(i, j, D(rng.randint(40, 95))) for i in range(40) for j in rng.sample(range(8), 4)]
    result = aggregate(rows)
    assert result.alpha < 0.3
    assert FlagKind.PANEL_LOW_AGREEMENT in kinds(result.flags)


def test_flags_are_translated_when_shown():
    result = aggregate(rows_of(1, [60, 70, 86]))
    flag = result.entry_flags(1)[0]
    with translation.override("en"):
        english = flag.message
        assert flag.label == "Experts disagree"
    with translation.override("zh-hans"):
        assert flag.message  # the lead's catalogue fills the Chinese; never an error
    assert "26" in english


# --- finalist list -------------------------------------------------------------------------------------

def table(scores: dict) -> list:
    """Every entry scored by the same three experts with the same total: official = calibrated = total."""
    return [(e, x, D(str(total))) for e, total in scores.items() for x in ("a", "b", "c")]


def test_top_n_without_ties():
    result = aggregate(table({1: 90, 2: 85, 3: 80, 4: 75, 5: 70}))
    proposal = propose_finalists(result, top=3)
    assert proposal.proposed == [1, 2, 3] and proposal.flags == []
    assert [r.official_rank for r in proposal.rows] == [1, 2, 3, 4, 5]
    assert [r.calibrated_rank for r in proposal.rows] == [1, 2, 3, 4, 5]


def test_ties_at_the_border_are_all_proposed_and_flagged():
    result = aggregate(table({1: 90, 2: 85, 3: 80, 4: 80, 5: 80, 6: 70}))
    proposal = propose_finalists(result, top=3)
    assert proposal.proposed == [1, 2, 3, 4, 5]
    assert [r.official_rank for r in proposal.rows] == [1, 2, 3, 3, 3, 6]
    assert [r.entry_id for r in proposal.rows if r.tie_at_cutoff] == [3, 4, 5]
    [tie] = [f for f in proposal.flags if f.kind == FlagKind.TIE_AT_CUTOFF]
    with translation.override("en"):
        assert tie.message == "Tied at the cut-off: 3 entries share the official score 80.00; places left for them: 1."
    # A tie inside the list is no border tie.
    assert propose_finalists(result, top=5).flags == []


def test_ties_are_on_the_published_two_decimal_score():
    # 80.004 and 80.001 both publish as 80.00.
    rows = table({1: 90, 2: "80.004", 3: "80.001", 4: 70})
    proposal = propose_finalists(aggregate(rows), top=2)
    assert proposal.proposed == [1, 2, 3] and [r.tie_at_cutoff for r in proposal.rows] == [False, True, True, False]


def test_cutoff_and_top_together():
    result = aggregate(table({1: 90, 2: 85, 3: 80, 4: 75}))
    assert propose_finalists(result, cutoff=D("80")).proposed == [1, 2, 3]
    assert propose_finalists(result, cutoff=D("80.01")).proposed == [1, 2]
    assert propose_finalists(result, top=1, cutoff=D("80")).proposed == [1]
    assert propose_finalists(result, cutoff=D("79.999")).proposed == [1, 2, 3]
    assert propose_finalists(result, cutoff=D("80.001")).proposed == [1, 2]


def test_per_category_quotas_and_unscored_entries():
    result = aggregate(table({1: 90, 2: 85, 3: 80, 4: 88, 5: 70, 6: 60}), entry_ids=[7])
    categories = {1: "tech", 2: "tech", 3: "tech", 4: "safety", 5: "safety", 6: "safety", 7: "tech"}
    proposal = propose_finalists(result, top=1, categories=categories, quotas={"tech": 2})
    assert proposal.proposed == [4, 1, 2]  # categories in order: safety, tech
    unscored = next(r for r in proposal.rows if r.entry_id == 7)
    assert (unscored.proposed, unscored.official_rank, unscored.calibrated_rank) == (False, None, None)
    assert [r.official_rank for r in proposal.rows if r.category == "tech"] == [1, 2, 3, None]


def test_calibrated_disagreement_is_flagged_on_the_list():
    rows = []
    for entry, q in (("e1", 60), ("e2", 70), ("e3", 80), ("e4", 90)):
        rows += [(entry, "L", q + 5), (entry, "S", q - 5), (entry, "N", q)]
    rows += [("A", "L", 80), ("A", "N", 75), ("B", "S", 72), ("B", "N", 77)]
    proposal = propose_finalists(aggregate(rows, rule="mean"), top=3)  # e4, e3, A by the official score
    assert proposal.proposed == ["e4", "e3", "A"]
    by_id = {r.entry_id: r for r in proposal.rows}
    assert kinds(by_id["A"].flags) == [FlagKind.CALIBRATED_BELOW_CUTOFF]
    assert kinds(by_id["B"].flags) == [FlagKind.CALIBRATED_ABOVE_CUTOFF]
    with translation.override("en"):
        assert by_id["B"].flags[0].message == (
            "Not proposed, but its calibrated score ranks it 3, within the cut-off (3 places).")


def test_second_pass_candidates_are_the_entries_nearest_the_border():
    result = aggregate(table({1: 95, 2: 90, 3: 82, 4: 81, 5: 79, 6: 60, 7: 50}))
    proposal = propose_finalists(result, top=4)  # border between 81 and 79
    assert second_pass_candidates(result, proposal, 3) == [4, 5, 3]
    assert second_pass_candidates(result, proposal, 3, by="official") == [4, 5, 3]


def test_finalists_need_a_rule_and_every_category():
    result = aggregate(table({1: 90, 2: 80}))
    with pytest.raises(ValueError, match="top N"):
        propose_finalists(result)
    with pytest.raises(ValueError, match="no category"):
        propose_finalists(result, top=1, categories={1: "tech"})
