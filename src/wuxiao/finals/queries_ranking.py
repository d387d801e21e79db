"""Reads of the final ranking (R10) and its score sheets: the inputs (roadshow and site scores), the current
ranking and its rows, what is still open before approval, the roadshow score sheet."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from . import queries, scoring
from . import queries_site as sq
from .models import FinalRanking, RankingRow, RoadshowScore, SiteVisit, Slot


def site_results(edition) -> dict[int, Decimal]:
    """Each visited entry's site-visit score: the result of its visit once locked (withdrawn visits count not)."""
    return dict(SiteVisit.objects.filter(edition=edition, cancelled_at__isnull=True, locked_at__isnull=False,
                                         result__isnull=False).values_list("entry_id", "result"))


def ranking_inputs(edition) -> list[tuple[int, Decimal | None, Decimal | None]]:
    """(entry id, roadshow score, site-visit score) of every finalist, by entry id."""
    roadshow, site = sq.roadshow_scores(edition), site_results(edition)
    ids = queries.finalists(edition).order_by("pk").values_list("pk", flat=True)
    return [(i, roadshow.get(i), site.get(i)) for i in ids]


def fingerprint(inputs) -> list:
    return [[i, None if r is None else str(r), None if s is None else str(s)] for i, r, s in inputs]


@dataclass
class OpenItems:
    visits_unlocked: int  # active visits whose scores are not locked
    roadshow_missing: int  # finalists without a locked roadshow score

    @property
    def any(self) -> bool:
        return bool(self.visits_unlocked or self.roadshow_missing)


def open_items(edition) -> OpenItems:
    inputs = ranking_inputs(edition)
    return OpenItems(
        SiteVisit.objects.filter(edition=edition, cancelled_at__isnull=True, locked_at__isnull=True).count(),
        sum(1 for _i, r, _s in inputs if r is None))


def current_ranking(edition) -> FinalRanking | None:
    """The newest ranking (a draft or approved)."""
    return (FinalRanking.objects.filter(edition=edition).select_related("created_by", "approved_by")
            .order_by("-created_at", "-id").first())


def ranking_or_none(edition, pk) -> FinalRanking | None:
    return FinalRanking.objects.filter(edition=edition, pk=pk).select_related("created_by", "approved_by").first()


def ranking_rows(ranking) -> list[RankingRow]:
    return list(RankingRow.objects.filter(ranking=ranking)
                .select_related("entry__declaring_unit", "entry__category", "changed_by")
                .order_by("position", "id"))


def is_stale(ranking) -> bool:
    """Scores changed (a slot or a visit locked, a visit withdrawn) since the ranking was computed."""
    return ranking.parameters.get("inputs") != fingerprint(ranking_inputs(ranking.edition))


# --- the roadshow score sheet --------------------------------------------------------------------

@dataclass
class RoadshowSheetRow:
    slot: Slot
    totals: list  # [(seat, total | None, struck: bool)] by seat
    result: Decimal | None


def roadshow_sheet(edition) -> tuple[int, list]:
    """Per session, per presentation in running order: each judge's total by seat, the struck extremes (by the
    edition's rule) and the result. Returns (most judges on a panel, [(session, [RoadshowSheetRow])])."""
    from .models import RoadshowSession, SessionJudge

    trim = queries.final_settings(edition).trim_extremes
    sessions = list(RoadshowSession.objects.filter(edition=edition).order_by("starts_at", "id").prefetch_related(
        Prefetch("judges", queryset=SessionJudge.objects.order_by("seat")),
        Prefetch("slots", queryset=Slot.objects.select_related("entry__declaring_unit").order_by("position", "id")
                 .prefetch_related(Prefetch("scores", queryset=RoadshowScore.objects.filter(cleared_at__isnull=True),
                                            to_attr="live_scores")))))
    width, out = 0, []
    for session in sessions:
        seats = [j for j in session.judges.all()]
        width = max(width, len(seats))
        rows = []
        for slot in session.slots.all():
            by_judge = {s.judge_id: s.total for s in slot.live_scores}
            given = [(j.seat, by_judge[j.pk]) for j in seats if j.pk in by_judge]
            trimmed = scoring.trimmed_result([t for _s, t in given], trim=trim)
            struck = {given[i][0] for i in (trimmed.struck_high, trimmed.struck_low) if i is not None}
            totals = [(j.seat, by_judge.get(j.pk), j.seat in struck) for j in seats]
            rows.append(RoadshowSheetRow(slot, totals, slot.result if slot.locked_at else None))
        out.append((session, rows))
    return width, out
