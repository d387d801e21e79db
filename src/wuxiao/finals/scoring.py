"""The final round's arithmetic (R8–R10), apart from the database: the draw, the trimmed result of a
presentation, the proposal of the top N for site visits with the ties at its border, and the final
ranking with its ties. Pure functions over plain values, so that tests can compute them by hand.
"""

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(value: Decimal) -> Decimal:
    """Two decimals, halves up (the way a score sheet is rounded by hand: 85.125 → 85.13)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- the draw (抽签) -----------------------------------------------------------------------------

def draw_order(entry_ids: Iterable[int], seed: int) -> list[int]:
    """The running order drawn with `seed`: the ids sorted, then shuffled by Python's Mersenne Twister
    seeded with `seed`. Anyone with the ids and the seed gets the same order again."""
    ids = sorted(entry_ids)
    random.Random(seed).shuffle(ids)
    return ids


# --- one presentation's result -------------------------------------------------------------------

@dataclass(frozen=True)
class Trimmed:
    result: Decimal | None  # two decimals; None without scores
    struck_high: int | None = None  # index (in the given order) of the highest score struck out
    struck_low: int | None = None
    counted: tuple[int, ...] = field(default_factory=tuple)  # indexes averaged


def trimmed_result(totals: Sequence[Decimal], trim: bool = True) -> Trimmed:
    """The roadshow result of one presentation (R8, the edition's rule).

    With `trim` and at least three scores, one highest and one lowest are struck out (the first of equal
    ones, in the given order: the judges' seats) and the rest averaged; otherwise all are averaged.
    Rounded to two decimals, halves up.
    """
    values = [Decimal(t) for t in totals]
    if not values:
        return Trimmed(None)
    indexes = list(range(len(values)))
    high = low = None
    if trim and len(values) >= 3:
        high = max(indexes, key=lambda i: (values[i], -i))
        low = min((i for i in indexes if i != high), key=lambda i: (values[i], i))
        indexes = [i for i in indexes if i not in (high, low)]
    mean = sum((values[i] for i in indexes), Decimal(0)) / len(indexes)
    return Trimmed(to_cents(mean), high, low, tuple(indexes))


# --- ranks and ties ------------------------------------------------------------------------------

def competition_ranks(scores: Sequence[Decimal | None]) -> list[int | None]:
    """1224 ranking of scores already sorted best first (None: unranked)."""
    ranks: list[int | None] = []
    previous = None
    for i, score in enumerate(scores):
        if score is None:
            ranks.append(None)
            continue
        if previous is not None and score == previous:
            ranks.append(ranks[-1])
        else:
            ranks.append(i + 1)
        previous = score
    return ranks


@dataclass(frozen=True)
class Proposal:
    selected: list[int]  # entry ids proposed (ranked above the border, or at it with no tie)
    border: list[int]  # entry ids tied at the border: the committee decides which of them are visited
    seats_at_border: int  # how many of `border` can still be taken within N


def propose_top(scored: Iterable[tuple[int, Decimal | None]], n: int) -> Proposal:
    """The top `n` by score (R9). Entries tied with the n-th across the border are not proposed but
    flagged: `seats_at_border` of them fit. Entries without a score are never proposed."""
    rows = sorted(((eid, s) for eid, s in scored if s is not None), key=lambda r: (-r[1], r[0]))
    if n <= 0 or not rows:
        return Proposal([], [], 0)
    if len(rows) <= n:
        return Proposal([eid for eid, _ in rows], [], 0)
    border_score = rows[n - 1][1]
    if rows[n][1] != border_score:
        return Proposal([eid for eid, _ in rows[:n]], [], 0)
    above = [eid for eid, s in rows if s > border_score]
    tied = [eid for eid, s in rows if s == border_score]
    return Proposal(above, tied, n - len(above))


@dataclass(frozen=True)
class RankedRow:
    entry_id: int
    roadshow: Decimal | None
    site: Decimal | None
    final: Decimal | None
    visited: bool
    position: int
    tie: bool


def final_ranking(rows: Iterable[tuple[int, Decimal | None, Decimal | None]], *, roadshow_weight=Decimal(1),
                  site_weight=Decimal(1), unvisited_after: bool = True) -> list[RankedRow]:
    """R10: final = roadshow × weight + site × weight for visited entries (both scores present).

    Entries without a site score: with `unvisited_after` (the notice's default) they rank after every
    visited entry, by roadshow score; otherwise their final is roadshow × weight alone, ranked among the
    visited ones. Entries without a roadshow score come last. Equal finals (and, after the visited ones,
    equal roadshow scores) share nothing: positions are 1..n in order, and `tie` marks rows equal to a
    neighbour for the committee's decision. Within a tie the order is by roadshow score, then entry id.
    """
    rw, sw = Decimal(roadshow_weight), Decimal(site_weight)
    prepared = []
    for entry_id, roadshow, site in rows:
        visited = roadshow is not None and site is not None
        if visited:
            final = to_cents(roadshow * rw + site * sw)
        elif roadshow is not None:
            final = to_cents(roadshow * rw)
        else:
            final = None
        # group: 0 visited (or mixed), 1 unvisited under the "after" rule, 2 without a roadshow score
        if final is None:
            group = 2
        elif visited or not unvisited_after:
            group = 0
        else:
            group = 1
        prepared.append((group, final, roadshow, entry_id, site, visited))
    prepared.sort(key=lambda r: (r[0], -(r[1] or 0), -(r[2] or 0), r[3]))
    result = []
    for i, (group, final, roadshow, entry_id, site, visited) in enumerate(prepared):
        def same(j):
            if j < 0 or j >= len(prepared):
                return False
            other = prepared[j]
            return other[0] == group and group != 2 and other[1] == final
        result.append(RankedRow(entry_id, roadshow, site, final, visited, i + 1, same(i - 1) or same(i + 1)))
    return result
