"""The skeleton of the entry's transition table (entry-lifecycle.md) and the registry the stages fill.

This module knows the states, the actions, who applies each one and who hears of it. What a
stage demands before one of its actions (its guards) and what it writes on the entry when the
action happens (its recorders) are registered by that stage from its `AppConfig.ready()`:
declaration (entries), screening, review, finals and awards each register their own, so this
app imports none of them. Anchor: pretalx's `set_submission_state` and its hooks, made explicit.
"""

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from wuxiao.notifications.services import DECLARING, RECOMMENDING

from .enums import Action, EntryStatus

S = EntryStatus

# A guard refuses by raising common.exceptions.Refused. It may complete `data` with what it has
# established (the merit rank, a normalised date), which is then recorded with the transition.
Guard = Callable[["Entry", object, dict], None]  # noqa: F821
# A recorder sets fields of the (locked) entry from the transition's data and returns their names.
Recorder = Callable[["Entry", dict], Iterable[str]]  # noqa: F821
# What a stage starts once the transition is committed (a background check), given the entry.
AfterCommit = Callable[["Entry"], None]  # noqa: F821
# A deadline extension: a later moment until which this entry's stage deadlines hold, or None.
DeadlineExtension = Callable[["Entry"], "dt.datetime | None"]  # noqa: F821


@dataclass(frozen=True)
class Lock:
    """A stage holds the entry as it is (its recommending unit's batch handed to the committee, R26).

    The pages show `title`, `message` and `unlock` (who can lift it) instead of the forms of
    `actions`; `url` is a page about the lock that the person asking may open, or "".
    """

    actions: frozenset
    title: str
    message: str
    unlock: str
    url: str = ""


# A lock: the stage's hold on the entry, as seen by `user` (None: the system), or None.
LockOf = Callable[["Entry", object], "Lock | None"]  # noqa: F821
# How a key of a transition's recorded data reads: (value, all the data) → words.
Show = Callable[[object, dict], str]


@dataclass(frozen=True)
class Detail:
    """One item of a transition's recorded data, in words: a label and its value."""

    key: str
    label: str
    value: str

# Who hears of a transition: the staff of the entry's declaring unit, of its recommending unit.
BOTH = (DECLARING, RECOMMENDING)

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
    notify: tuple[str, ...]
    reason_required: bool = False
    reason_missing: str = _("Please give a reason.")
    # The refusal when the entry is not in a source state ("%(status)s": its state), if not the general one.
    refused_in_state: str = ""

    @property
    def label(self) -> str:
        return Action(self.action).label

    @property
    def guards(self) -> tuple[Guard, ...]:
        return registry.guards_of(self.action)


TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition(Action.SUBMIT, frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, "entries.declare", (RECOMMENDING,)),
    # "Not yet decided": only a submitted entry, whatever the date; after the deadline it cannot come back.
    Transition(Action.WITHDRAW, frozenset({S.SUBMITTED}), S.DRAFT, "entries.declare", (RECOMMENDING,),
               reason_required=True, reason_missing=_("Please give the reason for withdrawing the entry."),
               refused_in_state=_("The entry can no longer be withdrawn: it is “%(status)s”. Only a submitted entry "
                                  "that no one has decided on yet can be withdrawn; if it must change, ask your "
                                  "recommending unit to return it for revision.")),
    Transition(Action.RETURN, frozenset({S.SUBMITTED}), S.RETURNED, "entries.screen", (DECLARING,),
               reason_required=True, reason_missing=_("Please write what must be revised.")),
    Transition(Action.RECOMMEND, frozenset({S.SUBMITTED}), S.RECOMMENDED, "entries.screen", (DECLARING,)),
    # A returned entry too: at the hand-over the unit decides every entry left (issue 9 item 4).
    Transition(Action.NOT_RECOMMEND, frozenset({S.SUBMITTED, S.RETURNED}), S.NOT_RECOMMENDED, "entries.screen",
               (DECLARING,),
               reason_required=True, reason_missing=_("Please give the reason for not recommending the entry.")),
    Transition(Action.UNRECOMMEND, frozenset({S.RECOMMENDED}), S.SUBMITTED, "entries.screen", (DECLARING,),
               reason_required=True, reason_missing=_("Please give the reason for taking back the recommendation.")),
    # Every committee decision concerns both units.
    Transition(Action.ACCEPT, frozenset({S.RECOMMENDED}), S.IN_REVIEW, "entries.decide", BOTH),
    Transition(Action.DECLARE_INELIGIBLE, frozenset({S.RECOMMENDED}), S.INELIGIBLE, "entries.decide", BOTH,
               reason_required=True, reason_missing=_("Please give the reason why the entry is ineligible.")),
    Transition(Action.REQUEST_CORRECTION, frozenset({S.RECOMMENDED}), S.SUBMITTED, "entries.decide", BOTH,
               reason_required=True, reason_missing=_("Please say what must be corrected.")),
    Transition(Action.SELECT_FINALIST, frozenset({S.IN_REVIEW}), S.FINALIST, "entries.decide", BOTH),
    Transition(Action.NOT_SELECT, frozenset({S.IN_REVIEW}), S.NOT_FINALIST, "entries.decide", BOTH),
    Transition(Action.AWARD, frozenset({S.FINALIST}), S.AWARDED, "entries.decide", BOTH),
    Transition(Action.NOT_AWARD, frozenset({S.FINALIST}), S.NOT_AWARDED, "entries.decide", BOTH),
    Transition(Action.REVOKE, frozenset({S.AWARDED}), S.REVOKED, "entries.decide", BOTH, reason_required=True,
               reason_missing=_("Please give the reason for revoking the award (the notice, Attachment 1, section 6, "
                                "item 2).")),
]}


class Registry:
    """What the stages add to the table: guards and recorders per action, deadline extensions, the
    locks that hold an entry as it is, and how the data they record read in words.

    Registering the same function twice for an action is a no-op, so a stage's `ready()` may run
    again (as it does in some test runners) without doubling its checks.
    """

    def __init__(self):
        self._guards: dict[str, list[Guard]] = {}
        self._recorders: dict[str, list[Recorder]] = {}
        self._extensions: list[DeadlineExtension] = []
        self._after_commit: dict[str, list[AfterCommit]] = {}
        self._locks: list[LockOf] = []
        self._details: dict[str, tuple[object, Show | None]] = {}

    @staticmethod
    def _add(table: dict, action: str, functions) -> None:
        if action not in TRANSITIONS:
            raise KeyError(f"no transition {action!r} in the table")
        registered = table.setdefault(action, [])
        registered.extend(f for f in functions if f not in registered)

    def add_guards(self, action: str, *guards: Guard) -> None:
        """Check `guards`, in this order, before `action` (after who, state and reason are checked)."""
        self._add(self._guards, action, guards)

    def add_recorders(self, action: str, *recorders: Recorder) -> None:
        """Let `recorders` write their fields on the entry when `action` happens."""
        self._add(self._recorders, action, recorders)

    def add_after_commit(self, action: str, *functions: AfterCommit) -> None:
        """Call `functions` with the entry once `action` is committed (never when it is refused)."""
        self._add(self._after_commit, action, functions)

    def add_deadline_extension(self, extension: DeadlineExtension) -> None:
        """A later moment until which the entry's deadlines hold (a correction request's date, R6)."""
        if extension not in self._extensions:
            self._extensions.append(extension)

    def add_lock(self, lock: LockOf) -> None:
        """A stage's hold on entries (R26): its actions are refused by its guards, and the pages show it."""
        if lock not in self._locks:
            self._locks.append(lock)

    def add_detail(self, key: str, label, show: Show | None = None) -> None:
        """How the recorded data's `key` reads: its label and, when not the plain value, a function
        (value, data) → words. A label of None: the key is said by another one (it is not shown)."""
        self._details[key] = (label, show)

    def guards_of(self, action: str) -> tuple[Guard, ...]:
        return tuple(self._guards.get(action, ()))

    def recorders_of(self, action: str) -> tuple[Recorder, ...]:
        return tuple(self._recorders.get(action, ()))

    def after_commit_of(self, action: str) -> tuple[AfterCommit, ...]:
        return tuple(self._after_commit.get(action, ()))

    def deadline_for(self, entry, deadline: dt.datetime) -> dt.datetime:
        """`deadline`, or the latest extension the stages grant this entry."""
        later = [moment for moment in (extension(entry) for extension in self._extensions) if moment is not None]
        return max([deadline, *later])

    def lock_of(self, entry, user=None) -> Lock | None:
        """The first hold a stage has on the entry, as `user` sees it, or None."""
        for lock in self._locks:
            found = lock(entry, user)
            if found is not None:
                return found
        return None

    def details_of(self, data: dict | None) -> list[Detail]:
        """A transition's recorded data in words: each known key with its label, the others readably."""
        details = []
        for key, value in (data or {}).items():
            label, show = self._details.get(key, (_readable_key(key), None))
            if label is None or value in (None, "", [], {}):
                continue
            details.append(Detail(key, str(label), show(value, data) if show else plain_value(value)))
        return details

    def value_in_words(self, key: str, data: dict | None) -> str:
        """One key of recorded data in words ("" when absent), e.g. for a message's text."""
        data = data or {}
        if data.get(key) in (None, ""):
            return ""
        _label, show = self._details.get(key, (None, None))
        return show(data[key], data) if show else plain_value(data[key])


def _readable_key(key: str) -> str:
    return str(key).replace("_", " ").strip().capitalize() or "—"


def plain_value(value) -> str:
    """A recorded value as a person reads it: yes/no, lists with 、, mappings as “key: value”."""
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, (list, tuple, set)):
        return "、".join(plain_value(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{_readable_key(k)}：{plain_value(v)}" for k, v in value.items())
    if isinstance(value, (str, int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


registry = Registry()
