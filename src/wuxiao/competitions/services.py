"""Creating, copying and changing editions. Every change writes the audit log."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from wuxiao.common import audit

from . import presets
from .models import EDITION_LISTS, Category, CommitteeMember, Criterion, Edition, Exclusion, PresentationForm, PrizeTier

# The datetime and date fields that move together when a copy is shifted in time.
DATETIME_FIELDS = ("declaration_opens_at", "declaration_deadline", "recommendation_deadline")
DATE_FIELDS = ("notice_date", "window_start", "window_end")
# Fields that identify an edition and are never copied as they are.
_NOT_COPIED = {"id", "slug", "title", "year", "is_current", "is_practice", "copied_from", "created_at", "updated_at"}


@transaction.atomic
def create_zhengzhou_2025(*, actor=None, slug: str | None = None, is_practice: bool = False,
                          shift: dt.timedelta | None = None) -> Edition:
    """Create the 2025 Zhengzhou edition from the notice, optionally as a time-shifted practice copy."""
    values = dict(presets.ZHENGZHOU_2025, notice_text=presets.notice_text(), is_practice=is_practice)
    if slug:
        values["slug"] = slug
    if shift:
        for name in DATETIME_FIELDS + DATE_FIELDS:
            values[name] = values[name] + shift
    edition = Edition.objects.create(**values)
    Category.objects.bulk_create(Category(edition=edition, name=n, position=i) for i, n in enumerate(presets.CATEGORIES))
    PresentationForm.objects.bulk_create(
        PresentationForm(edition=edition, name=n, position=i) for i, n in enumerate(presets.PRESENTATION_FORMS))
    Exclusion.objects.bulk_create(
        Exclusion(edition=edition, number=i + 1, text=t, position=i) for i, t in enumerate(presets.EXCLUSIONS))
    Criterion.objects.bulk_create(
        Criterion(edition=edition, name=n, max_points=p, position=i) for i, (n, p) in enumerate(presets.CRITERIA))
    PrizeTier.objects.bulk_create(
        PrizeTier(edition=edition, name=n, count=c, amount_yuan=a, position=i)
        for i, (n, c, a) in enumerate(presets.PRIZE_TIERS))
    CommitteeMember.objects.bulk_create(
        CommitteeMember(edition=edition, body=b, function=f, name=n, post=p, position=i)
        for i, (b, f, n, p) in enumerate(presets.COMMITTEE_MEMBERS))
    audit.record(actor=actor, action="edition.create", obj=edition, edition=edition)
    return edition


@transaction.atomic
def copy_edition(*, source: Edition, actor, slug: str, title: str, year: int,
                 shift: dt.timedelta | None = None, is_practice: bool = False) -> Edition:
    """Create a new edition with the source's configuration and lists, and no entries or other data."""
    values = {f.name: getattr(source, f.name) for f in Edition._meta.concrete_fields if f.name not in _NOT_COPIED}
    if shift:
        for name in DATETIME_FIELDS + DATE_FIELDS:
            values[name] = values[name] + shift
    edition = Edition.objects.create(slug=slug, title=title, year=year, is_practice=is_practice,
                                     copied_from=source, **values)
    for model in EDITION_LISTS:
        fields = [f.name for f in model._meta.concrete_fields if f.name not in ("id", "edition")]
        model.objects.bulk_create(
            model(edition=edition, **{name: getattr(item, name) for name in fields})
            for item in model.objects.filter(edition=source)
        )
    audit.record(actor=actor, action="edition.copy", obj=edition, edition=edition,
                 data={"source": source.pk, "source_title": source.title})
    return edition


@transaction.atomic
def set_current_edition(*, edition: Edition, actor) -> Edition:
    """Show this edition on the public page (only one edition is current)."""
    Edition.objects.exclude(pk=edition.pk).filter(is_current=True).update(is_current=False)
    Edition.objects.filter(pk=edition.pk).update(is_current=True, updated_at=timezone.now())
    edition.is_current = True
    audit.record(actor=actor, action="edition.set_current", obj=edition, edition=edition)
    return edition


def record_edition_change(*, edition: Edition, actor, changed: list[str], what: str = "settings") -> None:
    """Audit a change of the edition's settings or one of its lists (called by the saving service)."""
    if changed:
        audit.record(actor=actor, action=f"edition.update_{what}", obj=edition, edition=edition,
                     data={"changed": changed})
