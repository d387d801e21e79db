"""Writes of the scoring part of the second round (issue 10 items 3, 7, 8; R7).

The rubric (criteria, guidance bands, comment required) locks at the first saved score; the office
reopens it with a reason. An expert's score is saved as typed (draft) and locked at submission;
only the office reopens it, with a reason. An expert may declare a conflict of interest (回避) for
an entry or for all the entries of its declaring unit. Reminders go to experts with scores
outstanding, on demand or on the edition's schedule. Every decision is audited.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuxiao.common import audit
from wuxiao.common.exceptions import InvalidInput, Refused
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Entry

from .models import (
    Conflict,
    ConflictSource,
    CriterionBand,
    Expert,
    ReviewAssignment,
    ReviewSettings,
    Score,
    ScoreItem,
    ScoreStatus,
)
from .queries import review_settings, visible_assignments
from .queries_scoring import STEP, outstanding_experts

RUBRIC_LOCKED = gettext_lazy("The rubric is locked: experts have started scoring with it (评分标准已锁定). "
                             "The committee office must reopen it, with a reason, before it can be changed.")
NOT_REVIEWER = gettext_lazy("You are not assigned to this entry, or you have declared a conflict of interest "
                            "with it: you cannot score it.")
ROUND_CLOSED = gettext_lazy("This entry is no longer in the second round: its scores can no longer be changed.")
ALREADY_SUBMITTED = gettext_lazy("This score has already been submitted and is locked. Only the committee office "
                                 "can reopen it, with a reason.")


# --- The rubric (item 3) --------------------------------------------------------------------------

@dataclass
class BandInput:
    low: Decimal
    high: Decimal
    text: str


@dataclass
class CriterionInput:
    criterion_id: int
    name: str
    max_points: int
    description: str
    bands: list[BandInput]


def band_problems(max_points: int, bands: list[BandInput]) -> list[str]:
    """What is wrong with a criterion's bands: outside 0..max, low above high, overlapping."""
    problems = []
    for band in bands:
        if band.low < 0 or band.high > max_points:
            problems.append(_("The band %(low)s–%(high)s lies outside 0–%(max)s points.") % {
                "low": band.low, "high": band.high, "max": max_points})
        if band.low > band.high:
            problems.append(_("The band %(low)s–%(high)s starts above its end.") % {"low": band.low, "high": band.high})
        if not band.text.strip():
            problems.append(_("The band %(low)s–%(high)s has no guidance text.") % {"low": band.low, "high": band.high})
    ordered = sorted(bands, key=lambda b: (b.low, b.high))
    for before, after in zip(ordered, ordered[1:]):
        if after.low <= before.high:
            problems.append(_("The bands %(a)s and %(b)s overlap.") % {
                "a": f"{before.low}–{before.high}", "b": f"{after.low}–{after.high}"})
    return problems


def ensure_rubric_editable(edition) -> None:
    """Refuse while the rubric is locked (another stage editing the criteria calls this too)."""
    if ReviewSettings.objects.filter(edition=edition, rubric_locked_at__isnull=False).exists():
        raise Refused(RUBRIC_LOCKED)


@transaction.atomic
def update_rubric(*, actor, edition, criteria: list[CriterionInput], comment_required: bool) -> list[str]:
    """Change the criteria's names, points, descriptions and guidance bands and whether a comment is
    required; refused while the rubric is locked. Returns what changed (audited)."""
    settings = ReviewSettings.objects.select_for_update().get(pk=review_settings(edition).pk)
    if settings.rubric_locked_at is not None:
        raise Refused(RUBRIC_LOCKED)
    current = {c.pk: c for c in edition.criteria.select_for_update()}
    errors: dict[str, list[str]] = {}
    for row in criteria:
        if row.criterion_id not in current:
            raise Refused(_("This criterion is not one of the edition's."), field=f"c{row.criterion_id}-name")
        if not row.name.strip():
            errors.setdefault(f"c{row.criterion_id}-name", []).append(_("Give the criterion a name."))
        if not 1 <= row.max_points <= 100:
            errors.setdefault(f"c{row.criterion_id}-max_points", []).append(
                _("A criterion is worth between 1 and 100 points."))
        problems = band_problems(row.max_points, row.bands)
        if problems:
            errors.setdefault(f"c{row.criterion_id}-bands", []).extend(problems)
    if errors:
        raise InvalidInput(errors)
    changed = []
    for row in criteria:
        criterion = current[row.criterion_id]
        values = {"name": row.name.strip(), "max_points": row.max_points, "description": row.description.strip()}
        fields = [k for k, v in values.items() if getattr(criterion, k) != v]
        if fields:
            for k in fields:
                setattr(criterion, k, values[k])
            criterion.save(update_fields=fields)
            changed.append(f"{criterion.pk}:{','.join(fields)}")
        old = [(b.low, b.high, b.text) for b in criterion.bands.order_by("position", "id")]
        new = [(b.low, b.high, b.text.strip()) for b in sorted(row.bands, key=lambda b: -b.high)]
        if old != new:
            criterion.bands.all().delete()
            CriterionBand.objects.bulk_create(CriterionBand(criterion=criterion, position=i, low=low, high=high,
                                                            text=text) for i, (low, high, text) in enumerate(new))
            changed.append(f"{criterion.pk}:bands")
    if settings.comment_required != comment_required:
        settings.comment_required = comment_required
        settings.save(update_fields=["comment_required", "updated_at"])
        changed.append("comment_required")
    edition._review_settings_cache = settings
    if changed:
        audit.record(actor=actor, action="review.update_rubric", obj=settings, edition=edition,
                     data={"changed": changed})
    return changed


@transaction.atomic
def reopen_rubric(*, actor, edition, reason: str) -> ReviewSettings:
    """Unlock the rubric for changes until the next saved score, with the office's reason (audited)."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give the reason for reopening the rubric."), field="reason")
    settings = ReviewSettings.objects.select_for_update().get(pk=review_settings(edition).pk)
    if settings.rubric_locked_at is None:
        raise Refused(_("The rubric is not locked: it can be changed as it is."), field="reason")
    locked_at = settings.rubric_locked_at
    settings.rubric_locked_at = None
    settings.rubric_reopened_at = timezone.now()
    settings.rubric_reopened_by = actor
    settings.rubric_reopen_reason = reason
    settings.save(update_fields=["rubric_locked_at", "rubric_reopened_at", "rubric_reopened_by",
                                 "rubric_reopen_reason", "updated_at"])
    edition._review_settings_cache = settings
    audit.record(actor=actor, action="review.reopen_rubric", obj=settings, edition=edition, reason=reason,
                 data={"locked_at": locked_at.isoformat()})
    return settings


def _lock_rubric(edition, actor, now) -> None:
    """The first saved score locks the rubric (R7: every expert scores by the same rubric)."""
    locked = ReviewSettings.objects.filter(edition=edition, rubric_locked_at__isnull=True).update(
        rubric_locked_at=now, updated_at=now)
    if locked:
        settings = ReviewSettings.objects.get(edition=edition)
        edition._review_settings_cache = settings
        audit.record(actor=actor, action="review.lock_rubric", obj=settings, edition=edition)


# --- Scores (item 7) ------------------------------------------------------------------------------

def parse_points(value) -> Decimal | None:
    """A typed number of points as a Decimal, None when empty; raises ValueError when not a number."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    text = str(value).strip().replace("，", ".").replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return number


def points_problem(value, max_points: int) -> str | None:
    """Why `value` is not a valid number of points for a criterion worth `max_points`, or None."""
    try:
        number = parse_points(value)
    except ValueError:
        return _("Enter a number of points, such as 18 or 18.5.")
    if number is None:
        return None
    if number < 0 or number > max_points:
        return _("Points must lie between 0 and %(max)s for this criterion (the rubric).") % {"max": max_points}
    if number % STEP != 0:
        return _("Points are given in steps of %(step)s (such as 18 or 18.5).") % {"step": STEP}
    return None


def _still_visible(assignment: ReviewAssignment) -> ReviewAssignment:
    """The assignment again, if the expert still sees it (published, active, not conflicted)."""
    found = visible_assignments(assignment.expert).filter(pk=assignment.pk).select_related("entry", "expert").first()
    if found is None:
        raise Refused(NOT_REVIEWER)
    return found


def save_score(*, actor, assignment: ReviewAssignment, points: dict, comment: str = "",
               confirm_no_conflict: bool = False, submit: bool = False) -> Score:
    """Save the expert's points per criterion (id → typed value) and comment as a draft, or submit
    them (locked). Refused, with the input it belongs to, when the expert may not score the entry,
    a value lies outside its criterion's range, the score is submitted already, or (to submit) a
    criterion, the comment or the no-conflict confirmation is missing. The first saved score locks
    the rubric."""
    with transaction.atomic():
        assignment = _still_visible(assignment)
        if assignment.expert.user_id != getattr(actor, "pk", None):
            raise Refused(NOT_REVIEWER)
        if assignment.entry.status != EntryStatus.IN_REVIEW:
            raise Refused(ROUND_CLOSED)
        edition = assignment.edition
        settings = review_settings(edition)
        criteria = list(edition.criteria.all())
        unknown = sorted(str(key) for key in points if str(key) not in {str(c.pk) for c in criteria})
        if unknown:  # a criterion of another rubric, or one removed since the form was opened: nothing is saved
            raise Refused(_("“%(keys)s” is not a criterion of this edition's rubric; reload the page and score "
                            "again.") % {"keys": "、".join(unknown)}, field="points")
        score, _created = Score.objects.select_for_update().get_or_create(
            assignment=assignment, defaults={"edition": edition, "entry": assignment.entry,
                                             "expert": assignment.expert})
        if score.status == ScoreStatus.SUBMITTED:
            raise Refused(ALREADY_SUBMITTED)
        errors: dict[str, list[str]] = {}
        values: dict[int, Decimal | None] = {}
        for criterion in criteria:
            typed = points.get(criterion.pk, points.get(str(criterion.pk)))
            problem = points_problem(typed, criterion.max_points)
            if problem:
                errors[f"points_{criterion.pk}"] = [problem]
                continue
            values[criterion.pk] = parse_points(typed)
            if submit and values[criterion.pk] is None:
                errors[f"points_{criterion.pk}"] = [_("Give points for every criterion before submitting.")]
        comment = (comment or "").strip()
        if len(comment) > 2000:
            errors["comment"] = [_("The comment may have at most 2000 characters.")]
        if submit and settings.comment_required and not comment:
            errors["comment"] = [_("The committee asks for a comment with every score.")]
        now = timezone.now()
        first_confirmation = confirm_no_conflict and score.no_conflict_confirmed_at is None
        if submit and not (confirm_no_conflict or score.no_conflict_confirmed_at):
            errors["confirm_no_conflict"] = [
                _("Confirm that you have no conflict of interest with this entry (本人与该作品无利害关系), or declare "
                  "the conflict instead.")]
        if errors:
            raise InvalidInput(errors)
        existing = {item.criterion_id: item for item in score.items.all()}
        for criterion in criteria:
            item = existing.get(criterion.pk)
            if item is None:
                ScoreItem.objects.create(score=score, criterion=criterion, points=values[criterion.pk])
            elif item.points != values[criterion.pk]:
                item.points = values[criterion.pk]
                item.save(update_fields=["points"])
        given = [v for v in values.values() if v is not None]
        score.total = sum(given, Decimal(0)) if given else None
        score.comment = comment
        if first_confirmation:
            score.no_conflict_confirmed_at = now
        score.version += 1
        if submit:
            score.status = ScoreStatus.SUBMITTED
            score.submitted_at = now
        score.save()
        if first_confirmation:
            audit.record(actor=actor, action="review.confirm_no_conflict", obj=score, edition=edition,
                         data={"entry": assignment.entry_id})
        if submit:
            audit.record(actor=actor, action="review.submit_score", obj=score, edition=edition,
                         data={"entry": assignment.entry_id, "total": str(score.total),
                               "points": {str(k): str(v) for k, v in values.items()}})
        _lock_rubric(edition, actor, now)
    return score


@transaction.atomic
def reopen_score(*, actor, score: Score, reason: str) -> Score:
    """Unlock a submitted score for its expert to change, with the office's reason (audited, the expert told)."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give the reason for reopening the score."), field="reason")
    score = Score.objects.select_for_update().select_related("expert", "entry", "edition").get(pk=score.pk)
    if score.status != ScoreStatus.SUBMITTED:
        raise Refused(_("This score has not been submitted: its expert can still change it."), field="reason")
    score.status = ScoreStatus.DRAFT
    score.reopened_at = timezone.now()
    score.reopened_by = actor
    score.reopen_reason = reason
    score.save(update_fields=["status", "reopened_at", "reopened_by", "reopen_reason", "saved_at"])
    audit.record(actor=actor, action="review.reopen_score", obj=score, edition=score.edition, reason=reason,
                 data={"entry": score.entry_id, "expert": score.expert_id})
    if score.expert.user_id:
        from wuxiao.notifications.services import notify_users

        notify_users(users=[score.expert.user], event="review.score_reopened",
                     context={"edition": score.edition.title, "entry_title": f"{score.entry_id} {score.entry.title}",
                              "reason": reason},
                     url=reverse("review:expert_entry", args=[score.edition.slug, score.entry_id]))
    return score


# --- Declared conflicts (item 2, declared) --------------------------------------------------------

@transaction.atomic
def declare_conflict(*, actor, seat: Expert, entry: Entry, reason: str, whole_unit: bool = False) -> list[Conflict]:
    """The expert declares a conflict of interest (回避) with `entry`, or with every entry of its
    declaring unit in the edition: they stop seeing them at once; the office is told to re-assign."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give the reason for the conflict of interest."), field="reason")
    if len(reason) > 300:
        raise Refused(_("The reason may have at most 300 characters."), field="reason")
    if seat.user_id != getattr(actor, "pk", None) or entry.edition_id != seat.edition_id:
        raise Refused(NOT_REVIEWER)
    if not visible_assignments(seat).filter(entry=entry).exists():
        raise Refused(NOT_REVIEWER)
    if whole_unit:
        entries = list(Entry.objects.filter(edition_id=seat.edition_id, declaring_unit_id=entry.declaring_unit_id))
    else:
        entries = [entry]
    unit = entry.declaring_unit if whole_unit else None
    found = []
    for target in entries:
        conflict, created = Conflict.objects.get_or_create(
            expert=seat, entry=target, source=ConflictSource.DECLARED,
            defaults={"edition_id": seat.edition_id, "unit": unit, "reason": reason, "created_by": actor})
        if not created and conflict.lifted_at is not None:
            conflict.lifted_at, conflict.lifted_by, conflict.lift_reason = None, None, ""
            conflict.reason, conflict.unit, conflict.created_by = reason, unit, actor
            conflict.save(update_fields=["lifted_at", "lifted_by", "lift_reason", "reason", "unit", "created_by"])
        found.append(conflict)
    edition = seat.edition
    audit.record(actor=actor, action="review.declare_conflict", obj=seat, edition=edition, reason=reason,
                 data={"entry": entry.pk, "whole_unit": bool(whole_unit), "entries": [e.pk for e in entries]})
    from wuxiao.notifications.services import committee_staff, notify_users

    notify_users(users=committee_staff(), event="review.conflict_declared",
                 context={"edition": edition.title, "expert": seat.name, "entry_title": f"{entry.pk} {entry.title}",
                          "count": len(entries), "reason": reason},
                 url=reverse("review:progress", args=[edition.slug]))
    return found


# --- Reminders (item 8) ---------------------------------------------------------------------------

def send_reminders(*, actor, edition, expert_ids=None, scheduled: bool = False) -> int:
    """Remind (in the app and by e-mail) the accepted experts of `edition` with scores outstanding
    (those of `expert_ids` only, when given); each reminder audited. Returns how many were reminded."""
    from wuxiao.notifications.services import notify_users

    settings = review_settings(edition)
    deadline = timezone.localtime(settings.scoring_deadline).strftime("%Y-%m-%d %H:%M") \
        if settings.scoring_deadline else _("no date set")
    sent = 0
    url = reverse("review:workspace_edition", args=[edition.slug])
    with transaction.atomic():
        for expert, outstanding in outstanding_experts(edition, expert_ids):
            if expert.user_id is None:
                continue
            notify_users(users=[expert.user], event="review.reminder",
                         context={"edition": edition.title, "expert": expert.name, "count": outstanding,
                                  "due_date": deadline}, url=url)
            # "review.remind_expert" is queries_scoring.REMIND_ACTION (the progress page reads it back).
            audit.record(actor=actor, action="review.remind_expert", obj=expert, edition=edition,
                         data={"outstanding": outstanding, "scheduled": scheduled})
            sent += 1
    return sent


def send_due_reminders(now: dt.datetime | None = None) -> dict[str, int]:
    """The scheduled reminders: for each edition whose `reminder_every_days` has passed since the last
    one, claim the turn (so two workers never both send) and remind. Returns experts reminded per edition."""
    now = now or timezone.now()
    done = {}
    for settings in ReviewSettings.objects.filter(reminder_every_days__isnull=False).select_related("edition"):
        days = settings.reminder_every_days
        if not days:
            continue
        last = settings.last_reminder_at
        if last is not None and now - last < dt.timedelta(days=days):
            continue
        claimed = ReviewSettings.objects.filter(pk=settings.pk, last_reminder_at=last).update(last_reminder_at=now)
        if not claimed:
            continue
        edition = settings.edition
        edition._review_settings_cache = settings
        sent = send_reminders(actor=None, edition=edition, scheduled=True)
        audit.record(actor=None, action="review.scheduled_reminders", obj=settings, edition=edition,
                     data={"reminded": sent})
        done[edition.slug] = sent
    return done
