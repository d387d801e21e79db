"""Solving: min-cost flow (OR-Tools) for the plain problem, an integer program (SciPy/HiGHS) when the side rules
are on, and re-assignment that keeps as many existing pairs as possible."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
from django.utils.translation import gettext as _
from ortools.graph.python import min_cost_flow

from .checks import Reduced, diagnose, precheck
from .model import Assignment, Infeasible, Pair, Problem, Reason, Reassignment
from .quality import TIE_RANGE, Compiled, compile_problem

_LIMIT = 1 << 62  # OR-Tools' costs are int64 and scaled by the number of nodes


def solve(problem: Problem) -> Assignment:
    """The optimal assignment: each entry gets its k experts, each expert's load stays within [min, max], pins are
    kept, conflicts and forbidden pairs never used, the side rules (when on) met; the total match quality is the
    largest possible and the seed breaks ties. Raises Infeasible with the reasons in words."""
    started, cpu = time.perf_counter(), time.process_time()
    c = compile_problem(problem)
    chosen, solver, optimal = _solve(c)
    return _assignment(c, chosen, solver, optimal, started, cpu)


def reassign(problem: Problem, current, *, remove_experts=(), remove_pairs=()) -> Reassignment:
    """A new assignment that keeps as many pairs of `current` (an Assignment or (entry, expert) pairs) as possible,
    optimal among those. `remove_experts` (declined) leave the problem, `remove_pairs` (recused) become forbidden;
    pairs of `current` that the problem no longer allows (a new conflict) go too. Pins of removed experts or pairs
    are dropped."""
    started, cpu = time.perf_counter(), time.process_time()
    current = [Pair(*p) for p in (current.pairs if isinstance(current, Assignment) else current)]
    gone_experts, gone_pairs = set(remove_experts), {Pair(*p) for p in remove_pairs}
    problem = dataclasses.replace(
        problem,
        experts=[x for x in problem.experts if x.id not in gone_experts],
        pins=[p for p in problem.pins if p.expert not in gone_experts and p not in gone_pairs],
        forbids=set(problem.forbids) | gone_pairs)
    c = compile_problem(problem)
    keep = np.zeros_like(c.allowed)
    for entry_id, expert_id in current:
        i, j = c.entry_index.get(entry_id), c.expert_index.get(expert_id)
        if i is not None and j is not None:
            keep[i, j] = c.allowed[i, j]
    chosen, solver, optimal = _solve(c, keep)
    new = _assignment(c, chosen, solver, optimal, started, cpu)
    now, before = set(new.pairs), set(current)
    return Reassignment(new, kept=tuple(p for p in new.pairs if p in before),
                        removed=tuple(sorted(before - now, key=str)), added=tuple(p for p in new.pairs if p not in before))


def _solve(c: Compiled, keep: np.ndarray | None = None) -> tuple[np.ndarray, str, bool]:
    reasons = precheck(c)
    if reasons:
        raise Infeasible(reasons)
    p = c.problem
    if p.require_senior and p.max_per_org is not None:
        chosen, optimal = _milp(c, keep)
        solver = "milp"
    else:  # one side rule alone is still a network: (entry, group of experts) nodes carry it
        chosen, optimal, solver = _flow(c, keep), True, "min_cost_flow"
    if chosen is None:
        raise Infeasible(diagnose(c))
    return chosen, solver, optimal


def _objective(c: Compiled, rows, cols, keep, tie_divisor: int = 1) -> tuple[np.ndarray, int]:
    """Integer costs of the free pairs (and the scale), with a bonus on pairs to keep so large that keeping one more
    pair outweighs any difference of quality and tie-breaks."""
    tie_range = -(-TIE_RANGE // tie_divisor)
    scale = tie_range * max(1, int(c.k.sum()))
    cost = -c.quality[rows, cols] * scale + c.tie[rows, cols] // tie_divisor
    if keep is not None:
        spread = int(c.quality.max(initial=0)) * scale + tie_range
        cost = cost - (spread * max(1, int(c.k.sum())) + 1) * keep[rows, cols]
    return cost, scale


def _groups(c: Compiled, r: Reduced, rows, cols):
    """For one side rule, the (entry, group) nodes between entries and experts: (group of each free pair, or -1 when
    the pair hangs from its entry directly; entry, lower bound and capacity of each group). At most m experts of one
    organisation: one group per organisation, capacity m less the pinned ones. At least one senior expert: the
    entry's senior experts form a group with lower bound 1 unless a senior is pinned. None when no side rule is on."""
    p = c.problem
    if p.max_per_org is not None:
        key = c.org[cols]  # -1: organisation unknown, never limited
    elif p.require_senior:
        key = c.senior[cols].astype(np.int64)
    else:
        return None
    width = (int(c.org.max(initial=0)) if p.max_per_org is not None else 1) + 2  # codes entry × width + key + 1
    groups, group_of, size = np.unique(rows * width + key + 1, return_inverse=True, return_counts=True)
    entry, gkey = groups // width, groups % width - 1
    cap = r.k[entry].copy()
    low = np.zeros(len(groups), dtype=np.int64)
    if p.max_per_org is not None:
        limited = gkey >= 0
        room = p.max_per_org - _pinned_per_org(c, groups, width)
        cap[limited] = np.minimum(cap[limited], np.maximum(room, 0)[limited])
    else:
        wanting = ~(c.pinned & c.senior[None, :]).any(axis=1)
        low[(gkey == 1) & wanting[entry]] = 1
        low = np.minimum(low, cap)
    # Only groups that can bind need a node; the other pairs hang from their entry directly.
    needed = (low > 0) | (size > cap)
    number = np.cumsum(needed) - 1
    group_of = np.where(needed[group_of], number[group_of], -1)
    return group_of, entry[needed], low[needed], cap[needed]


def _pinned_per_org(c: Compiled, groups, width) -> np.ndarray:
    """How many pinned experts each (entry, organisation) group, coded entry × width + organisation + 1, has."""
    pi, pj = np.nonzero(c.pinned & (c.org >= 0)[None, :])
    pinned, count = np.unique(pi * width + c.org[pj] + 1, return_counts=True)
    if not len(pinned):
        return np.zeros(len(groups), dtype=np.int64)
    at = np.minimum(np.searchsorted(pinned, groups), len(pinned) - 1)
    return np.where(pinned[at] == groups, count[at], 0)


def _flow(c: Compiled, keep) -> np.ndarray | None:
    r = Reduced(c)
    n, m = len(c.entries), len(c.experts)
    rows, cols = np.nonzero(r.free)
    groups = _groups(c, r, rows, cols)
    n_groups = 0 if groups is None else len(groups[1])
    nodes = n + m + 2 + n_groups
    divisor = 1
    while True:
        cost, _scale = _objective(c, rows, cols, keep, divisor)
        biggest = int(np.abs(cost).max(initial=0))
        if biggest * (nodes + 1) < _LIMIT and biggest * max(1, int(r.k.sum())) < _LIMIT or divisor >= TIE_RANGE:
            break
        divisor *= 10  # coarser tie-breaks keep the costs in int64 (only for very large re-assignments)
    source, sink = n + m, n + m + 1
    supplies = np.zeros(nodes, dtype=np.int64)
    # Minimum loads as demands: each expert must absorb lo of the flow, the sink the rest.
    supplies[n:n + m] = -r.lo
    supplies[source], supplies[sink] = r.k.sum(), r.lo.sum() - r.k.sum()
    if groups is None:
        tails, heads, caps = [np.full(n, source)], [np.arange(n)], [r.k]
        pair_tails = rows
    else:
        group_of, entry, low, cap = groups
        group_nodes = n + m + 2 + np.arange(n_groups)
        tails, heads, caps = [np.full(n, source), entry], [np.arange(n), group_nodes], [r.k, cap - low]
        np.subtract.at(supplies, entry, low)  # lower bounds on entry -> group arcs, as demands
        supplies[group_nodes] += low
        pair_tails = np.where(group_of >= 0, group_nodes[np.maximum(group_of, 0)] if n_groups else 0, rows)
    first_pair = sum(len(t) for t in tails)
    tails += [pair_tails, n + np.arange(m)]
    heads += [n + cols, np.full(m, sink)]
    caps += [np.ones(len(rows), dtype=np.int64), r.hi - r.lo]
    costs = np.zeros(sum(len(t) for t in tails), dtype=np.int64)
    costs[first_pair:first_pair + len(rows)] = cost
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int32), np.concatenate(heads).astype(np.int32),
        np.concatenate(caps).astype(np.int64), costs)
    flow.set_nodes_supplies(np.arange(nodes, dtype=np.int32), supplies)
    if flow.solve() != flow.OPTIMAL:
        return None
    used = flow.flows(arcs[first_pair:first_pair + len(rows)]) > 0
    chosen = c.pinned.copy()
    chosen[rows[used], cols[used]] = True
    return chosen


def _milp(c: Compiled, keep) -> tuple[np.ndarray | None, bool]:
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_array

    p = c.problem
    r = Reduced(c)
    n, m = len(c.entries), len(c.experts)
    rows, cols = np.nonzero(r.free)
    v = len(rows)
    if not v:  # the pins are the whole assignment (the checks before have passed them)
        return (c.pinned.copy(), True) if not r.k.any() and not r.lo.any() else (None, False)
    cost, scale = _objective(c, rows, cols, keep)
    objective = cost / scale  # in points of quality; the tie-breaks add less than one point altogether
    var = np.arange(v)
    ones = np.ones(v)
    constraints = [
        LinearConstraint(csr_array((ones, (rows, var)), shape=(n, v)), r.k, r.k),
        LinearConstraint(csr_array((ones, (cols, var)), shape=(m, v)), r.lo, r.hi),
    ]
    if p.require_senior:
        wanting = ~(c.pinned & c.senior[None, :]).any(axis=1)
        picked = c.senior[cols] & wanting[rows]
        which = np.flatnonzero(wanting)
        position = np.full(n, -1)
        position[which] = np.arange(len(which))
        constraints.append(LinearConstraint(
            csr_array((ones[picked], (position[rows[picked]], var[picked])), shape=(len(which), v)), 1, np.inf))
    if p.max_per_org is not None:
        known = c.org[cols] >= 0
        width = int(c.org.max(initial=0)) + 2
        groups, group_of, counts = np.unique(rows[known] * width + c.org[cols[known]] + 1, return_inverse=True,
                                             return_counts=True)
        room = p.max_per_org - _pinned_per_org(c, groups, width)
        binding = np.flatnonzero(counts > room)
        if len(binding):
            position = np.full(len(groups), -1)
            position[binding] = np.arange(len(binding))
            picked = position[group_of] >= 0
            constraints.append(LinearConstraint(
                csr_array((np.ones(picked.sum()), (position[group_of[picked]], var[known][picked])),
                          shape=(len(binding), v)), -np.inf, room[binding]))
    bound = float(np.abs(objective).sum()) if keep is not None else float((r.k * c.quality.max(axis=1, initial=0)).sum())
    options = {"time_limit": p.time_limit, "mip_rel_gap": min(1e-4, 0.5 / max(1.0, bound)), "presolve": True}
    result = milp(objective, integrality=np.ones(v), bounds=Bounds(0, 1), constraints=constraints, options=options)
    if result.x is None:
        if result.status == 1:
            raise Infeasible([Reason("time_limit", _(
                "The integer program of the extra rules found no assignment within %(seconds)d seconds; turn off an "
                "extra rule or allow more time.") % {"seconds": p.time_limit})])
        return None, False
    chosen = c.pinned.copy()
    used = result.x > 0.5
    chosen[rows[used], cols[used]] = True
    return chosen, result.status == 0


def _assignment(c: Compiled, chosen, solver, optimal, started, cpu) -> Assignment:
    ii, jj = np.nonzero(chosen)
    pairs = tuple(c.pair(i, j) for i, j in zip(ii.tolist(), jj.tolist()))
    quality = dict(zip(pairs, c.quality[ii, jj].tolist()))
    ties = dict(zip(pairs, c.tie[ii, jj].tolist()))
    loads = chosen.sum(axis=0)
    sums = np.bincount(ii, weights=c.quality[ii, jj], minlength=len(c.entries))
    counts = np.bincount(ii, minlength=len(c.entries))
    total_quality = int(c.quality[ii, jj].sum())
    return Assignment(
        pairs=pairs,
        load={x.id: int(loads[j]) for j, x in enumerate(c.experts)},
        quality=quality,
        entry_quality={e.id: round(float(sums[i] / counts[i]), 1) if counts[i] else 0.0
                       for i, e in enumerate(c.entries)},
        tie_breaks=ties,
        total_quality=total_quality,
        total_cost=-total_quality * c.scale + int(c.tie[ii, jj].sum()),
        solver=solver, optimal=optimal, seed=c.problem.seed,
        seconds=time.perf_counter() - started, cpu_seconds=time.process_time() - cpu)
