"""A greedy baseline to compare the optimal assignment with (issue 10's benchmark; shown beside each run).

Each entry in turn (canonical order) takes the k allowed experts of best cost that still have room. Minimum
loads and the side rules are ignored, so it may leave entries short or break those rules: it is only a yardstick.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import Pair, Problem
from .quality import compile_problem


@dataclass
class Baseline:
    pairs: tuple[Pair, ...]
    total_quality: int
    total_cost: int  # as Assignment.total_cost: -quality × scale + tie-breaks
    worst_load: int
    lowest_load: int
    complete: bool  # every entry got its k experts


def greedy(problem: Problem) -> Baseline:
    c = compile_problem(problem)
    n, m = len(c.entries), len(c.experts)
    load = np.zeros(m, dtype=np.int64)
    pins = c.pinned.copy()
    load += pins.sum(axis=0)
    pairs, quality, total_cost, complete = [], 0, 0, True
    columns = np.arange(m)
    for i in range(n):
        chosen = list(np.flatnonzero(pins[i]))
        need = int(c.k[i]) - len(chosen)
        if need > 0:
            cost = c.costs(np.full(m, i), columns).astype(float)
            cost[~c.allowed[i] | (load >= c.hi) | pins[i]] = np.inf
            best = np.argsort(cost, kind="stable")[:need]
            best = best[np.isfinite(cost[best])]
            load[best] += 1
            chosen += best.tolist()
            complete &= len(best) == need
        pairs += [c.pair(i, j) for j in chosen]
        if chosen:
            quality += int(c.quality[i, chosen].sum())
            total_cost += int(c.costs(np.full(len(chosen), i), np.array(chosen)).sum())
    return Baseline(pairs=tuple(pairs), total_quality=quality, total_cost=total_cost,
                    worst_load=int(load.max(initial=0)), lowest_load=int(load.min(initial=0)), complete=bool(complete))
