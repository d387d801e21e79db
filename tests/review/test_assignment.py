"""The assignment engine (issue 10, items 4 and 5): random small instances against a brute force, the reasons
in words when no assignment exists, the seeded draw, re-assignment with the fewest changes, hand edits."""

import dataclasses
import itertools
from collections import Counter

import numpy as np
import pytest
from django.utils import translation
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from wuxiao.review.assignment import (
    ASSOCIATE,
    OTHER,
    SENIOR,
    TIE_RANGE,
    TITLE_RANKS,
    Entry,
    Expert,
    Infeasible,
    Pair,
    Problem,
    code_chain,
    explain,
    match_level,
    pair_quality,
    reassign,
    solve,
    tie_break,
    validate,
)

CODES = ["3421", "3422", "3411", "4411", "C", "34", "342", "D", None]


# --- an independent reading of the constraints, and a brute force --------------------------------------

def loads_of(p: Problem, x: Expert) -> tuple[int, int]:
    low = p.load_min if x.load_min is None else x.load_min
    high = x.load_max if x.load_max is not None else (p.load_max if p.load_max is not None else len(p.entries))
    return low, high


def broken(p: Problem, pairs) -> list[str]:
    """What these pairs break, checked without the module's code."""
    out = []
    pairs = [tuple(q) for q in pairs]
    if len(set(pairs)) != len(pairs):
        out.append("duplicate")
    experts = {x.id: x for x in p.experts}
    for e in p.entries:
        mine = [experts[x] for en, x in pairs if en == e.id]
        if len(mine) != (p.reviews if e.reviews is None else e.reviews):
            out.append(f"count {e.id}")
        if p.require_senior and not any(x.title == SENIOR for x in mine):
            out.append(f"senior {e.id}")
        if p.max_per_org is not None:
            orgs = Counter(x.organisation for x in mine if x.organisation is not None)
            if orgs and max(orgs.values()) > p.max_per_org:
                out.append(f"org {e.id}")
    for x in p.experts:
        low, high = loads_of(p, x)
        if not low <= sum(1 for _e, ex in pairs if ex == x.id) <= high:
            out.append(f"load {x.id}")
    for pair in pairs:
        if pair in p.conflicts or pair in p.forbids:
            out.append(f"conflict {pair}")
    out += [f"pin {pin}" for pin in p.pins if tuple(pin) not in set(pairs)]
    return out


def brute(p: Problem, keep=frozenset()):
    """The best assignment by enumeration: (-kept, cost, quality, pairs), or None when there is none."""
    needed = sum(p.reviews if e.reviews is None else e.reviews for e in p.entries)
    scale = TIE_RANGE * max(1, needed)
    experts = {x.id: x for x in p.experts}
    bounds = {x.id: loads_of(p, x) for x in p.experts}
    options = []
    for e in p.entries:
        k = p.reviews if e.reviews is None else e.reviews
        pins = {x for en, x in p.pins if en == e.id}
        allowed = [x.id for x in p.experts if (e.id, x.id) not in p.conflicts and (e.id, x.id) not in p.forbids]
        mine = []
        for combo in itertools.combinations(allowed, k):
            if not pins <= set(combo):
                continue
            chosen = [experts[x] for x in combo]
            if p.require_senior and not any(x.title == SENIOR for x in chosen):
                continue
            if p.max_per_org is not None:
                orgs = Counter(x.organisation for x in chosen if x.organisation is not None)
                if orgs and max(orgs.values()) > p.max_per_org:
                    continue
            quality = sum(pair_quality(e.industry, x.fields) for x in chosen)
            cost = sum(-pair_quality(e.industry, x.fields) * scale + tie_break(p.seed, e.id, x.id) for x in chosen)
            kept = sum((e.id, x) in keep for x in combo)
            mine.append((-kept, cost, quality, combo))
        options.append(mine)
    best = None
    load = Counter()

    def walk(i, kept, cost, quality, pairs):
        nonlocal best
        if i == len(p.entries):
            if all(bounds[x][0] <= load[x] for x in bounds):
                if best is None or (kept, cost) < best[:2]:
                    best = (kept, cost, quality, list(pairs))
            return
        for k_, c_, q_, combo in options[i]:
            if any(load[x] + 1 > bounds[x][1] for x in combo):
                continue
            for x in combo:
                load[x] += 1
            walk(i + 1, kept + k_, cost + c_, quality + q_, pairs + [(p.entries[i].id, x) for x in combo])
            for x in combo:
                load[x] -= 1

    walk(0, 0, 0, 0, [])
    return best


@st.composite
def problems(draw, side_rules=None, max_entries=4, max_experts=5, both=False):
    n_entries = draw(st.integers(1, max_entries))
    n_experts = draw(st.integers(1, max_experts))
    entry_ids = draw(st.lists(st.integers(1, 99), min_size=n_entries, max_size=n_entries, unique=True))
    entries = [Entry(i, industry=draw(st.sampled_from(CODES)), category=draw(st.sampled_from(["能源", "制造", None])))
               for i in entry_ids]
    experts = []
    for j in range(n_experts):
        fields = draw(st.lists(st.tuples(st.sampled_from(CODES[:-1]), st.integers(1, 3)), max_size=2))
        experts.append(Expert(
            100 + j, organisation=draw(st.sampled_from([1, 2, 3, None])), title=draw(st.sampled_from(TITLE_RANKS)),
            fields=fields, load_min=draw(st.one_of(st.none(), st.integers(0, 2))),
            load_max=draw(st.one_of(st.none(), st.integers(1, 4)))))
    pairs = [(e, 100 + j) for e in entry_ids for j in range(n_experts)]
    conflicts = {pair: "本单位" for pair in draw(st.lists(st.sampled_from(pairs), max_size=len(pairs) // 3))}
    pins = draw(st.lists(st.sampled_from(pairs), max_size=2))
    forbids = draw(st.lists(st.sampled_from(pairs), max_size=2))
    if side_rules is None:
        side_rules = draw(st.integers(0, 2)) == 0
    if both:  # both side rules: the integer program
        experts = [dataclasses.replace(x, load_min=None) for x in experts]
    return Problem(entries, experts, reviews=draw(st.integers(1, min(3, n_experts))),
                   load_min=0 if both else draw(st.integers(0, 1)),
                   load_max=draw(st.one_of(st.none(), st.integers(1, 4))),
                   conflicts=conflicts, pins=pins, forbids=forbids, seed=draw(st.integers(0, 3)),
                   require_senior=both or (side_rules and draw(st.booleans())),
                   max_per_org=draw(st.integers(1, 2)) if both else
                   draw(st.one_of(st.none(), st.integers(1, 2))) if side_rules else None)


FEW = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FEW
@given(problems())
def test_solve_is_valid_and_optimal_or_rightly_infeasible(problem):
    best = brute(problem)
    try:
        a = solve(problem)
    except Infeasible as e:
        assert best is None, "the brute force found an assignment"
        assert e.reasons and all(r.message for r in e.reasons)
        if not problem.side_rules:  # the checks and cuts always find the reason of the plain problem
            assert all(r.code != "unknown" for r in e.reasons)
        return
    assert best is not None
    assert broken(problem, a.pairs) == []
    assert validate(problem, a.pairs) == []
    assert a.total_quality == best[2]
    if a.solver == "min_cost_flow":
        assert a.total_cost == best[1]  # the tie-breaks too
    else:
        assert a.optimal
    assert a.solver == ("milp" if problem.require_senior and problem.max_per_org is not None else "min_cost_flow")
    assert sum(a.load.values()) == len(a.pairs)


@FEW
@given(problems(both=True, max_experts=6))
def test_both_side_rules_by_the_integer_program(problem):
    test_solve_is_valid_and_optimal_or_rightly_infeasible.hypothesis.inner_test(problem)


@settings(max_examples=25, deadline=None)
@given(problems(side_rules=False, max_entries=12, max_experts=8))
def test_flow_cost_equals_the_linear_program(problem):
    """The transportation polytope is integral: the LP's optimum (SciPy/HiGHS) is the assignment's optimum."""
    from scipy.optimize import linprog

    problem = dataclasses.replace(problem, pins=(), forbids=())
    entries, experts = problem.entries, problem.experts
    needed = problem.reviews * len(entries)
    pairs = [(e, x) for e in entries for x in experts if (e.id, x.id) not in problem.conflicts]
    assume(pairs)
    cost = [-pair_quality(e.industry, x.fields) * TIE_RANGE * needed + tie_break(problem.seed, e.id, x.id)
            for e, x in pairs]
    a_eq = [[1 if e is en else 0 for en, _x in pairs] for e in entries]
    a_ub = [[1 if x is ex else 0 for _e, ex in pairs] for x in experts]
    lows, highs = zip(*(loads_of(problem, x) for x in experts))
    lp = linprog(cost, A_eq=a_eq, b_eq=[problem.reviews] * len(entries), A_ub=a_ub + [[-v for v in row] for row in a_ub],
                 b_ub=list(highs) + [-v for v in lows], bounds=(0, 1), method="highs")
    try:
        a = solve(problem)
    except Infeasible:
        assert lp.status == 2
        return
    assert lp.status == 0
    assert a.total_cost == round(lp.fun)


# --- quality and the draw ----------------------------------------------------------------------------------

def test_match_levels_and_quality():
    assert code_chain("3421") == ("C", "34", "342", "3421")
    assert code_chain("D") == ("D",) and code_chain("C3421") == code_chain("3421") and code_chain("99") == ()
    assert [match_level("3421", f) for f in ("3421", "342", "3422", "34", "3411", "C", "13", "44", None)] \
        == [4, 3, 3, 2, 2, 1, 1, 0, 0]
    assert pair_quality("3421", [("3421", 3)]) == 100
    assert pair_quality("3421", [("342", 2)]) == 40
    assert pair_quality("3421", [("34", 1), ("C", 3)]) == 15
    assert pair_quality("3421", [("44", 3)]) == 0
    assert pair_quality(None, [("3421", 3)]) == 0
    # A deeper match wins whatever the self-rated depth: class at depth 1 over group at depth 3, and so on.
    assert pair_quality("3421", [("3421", 1)]) > pair_quality("3421", [("342", 3)]) \
        and pair_quality("3421", [("342", 1)]) > pair_quality("3421", [("3411", 3)]) \
        and pair_quality("3421", [("34", 1)]) > pair_quality("3421", [("C", 3)]) > 0


def test_deeper_match_is_preferred():
    entries = [Entry(1, industry="3421")]
    experts = [Expert(10, fields=[("C", 3)]), Expert(11, fields=[("3421", 1)]), Expert(12, fields=[("44", 3)]),
               Expert(13, fields=[("342", 3)])]
    a = solve(Problem(entries, experts, reviews=2))
    assert set(a.pairs) == {(1, 11), (1, 13)}
    assert a.entry_quality == {1: (60 + 50) / 2}
    assert a.quality == {(1, 11): 60, (1, 13): 50}


def _ties(seed):
    """No codes at all: every pair has quality 0 and the seed alone decides."""
    return Problem([Entry(i) for i in range(1, 11)], [Expert(100 + j) for j in range(10)], reviews=2, load_max=2,
                   seed=seed)


def test_same_seed_same_draw_other_seeds_differ():
    first = solve(_ties(7))
    assert solve(_ties(7)).pairs == first.pairs
    assert first.seed == 7
    assert first.tie_breaks == {pair: tie_break(7, *pair) for pair in first.pairs}
    draws = {solve(_ties(seed)).pairs for seed in range(6)}
    assert len(draws) > 1
    # The input order does not matter, only the seed.
    shuffled = _ties(7)
    shuffled.entries.reverse()
    shuffled.experts.reverse()
    assert solve(shuffled).pairs == first.pairs


def test_tie_break_is_reproducible_and_small():
    values = {tie_break(3, e, x) for e in range(30) for x in range(30)}
    assert values <= set(range(TIE_RANGE)) and len(values) > 300
    assert tie_break(3, 12, 7) == tie_break(3, 12, 7) != tie_break(4, 12, 7)


# --- reasons in words ------------------------------------------------------------------------------------

def _reasons(problem):
    with translation.override("en"):
        with pytest.raises(Infeasible) as caught:
            solve(problem)
        assert explain(problem) or caught.value.reasons[0].code in ("unknown", "side_rules")
    return caught.value.reasons


def test_entries_with_too_few_experts_are_named_with_their_category():
    entries = [Entry(i, category="能源") for i in (12, 31, 77)] + [Entry(5, category="制造")]
    experts = [Expert(100 + j) for j in range(6)]
    conflicts = {(e, 100 + j): "本单位" for e in (12, 31, 77) for j in range(3)}
    reasons = _reasons(Problem(entries, experts, reviews=5, conflicts=conflicts))
    assert [(r.code, r.message, r.entries) for r in reasons] == [(
        "entry_few_experts", "能源 entries 12, 31, 77 have only 3 experts without a conflict; 5 are needed.",
        (12, 31, 77))]
    with translation.override("zh-hans"):
        with pytest.raises(Infeasible) as caught:
            solve(Problem(entries, experts, reviews=5, conflicts=conflicts))
    assert str(caught.value) == "能源类作品 12、31、77 仅有 3 位无回避关系的专家，需要 5 位。"


def test_global_capacity_and_minimum_loads():
    entries = [Entry(i) for i in range(10)]
    experts = [Expert(100 + j) for j in range(5)]
    reasons = _reasons(Problem(entries, experts, reviews=3, load_max=5))
    assert [r.code for r in reasons] == ["capacity"]
    assert reasons[0].message == ("The experts' maximum loads add up to 25 reviews, but 10 entries need 30; raise the "
                                  "maximum loads or add experts.")
    reasons = _reasons(Problem(entries, experts, reviews=1, load_min=3))
    assert [r.code for r in reasons] == ["min_loads"]
    assert "add up to 15 reviews, but 10 entries need only 10" in reasons[0].message


def test_bad_pins_and_loads():
    entries = [Entry(1), Entry(2)]
    experts = [Expert(10, load_min=3, load_max=2), Expert(11), Expert(12)]
    reasons = _reasons(Problem(entries, experts, reviews=1, conflicts={(1, 11): "本单位"},
                               pins=[(1, 11), (2, 12), (2, 11), (3, 12)], forbids=[(2, 12)]))
    codes = {r.code: r for r in reasons}
    assert set(codes) == {"load_bounds", "pin_unknown", "pin_conflict", "pin_forbidden", "pin_entry_over"}
    assert codes["pin_conflict"].message == ("Expert 11 is pinned to entry 1 but has a conflict of interest with it: "
                                             "本单位.")
    assert codes["pin_entry_over"].entries == (2,)
    reasons = _reasons(Problem(entries, [Expert(10, load_max=1), Expert(11)], reviews=1, pins=[(1, 10), (2, 10)]))
    assert [r.code for r in reasons] == ["pin_expert_over"]


def test_expert_who_cannot_reach_the_minimum():
    entries = [Entry(i) for i in range(4)]
    experts = [Expert(10, label="王工"), Expert(11), Expert(12)]
    conflicts = {(i, 10): "本单位" for i in range(3)}
    experts[0] = dataclasses.replace(experts[0], load_min=2)
    reasons = _reasons(Problem(entries, experts, reviews=1, conflicts=conflicts))
    assert [(r.code, r.experts) for r in reasons] == [("expert_few_entries", (10,))]
    assert reasons[0].message == ("Experts 王工 may review only 1 entries (the others are conflicts or exclusions), "
                                  "but their minimum load is 2.")


def test_entries_sharing_the_same_few_experts():
    entries = [Entry(1, category="能源"), Entry(2, category="能源"), Entry(3, category="制造")]
    experts = [Expert(10, load_max=1), Expert(11, load_max=0), Expert(12)]  # 11 takes nothing this time
    conflicts = {(1, 12): "本单位", (2, 12): "本单位"}
    reasons = _reasons(Problem(entries, experts, reviews=1, conflicts=conflicts))
    assert [(r.code, r.entries, r.experts) for r in reasons] == [("entries_same_experts", (1, 2), (10,))]
    assert reasons[0].message == ("能源 entries 1, 2 may be reviewed only by the same 1 experts, who can take at most 1 "
                                  "of the 2 reviews they still need.")


def test_a_category_short_of_experts():
    # Entry 1 may have 10 and 11, entry 2 also 14: no two share the same experts, but together they need 4
    # reviews and 10 and 11 take one each.
    entries = [Entry(1, category="能源"), Entry(2, category="能源"), Entry(3)]
    experts = [Expert(10, load_max=1), Expert(11, load_max=1), Expert(12), Expert(13), Expert(14)]
    conflicts = {(1, 12): "本单位", (1, 13): "本单位", (1, 14): "本单位", (2, 12): "同一集团", (2, 13): "同一集团"}
    reasons = _reasons(Problem(entries, experts, reviews=2, conflicts=conflicts))
    assert [(r.code, r.entries) for r in reasons] == [("category_capacity", (1, 2))]
    assert reasons[0].message == ("The 2 能源 entries still need 4 reviews, but the experts who may review them can take "
                                  "at most 3.")


def test_max_flow_finds_a_deficient_set_of_entries():
    # Each entry alone, the totals and the category pass; entries 1 and 2 together need 4 reviews from 3 experts
    # who can each take one.
    entries = [Entry(1), Entry(2), Entry(3, category="制造")]
    experts = [Expert(10, load_max=1), Expert(11, load_max=1), Expert(12, load_max=1), Expert(13), Expert(14)]
    conflicts = {(1, 12): "本单位", (1, 13): "本单位", (1, 14): "本单位", (2, 13): "本单位", (2, 14): "本单位",
                 (3, 10): "本单位", (3, 11): "本单位", (3, 12): "本单位"}
    reasons = _reasons(Problem(entries, experts, reviews=2, conflicts=conflicts))
    assert [(r.code, r.entries, r.experts) for r in reasons] == [("entries_deficient", (1, 2), (10, 11, 12))]
    assert reasons[0].message == ("Entries 1, 2 need 4 reviews together, but the 3 experts who may review them can "
                                  "take at most 3.")


def test_max_flow_finds_experts_who_cannot_reach_their_minimum_together():
    entries = [Entry(1), Entry(2)]
    experts = [Expert(10, load_min=1), Expert(11, load_min=1), Expert(12)]
    conflicts = {(2, 10): "本单位", (2, 11): "本单位"}
    reasons = _reasons(Problem(entries, experts, reviews=1, conflicts=conflicts))
    assert [(r.code, r.experts) for r in reasons] == [("experts_deficient", (10, 11))]
    assert reasons[0].message == ("Experts 10, 11 must review at least 2 entries together, but the entries they may "
                                  "review can give them at most 1.")


def test_side_rule_reasons():
    entries = [Entry(1, category="能源"), Entry(2, category="能源")]
    experts = [Expert(10, title=SENIOR, organisation="A"), Expert(11, organisation="A"), Expert(12, organisation="A"),
               Expert(13, organisation="B")]
    reasons = _reasons(Problem(entries, experts, reviews=2, require_senior=True, conflicts={(1, 10): "本单位"}))
    assert [(r.code, r.entries) for r in reasons] == [("no_senior", (1,))]
    assert reasons[0].message == ("能源 entries 1 have no expert with a senior title without a conflict.")
    reasons = _reasons(Problem(entries, experts, reviews=3, max_per_org=1))
    assert [(r.code, r.entries) for r in reasons] == [("org_limit", (1, 2))]
    assert reasons[0].message == ("能源 entries 1, 2: with at most 1 experts of one organisation, only 2 of their "
                                  "experts can be used; 3 are needed.")
    reasons = _reasons(Problem(entries, experts, reviews=2, max_per_org=1, pins=[(1, 10), (1, 11)]))
    assert [r.code for r in reasons] == ["pin_org"]
    reasons = _reasons(Problem(entries, experts, reviews=1, require_senior=True, load_max=1))
    assert [r.code for r in reasons] == ["senior_capacity"]


def test_seniors_deficient_for_some_entries():
    entries = [Entry(i) for i in range(1, 5)]
    experts = [Expert(10, title=SENIOR, load_max=1), Expert(11, title=SENIOR), Expert(12, title=SENIOR),
               Expert(13), Expert(14)]
    conflicts = {(e, x): "本单位" for e in (1, 2) for x in (11, 12)} | {(e, 10): "本单位" for e in (3, 4)}
    reasons = _reasons(Problem(entries, experts, reviews=2, require_senior=True, conflicts=conflicts))
    assert [(r.code, r.entries, r.experts) for r in reasons] == [("senior_deficient", (1, 2), (10,))]


# --- re-assignment -------------------------------------------------------------------------------------

@FEW
@given(problems(max_entries=4, max_experts=5), st.data())
def test_reassign_changes_as_few_pairs_as_possible(problem, data):
    try:
        current = solve(problem)
    except Infeasible:
        return
    gone = data.draw(st.sampled_from([x.id for x in problem.experts]))
    after = dataclasses.replace(problem, experts=[x for x in problem.experts if x.id != gone],
                                pins=[p for p in problem.pins if p.expert != gone])
    best = brute(after, keep=frozenset(current.pairs))
    try:
        r = reassign(problem, current, remove_experts=[gone])
    except Infeasible:
        assert best is None
        return
    assert best is not None
    assert broken(after, r.assignment.pairs) == []
    assert len(r.kept) == -best[0]
    assert r.assignment.total_quality == best[2]
    if r.assignment.solver == "min_cost_flow":
        assert r.assignment.total_cost == best[1]
    assert set(r.removed) >= {p for p in current.pairs if p.expert == gone}
    assert set(r.kept) | set(r.removed) == set(current.pairs)
    assert set(r.kept) | set(r.added) == set(r.assignment.pairs)


def test_reassign_after_a_decline_touches_only_what_it_must():
    entries = [Entry(i, industry="3421") for i in range(1, 7)]
    experts = [Expert(10 + j, fields=[("3421", 3)] if j < 3 else [("44", 1)]) for j in range(6)]
    problem = Problem(entries, experts, reviews=2, load_max=3, seed=1)
    current = solve(problem)
    declined = current.pairs[0].expert
    r = reassign(problem, current, remove_experts=[declined])
    lost = [p for p in current.pairs if p.expert == declined]
    assert sorted(r.removed) == sorted(lost)
    assert len(r.added) == len(lost)
    assert {p.entry for p in r.added} == {p.entry for p in lost}
    # A recusal on one entry only (remove_pairs) replaces that one pair.
    one = current.pairs[-1]
    r = reassign(problem, current, remove_pairs=[one])
    assert r.removed == (one,) and len(r.added) == 1 and r.added[0].entry == one.entry


def test_reassign_drops_pairs_that_became_conflicts():
    entries = [Entry(1), Entry(2)]
    experts = [Expert(10), Expert(11), Expert(12)]
    problem = Problem(entries, experts, reviews=1, seed=3)
    current = solve(problem)
    now = dataclasses.replace(problem, conflicts={current.pairs[0]: "新声明的回避"})
    r = reassign(now, current)
    assert r.removed == (current.pairs[0],) and len(r.added) == 1 and validate(now, r.assignment.pairs) == []


# --- hand edits ------------------------------------------------------------------------------------------

def test_validate_names_every_broken_constraint():
    entries = [Entry(1, label="郑-001"), Entry(2)]
    experts = [Expert(10, title=SENIOR, organisation="A", label="张三"), Expert(11, organisation="A"),
               Expert(12, title=ASSOCIATE, load_max=1), Expert(13, title=OTHER, load_min=1)]
    problem = Problem(entries, experts, reviews=2, conflicts={(2, 11): "本单位"}, forbids=[(2, 12)],
                      pins=[(1, 13)], require_senior=True, max_per_org=1)
    with translation.override("en"):
        reasons = validate(problem, [(1, 10), (1, 11), (1, 11), (1, 12), (2, 11), (2, 12), (2, 12), (3, 10)])
    messages = {r.code: r.message for r in reasons}
    assert set(messages) == {"pair_unknown", "pair_duplicate", "conflict", "forbidden", "pin_missing",
                             "entry_count", "no_senior", "org_limit", "load_low", "load_high"}
    assert messages["conflict"] == "Expert 11 has a conflict of interest with entry 2: 本单位."
    assert messages["pin_missing"] == "Expert 13 is pinned to entry 郑-001 but not assigned to it."
    assert messages["org_limit"] == ("Entry 郑-001 has 2 experts of the same organisation (A); at most 1 are "
                                     "allowed.")
    assert [r.code for r in validate(problem, [(1, 10), (1, 13), (2, 10), (2, 12)])] == ["forbidden"]
    assert validate(problem, [(1, 10), (1, 13), (2, 10), (2, 13)]) == []


def test_every_pair_of_a_solution_passes_validate_at_scale():
    rng = np.random.default_rng(0)
    codes = ["3421", "3422", "3411", "4411", "4412", "2611", "C", "D"]
    entries = [Entry(i, industry=codes[rng.integers(len(codes))]) for i in range(200)]
    experts = [Expert(1000 + j, organisation=int(rng.integers(10)), title=TITLE_RANKS[rng.integers(4)],
                      fields=[(codes[rng.integers(len(codes))][:int(rng.integers(1, 5))], int(rng.integers(1, 4)))])
               for j in range(30)]
    conflicts = {(int(rng.integers(200)), 1000 + int(rng.integers(30))): "本单位" for _ in range(120)}
    problem = Problem(entries, experts, reviews=5, load_min=20, load_max=40, conflicts=conflicts, seed=9)
    a = solve(problem)
    assert broken(problem, a.pairs) == [] and validate(problem, a.pairs) == []
    side = dataclasses.replace(problem, require_senior=True, max_per_org=2)
    b = solve(side)
    assert b.solver == "milp" and b.optimal
    assert broken(side, b.pairs) == [] and b.total_quality <= a.total_quality
    assert Pair(*b.pairs[0]) == b.pairs[0]


@pytest.mark.parametrize("rule", [{"require_senior": True}, {"max_per_org": 1}, {"max_per_org": 2}])
def test_one_side_rule_by_flow_equals_the_integer_program(rule):
    """One side rule alone stays a network (min-cost flow); the integer program agrees on the best quality."""
    from wuxiao.review.assignment.quality import compile_problem
    from wuxiao.review.assignment.solver import _milp

    rng = np.random.default_rng(1)
    codes = ["3421", "3422", "3411", "4411", "4412", "2611", "C", "D"]
    entries = [Entry(i, industry=codes[rng.integers(len(codes))]) for i in range(80)]
    experts = [Expert(1000 + j, organisation=int(rng.integers(6)), title=TITLE_RANKS[rng.integers(4)],
                      fields=[(codes[rng.integers(len(codes))][:int(rng.integers(1, 5))], int(rng.integers(1, 4)))])
               for j in range(20)]
    conflicts = {(int(rng.integers(80)), 1000 + int(rng.integers(20))): "本单位" for _ in range(60)}
    problem = Problem(entries, experts, reviews=4, load_min=10, load_max=20, conflicts=conflicts, seed=2,
                      pins=[(0, 1000), (1, 1001)], **rule)
    a = solve(problem)
    assert a.solver == "min_cost_flow" and broken(problem, a.pairs) == []
    c = compile_problem(problem)
    chosen, optimal = _milp(c, None)
    assert optimal and int(c.quality[chosen].sum()) == a.total_quality


def test_pins_that_leave_no_place_for_a_senior():
    entries = [Entry(27, category="制造"), Entry(33)]
    experts = [Expert(100), Expert(101, title=SENIOR), Expert(102)]
    reasons = _reasons(Problem(entries, experts, reviews=1, require_senior=True, pins=[(27, 100)]))
    assert [(r.code, r.entries) for r in reasons] == [("pin_no_senior", (27,))]
    assert reasons[0].message == "制造 entries 27: the pinned experts fill every place and none has a senior title."
