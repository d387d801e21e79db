"""The entry's one transition function and the table of allowed transitions (entry-lifecycle.md)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.common import audit

from .enums import Action, EntryStatus
from .models import Entry, EntryTransition

S = EntryStatus


class TransitionRefused(Exception):
    """A transition that may not happen now; the message says why in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


Guard = Callable[[Entry, object, dict], None]


def _before_declaration_deadline(entry: Entry, actor, data: dict) -> None:
    edition = entry.edition
    now = timezone.now()
    if now >= edition.declaration_deadline:
        raise TransitionRefused(_("The declaration deadline (R15) has passed; entries can no longer be submitted."))
    if now < edition.declaration_opens_at:
        raise TransitionRefused(_("Declaration has not opened yet."))


def _complete(entry: Entry, actor, data: dict) -> None:
    missing = missing_for_submission(entry)
    if missing:
        raise TransitionRefused(_("The entry is not complete: %(fields)s.") % {"fields": "、".join(str(m) for m in missing)})


def _before_recommendation_deadline(entry: Entry, actor, data: dict) -> None:
    if timezone.now() >= entry.edition.recommendation_deadline:
        raise TransitionRefused(_("The recommendation deadline has passed; the batch is closed."))


def _within_quota(entry: Entry, actor, data: dict) -> None:
    """R6: at most the edition's quota of recommended entries per recommending unit.

    The unit's row is locked first so two staff recommending at once are counted one after
    the other (on SQLite the IMMEDIATE transaction already serialises writers).
    """
    from wuxiao.orgs.models import Organisation

    Organisation.objects.select_for_update().filter(pk=entry.recommending_unit_id).first()
    quota = entry.edition.recommendation_quota + extra_quota(entry)
    used = Entry.objects.filter(edition_id=entry.edition_id, recommending_unit_id=entry.recommending_unit_id,
                                status=S.RECOMMENDED).count()
    if used >= quota:
        raise TransitionRefused(
            _("The recommendation quota (R6) of %(quota)d entries is used up.") % {"quota": quota}
        )


def extra_quota(entry: Entry) -> int:
    """Quota exceptions granted by the committee (R6 "in principle"); the screening stage adds them."""
    return 0


def missing_for_submission(entry: Entry) -> list:
    """What a submission still lacks; the declaration stage extends this with the whole form."""
    missing = []
    if not entry.title.strip():
        missing.append(_("title"))
    if entry.category_id is None:
        missing.append(_("category"))
    return missing


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str
    permission: str
    reason_required: bool = False
    guards: tuple[Guard, ...] = field(default_factory=tuple)


TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition(Action.SUBMIT, frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, "entries.declare",
               guards=(_before_declaration_deadline, _complete)),
    Transition(Action.WITHDRAW, frozenset({S.SUBMITTED}), S.DRAFT, "entries.declare", reason_required=True,
               guards=(_before_declaration_deadline,)),
    Transition(Action.RETURN, frozenset({S.SUBMITTED}), S.RETURNED, "entries.screen", reason_required=True,
               guards=(_before_recommendation_deadline,)),
    Transition(Action.RECOMMEND, frozenset({S.SUBMITTED}), S.RECOMMENDED, "entries.screen",
               guards=(_before_recommendation_deadline, _within_quota)),
    Transition(Action.NOT_RECOMMEND, frozenset({S.SUBMITTED}), S.NOT_RECOMMENDED, "entries.screen",
               reason_required=True),
    Transition(Action.UNRECOMMEND, frozenset({S.RECOMMENDED}), S.SUBMITTED, "entries.screen",
               reason_required=True, guards=(_before_recommendation_deadline,)),
    Transition(Action.ACCEPT, frozenset({S.RECOMMENDED}), S.IN_REVIEW, "entries.decide"),
    Transition(Action.DECLARE_INELIGIBLE, frozenset({S.RECOMMENDED}), S.INELIGIBLE, "entries.decide",
               reason_required=True),
    Transition(Action.REQUEST_CORRECTION, frozenset({S.RECOMMENDED}), S.SUBMITTED, "entries.decide",
               reason_required=True),
    Transition(Action.SELECT_FINALIST, frozenset({S.IN_REVIEW}), S.FINALIST, "entries.decide"),
    Transition(Action.NOT_SELECT, frozenset({S.IN_REVIEW}), S.NOT_FINALIST, "entries.decide"),
    Transition(Action.AWARD, frozenset({S.FINALIST}), S.AWARDED, "entries.decide"),
    Transition(Action.NOT_AWARD, frozenset({S.FINALIST}), S.NOT_AWARDED, "entries.decide"),
    Transition(Action.REVOKE, frozenset({S.AWARDED}), S.REVOKED, "entries.decide", reason_required=True),
]}


def allowed_actions(entry: Entry, actor) -> list[Transition]:
    """The transitions this actor may try on the entry now (guards are checked when applied)."""
    return [t for t in TRANSITIONS.values()
            if entry.status in t.sources and actor.has_perm(t.permission, entry)]


def transition_entry(*, entry: Entry, action: str, actor, reason: str = "", data: dict | None = None,
                     check_permission: bool = True) -> Entry:
    """Move `entry` by `action`: check permission and guards, save the status, write history and audit."""
    try:
        t = TRANSITIONS[action]
    except KeyError:
        raise TransitionRefused(_("Unknown action.")) from None
    data = dict(data or {})
    reason = (reason or "").strip()
    with transaction.atomic():
        # Re-read under lock: a double click or a colleague may have moved the entry meanwhile.
        locked = Entry.objects.select_for_update().select_related("edition").get(pk=entry.pk)
        if check_permission and not actor.has_perm(t.permission, locked):
            raise TransitionRefused(_("You are not allowed to do this with this entry."))
        if locked.status not in t.sources:
            raise TransitionRefused(
                _("“%(action)s” is not possible while the entry is “%(status)s”.")
                % {"action": Action(action).label, "status": EntryStatus(locked.status).label}
            )
        if t.reason_required and not reason:
            raise TransitionRefused(_("Please give a reason."))
        for guard in t.guards:
            guard(locked, actor, data)
        source = locked.status
        now = timezone.now()
        locked.status = t.target
        locked.status_changed_at = now
        fields = ["status", "status_changed_at", "updated_at"]
        if t.target == S.SUBMITTED and action == Action.SUBMIT:
            locked.submitted_at = now
            fields.append("submitted_at")
        if action == Action.RECOMMEND and "rank" in data:
            locked.recommendation_rank = int(data["rank"])
            fields.append("recommendation_rank")
        if source == S.RECOMMENDED and t.target == S.SUBMITTED:
            locked.recommendation_rank = None
            fields.append("recommendation_rank")
        locked.save(update_fields=fields)
        EntryTransition.objects.create(entry=locked, action=action, from_status=source, to_status=t.target,
                                       actor=actor if actor.is_authenticated else None, reason=reason, data=data)
        audit.record(actor=actor, action=f"entry.{action}", obj=locked, reason=reason, edition=locked.edition,
                     data={"from": source, "to": t.target, **data})
    entry.status = locked.status
    entry.status_changed_at = locked.status_changed_at
    entry.submitted_at = locked.submitted_at
    entry.recommendation_rank = locked.recommendation_rank
    return entry
