"""The entry's one transition function (entry-lifecycle.md).

`transition_entry` is the only code that changes `Entry.status`. For one row of the table
(transitions.TRANSITIONS) it checks who acts (rules.py), the source state and the reason, then
the guards the stages registered for the action; it saves the status and what the stages'
recorders write, and one EntryTransition and one AuditLog row, all in one transaction, and
tells the units the table names; what the stages start after an action (a background check)
runs once it is committed. A refusal raises common.exceptions.Refused with a message
naming the rule, and changes nothing.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.common import audit
from wuxiao.common.exceptions import Refused
from wuxiao.common.permissions import allowed
from wuxiao.notifications.services import notify_transition

from . import rules as entry_rules  # noqa: F401  (registers the entries.* permissions used below)
from .enums import EntryStatus
from .models import Entry, EntryTransition
from .transitions import TRANSITIONS, WHO, Transition, registry


def may_apply(actor, t: Transition, entry: Entry) -> bool:
    """Whether `actor` holds the transition's permission on the entry (the site administrator is the
    committee office's equal, never a unit's: the predicates say so, with no superuser shortcut)."""
    return allowed(actor, t.permission, entry)


def allowed_actions(entry: Entry, actor) -> list[Transition]:
    """The transitions this actor may try on the entry now (guards are checked when applied); none that a
    stage's lock holds (R26: a handed-over batch), so that a page offers no form that would be refused."""
    lock = registry.lock_of(entry)
    held = lock.actions if lock is not None else frozenset()
    return [t for t in TRANSITIONS.values()
            if entry.status in t.sources and t.action not in held and may_apply(actor, t, entry)]


def transition_entry(*, entry: Entry, action: str, actor, reason: str = "", data: dict | None = None,
                     check_permission: bool = True) -> Entry:
    """Move `entry` by `action`: check who, state, reason and the stages' guards; save what the
    stages record; write history and audit; notify the units the table names.

    `check_permission=False` is for the system itself (a task closing a stage), never for a request.
    """
    t = TRANSITIONS.get(action)
    if t is None:
        raise Refused(_("Unknown action."))
    data = dict(data or {})
    reason = (reason or "").strip()
    with transaction.atomic():
        # Re-read under lock: a double click or a colleague may have moved the entry meanwhile.
        # `of` locks the entry's row only, not the edition and units joined to it (the units are
        # named in the notifications).
        locked = (Entry.objects.select_for_update(of=("self",))
                  .select_related("edition", "declaring_unit", "recommending_unit").get(pk=entry.pk))
        if check_permission and not may_apply(actor, t, locked):
            raise Refused(_("Only %(who)s may “%(action)s” this entry.")
                          % {"who": WHO[t.permission], "action": t.label})
        if locked.status not in t.sources:
            raise Refused((t.refused_in_state or _("“%(action)s” is not possible while the entry is “%(status)s”."))
                          % {"action": t.label, "status": EntryStatus(locked.status).label})
        if t.reason_required and not reason:
            raise Refused(t.reason_missing, field="reason")
        for guard in registry.guards_of(t.action):
            guard(locked, actor, data)

        source = locked.status
        locked.status = t.target
        locked.status_changed_at = timezone.now()
        fields = {"status", "status_changed_at", "updated_at"}
        for recorder in registry.recorders_of(t.action):
            fields.update(recorder(locked, data))
        locked.save(update_fields=sorted(fields))
        human = actor if actor is not None and actor.is_authenticated else None
        EntryTransition.objects.create(entry=locked, action=t.action, from_status=source, to_status=t.target,
                                       actor=human, reason=reason, data=data)
        audit.record(actor=human, action=f"entry.{t.action}", obj=locked, reason=reason, edition=locked.edition,
                     data={"from": source, "to": t.target, **data})
        # In-app messages in this transaction; their e-mails go out only after it commits.
        notify_transition(entry=locked, action=t.action, audience=t.notify, actor=human, reason=reason, data=data)
        for function in registry.after_commit_of(t.action):
            transaction.on_commit(lambda function=function: function(locked))
    for name in {"status", "status_changed_at", "updated_at", *fields}:
        setattr(entry, name, getattr(locked, name))
    _hand_over_rows(entry, locked)
    return entry


def _hand_over_rows(entry: Entry, locked: Entry) -> None:
    """The related rows a guard read under the lock (the submit guard: completers, forms, R4 answers, the edition's
    exclusions), taken over by the caller's entry so that its answer does not read them again."""
    rows = getattr(locked, "_prefetched_objects_cache", None)
    if not rows or entry is locked:
        return
    entry._prefetched_objects_cache = {**getattr(entry, "_prefetched_objects_cache", {}), **rows}
    edition_rows = getattr(locked.edition, "_prefetched_objects_cache", None)
    if edition_rows and Entry.edition.is_cached(entry) and entry.edition.pk == locked.edition.pk:
        entry.edition._prefetched_objects_cache = {**getattr(entry.edition, "_prefetched_objects_cache", {}),
                                                   **edition_rows}
