"""The allocation of prize tiers (R11) on hand-computed cases: ties at a border (between two tiers and after the
last prize), vacancies, fewer finalists than prizes, the 2025 tiers; and a property over random rankings."""

from decimal import Decimal
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from wuxiao.awards.allocation import allocate

D = Decimal
T1, T2, T3 = 1, 2, 3  # tier ids


def rows(*finals):
    return [(100 + i, i + 1, None if f is None else D(f)) for i, f in enumerate(finals)]


def tiers_and_ties(result):
    return [a.tier_id for a in result], [a.tie for a in result]


def test_in_order_without_ties():
    got = allocate(rows(90, 89, 88, 87, 86), [(T1, 1), (T2, 2)])
    assert tiers_and_ties(got) == ([T1, T2, T2, None, None], [False] * 5)
    assert got[0].entry_id == 100 and got[0].position == 1 and got[0].final == D(90)


def test_a_tie_across_the_border_of_two_tiers_flags_the_whole_run():
    # 88 three times at places 2–4; the border between T1 (2 prizes) and T2 falls inside the run.
    got = allocate(rows(90, 88, 88, 88, 80, 79), [(T1, 2), (T2, 3)])
    assert tiers_and_ties(got) == ([T1, T1, T2, T2, T2, None], [False, True, True, True, False, False])


def test_a_tie_inside_a_tier_is_no_tie_and_one_after_the_last_prize_is():
    got = allocate(rows(90, 90, 85, 84, 84), [(T1, 2), (T2, 2)])
    assert tiers_and_ties(got) == ([T1, T1, T2, T2, None], [False, False, False, True, True])


def test_vacancies_shift_the_borders():
    # T1 3 prizes with 1 vacant, T2 2 with both vacant, T3 2: the tie 85/85 now straddles T1 and T3.
    got = allocate(rows(90, 85, 85, 80, 70), [(T1, 3), (T2, 2), (T3, 2)], {T1: 1, T2: 2})
    assert tiers_and_ties(got) == ([T1, T1, T3, T3, None], [False, True, True, False, False])
    # More vacant than the count leaves none, never a negative number.
    assert [a.tier_id for a in allocate(rows(90, 80), [(T1, 1), (T2, 1)], {T1: 5})] == [T2, None]


def test_fewer_finalists_than_prizes_and_entries_without_a_score():
    got = allocate(rows(90, None, None), [(T1, 1), (T2, 10)])
    assert tiers_and_ties(got) == ([T1, T2, T2], [False, False, False])
    got = allocate(rows(90, None, None), [(T1, 2)])
    assert tiers_and_ties(got) == ([T1, T1, None], [False, False, False])  # no score: never a tie


def test_the_2025_tiers_give_63_awards():
    got = allocate(rows(*[200 - i for i in range(70)]), [(T1, 3), (T2, 10), (T3, 20), (4, 30)])
    tiers = [a.tier_id for a in got]
    assert [tiers.count(t) for t in (T1, T2, T3, 4, None)] == [3, 10, 20, 30, 7]
    assert tiers[2] == T1 and tiers[3] == T2 and tiers[62] == 4 and tiers[63] is None


@given(finals=st.lists(st.integers(min_value=0, max_value=6), max_size=30),
       counts=st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=4),
       vacant=st.lists(st.integers(min_value=0, max_value=8), min_size=4, max_size=4))
def test_no_tier_over_its_number_and_tiers_never_rise_down_the_ranking(finals, counts, vacant):
    finals = sorted(finals, reverse=True)
    tiers = [(i + 1, c) for i, c in enumerate(counts)]
    vacancies = {i + 1: v for i, v in enumerate(vacant)}
    got = allocate(rows(*finals), tiers, vacancies)
    order = [a.tier_id if a.tier_id is not None else 99 for a in got]
    assert order == sorted(order)
    for tier_id, count in tiers:
        assert sum(1 for a in got if a.tier_id == tier_id) <= max(0, count - vacancies[tier_id])
    for a, b in pairwise(got):  # a border between equal scores is always flagged on both sides
        if a.tier_id != b.tier_id and a.final == b.final:
            assert a.tie and b.tie
