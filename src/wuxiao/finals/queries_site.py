"""Reads of the site visits (R9): the roadshow scores the proposal ranks by, the proposal of the top N with
its border ties, the visits with their experts, a day's route, a visit's scores and photos."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from wuxiao.review.models import Expert, ExpertStatus

from . import queries, scoring
from .models import SitePhoto, SiteScore, SiteVisit, Slot, VisitExpert


def roadshow_scores(edition) -> dict[int, Decimal]:
    """Each finalist's roadshow score: the result of its slot once the slot's scores are locked."""
    return dict(Slot.objects.filter(session__edition=edition, locked_at__isnull=False, result__isnull=False)
                .values_list("entry_id", "result"))


@dataclass
class Candidate:
    entry: object
    score: Decimal | None
    rank: int | None
    proposed: bool
    border: bool
    visit: SiteVisit | None


@dataclass
class VisitProposal:
    candidates: list[Candidate]
    n: int
    missing: int  # finalists whose roadshow score is not locked yet
    seats_at_border: int
    border_score: Decimal | None

    @property
    def border(self) -> list[Candidate]:
        return [c for c in self.candidates if c.border]


def proposal(edition) -> VisitProposal:
    """The finalists ranked by roadshow score, the top N proposed (R9) and the ties at the border flagged."""
    entries = list(queries.finalists(edition).select_related("declaring_unit").order_by("pk"))
    scores = roadshow_scores(edition)
    n = edition.site_visit_top_n
    found = scoring.propose_top([(e.pk, scores.get(e.pk)) for e in entries], n)
    visits = {v.entry_id: v for v in SiteVisit.objects.filter(edition=edition, cancelled_at__isnull=True)}
    ordered = sorted(entries, key=lambda e: (scores.get(e.pk) is None, -(scores.get(e.pk) or 0), e.pk))
    ranks = scoring.competition_ranks([scores.get(e.pk) for e in ordered])
    selected, border = set(found.selected), set(found.border)
    candidates = [Candidate(e, scores.get(e.pk), rank, e.pk in selected, e.pk in border, visits.get(e.pk))
                  for e, rank in zip(ordered, ranks)]
    border_score = scores.get(found.border[0]) if found.border else None
    return VisitProposal(candidates, n, sum(1 for e in entries if e.pk not in scores), found.seats_at_border,
                         border_score)


def visits(edition, *, cancelled: bool = False) -> QuerySet:
    """The edition's visits (withdrawn ones with `cancelled`), with entry, unit and experts, in route order."""
    return (SiteVisit.objects.filter(edition=edition, cancelled_at__isnull=not cancelled)
            .select_related("entry__declaring_unit", "selected_by", "cancelled_by", "locked_by")
            .prefetch_related(Prefetch("visit_experts", queryset=VisitExpert.objects.select_related("expert")),
                              Prefetch("scores", queryset=SiteScore.objects.only("id", "visit_id", "expert_id")))
            .order_by("visit_date", "route_position", "start_time", "id"))


def visit_or_none(edition, pk) -> SiteVisit | None:
    return visits(edition).filter(pk=pk).first()


def day_route(edition, day: dt.date) -> list[SiteVisit]:
    """The day's stops in route order."""
    return list(visits(edition).filter(visit_date=day))


def visit_days(edition) -> list[dt.date]:
    return list(SiteVisit.objects.filter(edition=edition, cancelled_at__isnull=True, visit_date__isnull=False)
                .values_list("visit_date", flat=True).distinct().order_by("visit_date"))


def pool_experts(edition) -> QuerySet:
    """The experts who may visit: accepted experts of the edition's pool."""
    return Expert.objects.filter(edition=edition, status=ExpertStatus.ACCEPTED).order_by("name", "pk")


def visit_scores(visit) -> list[SiteScore]:
    return list(SiteScore.objects.filter(visit=visit).select_related("expert").order_by("expert__name", "pk"))


def visit_photos(visit) -> list[SitePhoto]:
    return list(SitePhoto.objects.filter(visit=visit).select_related("expert").order_by("uploaded_at", "pk"))


def expert_of(user, visit):
    """The visiting expert (review.Expert) the user is on this visit, or None."""
    seat = queries.visit_seat(user, visit)
    return seat.expert if seat else None


def seats(visit) -> list[VisitExpert]:
    return list(VisitExpert.objects.filter(visit=visit).select_related("expert__user").order_by("seat"))


@dataclass
class SiteSheetRow:
    visit: SiteVisit
    scores: list  # [(seat, SiteScore | None)] in seat order


def site_sheet(edition) -> tuple[list, list[SiteSheetRow]]:
    """The site-visit score sheet: the site rubric and, per visit, each visiting expert's score by seat."""
    criteria = queries.final_rubric(edition, "site")
    rows = []
    found = list(visits(edition).prefetch_related(
        Prefetch("scores", queryset=SiteScore.objects.select_related("expert"), to_attr="all_scores")))
    for visit in found:
        by_expert = {s.expert_id: s for s in visit.all_scores}
        rows.append(SiteSheetRow(visit, [(seat, by_expert.get(seat.expert_id)) for seat in visit.visit_experts.all()]))
    return criteria, rows
