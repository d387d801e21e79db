"""The assignment's data: a problem in plain ids, its solution and the reasons it has none.

Pairs are always written (entry, expert), in this order, everywhere (`Pair`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

#: Professional title ranks (职称), highest first; "senior" is 正高级.
SENIOR, ASSOCIATE, INTERMEDIATE, OTHER = "senior", "associate", "intermediate", "other"
TITLE_RANKS = (SENIOR, ASSOCIATE, INTERMEDIATE, OTHER)


class Pair(NamedTuple):
    entry: Hashable
    expert: Hashable


@dataclass(frozen=True)
class Entry:
    id: Hashable
    industry: str | None = None  # GB/T 4754-2017 code, normally a class ("3421"); any level is accepted
    category: str | None = None  # shown in explanations ("能源 entries 12, 31 …")
    reviews: int | None = None  # overrides Problem.reviews (e.g. a second pass asks for 2 more)
    label: str | None = None  # how messages name the entry (its number); str(id) when empty

    @property
    def name(self) -> str:
        return self.label or str(self.id)


@dataclass(frozen=True)
class Expert:
    id: Hashable
    organisation: Hashable | None = None  # experts of one organisation (key) count together for max_per_org
    title: str = OTHER  # one of TITLE_RANKS
    fields: tuple[tuple[str, int], ...] = ()  # (GB/T 4754 code at any level, self-rated depth 1–3)
    load_min: int | None = None  # overrides Problem.load_min
    load_max: int | None = None  # overrides Problem.load_max
    label: str | None = None  # how messages name the expert; str(id) when empty

    def __post_init__(self):
        fields = self.fields.items() if isinstance(self.fields, Mapping) else self.fields
        object.__setattr__(self, "fields", tuple((str(code), int(depth)) for code, depth in fields))

    @property
    def name(self) -> str:
        return self.label or str(self.id)


@dataclass
class Problem:
    entries: list[Entry]
    experts: list[Expert]
    reviews: int = 5  # k experts per entry
    load_min: int = 0
    load_max: int | None = None  # None: no upper limit
    conflicts: Mapping[tuple, str] = field(default_factory=dict)  # (entry, expert) -> reason (回避)
    pins: Iterable[tuple] = ()  # (entry, expert) pairs that must be assigned
    forbids: Iterable[tuple] = ()  # (entry, expert) pairs that must not
    seed: int = 0  # the recorded draw: same seed, same assignment
    require_senior: bool = False  # side rule: at least one senior (正高级) expert per entry
    max_per_org: int | None = None  # side rule: at most m experts of one organisation per entry
    time_limit: float = 120.0  # seconds, for the integer program only

    def __post_init__(self):
        self.entries = list(self.entries)
        self.experts = list(self.experts)
        conflicts = self.conflicts.items() if isinstance(self.conflicts, Mapping) else self.conflicts
        self.conflicts = {Pair(*pair): reason for pair, reason in conflicts}
        self.pins = frozenset(Pair(*p) for p in self.pins)
        self.forbids = frozenset(Pair(*p) for p in self.forbids)

    @property
    def side_rules(self) -> bool:
        return self.require_senior or self.max_per_org is not None

    def reviews_of(self, entry: Entry) -> int:
        return self.reviews if entry.reviews is None else entry.reviews

    def loads_of(self, expert: Expert) -> tuple[int, int]:
        low = self.load_min if expert.load_min is None else expert.load_min
        high = self.load_max if expert.load_max is None else expert.load_max
        return low, len(self.entries) if high is None else high


@dataclass(frozen=True)
class Reason:
    """One reason why no assignment exists, or one violated constraint of a given assignment."""

    code: str  # stable key, e.g. "entry_few_experts", "capacity", "conflict"
    message: str  # translated words for the office
    entries: tuple = ()  # the entry ids concerned
    experts: tuple = ()  # the expert ids concerned

    def __str__(self):
        return self.message


class Infeasible(Exception):
    """No assignment meets every constraint; `reasons` say why in words."""

    def __init__(self, reasons: list[Reason]):
        self.reasons = list(reasons)
        super().__init__("\n".join(r.message for r in self.reasons))


@dataclass
class Assignment:
    pairs: tuple[Pair, ...]  # sorted
    load: dict  # expert id -> number of entries
    quality: dict  # Pair -> match quality (0–100)
    entry_quality: dict  # entry id -> mean match quality of its experts (0–100)
    tie_breaks: dict  # Pair -> its recorded random tie-break (0 ≤ t < TIE_RANGE)
    total_quality: int
    total_cost: int  # sum over pairs of -quality × scale + tie-break (scale = TIE_RANGE × pairs)
    solver: str  # "min_cost_flow" or "milp"
    optimal: bool  # False only when the integer program stopped at its time limit
    seed: int
    seconds: float  # wall time of the solve
    cpu_seconds: float  # process CPU time of the solve

    @property
    def worst_load(self) -> int:
        return max(self.load.values(), default=0)


@dataclass
class Reassignment:
    assignment: Assignment
    kept: tuple[Pair, ...]
    removed: tuple[Pair, ...]  # pairs of the current assignment that are gone
    added: tuple[Pair, ...]  # new pairs

    @property
    def changed(self) -> int:
        return len(self.removed) + len(self.added)
