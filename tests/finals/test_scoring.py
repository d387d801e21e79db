"""The final round's arithmetic on hand-computed cases (R8–R10): the draw, the trimmed result, the top N for
site visits with ties at the border, the final ranking with its ties."""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from wuxiao.finals.scoring import competition_ranks, draw_order, final_ranking, propose_top, trimmed_result


def test_the_draw_reproduces_from_its_seed_and_does_not_depend_on_input_order():
    ids = [17, 3, 42, 8, 25, 11]
    first = draw_order(ids, seed=20251120)
    assert first == draw_order(list(reversed(ids)), seed=20251120)
    assert sorted(first) == sorted(ids)
    assert first != draw_order(ids, seed=20251121) or first != sorted(ids)


def test_draw_is_pythons_shuffle_of_the_sorted_ids():
    import random

    expected = sorted([5, 1, 9, 7])
    random.Random(7).shuffle(expected)
    assert draw_order([9, 7, 5, 1], 7) == expected


def test_trimmed_result_strikes_one_highest_and_one_lowest():
    # 88, 92, 85, 90, 79: strike 92 (seat 2) and 79 (seat 5); (88 + 85 + 90) / 3 = 87.666… → 87.67
    t = trimmed_result([D(88), D(92), D(85), D(90), D(79)])
    assert t.result == D("87.67")
    assert (t.struck_high, t.struck_low) == (1, 4)
    assert t.counted == (0, 2, 3)


def test_trimmed_result_with_equal_extremes_strikes_the_first_of_each():
    t = trimmed_result([D(90), D(80), D(90), D(80)])
    assert (t.struck_high, t.struck_low) == (0, 1)
    assert t.result == D("85.00")


def test_trimmed_result_halves_round_up_and_two_scores_are_averaged_whole():
    assert trimmed_result([D("85.125"), D("85.125"), D("85.125")]).result == D("85.13")
    t = trimmed_result([D(80), D(91)])
    assert t.result == D("85.50") and t.struck_high is None
    assert trimmed_result([D(80), D(90), D(100)], trim=False).result == D("90.00")
    assert trimmed_result([]).result is None


@settings(deadline=None)  # a busy machine is no failure of the arithmetic
@given(st.lists(st.decimals(min_value=0, max_value=100, places=1), min_size=3, max_size=15))
def test_trimmed_result_lies_between_the_extremes(values):
    t = trimmed_result(values)
    assert min(values) - D("0.01") <= t.result <= max(values) + D("0.01")
    assert len(t.counted) == len(values) - 2


def test_competition_ranks():
    assert competition_ranks([D(90), D(85), D(85), D(80), None]) == [1, 2, 2, 4, None]


def test_top_n_with_a_tie_across_the_border_is_flagged_not_proposed():
    scored = [(1, D("90")), (2, D("88")), (3, D("85")), (4, D("85")), (5, D("85")), (6, D("80")), (7, None)]
    p = propose_top(scored, 3)
    assert p.selected == [1, 2]
    assert p.border == [3, 4, 5]
    assert p.seats_at_border == 1


def test_top_n_without_a_tie_and_with_fewer_entries():
    scored = [(1, D("90")), (2, D("88")), (3, D("85")), (4, D("84"))]
    assert propose_top(scored, 3).selected == [1, 2, 3] and propose_top(scored, 3).border == []
    assert propose_top(scored, 10).selected == [1, 2, 3, 4]
    # a tie inside the top N is no border problem
    assert propose_top([(1, D(90)), (2, D(90)), (3, D(80))], 2).selected == [1, 2]


def test_final_ranking_sums_and_ranks_unvisited_after_the_visited():
    rows = [(1, D("88.00"), D("90.00")),  # 178
            (2, D("92.00"), D("85.00")),  # 177
            (3, D("95.00"), None),  # not visited: after the visited ones, though its roadshow is best
            (4, D("86.00"), D("92.00")),  # 178: tied with entry 1; entry 1 first by roadshow
            (5, D("80.00"), None),
            (6, None, None)]
    ranked = final_ranking(rows)
    assert [r.entry_id for r in ranked] == [1, 4, 2, 3, 5, 6]
    assert [r.final for r in ranked] == [D("178.00"), D("178.00"), D("177.00"), D("95.00"), D("80.00"), None]
    assert [r.tie for r in ranked] == [True, True, False, False, False, False]
    assert [r.position for r in ranked] == [1, 2, 3, 4, 5, 6]


def test_final_ranking_with_weights_and_the_mixed_rule():
    rows = [(1, D("80"), D("90")), (2, D("95"), None)]
    ranked = final_ranking(rows, roadshow_weight=D("0.6"), site_weight=D("0.4"), unvisited_after=False)
    # 1: 48 + 36 = 84; 2: 57 alone, mixed in
    assert [(r.entry_id, r.final) for r in ranked] == [(1, D("84.00")), (2, D("57.00"))]
