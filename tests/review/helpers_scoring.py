"""Test data of the scoring part: an edition in its second round with the four criteria (R7),
entries `in_review`, accepted experts (users with Role.EXPERT) and published assignments."""

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from tests import factories
from wuxiao.accounts.models import Role
from wuxiao.competitions import presets
from wuxiao.competitions.models import Criterion
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Completer
from wuxiao.review.models import (
    Conflict,
    ConflictSource,
    CriterionBand,
    Expert,
    ExpertStatus,
    ReviewAssignment,
)
from wuxiao.review.queries import review_settings

UNIT_NAME = "郑州保密测试机械有限公司"
_units = itertools.count()
COMPLETER_NAME = "欧阳秘密"


@dataclass
class Round:
    edition: object
    criteria: list
    entries: list
    experts: list = field(default_factory=list)  # review.Expert rows (accepted, with users)

    @property
    def entry(self):
        return self.entries[0]

    @property
    def expert(self):
        return self.experts[0]


def make_criteria(edition, with_bands=True) -> list[Criterion]:
    criteria = [Criterion.objects.create(edition=edition, name=name, max_points=points, position=i,
                                         description=f"{name}的评价")
                for i, (name, points) in enumerate(presets.CRITERIA)]
    if with_bands:
        for c in criteria:
            CriterionBand.objects.create(criterion=c, position=0, low=Decimal("21"), high=Decimal("25"),
                                         text="广泛应用，效果显著")
            CriterionBand.objects.create(criterion=c, position=1, low=Decimal("0"), high=Decimal("20"),
                                         text="有一定应用")
    return criteria


def make_entries(edition, n: int, unit=None) -> list:
    entries = []
    for i in range(n):
        declaring = unit or factories.DeclaringUnitFactory(name=f"{UNIT_NAME}{next(_units)}号")
        entry = factories.EntryFactory(edition=edition, declaring_unit=declaring, status=EntryStatus.IN_REVIEW,
                                       title=f"快速换刀装置{i}")
        Completer.objects.filter(entry=entry).update(name=COMPLETER_NAME if i == 0 else f"完成人{i}")
        entries.append(entry)
    return entries


def make_expert(edition, n: int, user=None) -> Expert:
    user = user or factories.user_with_role(Role.EXPERT)
    return Expert.objects.create(edition=edition, user=user, name=f"专家{n}", organisation_name=f"某研究院{n}",
                                 mobile=f"1370000{n:04d}", email=user.email, status=ExpertStatus.ACCEPTED,
                                 responded_at=timezone.now())


def assign(expert, entry, published=True) -> ReviewAssignment:
    return ReviewAssignment.objects.create(edition=entry.edition, entry=entry, expert=expert,
                                           published_at=timezone.now() if published else None)


def make_round(n_entries: int = 3, n_experts: int = 2, *, all_assigned: bool = True, edition=None) -> Round:
    """Every expert assigned to every entry (published)."""
    edition = edition or factories.EditionFactory()
    criteria = make_criteria(edition)
    entries = make_entries(edition, n_entries)
    experts = [make_expert(edition, i) for i in range(n_experts)]
    if all_assigned:
        for expert in experts:
            for entry in entries:
                assign(expert, entry)
    review_settings(edition)
    return Round(edition=edition, criteria=criteria, entries=entries, experts=experts)


def conflict(expert, entry, source=ConflictSource.OFFICE) -> Conflict:
    return Conflict.objects.create(edition=entry.edition, expert=expert, entry=entry, source=source,
                                   reason="同一单位")


def full_points(round_: Round, value="20") -> dict:
    return {f"points_{c.pk}": value for c in round_.criteria}
