"""Match quality between an entry's GB/T 4754-2017 industry code and an expert's fields, the seeded
tie-break, and the problem compiled into arrays that the solvers and checks share.

Quality of a pair, 0–100: the deepest level at which one of the expert's fields and the entry's code
agree (class 4 digits > group 3 > division 2 > section letter > none), in points, times the weight of the
expert's self-rated depth for that field; the best field counts. The points are chosen so that a deeper
match always wins whatever the depth: class 60–100, group 30–50, division 15–25, section 6–10.

Cost of a pair, an integer: -quality × scale + t, where t (0 ≤ t < TIE_RANGE) is the pair's tie-break, a
hash of (seed, entry id, expert id) (`tie_break`, reproducible by anyone from the recorded seed) and
scale = TIE_RANGE × (number of reviews), so that all tie-breaks together weigh less than one point of
quality: the assignment maximises the total quality, and among equal ones the seed decides (专家随机抽取).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from .model import SENIOR, Pair, Problem

LEVEL_POINTS = (0, 10, 25, 50, 100)  # none, section, division, group, class
DEPTH_WEIGHT = {1: 0.6, 2: 0.8, 3: 1.0}
TIE_RANGE = 1000

_SECTIONS = {"A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52),
             "G": (53, 60), "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70), "L": (71, 72),
             "M": (73, 75), "N": (76, 79), "O": (80, 82), "P": (83, 83), "Q": (84, 85), "R": (86, 90),
             "S": (91, 96), "T": (97, 97)}
_SECTION_OF = {f"{d:02d}": letter for letter, (lo, hi) in _SECTIONS.items() for d in range(lo, hi + 1)}


def code_chain(code: str | None) -> tuple[str, ...]:
    """The code and its ancestors, from the section down: "3421" -> ("C", "34", "342", "3421"); () when the
    code is empty or names no division of the standard (it then matches nothing)."""
    code = (code or "").strip().upper()
    if not code:
        return ()
    if code[0].isalpha():
        letter, digits = code[0], code[1:]
        if not digits:
            return (letter,) if letter in _SECTIONS else ()
    else:
        letter, digits = None, code
    if not digits.isdigit() or len(digits) < 2:
        return (letter,) if letter in _SECTIONS else ()
    digits = digits[:4]
    section = _SECTION_OF.get(digits[:2])
    if section is None or (letter and letter != section):
        return ()
    return (section,) + tuple(digits[:n] for n in range(2, len(digits) + 1))


def match_level(entry_code: str | None, field_code: str | None) -> int:
    """0 none, 1 section, 2 division, 3 group, 4 class: how deep the two codes agree."""
    level = 0
    for a, b in zip(code_chain(entry_code), code_chain(field_code)):
        if a != b:
            break
        level += 1
    return level


def field_quality(level: int, depth: int) -> int:
    return round(LEVEL_POINTS[level] * DEPTH_WEIGHT[min(3, max(1, int(depth)))])


def pair_quality(entry_code: str | None, fields) -> int:
    """The quality (0–100) of an expert with these (code, depth) fields for an entry with this code."""
    return max((field_quality(match_level(entry_code, code), depth) for code, depth in fields), default=0)


# --- the seeded tie-break: splitmix64 over 64-bit keys of the seed and the ids ------------------------

_M64 = (1 << 64) - 1


def _key(value) -> int:
    return int.from_bytes(hashlib.blake2b(str(value).encode(), digest_size=8).digest(), "little")


def _mix(x):
    """splitmix64's finaliser, on Python ints or uint64 arrays."""
    if isinstance(x, np.ndarray):
        with np.errstate(over="ignore"):
            x = x + np.uint64(0x9E3779B97F4A7C15)
            x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            return x ^ (x >> np.uint64(31))
    x = (x + 0x9E3779B97F4A7C15) & _M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


def tie_break(seed: int, entry_id, expert_id) -> int:
    """The pair's tie-break, 0 ≤ t < TIE_RANGE: mix(mix(key(seed) ^ key(entry)) ^ key(expert)) mod TIE_RANGE,
    key = the first 8 bytes (little-endian) of BLAKE2b of the value's text. Independent of the other pairs."""
    return _mix(_mix(_key(seed) ^ _key(entry_id)) ^ _key(expert_id)) % TIE_RANGE


def tie_break_matrix(seed: int, entry_ids, expert_ids) -> np.ndarray:
    rows = _mix(np.array([_key(seed) ^ _key(e) for e in entry_ids], dtype=np.uint64))
    cols = np.array([_key(x) for x in expert_ids], dtype=np.uint64)
    return (_mix(rows[:, None] ^ cols[None, :]) % np.uint64(TIE_RANGE)).astype(np.int64)


def quality_matrix(entry_codes, experts) -> np.ndarray:
    """Quality (entries × experts) computed once per distinct entry code, through the codes' ancestors."""
    best: dict[str, dict[int, int]] = {}  # code at some level -> {expert index: best quality at that level}
    for j, expert in enumerate(experts):
        for code, depth in expert.fields:
            chain = code_chain(code)
            for level, prefix in enumerate(chain, start=1):
                q = field_quality(level, depth)
                slot = best.setdefault(prefix, {})
                if q > slot.get(j, 0):
                    slot[j] = q
    codes = sorted({c or "" for c in entry_codes})
    index = {c: i for i, c in enumerate(codes)}
    per_code = np.zeros((len(codes), len(experts)), dtype=np.int64)
    for i, code in enumerate(codes):
        for prefix in code_chain(code):
            for j, q in best.get(prefix, {}).items():
                per_code[i, j] = max(per_code[i, j], q)
    return per_code[np.array([index[c or ""] for c in entry_codes], dtype=np.int64)].reshape(
        len(entry_codes), len(experts))


# --- the problem as arrays -------------------------------------------------------------------------

def _sort_key(value):
    return (0, value, "") if isinstance(value, int) and not isinstance(value, bool) else (1, 0, str(value))


@dataclass
class Compiled:
    """The problem in canonical order (ids sorted), as arrays; row i = entries[i], column j = experts[j]."""

    problem: Problem
    entries: list
    experts: list
    entry_index: dict
    expert_index: dict
    k: np.ndarray  # reviews per entry
    lo: np.ndarray  # minimum load per expert
    hi: np.ndarray  # maximum load per expert
    quality: np.ndarray  # int, entries × experts
    tie: np.ndarray  # int, entries × experts
    allowed: np.ndarray  # bool: no conflict, not forbidden
    pinned: np.ndarray  # bool: pins between known ids
    senior: np.ndarray  # bool per expert
    org: np.ndarray  # organisation number per expert, -1 when unknown
    scale: int

    @property
    def reviews_needed(self) -> int:
        return int(self.k.sum())

    def costs(self, rows, cols) -> np.ndarray:
        return -self.quality[rows, cols] * self.scale + self.tie[rows, cols]

    def pair(self, i, j) -> Pair:
        return Pair(self.entries[i].id, self.experts[j].id)


def compile_problem(problem: Problem, extra_forbids=()) -> Compiled:
    entries = sorted(problem.entries, key=lambda e: _sort_key(e.id))
    experts = sorted(problem.experts, key=lambda x: _sort_key(x.id))
    entry_index = {e.id: i for i, e in enumerate(entries)}
    expert_index = {x.id: j for j, x in enumerate(experts)}
    n, m = len(entries), len(experts)
    k = np.array([problem.reviews_of(e) for e in entries], dtype=np.int64)
    loads = [problem.loads_of(x) for x in experts]
    lo = np.array([lo for lo, _ in loads], dtype=np.int64).reshape(m)
    hi = np.array([hi for _, hi in loads], dtype=np.int64).reshape(m)
    allowed = np.ones((n, m), dtype=bool)
    for pair in [*problem.conflicts, *problem.forbids, *extra_forbids]:
        i, j = entry_index.get(pair[0]), expert_index.get(pair[1])
        if i is not None and j is not None:
            allowed[i, j] = False
    pinned = np.zeros((n, m), dtype=bool)
    for entry_id, expert_id in problem.pins:
        i, j = entry_index.get(entry_id), expert_index.get(expert_id)
        if i is not None and j is not None:
            pinned[i, j] = True
    orgs: dict = {}
    org = np.array([-1 if x.organisation is None else orgs.setdefault(x.organisation, len(orgs)) for x in experts],
                   dtype=np.int64).reshape(m)
    return Compiled(
        problem=problem, entries=entries, experts=experts, entry_index=entry_index, expert_index=expert_index,
        k=k, lo=lo, hi=hi,
        quality=quality_matrix([e.industry for e in entries], experts),
        tie=tie_break_matrix(problem.seed, [e.id for e in entries], [x.id for x in experts]),
        allowed=allowed, pinned=pinned,
        senior=np.array([x.title == SENIOR for x in experts], dtype=bool).reshape(m),
        org=org, scale=TIE_RANGE * max(1, int(k.sum())))
