"""What the screening stage (初赛 and 形式审查) demands of its transitions and records with them.

Registered on the entry's one transition function from ScreeningConfig.ready(): the recommending
unit's actions (return, recommend, not recommend, take back) follow R6 (deadline, quota) and R26
(the batch handed over); the committee's eligibility decisions name a rule (R1–R4) or a date, and accepting an
entry whose checklist fails needs a confirmation and a reason.
"""

import re

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wuxiao.common.dates import as_date, end_of_day, format_local
from wuxiao.common.exceptions import Refused
from wuxiao.common.permissions import allowed
from wuxiao.entries.enums import RECOMMENDED_STATES, Action
from wuxiao.entries.models import Entry
from wuxiao.entries.transitions import Lock, registry
from wuxiao.orgs.models import Organisation

from .flags import flags_after_submission
from .models import Batch
from .queries import correction_due


def correction_deadline(entry: Entry):
    """An open correction request (限期补正) keeps the entry open until the end of its date (R6)."""
    due = correction_due(entry)
    return end_of_day(due) if due is not None else None


def _lock_unit(entry: Entry) -> None:
    """Lock the recommending unit's row, in the same order as services.submit_batch does."""
    list(Organisation.objects.select_for_update().filter(pk=entry.recommending_unit_id).values_list("pk"))


def recommendation_open(entry: Entry, actor, data: dict) -> None:
    """R6: recommendations follow the time limit: the edition's, or the later one granted to the unit.

    The unit's batch closes with its deadline (services.recommendation_deadline_of); an open
    correction request (限期补正) keeps the entry open until the end of its date.
    """
    from .services import recommendation_deadline_of

    deadline = registry.deadline_for(entry, recommendation_deadline_of(entry.edition, entry.recommending_unit))
    if timezone.now() >= deadline:
        raise Refused(
            _("The recommendation deadline (the notice, Attachment 1, section 6, item 3), %(deadline)s, has passed; "
              "entries can no longer be returned, recommended or taken back.") % {"deadline": format_local(deadline)})


# What a handed-over batch holds (R26): the units' own moves; the committee's decisions go on.
HELD_BY_BATCH = frozenset({Action.RETURN, Action.RECOMMEND, Action.NOT_RECOMMEND, Action.UNRECOMMEND,
                           Action.WITHDRAW})


def holding_batch(entry: Entry) -> Batch | None:
    """The recommending unit's batch handed to the committee that holds `entry` as it is (R26), or None.

    An open correction request (限期补正) is the committee's own request to change the entry: it
    releases that entry until it is recommended again.
    """
    batch = (Batch.objects.filter(edition_id=entry.edition_id, unit_id=entry.recommending_unit_id,
                                  submitted_at__isnull=False).select_related("submitted_by").first())
    if batch is None or correction_due(entry) is not None:
        return None
    return batch


def batch_lock(entry: Entry, user=None) -> Lock | None:
    """R26 as the pages show it: who handed the batch over and when, and who can reopen it."""
    batch = holding_batch(entry)
    if batch is None:
        return None
    at = format_local(batch.submitted_at)
    by = batch.submitted_by.name if batch.submitted_by else ""
    message = (gettext("%(unit)s handed its batch to the committee on %(at)s (%(by)s); its entries stay as they "
                       "were handed over.") if by else
               gettext("%(unit)s handed its batch to the committee on %(at)s; its entries stay as they were "
                       "handed over.")) % {"unit": entry.recommending_unit.name, "at": at, "by": by}
    unit = entry.recommending_unit
    url = (reverse("screening:unit", args=[entry.edition.slug, unit.pk])
           if user is not None and allowed(user, "screening.view_batch", unit) else "")
    return Lock(actions=HELD_BY_BATCH, title=gettext("Locked: the batch has been handed to the committee"),
                message=message, url=url,
                unlock=gettext("Only the committee office can reopen the batch, giving a reason. Until then no "
                               "entry of it can be returned, recommended, not recommended, taken back or "
                               "withdrawn."))


def correction_lock(entry: Entry, user=None) -> Lock | None:
    """An entry sent back for correction (限期补正) is being decided: its declaring unit no longer withdraws it."""
    due = correction_due(entry)
    if due is None:
        return None
    step = (entry.transitions.filter(action=Action.REQUEST_CORRECTION).order_by("-at", "-id")
            .values_list("reason", flat=True).first())
    message = gettext("The committee office has sent this entry back to %(unit)s for correction by %(due)s: "
                      "%(what)s") % {"unit": entry.recommending_unit.name, "due": due.isoformat(), "what": step or "—"}
    return Lock(actions=frozenset({Action.WITHDRAW}), title=gettext("Sent back for correction (限期补正)"),
                message=message,
                unlock=gettext("The recommending unit has it corrected and recommends it again; it can return the "
                               "entry to its declaring unit for revision. The entry can no longer be withdrawn."))


def batch_open(entry: Entry, actor, data: dict) -> None:
    """R26: once the unit's batch is handed to the committee, its entries stay as handed over.

    The unit's row is locked first, so a recommendation and the hand-over never interleave. An
    open correction request (限期补正) is the committee's own request to change the entry, so it passes.
    """
    _lock_unit(entry)
    if holding_batch(entry) is not None:
        raise Refused(
            _("The recommending unit's batch has been handed to the committee; the committee must reopen "
              "it before its entries can be returned, recommended or taken back."))


def withdrawable(entry: Entry, actor, data: dict) -> None:
    """Only an entry no one has decided on may be withdrawn: not one the committee sent back for
    correction (限期补正), nor one of a batch handed to the committee (R26)."""
    _lock_unit(entry)
    due = correction_due(entry)
    if due is not None:
        raise Refused(
            _("The committee office has sent this entry back for correction by %(due)s, so it is being decided and "
              "can no longer be withdrawn. Your recommending unit can return it to you for revision.")
            % {"due": due.isoformat()})
    if holding_batch(entry) is not None:
        raise Refused(
            _("Your recommending unit has handed its batch to the committee, so the entry can no longer be "
              "withdrawn unless the committee office reopens the batch."))


def opinion_given(entry: Entry, actor, data: dict) -> None:
    """R23: the recommending unit's opinion goes on the entry form."""
    opinion = str(data.get("opinion") or "").strip()
    if not opinion:
        raise Refused(_("Please give the recommending unit's opinion (the entry form, Attachment 2 "
                        "of the notice)."), field="opinion")
    data["opinion"] = opinion


def quota_full_message(*, base: int, extra: int, used: int) -> str:
    """Why a recommendation is refused when the unit's places are taken, and what the unit can do (R6)."""
    if extra:
        return _("The quota is full: this unit's quota is %(base)d entries, the committee agreed to %(extra)d more, "
                 "and %(used)d are recommended. To recommend this entry, first take back another recommendation, or "
                 "ask the committee office to agree to more.") % {"base": base, "extra": extra, "used": used}
    return _("The quota is full: this unit's quota is %(base)d entries (the notice, Attachment 1, section 6, item 3: "
             "in principle at most %(base)d) and %(used)d are recommended. To recommend this entry, first take back "
             "another recommendation, or ask the committee office to agree to more.") % {"base": base, "used": used}


def within_quota(entry: Entry, actor, data: dict) -> None:
    """R6: at most the edition's quota of recommended entries per recommending unit; sets the rank.

    The unit's row is locked before counting, so two colleagues recommending the 20th and the
    21st entry at the same moment are counted one after the other: the second waits for the
    first to commit, then counts its entry (READ COMMITTED reads afresh at each statement).
    On SQLite select_for_update is a no-op, but the IMMEDIATE transaction serialises writers.
    """
    from .services import extra_quota_of

    _lock_unit(entry)
    base, extra = entry.edition.recommendation_quota, extra_quota_of(entry.edition, entry.recommending_unit)
    quota = base + extra
    holders = list(Entry.objects.filter(edition_id=entry.edition_id,
                                        recommending_unit_id=entry.recommending_unit_id,
                                        status__in=RECOMMENDED_STATES)
                   .exclude(pk=entry.pk).values_list("recommendation_rank", "title"))
    if len(holders) >= quota:
        raise Refused(quota_full_message(base=base, extra=extra, used=len(holders)))
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
            raise Refused(_("The merit rank must be a whole number from 1 to %(quota)d.")
                          % {"quota": quota}, field="rank")
        if rank in taken:
            raise Refused(_("Merit rank %(rank)d is already given to “%(title)s”.")
                          % {"rank": rank, "title": taken[rank]}, field="rank")
    data["rank"] = rank


_RULE = re.compile(r"^R([1-4])(?:\.(\d{1,2}))?$")


def ineligibility_rule(entry: Entry, actor, data: dict) -> None:
    """R1–R4: the finding names the rule, down to the item of R4 (e.g. R4.3)."""
    rule = str(data.get("rule") or "").strip().upper().replace("．", ".").replace("Ｒ", "R")
    match = _RULE.match(rule)
    if not match or (match.group(2) and match.group(1) != "4"):
        raise Refused(
            _("Please choose the condition that is not met: the scope, recent work, the category, or one of the cases "
              "not included in the competition."), field="rule")
    data["rule"] = rule
    if match.group(2):
        number = int(match.group(2))
        items = dict(entry.edition.exclusions.values_list("number", "text"))
        if (items and number not in items) or number < 1:
            raise Refused(_("This edition has no case %(number)d among the cases "
                            "not included in the competition.") % {"number": number}, field="rule")
        if number in items:
            data["rule_text"] = items[number]


def correction_date(entry: Entry, actor, data: dict) -> None:
    """限期补正: the committee says by which date (Beijing time, inclusive) the correction is due."""
    raw = data.get("due_date")
    if raw is None or raw == "":
        raise Refused(_("Please give the date by which the correction must be made."), field="due_date")
    due = as_date(raw)
    if due is None:
        raise Refused(_("The correction date is not a valid date."), field="due_date")
    if due < timezone.localdate():
        raise Refused(_("The correction date cannot be in the past."), field="due_date")
    data["due_date"] = due.isoformat()


def checklist_passed_or_confirmed(entry: Entry, actor, data: dict) -> None:
    """形式审查: an entry whose checklist fails (no stamped form, no stamped commitment ...) is accepted only
    with an explicit confirmation (`confirm_failed_checks`) and a reason (`override_reason`; the pages
    and the API pass it as the transition's reason too); the failing items are recorded with them.
    """
    from .checklist import ITEMS, annotate, with_checklist_data

    confirmed = data.pop("confirm_failed_checks", False) is True
    override = str(data.pop("override_reason", "") or "").strip()
    loaded = with_checklist_data(Entry.objects.filter(pk=entry.pk)).get()
    failing = annotate([loaded], entry.edition)[0].checks_failing
    if not failing:
        return
    if not confirmed:
        raise Refused(
            _("These items of the eligibility checklist are not met: %(items)s. To accept the entry all the same, "
              "confirm it explicitly and give the reason.") % {"items": "、".join(f"“{ITEMS[key]}”" for key in failing)},
            field="confirm_failed_checks")
    if not override:
        raise Refused(_("Please give the reason for accepting the entry although its checklist fails."),
                      field="reason")
    data.update({"failed_checks": failing, "confirm_failed_checks": True, "override_reason": override})


def record_rank(entry: Entry, data: dict) -> list[str]:
    """A recommendation holds a place with its merit rank (R6, R26)."""
    entry.recommendation_rank = data["rank"]
    return ["recommendation_rank"]


def release_rank(entry: Entry, data: dict) -> list[str]:
    """Leaving the recommended entries (taken back, or sent back for correction) frees the place."""
    entry.recommendation_rank = None
    return ["recommendation_rank"]


# --- The recorded data in words (the entry's history) -------------------------------------------

RULE_WORDS = {
    "R1": _("the scope of the competition: front-line workers of units whose trade union belongs to Zhengzhou "
            "(notice, Attachment 1, part 2)"),
    "R2": _("the scope of the competition: work achieved in the last three years (notice, Attachment 1, part 2)"),
    "R3": _("the category: one of 小发明、小创造、小革新、小建议、小设计 (notice, Attachment 2, note 2)"),
    "R4": _("the cases not admitted to the competition (notice, Attachment 1, part 2)"),
}


def rule_in_words(rule, data: dict | None = None) -> str:
    """An ineligibility finding's rule (R1–R4, R4.n) as the notice says it, never the bare code."""
    data = data or {}
    match = _RULE.match(str(rule or "").strip().upper())
    if match is None:
        return str(data.get("rule_text") or rule or "")
    if match.group(2):
        words = gettext("case %(number)s not admitted to the competition (notice, Attachment 1, part 2)") % {
            "number": match.group(2)}
        text = str(data.get("rule_text") or "")
        return f"{words}：{text}" if text else words
    return str(RULE_WORDS[f"R{match.group(1)}"])


def register() -> None:
    registry.add_deadline_extension(correction_deadline)
    registry.add_lock(batch_lock)
    registry.add_lock(correction_lock)
    registry.add_guards(Action.WITHDRAW, withdrawable)
    registry.add_detail("rank", _("merit rank"))
    registry.add_detail("opinion", _("opinion of the recommending unit"))
    registry.add_detail("rule", _("grounds in the notice"), rule_in_words)
    registry.add_detail("rule_text", None)  # said with "rule"
    registry.add_detail("due_date", _("to be corrected by"))
    registry.add_guards(Action.RETURN, recommendation_open, batch_open)
    registry.add_guards(Action.RECOMMEND, recommendation_open, batch_open, opinion_given, within_quota)
    registry.add_guards(Action.NOT_RECOMMEND, batch_open)
    registry.add_guards(Action.UNRECOMMEND, recommendation_open, batch_open)
    registry.add_guards(Action.ACCEPT, checklist_passed_or_confirmed)
    registry.add_guards(Action.DECLARE_INELIGIBLE, ineligibility_rule)
    registry.add_guards(Action.REQUEST_CORRECTION, correction_date)
    registry.add_recorders(Action.RECOMMEND, record_rank)
    for action in (Action.UNRECOMMEND, Action.REQUEST_CORRECTION):
        registry.add_recorders(action, release_rank)
    registry.add_after_commit(Action.SUBMIT, flags_after_submission)

