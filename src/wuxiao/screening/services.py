"""Writes of the recommending unit's screening (R5, R6, R14, R23, R26) and of the committee on batches.

A unit's decisions on entries go through entries.services.transition_entry (the one function
that changes a status); this module adds what belongs to the unit's batch: the merit ranks, the
stamped summary sheet, the hand-over to the committee, its reopening, quota exceptions and
extensions of a unit's recommendation deadline.
Every change bumps Batch.version, so that a form sent from a page that is no longer up to date
is refused instead of overwriting a colleague's work.
"""

import datetime as dt

from django.db import transaction
from django.db.models import F, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.accounts.models import Role
from wuxiao.common import audit
from wuxiao.common.exceptions import Refused
from wuxiao.competitions.models import Edition
from wuxiao.entries.enums import RECOMMENDED_STATES, Action, EntryStatus
from wuxiao.entries.models import Entry
from wuxiao.entries.services import transition_entry
from wuxiao.notifications.services import committee_staff, notify_users, unit_staff
from wuxiao.orgs.models import Organisation

from .flags import schedule_flags
from .models import Batch, DeadlineExtension, QuotaException

# The transitions a recommending unit applies on this stage's pages and API.
SCREEN_ACTIONS = (Action.RETURN, Action.RECOMMEND, Action.NOT_RECOMMEND, Action.UNRECOMMEND)

STALE_MESSAGE = _("Someone else has changed this meanwhile; please reload the page and try again.")


class StaleVersion(Refused):
    def __init__(self):
        super().__init__(STALE_MESSAGE)


# --- Reading -------------------------------------------------------------------------------

def batch_of(edition: Edition, unit: Organisation) -> Batch:
    """The unit's batch for the edition; an unsaved one (version 0, open) when nothing happened yet."""
    return Batch.objects.filter(edition=edition, unit=unit).first() or Batch(edition=edition, unit=unit)


def extra_quota_of(edition: Edition, unit: Organisation) -> int:
    return QuotaException.objects.filter(edition=edition, unit=unit).aggregate(n=Sum("extra"))["n"] or 0


def deadline_extension_of(edition: Edition, unit: Organisation) -> DeadlineExtension | None:
    """The unit's latest extension of the recommendation deadline in `edition`, or None."""
    return (DeadlineExtension.objects.filter(edition=edition, unit=unit).select_related("granted_by")
            .order_by("-granted_at", "-id").first())


def deadline_extensions_by_unit(edition: Edition) -> dict[int, DeadlineExtension]:
    """Each unit's latest extension in `edition`, by unit id (one query, for lists of units)."""
    latest = {}
    for extension in DeadlineExtension.objects.filter(edition=edition).order_by("granted_at", "id"):
        latest[extension.unit_id] = extension
    return latest


def effective_deadline(edition: Edition, extension: DeadlineExtension | None) -> dt.datetime:
    """The edition's recommendation deadline, or the later date of the unit's extension."""
    if extension is None:
        return edition.recommendation_deadline
    return max(edition.recommendation_deadline, extension.until)


def recommendation_deadline_of(edition: Edition, unit: Organisation) -> dt.datetime:
    """When the unit's batch closes (R6): the edition's deadline, or the later date the committee granted.

    The latest grant decides, so the committee office corrects a mistaken date by granting again.
    """
    return effective_deadline(edition, deadline_extension_of(edition, unit))


def used_quota_of(edition: Edition, unit: Organisation) -> int:
    """Entries holding one of the unit's places (R6), as entries.services._within_quota counts them."""
    return Entry.objects.filter(edition=edition, recommending_unit=unit, status__in=RECOMMENDED_STATES).count()


def recommended_entries(edition: Edition, unit: Organisation) -> QuerySet[Entry]:
    """The unit's recommended entries in merit-rank order: the rows of its summary sheet (R26)."""
    return (Entry.objects.filter(edition=edition, recommending_unit=unit, status=EntryStatus.RECOMMENDED)
            .order_by(F("recommendation_rank").asc(nulls_last=True), "id"))


def _locked_batch(edition: Edition, unit: Organisation, version: int | None) -> Batch:
    """The batch under lock, created if need be; refused when `version` is not the stored one.

    The unit's row is locked first, in the same order as the transition guards (_batch_open,
    _within_quota), so that a hand-over and a recommendation are applied one after the other.
    """
    list(Organisation.objects.select_for_update().filter(pk=unit.pk).values_list("pk"))
    batch, _created = Batch.objects.get_or_create(edition=edition, unit=unit)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if version is not None and batch.version != version:
        raise StaleVersion()
    return batch


def _bump(batch: Batch, fields: list[str]) -> None:
    batch.version += 1
    batch.save(update_fields=[*fields, "version"])


def _refuse_if_locked(batch: Batch) -> None:
    if batch.is_locked:
        raise Refused(_("The batch has been handed to the committee; it can no longer be changed "
                                 "unless the committee reopens it."))


def _refuse_after_deadline(edition: Edition, unit: Organisation) -> None:
    """R6: after the unit's deadline (extensions included) its batch is closed, the sheet and hand-over too."""
    deadline = recommendation_deadline_of(edition, unit)
    if timezone.now() >= deadline:
        raise Refused(
            _("The recommendation deadline (the notice, Attachment 1, section 6, item 3), %(deadline)s, has passed; "
              "the batch is closed. Only the committee office can extend it.")
            % {"deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")})


# --- A decision on one entry ---------------------------------------------------------------

def screen_entry(*, actor, entry: Entry, action: str, reason: str = "", data: dict | None = None) -> Entry:
    """Return, recommend, not recommend or take back `entry` (transition_entry), and bump the unit's batch."""
    if action not in SCREEN_ACTIONS:
        raise ValueError(action)
    with transaction.atomic():
        entry = transition_entry(entry=entry, action=action, actor=actor, reason=reason, data=data)
        # The transition locked the unit's row already; the batch's version tells open pages that
        # the recommended set changed.
        batch, _created = Batch.objects.get_or_create(edition_id=entry.edition_id, unit_id=entry.recommending_unit_id)
        Batch.objects.filter(pk=batch.pk).update(version=F("version") + 1)
    return entry


# --- The batch ----------------------------------------------------------------------------

def reorder_ranks(*, actor, edition: Edition, unit: Organisation, ranks: dict[int, int], version: int) -> Batch:
    """Give the unit's recommended entries the merit ranks `ranks` ({entry id: rank}, each once, 1..quota)."""
    with transaction.atomic():
        batch = _locked_batch(edition, unit, version)
        _refuse_if_locked(batch)
        _refuse_after_deadline(edition, unit)
        entries = {e.pk: e for e in recommended_entries(edition, unit).select_for_update()}
        if set(ranks) != set(entries):
            raise StaleVersion()
        quota = edition.recommendation_quota + extra_quota_of(edition, unit)
        values = list(ranks.values())
        if any(not 1 <= r <= quota for r in values):
            raise Refused(_("The merit rank must be a whole number from 1 to %(quota)d.") % {"quota": quota},
                                   field="ranks")
        if len(set(values)) != len(values):
            raise Refused(_("Each merit rank may be given only once."), field="ranks")
        changes = {}
        for pk, rank in ranks.items():
            entry = entries[pk]
            if entry.recommendation_rank != rank:
                changes[str(pk)] = [entry.recommendation_rank, rank]
                entry.recommendation_rank = rank
        Entry.objects.bulk_update(entries.values(), ["recommendation_rank"])
        _bump(batch, [])
        audit.record(actor=actor, action="screening.reorder_ranks", obj=batch, edition=edition, data=changes)
    return batch


def upload_summary_sheet(*, actor, edition: Edition, unit: Organisation, upload, version: int) -> Batch:
    """Store the stamped summary sheet (R26) of the unit, replacing an earlier scan."""
    with transaction.atomic():
        batch = _locked_batch(edition, unit, version)
        _refuse_if_locked(batch)
        _refuse_after_deadline(edition, unit)
        old_name = batch.stamped_sheet.name if batch.stamped_sheet else ""
        batch.stamped_sheet.save(upload.name, upload, save=False)
        batch.stamped_sheet_name = upload.name[:255]
        _bump(batch, ["stamped_sheet", "stamped_sheet_name"])
        audit.record(actor=actor, action="screening.sheet_upload", obj=batch, edition=edition,
                     data={"name": batch.stamped_sheet_name, "size": upload.size, "replaced": bool(old_name)})
        if old_name:
            storage = batch.stamped_sheet.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return batch


def submit_batch(*, actor, edition: Edition, unit: Organisation, version: int) -> Batch:
    """Hand the unit's recommendations to the committee (提交组委会): locks the batch (R26)."""
    with transaction.atomic():
        batch = _locked_batch(edition, unit, version)
        if batch.is_locked:
            raise Refused(_("The batch has already been handed to the committee."))
        _refuse_after_deadline(edition, unit)
        ids = list(recommended_entries(edition, unit).values_list("pk", flat=True))
        if not ids:
            raise Refused(_("Recommend at least one entry before handing the batch to the committee."))
        if not batch.stamped_sheet:
            raise Refused(_("Upload the stamped summary sheet (Attachment 3 of the notice) before handing the batch "
                            "to the committee."))
        batch.submitted_at = timezone.now()
        batch.submitted_by = actor
        _bump(batch, ["submitted_at", "submitted_by"])
        audit.record(actor=actor, action="screening.batch_submit", obj=batch, edition=edition,
                     data={"entries": ids, "sheet": batch.stamped_sheet_name})
        schedule_flags(edition.pk)  # the committee's queue shows the batch's flags without a click
        notify_users(users=committee_staff(), event="unit.batch_handed_over",
                     context={"unit": unit.name, "edition": edition.title, "count": len(ids), "actor": actor},
                     url=reverse("screening:review", args=[edition.slug]) + f"?unit={unit.pk}")
    return batch


def reopen_batch(*, actor, edition: Edition, unit: Organisation, reason: str, version: int) -> Batch:
    """The committee gives a handed-over batch back to its unit, with a reason."""
    reason = (reason or "").strip()
    with transaction.atomic():
        batch = _locked_batch(edition, unit, version)
        if not batch.is_locked:
            raise Refused(_("The batch has not been handed to the committee; there is nothing to reopen."))
        if not reason:
            raise Refused(_("Please give the reason for reopening the batch."), field="reason")
        submitted_at = batch.submitted_at
        batch.submitted_at = None
        batch.submitted_by = None
        batch.reopened_at = timezone.now()
        batch.reopened_by = actor
        batch.reopen_reason = reason
        _bump(batch, ["submitted_at", "submitted_by", "reopened_at", "reopened_by", "reopen_reason"])
        audit.record(actor=actor, action="screening.batch_reopen", obj=batch, edition=edition, reason=reason,
                     data={"submitted_at": submitted_at.isoformat()})
    return batch


def grant_quota_exception(*, actor, edition: Edition, unit: Organisation, extra: int, reason: str) -> QuotaException:
    """Let `unit` recommend `extra` more entries than the quota in `edition` (R6 "in principle")."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Please give the reason for the exception."), field="reason")
    if extra < 1:
        raise Refused(_("The number of additional entries must be at least 1."), field="extra")
    if not unit.is_recommending:
        raise Refused(_("Only a recommending unit can be granted a quota exception."), field="unit")
    with transaction.atomic():
        exception = QuotaException.objects.create(edition=edition, unit=unit, extra=extra, reason=reason,
                                                  granted_by=actor)
        audit.record(actor=actor, action="screening.quota_exception", obj=exception, edition=edition, reason=reason,
                     data={"unit": unit.pk, "extra": extra})
    return exception


def grant_deadline_extension(*, actor, edition: Edition, unit: Organisation, until: dt.datetime,
                             reason: str) -> DeadlineExtension:
    """Keep `unit`'s batch open until `until`, after the edition's recommendation deadline (R6), and tell it."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Please give the reason for the extension."), field="reason")
    if until is None:
        raise Refused(_("Please give the new deadline."), field="until")
    if timezone.is_naive(until):  # a time without its zone is Beijing time, as on the pages
        until = timezone.make_aware(until)
    if until <= edition.recommendation_deadline:
        raise Refused(
            _("The new deadline must be later than the edition's recommendation deadline, %(deadline)s.")
            % {"deadline": timezone.localtime(edition.recommendation_deadline).strftime("%Y-%m-%d %H:%M")},
            field="until")
    if until <= timezone.now():
        raise Refused(_("The new deadline must be in the future."), field="until")
    if not unit.is_recommending:
        raise Refused(_("Only a recommending unit's deadline can be extended."), field="unit")
    with transaction.atomic():
        # The unit's row first, as _locked_batch does: a hand-over checking the deadline waits for the grant.
        list(Organisation.objects.select_for_update().filter(pk=unit.pk).values_list("pk"))
        previous = recommendation_deadline_of(edition, unit)
        extension = DeadlineExtension.objects.create(edition=edition, unit=unit, until=until, reason=reason,
                                                     granted_by=actor)
        audit.record(actor=actor, action="screening.deadline_extension", obj=extension, edition=edition,
                     reason=reason, data={"unit": unit.pk, "until": until.isoformat(),
                                          "previous": previous.isoformat()})
        notify_users(users=unit_staff([unit.pk], Role.RECOMMENDER), event="unit.deadline_extension",
                     context={"unit": unit.name, "edition": edition.title, "actor": getattr(actor, "name", ""),
                              "reason": reason, "until": timezone.localtime(until).strftime("%Y-%m-%d %H:%M")},
                     url=reverse("screening:unit", args=[edition.slug, unit.pk]))
    return extension
