"""Fixtures of the assignment tests: an edition in its second round with entries, accepted experts with fields,
conflicts and a finished conflict check."""

import datetime as dt

from django.utils import timezone

from wuxiao.accounts.models import Role
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Entry
from wuxiao.review.models import (
    Conflict,
    ConflictCheck,
    ConflictSource,
    Expert,
    ExpertField,
    ExpertStatus,
    ExpertTitle,
    ReviewAssignment,
)
from wuxiao.review.queries import review_settings

from .. import factories

CODES = ["3421", "3422", "4411", "4412", "3411", "3512"]
FIELDS = ["34", "342", "44", "441", "3421", "35", "C", "D"]


def second_round(*, entries=12, experts=6, k=3, load_min=0, load_max=None, edition=None, conflicts=(),
                 with_users=False, checked=True):
    """An edition with `entries` entries in the second round and `experts` accepted experts (fields spread over
    the codes), k experts per entry, loads [load_min, load_max] (default: just enough room), the conflicts
    (entry index, expert index) recorded, and a finished conflict check after the last expert was added."""
    edition = edition or factories.EditionFactory()
    unit = factories.DeclaringUnitFactory()
    made = []
    for i in range(entries):
        entry = factories.EntryFactory(edition=edition, declaring_unit=unit, complete=False,
                                       industry_id=CODES[i % len(CODES)])
        made.append(entry)
    Entry.objects.filter(pk__in=[e.pk for e in made]).update(status=EntryStatus.IN_REVIEW)
    pool = []
    for j in range(experts):
        user = factories.user_with_role(Role.EXPERT) if with_users else None
        x = Expert.objects.create(edition=edition, user=user, name=f"专家{j + 1}", organisation_name=f"单位{j % 4}",
                                  title=ExpertTitle.SENIOR if j % 3 == 0 else ExpertTitle.ASSOCIATE,
                                  mobile=f"139{j:08d}", status=ExpertStatus.ACCEPTED)
        ExpertField.objects.create(expert=x, industry_id=FIELDS[j % len(FIELDS)], depth=1 + j % 3)
        pool.append(x)
    s = review_settings(edition)
    s.reviews_per_entry = k
    s.load_min = load_min
    s.load_max = load_max if load_max is not None else -(-entries * k // experts) + 1
    s.save()
    for i, j in conflicts:
        Conflict.objects.create(edition=edition, expert=pool[j], entry=made[i], source=ConflictSource.AUTOMATIC,
                                reason="本单位")
    if checked:
        check = ConflictCheck.objects.create(edition=edition)
        ConflictCheck.objects.filter(pk=check.pk).update(started_at=timezone.now() + dt.timedelta(seconds=1),
                                                         finished_at=timezone.now() + dt.timedelta(seconds=2))
    return edition, made, pool


def pairs_of(edition, **filters) -> set:
    return set(ReviewAssignment.objects.filter(edition=edition, removed_at__isnull=True, **filters)
               .values_list("entry_id", "expert_id"))


def immediate(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
