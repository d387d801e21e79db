"""The proposed finalist list (决赛入围建议名单, R7; issue 10, item 11) and the entries worth a second pass.

The list ranks by the official score: an entry is proposed when its official rank is within the
top N (of its category, when the list is per category) and, when a cut-off score is set, its official
score reaches it. Ranks are competition ranks on the published two-decimal score (equal scores share
the best rank: 1, 2, 2, 4). Entries tied at the N-th place all have a rank within N, so all are
proposed and the list may be longer than N: each of them is flagged (TIE_AT_CUTOFF) and the office
decides, with a recorded reason. Entries without a score are never proposed.

Beside each entry: its calibrated score and rank, and a flag when the calibrated score would put it on
the other side of the cut-off (the calibrated list has as many places as the official one in the same
scope).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from .engine import Aggregation
from .flags import Flag, FlagKind


@dataclass(frozen=True, slots=True)
class FinalistRow:
    entry_id: Hashable
    category: Hashable | None
    official: Decimal | None
    official_rank: int | None  # within the category when the list is per category
    calibrated: Decimal | None
    calibrated_rank: int | None
    n_scores: int
    proposed: bool
    tie_at_cutoff: bool
    calibrated_proposed: bool  # whether the calibrated score alone would propose it
    flags: tuple[Flag, ...]  # the aggregation's flags of this entry (and of its scores) and the list's


@dataclass(frozen=True)
class FinalistProposal:
    rows: list[FinalistRow]  # by category, then official rank, calibrated score, entry id
    places: dict[Hashable | None, int | None]  # per category (None: the whole list), the N asked for
    cutoff: Decimal | None
    flags: list[Flag]  # the list's own flags (ties, calibrated disagreements)

    @property
    def proposed(self) -> list:
        return [r.entry_id for r in self.rows if r.proposed]


def competition_ranks(scores: np.ndarray) -> np.ndarray:
    """1 + the number of strictly higher scores (equal scores share the best rank)."""
    descending = np.sort(-scores)
    return np.searchsorted(descending, -scores, side="left") + 1


def _hundredths(value: Decimal | None) -> int | None:
    return None if value is None else int(value.scaleb(2))


def propose_finalists(aggregation: Aggregation, *, top: int | None = None, cutoff: Decimal | None = None,
                      categories: Mapping[Hashable, Hashable] | None = None,
                      quotas: Mapping[Hashable, int] | None = None) -> FinalistProposal:
    """The proposed list: `top` N per scope (the whole list, or each category when `categories` maps every
    entry to its category; `quotas` gives a category its own N), and/or a `cutoff` score."""
    if top is None and cutoff is None and not quotas:
        raise ValueError("give top N, a cut-off score or quotas")
    if quotas and categories is None:
        raise ValueError("quotas need categories")
    cutoff = None if cutoff is None else Decimal(cutoff)
    scopes: dict[Hashable | None, list] = {}
    for entry_id in aggregation.official:
        if categories is not None and entry_id not in categories:
            raise ValueError(f"entry {entry_id} has no category")
        category = categories[entry_id] if categories is not None else None
        scopes.setdefault(category, []).append(entry_id)
    places = {c: (quotas.get(c, top) if quotas else top) for c in scopes}
    rows, flags = [], []
    entry_flags: dict = {}
    for f in aggregation.flags:
        if f.entry_id is not None:
            entry_flags.setdefault(f.entry_id, []).append(f)

    def sort_key(c):
        return (c is not None, c)

    for category in sorted(scopes, key=sort_key):
        ids = scopes[category]
        official = [aggregation.official[e].score for e in ids]
        calibrated = [aggregation.entries[e].calibrated for e in ids]
        scored = np.array([s is not None for s in official])
        off = np.array([_hundredths(s) if s is not None else -1 for s in official], dtype=np.int64)
        cal = np.array([_hundredths(s) if s is not None else -1 for s in calibrated], dtype=np.int64)
        off_rank = np.zeros(len(ids), dtype=np.int64)
        cal_rank = np.zeros(len(ids), dtype=np.int64)
        off_rank[scored] = competition_ranks(off[scored])
        cal_rank[scored] = competition_ranks(cal[scored])
        n = places[category]
        proposed = scored.copy()
        if n is not None:
            proposed &= off_rank <= n
        if cutoff is not None:
            proposed &= off >= math.ceil(cutoff.scaleb(2))  # ⟺ official ≥ cutoff, whatever its decimals
        count = int(proposed.sum())
        tie = np.zeros(len(ids), dtype=bool)
        if n is not None and count > n:
            last = off[proposed].min()
            tie = proposed & (off == last)
            flags.append(Flag(FlagKind.TIE_AT_CUTOFF, value=float(last) / 100, params={
                "count": str(int(tie.sum())), "score": str(Decimal(int(last)).scaleb(-2)),
                "places": str(n - int((proposed & ~tie).sum()))}))
            tie_flag = flags[-1]
        calibrated_proposed = scored & (cal_rank <= count)
        order = np.lexsort((np.arange(len(ids)), -cal, np.where(scored, off_rank, len(ids) + 1)))
        for k in order.tolist():
            entry_id = ids[k]
            own = list(entry_flags.get(entry_id, ()))
            if tie[k]:
                own.append(Flag(FlagKind.TIE_AT_CUTOFF, entry_id=entry_id, value=tie_flag.value,
                                params=tie_flag.params))
            if proposed[k] != calibrated_proposed[k]:
                kind = FlagKind.CALIBRATED_BELOW_CUTOFF if proposed[k] else FlagKind.CALIBRATED_ABOVE_CUTOFF
                own.append(Flag(kind, entry_id=entry_id, value=float(cal_rank[k]),
                                params={"rank": str(cal_rank[k]), "places": str(count)}))
                flags.append(own[-1])
            rows.append(FinalistRow(
                entry_id, category, official[k], int(off_rank[k]) if scored[k] else None, calibrated[k],
                int(cal_rank[k]) if scored[k] else None, aggregation.official[entry_id].n_scores, bool(proposed[k]),
                bool(tie[k]), bool(calibrated_proposed[k]), tuple(own)))
    return FinalistProposal(rows, places, cutoff, flags)


def second_pass_candidates(aggregation: Aggregation, proposal: FinalistProposal, count: int, *,
                           by: str = "calibrated") -> list:
    """The `count` scored entries nearest the list's border (issue 10, item 6), nearest first: per scope the
    border lies halfway between the last proposed place and the next one, and an entry's distance to it is
    measured in standard errors of its score (the bias model's σ and the entry's design), so an entry
    scored by fewer or less consistent experts counts as nearer. `by`: "calibrated" (the default; the
    better estimate of where the entry truly stands) or "official"."""
    if by not in ("calibrated", "official"):
        raise ValueError("by is 'calibrated' or 'official'")
    scopes: dict = {}
    for row in proposal.rows:
        if row.n_scores:
            scopes.setdefault(row.category, []).append(row)
    candidates = []
    for rows in scopes.values():
        values = np.array([float(r.calibrated if by == "calibrated" else r.official) for r in rows])
        se = np.array([aggregation.entries[r.entry_id].calibrated_se for r in rows])
        se = np.where(np.isfinite(se) & (se > 0), se, np.nanmax(se, initial=1.0) or 1.0)
        places = sum(r.proposed for r in rows)
        if places == 0 or places == len(rows):
            continue
        descending = np.sort(values)[::-1]
        border = (descending[places - 1] + descending[places]) / 2
        distance = np.abs(values - border) / se
        candidates.extend(zip(distance.tolist(), [r.entry_id for r in rows]))
    candidates.sort(key=lambda c: c[0])
    return [entry_id for _, entry_id in candidates[:count]]
