"""The entry's one transition function and the table of allowed transitions (entry-lifecycle.md).

`transition_entry` is the only code that changes `Entry.status`. For one row of TRANSITIONS it
checks who acts (rules.py), the source state, the reason and the row's guards, then saves the
status and writes one EntryTransition and one AuditLog row, all in one transaction. A refusal
raises TransitionRefused with a message naming the rule, and changes nothing.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import rules
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.common import audit
from wuxiao.notifications.services import notify_transition

from . import rules as entry_rules  # noqa: F401  (registers the entries.* permissions used below)
from .enums import RECOMMENDED_STATES, Action, EntryStatus
from .models import Entry, EntryTransition

S = EntryStatus


class TransitionRefused(Exception):
    """A transition that may not happen now; the message says why in the user's language.

    `field` names the input the message belongs to ("reason", "rank", "opinion", "rule",
    "due_date", "decided_on", "tier"), so that a form can show it beside that field.
    """

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


# A guard refuses by raising TransitionRefused. It may complete `data` with what it has
# established (the merit rank, a normalised date), which is then recorded with the transition.
Guard = Callable[[Entry, object, dict], None]


def _format_time(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after `day` in Beijing time: a date limit holds until 23:59:59."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _as_date(value) -> dt.date | None:
    """A date from a date, an aware datetime or an ISO string; None when it is none of them."""
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def corrections_due(entry_ids) -> dict[int, dt.date]:
    """For each of `entry_ids` with an open correction request (限期补正), the date it is due (one query).

    A request is open from `request_correction` until the entry is recommended again; the SQL
    form of the same rule is `open_correction`.
    """
    due: dict[int, dt.date | None] = {}
    steps = (EntryTransition.objects.filter(entry_id__in=list(entry_ids),
                                            action__in=[Action.REQUEST_CORRECTION, Action.RECOMMEND])
             .order_by("id").values_list("entry_id", "action", "data"))
    for entry_id, action, data in steps:  # the later step wins: a recommendation closes the request
        due[entry_id] = _as_date((data or {}).get("due_date")) if action == Action.REQUEST_CORRECTION else None
    return {pk: day for pk, day in due.items() if day is not None}


def correction_due(entry: Entry) -> dt.date | None:
    """The date by which the entry's open correction request (限期补正) must be answered, or None."""
    return corrections_due([entry.pk]).get(entry.pk)


def open_correction() -> Q:
    """`corrections_due` as a WHERE condition on entries: a correction request with no recommendation
    after it. The few entries ever sent back are found first (a set the database builds once), then
    the correlated check; as a SELECT column it would be computed for every row before a page is cut."""
    requests = EntryTransition.objects.filter(action=Action.REQUEST_CORRECTION)
    later = EntryTransition.objects.filter(entry_id=OuterRef(OuterRef("pk")), action=Action.RECOMMEND,
                                           id__gt=OuterRef("id"))
    return (Q(pk__in=requests.values("entry_id"))
            & Q(Exists(requests.filter(entry_id=OuterRef("pk")).exclude(Exists(later)))))


def _deadline(entry: Entry, deadline: dt.datetime) -> dt.datetime:
    """`deadline`, extended to the end of an open correction's date: the committee asked for it."""
    due = correction_due(entry)
    return max(deadline, _end_of_day(due)) if due is not None else deadline


# --- Guards -------------------------------------------------------------------------------

def _declaration_open(entry: Entry, actor, data: dict) -> None:
    """R15: the server's clock decides, to the second."""
    edition = entry.edition
    now = timezone.now()
    deadline = _deadline(entry, edition.declaration_deadline)
    if now >= deadline:
        raise TransitionRefused(
            _("The declaration deadline (R15), %(deadline)s, has passed; entries can no longer be submitted.")
            % {"deadline": _format_time(deadline)})
    if now < edition.declaration_opens_at:
        raise TransitionRefused(_("Declaration opens at %(opens)s.")
                                % {"opens": _format_time(edition.declaration_opens_at)})


def _complete(entry: Entry, actor, data: dict) -> None:
    from .declaration import submission_problems

    problems = submission_problems(entry)
    missing = [str(p.message) for p in problems if p.missing]
    others = [str(p.message) for p in problems if not p.missing]
    parts = []
    if missing:
        parts.append(str(_("The entry is not complete; missing: %(fields)s.") % {"fields": "、".join(missing)}))
    parts += others
    if parts:
        raise TransitionRefused(" ".join(parts))


def _recommendation_open(entry: Entry, actor, data: dict) -> None:
    """R6: recommendations follow the time limit: the edition's, or the later one granted to the unit.

    The unit's batch closes with its deadline (screening.services.recommendation_deadline_of); an
    open correction request (限期补正) keeps the entry open until the end of its date.
    """
    from wuxiao.screening.services import recommendation_deadline_of

    deadline = _deadline(entry, recommendation_deadline_of(entry.edition, entry.recommending_unit))
    if timezone.now() >= deadline:
        raise TransitionRefused(
            _("The recommendation deadline (R6), %(deadline)s, has passed; entries can no longer be "
              "returned, recommended or taken back.") % {"deadline": _format_time(deadline)})


def _batch_open(entry: Entry, actor, data: dict) -> None:
    """R26: once the unit's batch is handed to the committee, its entries stay as handed over.

    The unit's row is locked first, as screening.services.submit_batch does, so a recommendation
    and the hand-over never interleave. An open correction request (限期补正) is the committee's
    own request to change the entry, so it passes.
    """
    from wuxiao.orgs.models import Organisation
    from wuxiao.screening.models import Batch

    list(Organisation.objects.select_for_update().filter(pk=entry.recommending_unit_id).values_list("pk"))
    locked = Batch.objects.filter(edition_id=entry.edition_id, unit_id=entry.recommending_unit_id,
                                  submitted_at__isnull=False).exists()
    if locked and correction_due(entry) is None:
        raise TransitionRefused(
            _("The recommending unit's batch has been handed to the committee (R26); the committee must reopen "
              "it before its entries can be returned, recommended or taken back."))


def _opinion_given(entry: Entry, actor, data: dict) -> None:
    """R23: the recommending unit's opinion goes on the entry form."""
    opinion = str(data.get("opinion") or "").strip()
    if not opinion:
        raise TransitionRefused(_("Please give the recommending unit's opinion (R23)."), field="opinion")
    data["opinion"] = opinion


def _within_quota(entry: Entry, actor, data: dict) -> None:
    """R6: at most the edition's quota of recommended entries per recommending unit; sets the rank.

    The unit's row is locked before counting, so two colleagues recommending the 20th and the
    21st entry at the same moment are counted one after the other: the second waits for the
    first to commit, then counts its entry (READ COMMITTED reads afresh at each statement).
    On SQLite select_for_update is a no-op, but the IMMEDIATE transaction serialises writers.
    """
    from wuxiao.orgs.models import Organisation

    list(Organisation.objects.select_for_update().filter(pk=entry.recommending_unit_id).values_list("pk"))
    quota = entry.edition.recommendation_quota + extra_quota(entry)
    holders = list(Entry.objects.filter(edition_id=entry.edition_id,
                                        recommending_unit_id=entry.recommending_unit_id,
                                        status__in=RECOMMENDED_STATES)
                   .exclude(pk=entry.pk).values_list("recommendation_rank", "title"))
    if len(holders) >= quota:
        raise TransitionRefused(
            _("The recommendation quota (R6) is used up: a recommending unit recommends at most %(quota)d "
              "entries and %(used)d are recommended. More need the committee's agreement.")
            % {"quota": quota, "used": len(holders)})
    taken = {rank: title for rank, title in holders if rank is not None}
    raw = data.get("rank")
    if raw is None or raw == "":
        rank = next(r for r in range(1, quota + 2) if r not in taken)
    else:
        try:
            rank = int(str(raw).strip()) if not isinstance(raw, bool) else 0
        except ValueError:
            rank = 0
        if not 1 <= rank <= quota:
            raise TransitionRefused(_("The merit rank must be a whole number from 1 to %(quota)d.")
                                    % {"quota": quota}, field="rank")
        if rank in taken:
            raise TransitionRefused(_("Merit rank %(rank)d is already given to “%(title)s”.")
                                    % {"rank": rank, "title": taken[rank]}, field="rank")
    data["rank"] = rank


_RULE = re.compile(r"^R([1-4])(?:\.(\d{1,2}))?$")


def _ineligibility_rule(entry: Entry, actor, data: dict) -> None:
    """R1–R4: the finding names the rule, down to the item of R4 (e.g. R4.3)."""
    rule = str(data.get("rule") or "").strip().upper().replace("．", ".").replace("Ｒ", "R")
    match = _RULE.match(rule)
    if not match or (match.group(2) and match.group(1) != "4"):
        raise TransitionRefused(
            _("Please name the rule that is not met: R1, R2, R3, R4 or an item of R4 such as R4.3."), field="rule")
    data["rule"] = rule
    if match.group(2):
        number = int(match.group(2))
        items = dict(entry.edition.exclusions.values_list("number", "text"))
        if (items and number not in items) or number < 1:
            raise TransitionRefused(_("R4 has no item %(number)d in this edition.") % {"number": number},
                                    field="rule")
        if number in items:
            data["rule_text"] = items[number]


def _correction_date(entry: Entry, actor, data: dict) -> None:
    """限期补正: the committee says by which date (Beijing time, inclusive) the correction is due."""
    raw = data.get("due_date")
    if raw is None or raw == "":
        raise TransitionRefused(_("Please give the date by which the correction must be made."), field="due_date")
    due = _as_date(raw)
    if due is None:
        raise TransitionRefused(_("The correction date is not a valid date."), field="due_date")
    if due < timezone.localdate():
        raise TransitionRefused(_("The correction date cannot be in the past."), field="due_date")
    data["due_date"] = due.isoformat()


def _award_tier(entry: Entry, actor, data: dict) -> None:
    """R11: the award names one of the edition's prize tiers; its prize money is recorded."""
    tier = str(data.get("tier") or "").strip()
    if not tier:
        raise TransitionRefused(_("Please choose the prize tier (R11)."), field="tier")
    tiers = {t.name: t for t in entry.edition.prize_tiers.all()}
    if tiers and tier not in tiers:
        raise TransitionRefused(_("“%(tier)s” is not a prize tier of this edition (R11).") % {"tier": tier},
                                field="tier")
    data["tier"] = tier
    if tier in tiers:
        data["amount_yuan"] = tiers[tier].amount_yuan


def _revocation_date(entry: Entry, actor, data: dict) -> None:
    """R12: the revocation records the date of the decision (today unless given)."""
    raw = data.get("decided_on")
    decided = timezone.localdate() if raw is None or raw == "" else _as_date(raw)
    if decided is None:
        raise TransitionRefused(_("The decision date is not a valid date."), field="decided_on")
    if decided > timezone.localdate():
        raise TransitionRefused(_("The decision date cannot be in the future."), field="decided_on")
    data["decided_on"] = decided.isoformat()


# --- Hooks the later stages fill in ------------------------------------------------------

def extra_quota(entry: Entry) -> int:
    """Quota exceptions granted by the committee (R6 "in principle") to the entry's recommending unit."""
    from django.db.models import Sum

    from wuxiao.screening.models import QuotaException

    return (QuotaException.objects.filter(edition_id=entry.edition_id, unit_id=entry.recommending_unit_id)
            .aggregate(n=Sum("extra"))["n"] or 0)


def missing_for_submission(entry: Entry) -> list:
    """What a submission still lacks, as messages (the declaration stage's rules, R1–R4, R17–R25)."""
    from .declaration import submission_problems

    return [problem.message for problem in submission_problems(entry)]


# --- The table ---------------------------------------------------------------------------

# Who may apply a permission's transitions, for the refusal message.
WHO = {
    "entries.declare": _("the declaring unit of this entry"),
    "entries.screen": _("the recommending unit of this entry"),
    "entries.decide": _("the committee office"),
}


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str
    permission: str
    reason_required: bool = False
    reason_missing: str = _("Please give a reason.")
    guards: tuple[Guard, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return Action(self.action).label


TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition(Action.SUBMIT, frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, "entries.declare",
               guards=(_declaration_open, _complete)),
    # "Not yet decided": only a submitted entry, whatever the date; after the deadline it cannot come back.
    Transition(Action.WITHDRAW, frozenset({S.SUBMITTED}), S.DRAFT, "entries.declare", reason_required=True,
               reason_missing=_("Please give the reason for withdrawing the entry.")),
    Transition(Action.RETURN, frozenset({S.SUBMITTED}), S.RETURNED, "entries.screen", reason_required=True,
               reason_missing=_("Please write what must be revised."), guards=(_recommendation_open, _batch_open)),
    Transition(Action.RECOMMEND, frozenset({S.SUBMITTED}), S.RECOMMENDED, "entries.screen",
               guards=(_recommendation_open, _batch_open, _opinion_given, _within_quota)),
    Transition(Action.NOT_RECOMMEND, frozenset({S.SUBMITTED}), S.NOT_RECOMMENDED, "entries.screen",
               reason_required=True, reason_missing=_("Please give the reason for not recommending the entry."),
               guards=(_batch_open,)),
    # The deadline closes a unit's batch, and so does its hand-over to the committee (R26).
    Transition(Action.UNRECOMMEND, frozenset({S.RECOMMENDED}), S.SUBMITTED, "entries.screen",
               reason_required=True, reason_missing=_("Please give the reason for taking back the recommendation."),
               guards=(_recommendation_open, _batch_open)),
    Transition(Action.ACCEPT, frozenset({S.RECOMMENDED}), S.IN_REVIEW, "entries.decide"),
    Transition(Action.DECLARE_INELIGIBLE, frozenset({S.RECOMMENDED}), S.INELIGIBLE, "entries.decide",
               reason_required=True, reason_missing=_("Please give the reason why the entry is ineligible."),
               guards=(_ineligibility_rule,)),
    Transition(Action.REQUEST_CORRECTION, frozenset({S.RECOMMENDED}), S.SUBMITTED, "entries.decide",
               reason_required=True, reason_missing=_("Please say what must be corrected."),
               guards=(_correction_date,)),
    Transition(Action.SELECT_FINALIST, frozenset({S.IN_REVIEW}), S.FINALIST, "entries.decide"),
    Transition(Action.NOT_SELECT, frozenset({S.IN_REVIEW}), S.NOT_FINALIST, "entries.decide"),
    Transition(Action.AWARD, frozenset({S.FINALIST}), S.AWARDED, "entries.decide", guards=(_award_tier,)),
    Transition(Action.NOT_AWARD, frozenset({S.FINALIST}), S.NOT_AWARDED, "entries.decide"),
    Transition(Action.REVOKE, frozenset({S.AWARDED}), S.REVOKED, "entries.decide", reason_required=True,
               reason_missing=_("Please give the reason for revoking the award (R12)."),
               guards=(_revocation_date,)),
]}


def may_apply(actor, t: Transition, entry: Entry) -> bool:
    """Whether `actor` holds the transition's permission on the entry.

    The rule is tested directly, not through `user.has_perm`, which lets every superuser do
    anything: a site administrator has the committee office's powers (is_committee), but does
    not submit or recommend in a unit's name.
    """
    return bool(actor is not None and getattr(actor, "is_active", False)
                and rules.has_perm(t.permission, actor, entry))


def allowed_actions(entry: Entry, actor) -> list[Transition]:
    """The transitions this actor may try on the entry now (guards are checked when applied)."""
    return [t for t in TRANSITIONS.values() if entry.status in t.sources and may_apply(actor, t, entry)]


def transition_entry(*, entry: Entry, action: str, actor, reason: str = "", data: dict | None = None,
                     check_permission: bool = True) -> Entry:
    """Move `entry` by `action`: check who, state, reason and guards; save; write history and audit.

    `check_permission=False` is for the system itself (a task closing a stage), never for a request.
    """
    t = TRANSITIONS.get(action)
    if t is None:
        raise TransitionRefused(_("Unknown action."))
    data = dict(data or {})
    reason = (reason or "").strip()
    with transaction.atomic():
        # Re-read under lock: a double click or a colleague may have moved the entry meanwhile.
        # `of` locks the entry's row only, not the edition and units joined to it (the units are
        # named in the notifications).
        locked = (Entry.objects.select_for_update(of=("self",))
                  .select_related("edition", "declaring_unit", "recommending_unit").get(pk=entry.pk))
        if check_permission and not may_apply(actor, t, locked):
            raise TransitionRefused(_("Only %(who)s may “%(action)s” this entry.")
                                    % {"who": WHO[t.permission], "action": t.label})
        if locked.status not in t.sources:
            raise TransitionRefused(
                _("“%(action)s” is not possible while the entry is “%(status)s”.")
                % {"action": t.label, "status": EntryStatus(locked.status).label})
        if t.reason_required and not reason:
            raise TransitionRefused(t.reason_missing, field="reason")
        for guard in t.guards:
            guard(locked, actor, data)

        source = locked.status
        now = timezone.now()
        locked.status = t.target
        locked.status_changed_at = now
        fields = ["status", "status_changed_at", "updated_at"]
        if action == Action.SUBMIT:
            locked.submitted_at = now
            fields.append("submitted_at")
        if action == Action.RECOMMEND:
            locked.recommendation_rank = data["rank"]
            fields.append("recommendation_rank")
        if source == S.RECOMMENDED and t.target == S.SUBMITTED:
            locked.recommendation_rank = None
            fields.append("recommendation_rank")
        locked.save(update_fields=fields)
        human = actor if actor is not None and actor.is_authenticated else None
        EntryTransition.objects.create(entry=locked, action=t.action, from_status=source, to_status=t.target,
                                       actor=human, reason=reason, data=data)
        audit.record(actor=human, action=f"entry.{t.action}", obj=locked, reason=reason, edition=locked.edition,
                     data={"from": source, "to": t.target, **data})
        # In-app messages in this transaction; their e-mails go out only after it commits.
        notify_transition(entry=locked, action=t.action, actor=human, reason=reason, data=data)
    for name in ("status", "status_changed_at", "submitted_at", "recommendation_rank", "updated_at"):
        setattr(entry, name, getattr(locked, name))
    return entry
