"""Writes of the recommending unit's screening (R5, R6, R14, R23, R26) and of the committee on batches.

A unit's decisions on entries go through entries.services.transition_entry (the one function
that changes a status); this module adds what belongs to the unit's batch: the merit ranks, the
stamped summary sheet, the hand-over to the committee, its reopening, quota exceptions and
extensions of a unit's recommendation deadline.
Every change bumps Batch.version, so that a form sent from a page that is no longer up to date
is refused instead of overwriting a colleague's work.
"""

import datetime as dt
from dataclasses import asdict, dataclass

from django.db import transaction
from django.db.models import F, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.accounts.models import Role
from wuxiao.common import audit
from wuxiao.common.exceptions import InvalidInput, Refused
from wuxiao.common.permissions import require
from wuxiao.competitions.models import Edition
from wuxiao.entries.enums import RECOMMENDED_STATES, Action, EntryStatus
from wuxiao.entries.models import Entry
from wuxiao.entries.services import transition_entry
from wuxiao.entries.transitions import TRANSITIONS
from wuxiao.notifications.services import committee_staff, notify_users, unit_staff
from wuxiao.orgs.models import Organisation

from . import queries
from . import transitions as guards
from .flags import schedule_flags
from .models import Batch, DeadlineExtension, QuotaException, SummarySheet
from .queries import live_sheet_rows, undecided_entries

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


def _undecided_message(entries: list[Entry]) -> str:
    listed = "；".join(_("“%(title)s” (%(unit)s, %(status)s)") % {
        "title": e.title, "unit": e.declaring_unit.name, "status": EntryStatus(e.status).label} for e in entries)
    return _("%(count)d entries of the unit have not been decided yet: %(entries)s. Before handing the batch "
             "over, recommend, return or do not recommend each of them, or mark them all as not recommended "
             "with a reason.") % {"count": len(entries), "entries": listed}


def submit_batch(*, actor, edition: Edition, unit: Organisation, version: int, not_recommend=(),
                 reason: str = "") -> Batch:
    """Hand the unit's recommendations to the committee (提交组委会): locks the batch and freezes its summary
    sheet (R26).

    No entry may be left without the unit's decision: the undecided entries `not_recommend` (ids,
    exactly as the unit saw them listed) are first marked not recommended with `reason`, each through
    transition_entry, which tells its declaring unit; any other undecided entry refuses the hand-over.
    One transaction: a refusal leaves every entry and the batch as they were.
    """
    chosen = set(not_recommend)
    reason = (reason or "").strip()
    with transaction.atomic():
        # The undecided entries are locked before the unit's row, in the order of transition_entry (the
        # entry, then its guards lock the unit): a colleague's decision on one of them waits, or is waited for.
        locked = set(undecided_entries(edition, unit).select_related(None).select_for_update()
                     .values_list("pk", flat=True))
        batch = _locked_batch(edition, unit, version)
        if batch.is_locked:
            raise Refused(_("The batch has already been handed to the committee."))
        _refuse_after_deadline(edition, unit)
        undecided = list(undecided_entries(edition, unit))
        if chosen - (locked & {e.pk for e in undecided}):  # decided meanwhile, or not the unit's
            raise Refused(_("Some of the entries to be marked as not recommended have been decided or changed "
                            "meanwhile; please reload the page and look at the list again."), field="not_recommend")
        if chosen and not reason:
            raise Refused(_("Please give the reason for not recommending these entries."), field="reason")
        remaining = [e for e in undecided if e.pk not in chosen]
        if remaining:
            raise Refused(_undecided_message(remaining), field="not_recommend")
        marked = []
        for entry in undecided:
            transition_entry(entry=entry, action=Action.NOT_RECOMMEND, actor=actor, reason=reason,
                             data={"at_hand_over": True})
            marked.append(entry.pk)
        rows = live_sheet_rows(edition, unit)
        if not rows:
            raise Refused(_("Recommend at least one entry before handing the batch to the committee."))
        if not batch.stamped_sheet:
            raise Refused(_("Upload the stamped summary sheet (Attachment 3 of the notice) before handing the batch "
                            "to the committee."))
        ids = list(recommended_entries(edition, unit).values_list("pk", flat=True))
        batch.submitted_at = timezone.now()
        batch.submitted_by = actor
        _bump(batch, ["submitted_at", "submitted_by"])
        sheet = SummarySheet.objects.create(batch=batch, handed_over_at=batch.submitted_at, handed_over_by=actor,
                                            stamped_sheet_name=batch.stamped_sheet_name, rows=rows)
        audit.record(actor=actor, action="screening.batch_submit", obj=batch, edition=edition,
                     reason=reason if marked else "",
                     data={"entries": ids, "sheet": batch.stamped_sheet_name, "summary_sheet": sheet.pk,
                           "rows": [row["entry"] for row in sheet.rows], "not_recommended": marked})
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


# --- Several entries at once (issue 9 item 13) ---------------------------------------------------

# What each queue applies to several entries in one step.
UNIT_BULK_ACTIONS = (Action.RETURN, Action.RECOMMEND, Action.NOT_RECOMMEND)
REVIEW_BULK_ACTIONS = (Action.ACCEPT, Action.DECLARE_INELIGIBLE, Action.REQUEST_CORRECTION)
BULK_MAX = 200  # four pages of the review queue; a larger selection is refused, not cut
TEXT_MAX = 2000  # as the reason fields of the entries' own forms
# The guards whose answer depends only on what is given once for all entries: checked once before any
# entry moves, so that a missing opinion or a wrong date is said once beside its field.
INPUT_GUARDS = {
    Action.RECOMMEND: (guards.opinion_given,),
    Action.DECLARE_INELIGIBLE: (guards.ineligibility_rule,),
    Action.REQUEST_CORRECTION: (guards.correction_date,),
}
NOTHING_SELECTED = _("Please select at least one entry.")
TOO_MANY = _("At most %(max)d entries can be handled in one step; please select fewer.")
NOT_IN_QUEUE = _("This entry is not in this queue; nothing was done.")
TEXT_TOO_LONG = _("At most %(max)d characters.")
RULE_MISSING = _("Please choose the rule of the notice that the entries do not meet.")
ACCEPT_REASON_MISSING = _("Please give the reason for accepting the entry although its checklist fails.")


@dataclass
class BulkResult:
    """What a bulk action did to one entry: moved to `status`, or refused with `message` (nothing changed)."""

    entry_id: int
    title: str  # empty for an entry that is not in the queue: nothing of it is shown
    moved: bool
    status: str = ""
    recommendation_rank: int | None = None
    message: str = ""
    field: str | None = None

    @property
    def status_label(self) -> str:
        return str(EntryStatus(self.status).label) if self.status else ""

    def as_dict(self) -> dict:
        return {**asdict(self), "status_label": self.status_label}


def _text_problem(value: str) -> str | None:
    if len(value) > TEXT_MAX:
        return str(TEXT_TOO_LONG % {"max": TEXT_MAX})
    if "\x00" in value:  # what the pages' forms refuse too (and PostgreSQL cannot store)
        return str(_("Null characters are not allowed."))
    return None


def check_bulk_input(*, actor, edition: Edition, action: str, count: int, reason: str, data: dict) -> None:
    """Refuse (InvalidInput, by input name) what is missing or wrong in the input given once for all the
    selected entries, before any of them moves: the selection, the reason, and what INPUT_GUARDS check."""
    errors: dict[str, list[str]] = {}
    if count == 0:
        errors["entry_ids"] = [str(NOTHING_SELECTED)]
    elif count > BULK_MAX:
        errors["entry_ids"] = [str(TOO_MANY % {"max": BULK_MAX})]
    texts = [("reason", reason), *((k, v) for k, v in data.items() if isinstance(v, str) and k != "override_reason")]
    for name, value in texts:
        problem = _text_problem(value)
        if problem:
            errors.setdefault(name, []).append(problem)
    transition = TRANSITIONS[action]
    if "reason" not in errors:
        if transition.reason_required and not reason.strip():
            errors["reason"] = [str(transition.reason_missing)]
        elif action == Action.ACCEPT and data.get("confirm_failed_checks") is True and not reason.strip():
            errors["reason"] = [str(ACCEPT_REASON_MISSING)]
    if action == Action.DECLARE_INELIGIBLE and not str(data.get("rule") or "").strip():
        errors["rule"] = [str(RULE_MISSING)]
    if not errors:
        for guard in INPUT_GUARDS.get(action, ()):
            try:
                guard(Entry(edition=edition), actor, dict(data))  # an unsaved stand-in: these read the edition only
            except Refused as refused:
                errors.setdefault(refused.field or "action", []).append(str(refused.message))
    if errors:
        raise InvalidInput(errors)


def _apply(*, actor, entry: Entry, action: str, reason: str, data: dict) -> Entry:
    """One entry of a bulk action, in its own transaction, through the entry's one transition function."""
    if action in SCREEN_ACTIONS:
        return screen_entry(actor=actor, entry=entry, action=action, reason=reason, data=data)
    return transition_entry(entry=entry, action=action, actor=actor, reason=reason, data=data)


def bulk_transition(*, actor, edition: Edition, queue: QuerySet[Entry], entry_ids, action: str, reason: str = "",
                    data: dict | None = None) -> list[BulkResult]:
    """Apply `action` to the entries `entry_ids` of `queue`, one after the other in the order given, each in
    its own transaction: an entry that may not move is reported with the reason and the others move.

    The reason and data are given once for all (check_bulk_input refuses the whole step when they are
    missing or wrong, before anything moves); each entry gets its own copy of `data`, so that what a
    guard establishes for one (a merit rank, R6) is not taken for the next. Call it outside a transaction:
    each entry is committed on its own.
    """
    ids = list(dict.fromkeys(entry_ids))
    reason = (reason or "").strip()
    data = dict(data or {})
    check_bulk_input(actor=actor, edition=edition, action=action, count=len(ids), reason=reason, data=data)
    found = {e.pk: e for e in queue.filter(pk__in=ids).select_related("edition", "declaring_unit",
                                                                         "recommending_unit")}
    results = []
    for pk in ids:
        entry = found.get(pk)
        if entry is None:
            results.append(BulkResult(pk, "", False, message=str(NOT_IN_QUEUE)))
            continue
        try:
            _apply(actor=actor, entry=entry, action=action, reason=reason, data=dict(data))
        except Refused as refused:
            results.append(BulkResult(pk, entry.title, False, entry.status, entry.recommendation_rank,
                                      str(refused.message), refused.field))
        else:
            results.append(BulkResult(pk, entry.title, True, entry.status, entry.recommendation_rank))
    return results


def screen_entries(*, actor, edition: Edition, unit: Organisation, entry_ids, action: str, reason: str = "",
                   data: dict | None = None) -> list[BulkResult]:
    """Return, recommend or not recommend several of the recommending unit's entries at once (bulk_transition):
    each through screen_entry, so R6 (deadline, quota: each recommendation takes the next free merit
    rank until the places are used up) and R26 (the batch) hold for each."""
    require(actor, "screening.screen_unit", unit)
    if action not in UNIT_BULK_ACTIONS:
        raise InvalidInput({"action": [str(_("Please choose what to do with the selected entries."))]})
    return bulk_transition(actor=actor, edition=edition, queue=queries.unit_queue(edition, unit),
                           entry_ids=entry_ids, action=action, reason=reason, data=data)


def decide_entries(*, actor, edition: Edition, entry_ids, action: str, reason: str = "",
                   data: dict | None = None) -> list[BulkResult]:
    """The committee office accepts, declares ineligible or sends back for correction several entries of the
    handed-over batches at once (bulk_transition). Accepting an entry whose checklist fails needs
    `confirm_failed_checks` and the reason, as on the entry's page (transitions.checklist_passed_or_confirmed)."""
    require(actor, "screening.check_eligibility")
    if action not in REVIEW_BULK_ACTIONS:
        raise InvalidInput({"action": [str(_("Please choose what to do with the selected entries."))]})
    data = dict(data or {})
    if action == Action.ACCEPT:
        data = {"confirm_failed_checks": data.get("confirm_failed_checks") is True, "override_reason": reason or ""}
    return bulk_transition(actor=actor, edition=edition, queue=queries.review_entries(edition), entry_ids=entry_ids,
                           action=action, reason=reason, data=data)
