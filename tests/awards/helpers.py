"""Test data of the awards stage: an edition with prize tiers, finalists with an approved final ranking, and
(on request) an award list whose rows carry the tiers in ranking order, written directly (not through the
allocation service, so that each part of the stage can be tested on its own)."""

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from tests import factories
from wuxiao.accounts.models import Role
from wuxiao.awards.models import AwardList, AwardRow, ListStatus
from wuxiao.competitions.models import PrizeTier
from wuxiao.entries.enums import EntryStatus
from wuxiao.finals.models import FinalRanking, RankingRow, RankingStatus

_units = itertools.count()

SMALL_TIERS = [("特等奖", 1, 20000), ("一等奖", 2, 15000), ("二等奖", 3, 10000), ("三等奖", 4, 2000)]


@dataclass
class AwardWorld:
    edition: object
    tiers: list  # PrizeTier, in order
    finalists: list  # entries, in ranking order
    ranking: object  # the approved FinalRanking
    office: object  # a committee user
    award_list: object = None
    rows: list = field(default_factory=list)


def make_tiers(edition, tiers=SMALL_TIERS) -> list:
    PrizeTier.objects.filter(edition=edition).delete()
    return [PrizeTier.objects.create(edition=edition, position=i, name=name, count=count, amount_yuan=amount)
            for i, (name, count, amount) in enumerate(tiers)]


def award_world(finalists=12, tiers=SMALL_TIERS, finals=None, status=None, edition=None) -> AwardWorld:
    """An edition with `tiers`, `finalists` finalists (each of its own declaring unit, with a completer 张三明)
    and an approved final ranking (final scores 95.00, 94.00, … unless `finals` gives them, in ranking order).

    With `status` (a ListStatus), also an award list in that status whose rows take the tiers in ranking order
    by the tiers' counts (announced: period from today for 5 working days, roughly; confirmed: entries moved to
    awarded / not_awarded directly)."""
    edition = edition or factories.EditionFactory(issuers="郑州市总工会 郑州市人力资源和社会保障局")
    made_tiers = make_tiers(edition, tiers)
    entries = []
    for i in range(finalists):
        unit = factories.DeclaringUnitFactory(name=f"郑州获奖测试机械有限公司{next(_units)}号")
        entry = factories.EntryFactory(edition=edition, status=EntryStatus.FINALIST, title=f"数控快换工装{i + 1}",
                                       declaring_unit=unit)
        entry.completers.update(name="张三明")
        entries.append(entry)
    office = factories.user_with_role(Role.COMMITTEE)
    ranking = FinalRanking.objects.create(edition=edition, status=RankingStatus.APPROVED, created_by=office,
                                          approved_by=office, approved_at=timezone.now(), parameters={})
    scores = finals or [Decimal("95.00") - i for i in range(finalists)]
    for i, (entry, score) in enumerate(zip(entries, scores), start=1):
        RankingRow.objects.create(ranking=ranking, entry=entry, final=Decimal(score), roadshow=Decimal(score),
                                  visited=True, computed_position=i, position=i)
    world = AwardWorld(edition, made_tiers, entries, ranking, office)
    if status is not None:
        world.award_list, world.rows = make_award_list(world, status)
    return world


def make_award_list(world: AwardWorld, status=ListStatus.DRAFT):
    """The award list of `world` with rows in ranking order, tiers by count, in `status`."""
    today = timezone.localdate()
    lst = AwardList.objects.create(edition=world.edition, ranking=world.ranking, status=status,
                                   created_by=world.office)
    slots = [t for t in world.tiers for _n in range(t.count)]
    rows = []
    for i, entry in enumerate(world.finalists):
        tier = slots[i] if i < len(slots) else None
        row = RankingRow.objects.get(ranking=world.ranking, entry=entry)
        rows.append(AwardRow.objects.create(award_list=lst, entry=entry, position=i + 1, final=row.final, tier=tier,
                                            computed_tier=tier, amount_yuan=tier.amount_yuan if tier else 0))
    if status in (ListStatus.ANNOUNCED, ListStatus.CONFIRMED):
        lst.announced_at, lst.announced_by = timezone.now(), world.office
        lst.period_start, lst.period_end = today, today + dt.timedelta(days=7)
    if status == ListStatus.CONFIRMED:
        lst.period_start, lst.period_end = today - dt.timedelta(days=10), today - dt.timedelta(days=3)
        lst.confirmed_at, lst.confirmed_by = timezone.now(), world.office
        for row in rows:
            row.entry.status = EntryStatus.AWARDED if row.tier else EntryStatus.NOT_AWARDED
            row.entry.save(update_fields=["status"])
    lst.save()
    return lst, rows
