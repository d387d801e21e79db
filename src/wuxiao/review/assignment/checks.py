"""Why no assignment exists, in words (checks before the solve and max-flow cuts after it), and which
constraints a given set of pairs breaks (the office's hand edits)."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from ortools.graph.python import max_flow

from .model import SENIOR, Pair, Problem, Reason
from .quality import Compiled, compile_problem

LISTED = 10  # ids named in a message; the Reason carries them all


def _names(names: list[str]) -> str:
    shown = pgettext("list separator", ", ").join(names[:LISTED])
    if len(names) > LISTED:
        return _("%(shown)s and %(more)d more") % {"shown": shown, "more": len(names) - LISTED}
    return shown


def _entries_reason(c: Compiled, code: str, rows, with_category: str, without_category: str, **values) -> Reason:
    """A reason about entries, worded "能源 entries 12, 31 …" when they share a category."""
    rows = list(rows)
    categories = {c.entries[i].category for i in rows}
    category = categories.pop() if len(categories) == 1 else None
    values["entries"] = _names([c.entries[i].name for i in rows])
    if category:
        message = with_category % {"category": category, **values}
    else:
        message = without_category % values
    return Reason(code, message, entries=tuple(c.entries[i].id for i in rows), experts=values.pop("_experts", ()))


def _by_category(c: Compiled, rows):
    groups = defaultdict(list)
    for i in rows:
        groups[c.entries[i].category or ""].append(int(i))
    return [groups[key] for key in sorted(groups)]


class Reduced:
    """The problem once the pins are counted: what is left to assign."""

    def __init__(self, c: Compiled):
        self.pins_e = c.pinned.sum(axis=1)
        self.pins_x = c.pinned.sum(axis=0)
        self.k = np.maximum(c.k - self.pins_e, 0)
        self.hi = np.maximum(c.hi - self.pins_x, 0)
        self.lo = np.maximum(c.lo - self.pins_x, 0)
        self.free = c.allowed & ~c.pinned & (self.hi > 0)[None, :]


def precheck(c: Compiled) -> list[Reason]:
    """The plain checks: bad loads and pins, entries or experts with too few partners, global capacity, then
    Hall's condition for entries that share the same experts and for each category. Empty when all pass."""
    reasons = _check_inputs(c)
    if reasons:
        return reasons
    r = Reduced(c)
    reasons = _check_counts(c, r) + _check_side_rules(c, r)
    if reasons:
        return reasons
    return _check_groups(c, r)


def _check_inputs(c: Compiled) -> list[Reason]:
    p = c.problem
    reasons = []
    for j in np.flatnonzero(c.lo > c.hi):
        x = c.experts[j]
        reasons.append(Reason("load_bounds", _("Expert %(expert)s's minimum load (%(low)d) is above the maximum "
                                               "(%(high)d).") % {"expert": x.name, "low": c.lo[j], "high": c.hi[j]},
                              experts=(x.id,)))
    for entry_id, expert_id in sorted(p.pins, key=str):
        if entry_id not in c.entry_index or expert_id not in c.expert_index:
            reasons.append(Reason("pin_unknown", _("A pinned pair names an entry or expert not in this assignment "
                                                   "(entry %(entry)s, expert %(expert)s).")
                                  % {"entry": entry_id, "expert": expert_id}, (entry_id,), (expert_id,)))
            continue
        entry, expert = c.entries[c.entry_index[entry_id]], c.experts[c.expert_index[expert_id]]
        names = {"entry": entry.name, "expert": expert.name}
        if (entry_id, expert_id) in p.conflicts:
            reasons.append(Reason("pin_conflict", _("Expert %(expert)s is pinned to entry %(entry)s but has a conflict "
                                                    "of interest with it: %(reason)s.")
                                  % {**names, "reason": p.conflicts[Pair(entry_id, expert_id)]},
                                  (entry_id,), (expert_id,)))
        elif (entry_id, expert_id) in p.forbids:
            reasons.append(Reason("pin_forbidden", _("Expert %(expert)s is both pinned to and excluded from entry "
                                                     "%(entry)s.") % names, (entry_id,), (expert_id,)))
    pins_e, pins_x = c.pinned.sum(axis=1), c.pinned.sum(axis=0)
    for i in np.flatnonzero(pins_e > c.k):
        e = c.entries[i]
        reasons.append(Reason("pin_entry_over", _("Entry %(entry)s has %(pins)d pinned experts but needs only "
                                                  "%(needed)d.") % {"entry": e.name, "pins": pins_e[i], "needed": c.k[i]},
                              (e.id,)))
    for j in np.flatnonzero(pins_x > c.hi):
        x = c.experts[j]
        reasons.append(Reason("pin_expert_over", _("Expert %(expert)s is pinned to %(pins)d entries, more than their "
                                                   "maximum load (%(high)d).")
                              % {"expert": x.name, "pins": pins_x[j], "high": c.hi[j]}, experts=(x.id,)))
    if p.max_per_org is not None:
        pinned_rows, pinned_cols = np.nonzero(c.pinned & (c.org >= 0)[None, :])
        for i in np.unique(pinned_rows):
            cols = pinned_cols[pinned_rows == i]
            for org, count in Counter(c.org[cols].tolist()).items():
                if count > p.max_per_org:
                    same = [j for j in cols if c.org[j] == org]
                    reasons.append(Reason(
                        "pin_org", _("Entry %(entry)s has %(pins)d pinned experts of the same organisation "
                                     "(%(organisation)s); at most %(limit)d are allowed.")
                        % {"entry": c.entries[i].name, "pins": count, "limit": p.max_per_org,
                           "organisation": c.experts[same[0]].organisation},
                        (c.entries[i].id,), tuple(c.experts[j].id for j in same)))
    return reasons


def _check_counts(c: Compiled, r: Reduced) -> list[Reason]:
    reasons = []
    available = r.free.sum(axis=1)
    short = np.flatnonzero(available < r.k)
    groups = defaultdict(list)
    for i in short:
        groups[(c.entries[i].category or "", int(available[i] + r.pins_e[i]), int(c.k[i]))].append(int(i))
    for (_category, count, needed), rows in sorted(groups.items()):
        reasons.append(_entries_reason(
            c, "entry_few_experts", rows,
            _("%(category)s entries %(entries)s have only %(count)d experts without a conflict; %(needed)d are needed."),
            _("Entries %(entries)s have only %(count)d experts without a conflict; %(needed)d are needed."),
            count=count, needed=needed))
    takeable = r.free.sum(axis=0)
    groups = defaultdict(list)
    for j in np.flatnonzero(takeable < r.lo):
        groups[(int(takeable[j] + r.pins_x[j]), int(c.lo[j]))].append(int(j))
    for (count, low), cols in sorted(groups.items()):
        reasons.append(Reason(
            "expert_few_entries",
            _("Experts %(experts)s may review only %(count)d entries (the others are conflicts or exclusions), but "
              "their minimum load is %(low)d.") % {"experts": _names([c.experts[j].name for j in cols]),
                                                   "count": count, "low": low},
            experts=tuple(c.experts[j].id for j in cols)))
    needed = c.reviews_needed
    values = {"entries": len(c.entries), "reviews": c.problem.reviews, "needed": needed}
    if c.hi.sum() < needed:
        reasons.append(Reason("capacity", _("The experts' maximum loads add up to %(capacity)d reviews, but %(entries)d "
                                            "entries need %(needed)d; raise the maximum loads or add experts.")
                              % {**values, "capacity": int(c.hi.sum())}))
    if c.lo.sum() > needed:
        reasons.append(Reason("min_loads", _("The experts' minimum loads add up to %(low)d reviews, but %(entries)d "
                                             "entries need only %(needed)d; lower the minimum loads.")
                              % {**values, "low": int(c.lo.sum())}))
    return reasons


def _check_side_rules(c: Compiled, r: Reduced) -> list[Reason]:
    p = c.problem
    reasons = []
    if p.require_senior:
        has_pinned = (c.pinned & c.senior[None, :]).any(axis=1)
        lacking = np.flatnonzero(~has_pinned & ~(r.free & c.senior[None, :]).any(axis=1))
        for rows in _by_category(c, lacking):
            reasons.append(_entries_reason(
                c, "no_senior", rows,
                _("%(category)s entries %(entries)s have no expert with a senior title without a conflict."),
                _("Entries %(entries)s have no expert with a senior title without a conflict.")))
        filled = np.flatnonzero(~has_pinned & (r.k == 0) & (c.k > 0))
        for rows in _by_category(c, filled):
            reasons.append(_entries_reason(
                c, "pin_no_senior", rows,
                _("%(category)s entries %(entries)s: the pinned experts fill every place and none has a senior title."),
                _("Entries %(entries)s: the pinned experts fill every place and none has a senior title.")))
        wanting = ~has_pinned
        capacity = int(np.minimum(r.hi, (r.free & wanting[:, None]).sum(axis=0))[c.senior].sum())
        if not lacking.size and wanting.sum() > capacity:
            reasons.append(Reason("senior_capacity", _(
                "%(needed)d entries need an expert with a senior title, but the senior experts can take at most "
                "%(capacity)d of them.") % {"needed": int(wanting.sum()), "capacity": capacity}))
    if p.max_per_org is not None and len(c.experts):
        m = p.max_per_org
        known = c.org >= 0
        onehot = np.zeros((len(c.experts), max(1, int(c.org.max()) + 1)), dtype=np.int64)
        onehot[np.flatnonzero(known), c.org[known]] = 1
        usable_free = (r.free | c.pinned).astype(np.int64)
        per_org = usable_free @ onehot
        usable = np.minimum(per_org, m).sum(axis=1) + usable_free[:, ~known].sum(axis=1)
        short = np.flatnonzero(usable < c.k)
        groups = defaultdict(list)
        for i in short:
            groups[(c.entries[i].category or "", int(usable[i]), int(c.k[i]))].append(int(i))
        for (_category, count, needed), rows in sorted(groups.items()):
            reasons.append(_entries_reason(
                c, "org_limit", rows,
                _("%(category)s entries %(entries)s: with at most %(limit)d experts of one organisation, only "
                  "%(count)d of their experts can be used; %(needed)d are needed."),
                _("Entries %(entries)s: with at most %(limit)d experts of one organisation, only %(count)d of their "
                  "experts can be used; %(needed)d are needed."),
                limit=m, count=count, needed=needed))
    return reasons


def _check_groups(c: Compiled, r: Reduced) -> list[Reason]:
    """Hall's condition for entries with the very same experts available, and for each category."""
    reasons = []
    groups = defaultdict(list)
    for i in range(len(c.entries)):
        if r.k[i]:
            groups[r.free[i].tobytes()].append(i)
    for rows in groups.values():
        if len(rows) < 2:
            continue
        cols = np.flatnonzero(r.free[rows[0]])
        capacity = int(np.minimum(r.hi[cols], len(rows)).sum())
        needed = int(r.k[rows].sum())
        if needed > capacity:
            reasons.append(_entries_reason(
                c, "entries_same_experts", rows,
                _("%(category)s entries %(entries)s may be reviewed only by the same %(count)d experts, who can take at "
                  "most %(capacity)d of the %(needed)d reviews they still need."),
                _("Entries %(entries)s may be reviewed only by the same %(count)d experts, who can take at most "
                  "%(capacity)d of the %(needed)d reviews they still need."),
                count=len(cols), capacity=capacity, needed=needed,
                _experts=tuple(c.experts[j].id for j in cols)))
    if reasons:
        return reasons
    categories = defaultdict(list)
    for i, e in enumerate(c.entries):
        if e.category:
            categories[e.category].append(i)
    for category, rows in sorted(categories.items()):
        degree = r.free[rows].sum(axis=0)
        capacity = int(np.minimum(r.hi, degree).sum())
        needed = int(r.k[rows].sum())
        if needed > capacity:
            reasons.append(Reason("category_capacity", _(
                "The %(count)d %(category)s entries still need %(needed)d reviews, but the experts who may review them "
                "can take at most %(capacity)d.") % {"count": len(rows), "category": category, "needed": needed,
                                                      "capacity": capacity},
                entries=tuple(c.entries[i].id for i in rows)))
    return reasons


def _min_cut(n_nodes, tails, heads, caps, source, sink) -> tuple[int, np.ndarray]:
    """(maximum flow, bool mask of the nodes on the source side of a minimum cut)."""
    flow = max_flow.SimpleMaxFlow()
    if len(tails):
        flow.add_arcs_with_capacity(np.asarray(tails, dtype=np.int32), np.asarray(heads, dtype=np.int32),
                                    np.asarray(caps, dtype=np.int64))
    flow.add_arc_with_capacity(source, sink, 0)  # so that both nodes exist
    if flow.solve(source, sink) != flow.OPTIMAL:
        raise RuntimeError("max flow failed")
    side = np.zeros(n_nodes, dtype=bool)
    side[np.asarray(flow.get_source_side_min_cut(), dtype=np.int64)] = True
    return flow.optimal_flow(), side


def diagnose(c: Compiled, fallback: bool = True) -> list[Reason]:
    """Max-flow cuts: a set of entries whose experts cannot give them their reviews (Hall), or a set of experts
    who cannot reach their minimum loads. By the linkage property of flows, one of the two exists whenever the
    plain problem (without side rules) has no assignment."""
    r = Reduced(c)
    n, m = len(c.entries), len(c.experts)
    rows, cols = np.nonzero(r.free)
    source, sink = n + m, n + m + 1
    reasons = []
    # Entries first: source -> entry (k) -> expert (1) -> sink (max load).
    flow, side = _min_cut(n + m + 2,
                          np.concatenate([np.full(n, source), rows, n + np.arange(m)]),
                          np.concatenate([np.arange(n), n + cols, np.full(m, sink)]),
                          np.concatenate([r.k, np.ones(len(rows), dtype=np.int64), r.hi]), source, sink)
    if flow < r.k.sum():
        deficient = np.flatnonzero(side[:n])
        capacity = int(flow - r.k[~side[:n]].sum() + r.pins_e[deficient].sum())
        experts = np.flatnonzero(r.free[deficient].any(axis=0) | c.pinned[deficient].any(axis=0))
        reasons.append(_entries_reason(
            c, "entries_deficient", deficient,
            _("%(category)s entries %(entries)s need %(needed)d reviews together, but the %(count)d experts who may "
              "review them can take at most %(capacity)d."),
            _("Entries %(entries)s need %(needed)d reviews together, but the %(count)d experts who may review them can "
              "take at most %(capacity)d."),
            needed=int(c.k[deficient].sum()), count=len(experts), capacity=capacity,
            _experts=tuple(c.experts[j].id for j in experts)))
    # Then minimum loads: source -> expert (min load) -> entry (1) -> sink (k).
    flow, side = _min_cut(n + m + 2,
                          np.concatenate([np.full(m, source), n + cols, np.arange(n)]),
                          np.concatenate([n + np.arange(m), rows, np.full(n, sink)]),
                          np.concatenate([r.lo, np.ones(len(rows), dtype=np.int64), r.k]), source, sink)
    if flow < r.lo.sum():
        deficient = np.flatnonzero(side[n:n + m])
        capacity = int(flow - r.lo[~side[n:n + m]].sum() + r.pins_x[deficient].sum())
        reasons.append(Reason("experts_deficient", _(
            "Experts %(experts)s must review at least %(needed)d entries together, but the entries they may review "
            "can give them at most %(capacity)d.") % {"experts": _names([c.experts[j].name for j in deficient]),
                                                      "needed": int(c.lo[deficient].sum()), "capacity": capacity},
            experts=tuple(c.experts[j].id for j in deficient)))
    if not reasons and c.problem.require_senior:
        reasons += _diagnose_seniors(c, r)
    if not reasons and fallback:
        if c.problem.side_rules:
            reasons.append(Reason("side_rules", _(
                "Each rule can be met alone, but no assignment meets the extra rules (a senior expert on every entry, "
                "a limit of experts of one organisation) together with the loads; relax one of them.")))
        else:
            reasons.append(Reason("unknown", _("No assignment meets every constraint.")))
    return reasons


def _diagnose_seniors(c: Compiled, r: Reduced) -> list[Reason]:
    """Entries without a pinned senior expert -> senior experts (1 each) -> sink (max load)."""
    n, m = len(c.entries), len(c.experts)
    wanting = ~(c.pinned & c.senior[None, :]).any(axis=1)
    rows, cols = np.nonzero(r.free & wanting[:, None] & c.senior[None, :])
    source, sink = n + m, n + m + 1
    flow, side = _min_cut(n + m + 2,
                          np.concatenate([np.full(n, source), rows, n + np.arange(m)]),
                          np.concatenate([np.arange(n), n + cols, np.full(m, sink)]),
                          np.concatenate([wanting.astype(np.int64), np.ones(len(rows), dtype=np.int64), r.hi]),
                          source, sink)
    if flow >= wanting.sum():
        return []
    deficient = np.flatnonzero(side[:n] & wanting)
    seniors = np.flatnonzero(r.free[deficient].any(axis=0) & c.senior)
    capacity = int(flow - wanting[~side[:n]].sum())
    return [_entries_reason(
        c, "senior_deficient", deficient,
        _("%(category)s entries %(entries)s each need an expert with a senior title, but the %(count)d senior "
          "experts who may review them can take at most %(capacity)d of them."),
        _("Entries %(entries)s each need an expert with a senior title, but the %(count)d senior experts who "
          "may review them can take at most %(capacity)d of them."),
        count=len(seniors), capacity=capacity, _experts=tuple(c.experts[j].id for j in seniors))]


def explain(problem: Problem) -> list[Reason]:
    """The reasons the checks and cuts find why the problem has no assignment, without solving it (empty when they
    find none; the integer program of the side rules may still find none)."""
    c = compile_problem(problem)
    return precheck(c) or diagnose(c, fallback=False)


def validate(problem: Problem, pairs) -> list[Reason]:
    """Every constraint that these pairs break, one reason each (empty when the assignment is valid)."""
    c = compile_problem(problem)
    p = problem
    reasons = []
    seen = Counter(Pair(*pair) for pair in pairs)
    by_entry, by_expert = defaultdict(list), defaultdict(list)
    for pair, count in seen.items():
        entry_id, expert_id = pair
        if entry_id not in c.entry_index or expert_id not in c.expert_index:
            reasons.append(Reason("pair_unknown", _("The pair (entry %(entry)s, expert %(expert)s) names an entry or "
                                                    "expert not in this assignment.")
                                  % {"entry": entry_id, "expert": expert_id}, (entry_id,), (expert_id,)))
            continue
        names = {"entry": c.entries[c.entry_index[entry_id]].name, "expert": c.experts[c.expert_index[expert_id]].name}
        if count > 1:
            reasons.append(Reason("pair_duplicate", _("Expert %(expert)s is assigned to entry %(entry)s more than "
                                                      "once.") % names, (entry_id,), (expert_id,)))
        if pair in p.conflicts:
            reasons.append(Reason("conflict", _("Expert %(expert)s has a conflict of interest with entry %(entry)s: "
                                                "%(reason)s.") % {**names, "reason": p.conflicts[pair]},
                                  (entry_id,), (expert_id,)))
        if pair in p.forbids:
            reasons.append(Reason("forbidden", _("Expert %(expert)s is excluded from entry %(entry)s.") % names,
                                  (entry_id,), (expert_id,)))
        by_entry[entry_id].append(expert_id)
        by_expert[expert_id].append(entry_id)
    for entry_id, expert_id in sorted(p.pins - set(seen), key=str):
        if entry_id in c.entry_index and expert_id in c.expert_index:
            reasons.append(Reason("pin_missing", _("Expert %(expert)s is pinned to entry %(entry)s but not assigned "
                                                   "to it.") % {"entry": c.entries[c.entry_index[entry_id]].name,
                                                                "expert": c.experts[c.expert_index[expert_id]].name},
                                  (entry_id,), (expert_id,)))
    for i, e in enumerate(c.entries):
        experts = [c.experts[c.expert_index[x]] for x in by_entry.get(e.id, [])]
        if len(experts) != c.k[i]:
            reasons.append(Reason("entry_count", _("Entry %(entry)s has %(count)d experts; %(needed)d are needed.")
                                  % {"entry": e.name, "count": len(experts), "needed": c.k[i]}, (e.id,)))
        if p.require_senior and experts and not any(x.title == SENIOR for x in experts):
            reasons.append(Reason("no_senior", _("Entry %(entry)s has no expert with a senior title.")
                                  % {"entry": e.name}, (e.id,)))
        if p.max_per_org is not None:
            orgs = Counter(x.organisation for x in experts if x.organisation is not None)
            for org, count in sorted(orgs.items(), key=str):
                if count > p.max_per_org:
                    reasons.append(Reason("org_limit", _(
                        "Entry %(entry)s has %(count)d experts of the same organisation (%(organisation)s); at most "
                        "%(limit)d are allowed.") % {"entry": e.name, "count": count, "organisation": org,
                                                     "limit": p.max_per_org},
                        (e.id,), tuple(x.id for x in experts if x.organisation == org)))
    for j, x in enumerate(c.experts):
        load = len(by_expert.get(x.id, []))
        if load < c.lo[j]:
            reasons.append(Reason("load_low", _("Expert %(expert)s has %(count)d entries; the minimum is %(low)d.")
                                  % {"expert": x.name, "count": load, "low": c.lo[j]}, experts=(x.id,)))
        if load > c.hi[j]:
            reasons.append(Reason("load_high", _("Expert %(expert)s has %(count)d entries; the maximum is %(high)d.")
                                  % {"expert": x.name, "count": load, "high": c.hi[j]}, experts=(x.id,)))
    return reasons
