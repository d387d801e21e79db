"""Test data of the final round: an edition whose finalists (status `finalist`) present, the final rubric
(roadshow and site criteria), accepted experts with accounts, and a session with its judges and slots."""

import itertools
from dataclasses import dataclass, field

from django.utils import timezone

from tests import factories
from wuxiao.accounts.models import Role
from wuxiao.entries.enums import EntryStatus
from wuxiao.finals import presets
from wuxiao.finals.models import FinalCriterion, FinalStage, RoadshowSession, SessionJudge, Slot
from wuxiao.review.models import Expert, ExpertStatus

_units = itertools.count()


@dataclass
class Final:
    edition: object
    finalists: list
    experts: list = field(default_factory=list)  # review.Expert (accepted, with users)
    roadshow_criteria: list = field(default_factory=list)
    site_criteria: list = field(default_factory=list)
    session: object = None

    @property
    def judges(self):
        return list(self.session.judges.select_related("expert__user")) if self.session else []


def make_rubric(edition) -> tuple[list, list]:
    made = {}
    for stage, preset in ((FinalStage.ROADSHOW, presets.ROADSHOW_CRITERIA), (FinalStage.SITE, presets.SITE_CRITERIA)):
        made[stage] = [FinalCriterion.objects.create(edition=edition, stage=stage, position=i, name=name,
                                                     max_points=points, guidance=guidance)
                       for i, (name, points, guidance) in enumerate(preset)]
    return made[FinalStage.ROADSHOW], made[FinalStage.SITE]


def make_finalists(edition, n: int, unit=None) -> list:
    return [factories.EntryFactory(
        edition=edition, status=EntryStatus.FINALIST, title=f"智能巡检装置{i}",
        declaring_unit=unit or factories.DeclaringUnitFactory(name=f"郑州决赛测试机械有限公司{next(_units)}号"))
        for i in range(n)]


def make_expert(edition, n: int, user=None) -> Expert:
    user = user or factories.user_with_role(Role.EXPERT)
    return Expert.objects.create(edition=edition, user=user, name=f"评委专家{n}", organisation_name=f"某大学{n}",
                                 mobile=f"1390000{n:04d}", email=user.email, status=ExpertStatus.ACCEPTED,
                                 responded_at=timezone.now())


def make_session(edition, finalists, experts, name="第一场", published=True) -> RoadshowSession:
    session = RoadshowSession.objects.create(edition=edition, name=name, venue="郑州市职工服务中心报告厅",
                                             starts_at=timezone.now())
    for seat, expert in enumerate(experts, start=1):
        SessionJudge.objects.create(session=session, expert=expert, seat=seat)
    for position, entry in enumerate(finalists, start=1):
        Slot.objects.create(session=session, entry=entry, position=position)
    if published:
        session.order_published_at = timezone.now()
        session.save(update_fields=["order_published_at"])
    return session


def final_world(finalists=6, judges=3, edition=None, with_session=True) -> Final:
    """An edition with `finalists` finalists, the rubric, `judges` accepted experts and (by default) one
    published session seating all the experts as judges and all the finalists in order."""
    if edition is None or not FinalCriterion.objects.filter(edition=edition).exists():
        edition = edition or factories.EditionFactory()
        roadshow, site = make_rubric(edition)
    else:
        roadshow = list(FinalCriterion.objects.filter(edition=edition, stage=FinalStage.ROADSHOW))
        site = list(FinalCriterion.objects.filter(edition=edition, stage=FinalStage.SITE))
    entries = make_finalists(edition, finalists)
    experts = [make_expert(edition, n) for n in range(judges)]
    session = make_session(edition, entries, experts) if with_session else None
    return Final(edition, entries, experts, roadshow, site, session)
