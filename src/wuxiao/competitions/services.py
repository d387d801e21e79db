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


def record_edition_change(*, edition: Edition, actor, changed: list[str], what: str = "settings",
                          data: dict | None = None) -> None:
    """Audit a change of the edition's settings or one of its lists (called by the saving service)."""
    if changed:
        audit.record(actor=actor, action=f"edition.update_{what}", obj=edition, edition=edition,
                     data={"changed": changed, **(data or {})})


# The settings the committee office edits on the edition's page (everything but the address).
EDITABLE_FIELDS = (
    "title", "year", "is_practice", "document_number", "issuers",
    "notice_date", "declaration_opens_at", "declaration_deadline", "recommendation_deadline",
    "window_start", "window_end",
    "recommendation_quota", "roadshow_minutes", "site_visit_top_n",
    "ppt_max_mb", "ppt_aspect", "video_max_minutes", "video_max_mb", "video_width", "video_height", "video_formats",
    "contact_name", "contact_phone", "contact_email", "contact_address",
    "scope_text", "procedure_text", "notice_text",
)


@transaction.atomic
def update_edition(*, edition: Edition, actor, values: dict) -> list[str]:
    """Change the edition's settings to `values` and audit the names of the fields that changed."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = Edition.objects.select_for_update().get(pk=edition.pk)
    changed = [name for name in EDITABLE_FIELDS if name in values and getattr(locked, name) != values[name]]
    if changed:
        for name in changed:
            setattr(locked, name, values[name])
        locked.save(update_fields=[*changed, "updated_at"])
        record_edition_change(edition=locked, actor=actor, changed=changed)
    return changed


# The edition's lists by the name used in addresses and audit actions, in the order of the pages.
LIST_KINDS = {
    "categories": Category,
    "presentation-forms": PresentationForm,
    "exclusions": Exclusion,
    "criteria": Criterion,
    "prizes": PrizeTier,
    "committee": CommitteeMember,
}


# What a later stage demands before one of the lists changes, by kind: callables (edition) that raise
# common.exceptions.Refused. The second round registers one on "criteria": its rubric locks at the first score.
LIST_GUARDS: dict[str, list] = {}


def register_list_guard(kind: str, guard) -> None:
    if guard not in LIST_GUARDS.setdefault(kind, []):
        LIST_GUARDS[kind].append(guard)


def _list_fields(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.name not in ("id", "edition")]


@transaction.atomic
def update_edition_list(*, edition: Edition, actor, kind: str, rows: list, deleted: list) -> list[str]:
    """Replace one of the edition's lists by `rows` in this order, remove `deleted`, audit what changed."""
    model = LIST_KINDS[kind]
    for guard in LIST_GUARDS.get(kind, ()):
        guard(edition)
    originals = {o.pk: o for o in model.objects.select_for_update().filter(edition=edition)}
    fields = _list_fields(model)
    changed: set[str] = set()
    added: list[str] = []
    # Rows from another edition never reach here through the pages; refuse them all the same.
    for obj in [*rows, *deleted]:
        if obj.pk is not None and obj.pk not in originals:
            raise ValueError(f"{model.__name__} {obj.pk} is not in edition {edition.pk}")
    deleted_pks = {obj.pk for obj in deleted if obj.pk is not None}
    removed = [str(originals[pk]) for pk in sorted(deleted_pks, key=lambda pk: (originals[pk].position, pk))]
    model.objects.filter(pk__in=deleted_pks).delete()
    for position, obj in enumerate(row for row in rows if row.pk not in deleted_pks):
        obj.edition = edition
        obj.position = position
        if obj.pk is None:
            added.append(str(obj))
            obj.save()
            continue
        row_changed = [f for f in fields if getattr(originals[obj.pk], f) != getattr(obj, f)]
        if row_changed:
            changed.update(row_changed)
            obj.save(update_fields=row_changed)
    if added or removed:
        changed.add("rows")
    names = sorted(changed)
    record_edition_change(edition=edition, actor=actor, changed=names, what=kind.replace("-", "_"),
                          data={"added": added, "removed": removed})
    return names
