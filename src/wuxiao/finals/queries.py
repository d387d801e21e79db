"""Reads shared by the final round's pages and API (R8–R10)."""

from django.db.models import QuerySet

from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Entry

from .models import (
    FinalCriterion,
    FinalRanking,
    FinalSettings,
    FinalStage,
    RankingStatus,
    RoadshowSession,
    SessionJudge,
    SiteVisit,
    VisitExpert,
)


def final_settings(edition) -> FinalSettings:
    """The edition's final-round settings, created with the defaults the first time they are asked for."""
    found = getattr(edition, "_final_settings_cache", None)
    if found is None:
        found, _created = FinalSettings.objects.get_or_create(edition=edition)
        edition._final_settings_cache = found
    return found


def finalists(edition) -> QuerySet:
    """The edition's finalists (approved by the second round's finalist list, R7)."""
    return Entry.objects.filter(edition=edition, status=EntryStatus.FINALIST)


def final_rubric(edition, stage: str) -> list[FinalCriterion]:
    """The criteria of the roadshow (stage='roadshow') or the site visit (stage='site'), in order."""
    assert stage in FinalStage.values
    return list(FinalCriterion.objects.filter(edition=edition, stage=stage).order_by("position", "id"))


def judge_seat(user, session) -> SessionJudge | None:
    """The user's seat on the session's panel (through their expert seat of the pool), if any."""
    if not user.is_authenticated:
        return None
    cache = getattr(user, "_judge_seats", None)
    if cache is None:
        cache = user._judge_seats = {}
    key = session.pk
    if key not in cache:
        cache[key] = (SessionJudge.objects.select_related("expert")
                      .filter(session_id=session.pk, expert__user_id=user.pk).first())
    return cache[key]


def visit_seat(user, visit) -> VisitExpert | None:
    """The user's place among the visit's experts, if any."""
    if not user.is_authenticated:
        return None
    return VisitExpert.objects.select_related("expert").filter(visit_id=visit.pk, expert__user_id=user.pk).first()


def sessions_of_judge(user) -> QuerySet:
    return RoadshowSession.objects.filter(judges__expert__user_id=user.pk).distinct().order_by("starts_at", "id")


def visits_of_expert(user) -> QuerySet:
    return (SiteVisit.objects.filter(visit_experts__expert__user_id=user.pk, cancelled_at__isnull=True)
            .select_related("entry").distinct().order_by("visit_date", "route_position", "id"))


def approved_ranking(edition) -> FinalRanking | None:
    """The newest approved final ranking (R10): what the awards stage allocates prizes from."""
    return (FinalRanking.objects.filter(edition=edition, status=RankingStatus.APPROVED)
            .order_by("-approved_at", "-id").first())


def stage_overview(edition) -> dict:
    """Where the edition's final round stands, step by step, for the office's hub and dashboard (a fixed
    number of queries whatever the size)."""
    from django.db.models import Count, Q

    from .models import RoadshowMaterial, SiteVisit, Slot

    sessions = RoadshowSession.objects.filter(edition=edition).aggregate(
        n=Count("id"), published=Count("id", filter=Q(order_published_at__isnull=False)))
    slots = Slot.objects.filter(session__edition=edition).aggregate(
        n=Count("id"), locked=Count("id", filter=Q(locked_at__isnull=False)))
    criteria = dict(FinalCriterion.objects.filter(edition=edition).values("stage").annotate(n=Count("id"))
                    .values_list("stage", "n"))
    visits = SiteVisit.objects.filter(edition=edition, cancelled_at__isnull=True).aggregate(
        n=Count("id"), scheduled=Count("id", filter=Q(visit_date__isnull=False)),
        locked=Count("id", filter=Q(locked_at__isnull=False)))
    return {
        "finalists": finalists(edition).count(),
        "sessions": sessions["n"],
        "sessions_published": sessions["published"],
        "slots": slots["n"],
        "slots_locked": slots["locked"],
        "roadshow_criteria": criteria.get(FinalStage.ROADSHOW, 0),
        "site_criteria": criteria.get(FinalStage.SITE, 0),
        "material_entries": (RoadshowMaterial.objects.filter(entry__edition=edition, replaced_at__isnull=True)
                             .values("entry_id").distinct().count()),
        "visits": visits["n"],
        "visits_scheduled": visits["scheduled"],
        "visits_locked": visits["locked"],
        "ranking": FinalRanking.objects.filter(edition=edition).first(),
        "approved_ranking": approved_ranking(edition),
        "settings": final_settings(edition),
    }
