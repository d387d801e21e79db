"""Reads of the final round's schedule (R8): settings and rubric, sessions, their panels and running order,
the draw's check, and the finalist's own slot. Shared by the pages, the API and the PDFs."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from wuxiao.entries.models import Entry
from wuxiao.review.models import Expert, ExpertStatus

from . import scoring
from .models import FinalStage, RoadshowScore, RoadshowSession, SessionJudge, SiteScore, Slot
from .queries import finalists

LAST = 10**9  # sorts an entry without a category or an industry after those with one


def sessions(edition) -> QuerySet:
    """The edition's sessions in time order, with their counts (one query)."""
    return (RoadshowSession.objects.filter(edition=edition)
            .select_related("group_category", "group_industry", "order_published_by")
            .annotate(n_slots=Count("slots", distinct=True), n_judges=Count("judges", distinct=True))
            .order_by("starts_at", "id"))


def session_or_none(pk: int) -> RoadshowSession | None:
    return (RoadshowSession.objects.select_related("edition", "group_category", "group_industry", "draw_by",
                                                   "order_published_by").filter(pk=pk).first())


def session_slots(session) -> list[Slot]:
    """The session's slots in running order, with their entry, unit, category and industry."""
    return list(Slot.objects.filter(session=session)
                .select_related("entry__declaring_unit", "entry__category", "entry__industry")
                .order_by("position", "id"))


def session_judges(session) -> list[SessionJudge]:
    return list(SessionJudge.objects.filter(session=session).select_related("expert__user").order_by("seat"))


def available_experts(session) -> QuerySet:
    """The accepted experts of the edition's pool who are not on this session's panel yet."""
    return (Expert.objects.filter(edition_id=session.edition_id, status=ExpertStatus.ACCEPTED)
            .exclude(roadshow_seats__session=session).order_by("name", "id"))


def group_key(entry: Entry) -> tuple:
    """The order "by group" (R8): category's position, industry code, title, id."""
    category = entry.category.position if entry.category_id else LAST
    return (category, entry.industry_id or "~", entry.title, entry.pk)


def unslotted_finalists(edition, session=None) -> list[Entry]:
    """The finalists without a slot in any session, in group order; only the session's group when it has one."""
    found = (finalists(edition).filter(roadshow_slots__isnull=True)
             .select_related("declaring_unit", "category", "industry"))
    if session is not None and session.group_category_id:
        found = found.filter(category_id=session.group_category_id)
    if session is not None and session.group_industry_id:
        found = found.filter(industry_id=session.group_industry_id)
    return sorted(found, key=group_key)


def rubric_has_scores(edition, stage: str) -> bool:
    """Whether any score of `stage` exists (not cleared): then its rubric may no longer change."""
    if stage == FinalStage.ROADSHOW:
        return RoadshowScore.objects.filter(session__edition=edition, cleared_at__isnull=True).exists()
    return SiteScore.objects.filter(visit__edition=edition).exists()


@dataclass(frozen=True)
class DrawCheck:
    seed: int
    input: list[int]
    recorded: list[int]
    recomputed: list[int]
    current: list[int]

    @property
    def matches(self) -> bool:
        """The draw re-run from its seed and input gives the recorded order."""
        return self.recomputed == self.recorded

    @property
    def in_force(self) -> bool:
        """The running order is still the drawn one."""
        return self.current == self.recorded


def draw_check(session) -> DrawCheck | None:
    """Re-run the session's draw from its recorded seed and input (R8: it can be shown to be fair)."""
    if session.draw_seed is None:
        return None
    result = session.draw_result or {}
    given = [int(i) for i in result.get("input", [])]
    current = list(Slot.objects.filter(session=session).order_by("position", "id").values_list("entry_id", flat=True))
    return DrawCheck(seed=session.draw_seed, input=given, recorded=[int(i) for i in result.get("output", [])],
                     recomputed=scoring.draw_order(given, session.draw_seed), current=current)


def slot_of(entry) -> Slot | None:
    """The entry's slot with its session, if it has one."""
    return Slot.objects.select_related("session", "entry__declaring_unit").filter(entry=entry).first()


def unit_finalists(user) -> list[Entry]:
    """The finalists of the units where `user` declares, with their slot and session when they have one."""
    from wuxiao.accounts.models import Role
    from wuxiao.entries.enums import EntryStatus

    if not user.is_authenticated:
        return []
    units = list(user.unit_ids_with_role(Role.DECLARER))
    slots = Slot.objects.select_related("session")
    return list(Entry.objects.filter(declaring_unit_id__in=units, status=EntryStatus.FINALIST)
                .select_related("edition", "declaring_unit", "category")
                .prefetch_related(Prefetch("roadshow_slots", queryset=slots), "roadshow_materials")
                .order_by("-edition_id", "title", "id"))


def slot_minutes(edition, settings) -> int:
    """One slot's length: the presentation (R8) plus the questions and the changeover."""
    return edition.roadshow_minutes + settings.qa_minutes + settings.changeover_minutes
