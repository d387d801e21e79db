"""The second round's assignment (issue 10, benchmarks): 5,000 entries × 300 experts × 5 reviews.

Synthetic but realistic: the entries' industry codes are GB/T 4754-2017 classes (../shared/data/gbt4754_2017.csv),
drawn mostly from manufacturing, power, construction, transport and mining as 五小 entries are; each expert has
1–3 fields at any level of the standard (class, group, division or section) with a self-rated depth 1–3, one of
120 organisations and a professional title; about 2% of the pairs are random conflicts of interest. Loads within
[60, 110] (ten experts capped at 40). Prints, for the optimal min-cost flow (OR-Tools) and a greedy baseline
(each entry in turn takes its best free experts), the wall and CPU time, the total match quality, the worst and
lowest load and whether every constraint holds (`validate`); then the integer program of the side rules (a senior
expert per entry, at most 2 experts of one organisation per entry): each alone (still a min-cost flow) on the
full instance, both together (the integer program) on 1,000 × 60 and 2,000 × 120, on the full instance only with
--full-milp (it did not finish in 20 minutes on the loaded machine). And a re-assignment after 3 experts decline.
The machine is shared: CPU time (time.process_time) is printed beside the wall time.
"""

import csv
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
# ../shared beside the main checkout (a worktree under /work/wt/ finds it one level further up).
CODES = next((d / "data" / "gbt4754_2017.csv" for d in (REPO.parent / "shared", REPO.parent.parent / "shared")
              if (d / "data" / "gbt4754_2017.csv").exists()), REPO.parent / "shared" / "data" / "gbt4754_2017.csv")
SECTION_WEIGHTS = {"C": 50, "D": 12, "E": 8, "G": 8, "B": 6, "I": 5, "M": 4, "N": 3, "A": 2, "F": 2}
CATEGORY = {"C": "制造", "D": "能源", "E": "建筑", "G": "交通", "B": "采矿", "I": "信息"}


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuxiao.settings")
    import django

    django.setup()


def classes_by_section() -> dict[str, list[str]]:
    parent, level = {}, {}
    with CODES.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            parent[row["code"]], level[row["code"]] = row["parent"], row["level"]
    out = defaultdict(list)
    for code, lvl in level.items():
        if lvl == "class":
            section = code
            while level[section] != "section":
                section = parent[section]
            out[section].append(code)
    return out


def instance(n_entries: int, n_experts: int, *, reviews=5, low=60, high=110, conflict_rate=0.02, seed=1):
    from wuxiao.review.assignment import ASSOCIATE, INTERMEDIATE, OTHER, SENIOR, Entry, Expert, Problem

    rng = random.Random(seed)
    classes = classes_by_section()
    sections, weights = zip(*SECTION_WEIGHTS.items())
    # Entries cluster on popular classes, as real competitions do.
    popular = {s: rng.sample(classes[s], min(len(classes[s]), 25)) for s in sections}

    def industry():
        section = rng.choices(sections, weights)[0]
        return section, rng.choice(popular[section] if rng.random() < 0.8 else classes[section])

    entries = []
    for i in range(n_entries):
        section, code = industry()
        entries.append(Entry(i + 1, industry=code, category=CATEGORY.get(section, "其他")))
    experts = []
    for j in range(n_experts):
        fields = []
        for _ in range(rng.choice((1, 2, 2, 3))):
            code = industry()[1]
            cut = rng.choices((4, 3, 2, 1), (3, 3, 3, 1))[0]
            fields.append((code[:cut] if cut > 1 else industry()[0], rng.randint(1, 3)))
        title = rng.choices((SENIOR, ASSOCIATE, INTERMEDIATE, OTHER), (30, 40, 20, 10))[0]
        capped = j < n_experts // 30
        experts.append(Expert(10_000 + j, organisation=rng.randrange(max(2, n_experts * 2 // 5)), title=title,
                              fields=fields, load_max=low * 2 // 3 if capped else None,
                              load_min=0 if capped else None))
    conflicts = {}
    n_conflicts = int(conflict_rate * n_entries * n_experts)
    while len(conflicts) < n_conflicts:
        conflicts[(rng.randrange(n_entries) + 1, 10_000 + rng.randrange(n_experts))] = "本单位"
    return Problem(entries, experts, reviews=reviews, load_min=low, load_max=high, conflicts=conflicts, seed=seed,
                   time_limit=300)


def greedy(problem):
    """Each entry in turn takes the k allowed experts of best cost that still have room (min loads ignored)."""
    from wuxiao.review.assignment.quality import compile_problem

    c = compile_problem(problem)
    load = np.zeros(len(c.experts), dtype=np.int64)
    pairs = []
    for i in range(len(c.entries)):
        cost = c.costs(np.full(len(c.experts), i), np.arange(len(c.experts))).astype(float)
        cost[~c.allowed[i] | (load >= c.hi)] = np.inf
        best = np.argsort(cost, kind="stable")[:c.k[i]]
        best = best[np.isfinite(cost[best])]
        load[best] += 1
        pairs += [c.pair(i, j) for j in best]
    quality = int(sum(c.quality[c.entry_index[e], c.expert_index[x]] for e, x in pairs))
    return pairs, quality, load


def report(name, problem, pairs, quality, load, wall, cpu):
    from wuxiao.review.assignment import validate

    broken = validate(problem, pairs)
    kinds = sorted({r.code for r in broken})
    print(f"  {name:<16} {wall:6.2f} s wall {cpu:6.2f} s CPU; quality {quality:>7} "
          f"(mean {quality / max(1, len(pairs)):.1f} per review); load {min(load)}–{max(load)}; "
          f"{len(broken)} violations {kinds if kinds else ''}", flush=True)


def run_flow(n_entries, n_experts):
    from wuxiao.review.assignment import solve

    started, cpu = time.perf_counter(), time.process_time()
    problem = instance(n_entries, n_experts)
    print(f"{n_entries} entries × {n_experts} experts × {problem.reviews} reviews, {len(problem.conflicts)} conflicts "
          f"(instance built in {time.perf_counter() - started:.1f} s)", flush=True)
    started, cpu = time.perf_counter(), time.process_time()
    a = solve(problem)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    report("min-cost flow", problem, a.pairs, a.total_quality, list(a.load.values()), wall, cpu)
    started, cpu = time.perf_counter(), time.process_time()
    pairs, quality, load = greedy(problem)
    report("greedy", problem, pairs, quality, load.tolist(), time.perf_counter() - started,
           time.process_time() - cpu)
    started, cpu = time.perf_counter(), time.process_time()
    again = solve(problem)
    print(f"  same seed again: {'identical' if again.pairs == a.pairs else 'DIFFERENT'} "
          f"({time.perf_counter() - started:.2f} s wall, {time.process_time() - cpu:.2f} s CPU)", flush=True)


def run_side_rules(n_entries, n_experts, **rules):
    import dataclasses

    from wuxiao.review.assignment import Infeasible, solve

    problem = dataclasses.replace(instance(n_entries, n_experts), **rules)
    started, cpu = time.perf_counter(), time.process_time()
    try:
        a = solve(problem)
    except Infeasible as e:
        print(f"  {rules}, {n_entries} × {n_experts}: infeasible: {e}")
        return
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    plain = solve(instance(n_entries, n_experts))
    name = " + ".join(f"{k}={v}" for k, v in rules.items())
    report(f"{a.solver} {n_entries}×{n_experts}", problem, a.pairs, a.total_quality, list(a.load.values()), wall, cpu)
    print(f"    {name}: {'proven optimal' if a.optimal else 'NOT proven optimal (time limit)'}; "
          f"quality {a.total_quality} vs {plain.total_quality} without side rules", flush=True)


def run_reassign(n_entries, n_experts, declined=3):
    from wuxiao.review.assignment import reassign, solve

    problem = instance(n_entries, n_experts)
    current = solve(problem)
    gone = [x.id for x in problem.experts[-declined:]]
    started, cpu = time.perf_counter(), time.process_time()
    r = reassign(problem, current, remove_experts=gone)
    lost = sum(current.load[x] for x in gone)
    print(f"  re-assignment after {declined} experts decline ({lost} of their pairs): {r.changed} pairs changed "
          f"({len(r.removed)} removed, {len(r.added)} added); {time.perf_counter() - started:.2f} s wall "
          f"{time.process_time() - cpu:.2f} s CPU", flush=True)


if __name__ == "__main__":
    setup_django()
    run_flow(5000, 300)
    run_reassign(5000, 300)
    print("side rules: one alone stays a min-cost flow; both together are an integer program (SciPy/HiGHS)",
          flush=True)
    run_side_rules(5000, 300, require_senior=True)
    run_side_rules(5000, 300, max_per_org=2)
    sizes = [(1000, 60), (2000, 120)] + ([(5000, 300)] if "--full-milp" in sys.argv else [])
    for n_entries, n_experts in sizes:
        run_side_rules(n_entries, n_experts, require_senior=True, max_per_org=2)
