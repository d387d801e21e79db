"""Writes of the final round's schedule (R8): the settings and the rubric, sessions with their panels, the
running order (by group or by a recorded draw), planned times and the published order with its notices.

Every function is `verb_object(*, actor, …)`, runs in a transaction and leaves an audit row.
"""

import datetime as dt
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.accounts.models import Role
from wuxiao.common import audit
from wuxiao.common.exceptions import Refused
from wuxiao.notifications.services import notify_users, unit_staff
from wuxiao.review.models import ExpertStatus

from . import presets, scoring
from . import queries_schedule as q
from .models import FinalCriterion, FinalStage, OrderMethod, RoadshowSession, SessionJudge, Slot
from .queries import final_settings

SETTINGS_FIELDS = ("material_deadline", "qa_minutes", "changeover_minutes", "trim_extremes", "roadshow_weight",
                   "site_weight", "unvisited_rule", "show_running_ranking")
SESSION_FIELDS = ("name", "starts_at", "venue", "group_category", "group_industry", "order_method")

ORDER_PUBLISHED = _("The running order of this session has been published: it can no longer be changed.")
DRAW_PUBLISHED = _("The running order of this session has been published: the draw can no longer be run again.")


def _plain(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


# --- settings and rubric ---------------------------------------------------------------------------

def update_final_settings(*, actor, edition, values: dict):
    """Change the edition's final-round settings (only the fields given); audited with the changes."""
    with transaction.atomic():
        settings = final_settings(edition)
        changes = {}
        for name, value in values.items():
            if name not in SETTINGS_FIELDS:
                continue
            old = getattr(settings, name)
            if old != value:
                changes[name] = [_plain(old), _plain(value)]
                setattr(settings, name, value)
        if changes:
            settings.save()
            audit.record(actor=actor, action="finals.update_settings", obj=settings, edition=edition,
                         data={"changes": changes})
        return settings


def _rubric_open(edition, stage: str) -> None:
    if q.rubric_has_scores(edition, stage):
        raise Refused(_("Scores of this part have already been given with this rubric: its criteria can no longer "
                        "be changed, so that every presentation is scored by the same rubric."))


def _criterion_data(c: FinalCriterion) -> dict:
    return {"id": c.pk, "stage": c.stage, "name": c.name, "max_points": c.max_points, "position": c.position}


def save_criterion(*, actor, edition, stage: str, name: str, max_points: int, guidance: str = "",
                   criterion: FinalCriterion | None = None) -> FinalCriterion:
    """Add a criterion at the end of the stage's rubric, or change `criterion`; refused once scores exist."""
    if stage not in FinalStage.values:
        raise Refused(_("Unknown part of the final round."), field="stage")
    with transaction.atomic():
        _rubric_open(edition, stage)
        name = name.strip()
        duplicate = FinalCriterion.objects.filter(edition=edition, stage=stage, name=name)
        if criterion is not None:
            duplicate = duplicate.exclude(pk=criterion.pk)
        if duplicate.exists():
            raise Refused(_("This part already has a criterion of that name."), field="name")
        if criterion is None:
            last = FinalCriterion.objects.filter(edition=edition, stage=stage).aggregate(m=Max("position"))["m"]
            criterion = FinalCriterion(edition=edition, stage=stage, position=0 if last is None else last + 1)
        added = criterion.pk is None
        criterion.name, criterion.max_points, criterion.guidance = name, max_points, guidance
        criterion.save()
        if added:
            audit.record(actor=actor, action="finals.add_criterion", obj=criterion, edition=edition,
                         data=_criterion_data(criterion))
        else:
            audit.record(actor=actor, action="finals.change_criterion", obj=criterion, edition=edition,
                         data=_criterion_data(criterion))
        return criterion


def delete_criterion(*, actor, criterion: FinalCriterion) -> None:
    """Remove a criterion from its rubric; refused once scores of its stage exist."""
    with transaction.atomic():
        _rubric_open(criterion.edition, criterion.stage)
        audit.record(actor=actor, action="finals.delete_criterion", obj=criterion, edition=criterion.edition,
                     data=_criterion_data(criterion))
        criterion.delete()


def move_criterion(*, actor, criterion: FinalCriterion, up: bool) -> None:
    """Move a criterion one place up or down in its rubric; refused once scores of its stage exist."""
    with transaction.atomic():
        _rubric_open(criterion.edition, criterion.stage)
        rubric = list(FinalCriterion.objects.select_for_update().filter(edition=criterion.edition,
                                                                        stage=criterion.stage)
                      .order_by("position", "id"))
        index = next(i for i, c in enumerate(rubric) if c.pk == criterion.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(rubric):
            return
        rubric[index], rubric[other] = rubric[other], rubric[index]
        for position, c in enumerate(rubric):
            if c.position != position:
                c.position = position
                c.save(update_fields=["position"])
        audit.record(actor=actor, action="finals.reorder_criteria", obj=criterion, edition=criterion.edition,
                     data={"stage": criterion.stage, "order": [c.pk for c in rubric]})


def use_default_rubric(*, actor, edition, stage: str) -> list[FinalCriterion]:
    """Fill an empty rubric of `stage` with the default criteria (finals/presets.py)."""
    if stage not in FinalStage.values:
        raise Refused(_("Unknown part of the final round."), field="stage")
    preset = presets.ROADSHOW_CRITERIA if stage == FinalStage.ROADSHOW else presets.SITE_CRITERIA
    with transaction.atomic():
        _rubric_open(edition, stage)
        if FinalCriterion.objects.filter(edition=edition, stage=stage).exists():
            raise Refused(_("This part already has criteria: the default rubric is only offered for an empty one."))
        made = [FinalCriterion.objects.create(edition=edition, stage=stage, position=i, name=name,
                                              max_points=points, guidance=guidance)
                for i, (name, points, guidance) in enumerate(preset)]
        audit.record(actor=actor, action="finals.default_rubric", obj=edition, edition=edition,
                     data={"stage": stage, "criteria": [c.name for c in made]})
        return made


# --- sessions --------------------------------------------------------------------------------------

def _locked_session(session) -> RoadshowSession:
    return RoadshowSession.objects.select_for_update().select_related("edition").get(pk=session.pk)


def _refuse_published(session, message=ORDER_PUBLISHED) -> None:
    if session.order_published_at is not None:
        raise Refused(message)


def _check_group(edition, values: dict) -> None:
    category, industry = values.get("group_category"), values.get("group_industry")
    if category is not None and category.edition_id != edition.pk:
        raise Refused(_("This category is not one of the edition's."), field="group_category")
    if category is not None and industry is not None:
        raise Refused(_("Group a session by a category or by an industry, not both."), field="group_industry")


def plan_times(session) -> None:
    """Planned start of every slot: the session's start plus (place − 1) × (presentation + Q&A + changeover)."""
    settings = final_settings(session.edition)
    minutes = q.slot_minutes(session.edition, settings)
    for slot in Slot.objects.filter(session=session).order_by("position", "id"):
        planned = session.starts_at + dt.timedelta(minutes=(slot.position - 1) * minutes)
        if slot.planned_start != planned:
            slot.planned_start = planned
            slot.save(update_fields=["planned_start"])


def create_session(*, actor, edition, name: str, starts_at, venue: str, group_category=None, group_industry=None,
                   order_method: str = OrderMethod.DRAW) -> RoadshowSession:
    """Create a roadshow session (R8): when, where, and optionally the group of finalists it takes."""
    values = {"name": name, "starts_at": starts_at, "venue": venue, "group_category": group_category,
              "group_industry": group_industry, "order_method": order_method}
    _check_group(edition, values)
    with transaction.atomic():
        session = RoadshowSession.objects.create(edition=edition, created_by=actor, **values)
        audit.record(actor=actor, action="finals.create_session", obj=session, edition=edition,
                     data={k: _plain(v) for k, v in values.items()})
        return session


def update_session(*, actor, session, values: dict) -> RoadshowSession:
    """Change a session's name, time, venue, group or order method; the planned times follow the start."""
    values = {k: v for k, v in values.items() if k in SESSION_FIELDS}
    _check_group(session.edition, values)
    with transaction.atomic():
        locked = _locked_session(session)
        changes = {}
        for name, value in values.items():
            old = getattr(locked, name)
            if old != value:
                changes[name] = [_plain(old), _plain(value)]
                setattr(locked, name, value)
        if not changes:
            return locked
        if locked.order_published_at is not None and set(changes) & {"group_category", "group_industry",
                                                                       "order_method"}:
            raise Refused(ORDER_PUBLISHED)
        locked.save()
        plan_times(locked)
        audit.record(actor=actor, action="finals.change_session", obj=locked, edition=locked.edition,
                     data={"changes": changes})
        return locked


def delete_session(*, actor, session) -> None:
    """Delete a session that has not been published; its finalists are free again."""
    with transaction.atomic():
        locked = _locked_session(session)
        _refuse_published(locked)
        audit.record(actor=actor, action="finals.delete_session", obj=locked, edition=locked.edition,
                     data={"entries": list(locked.slots.values_list("entry_id", flat=True))})
        locked.delete()


# --- the judges' panel -----------------------------------------------------------------------------

def add_judge(*, actor, session, expert) -> SessionJudge:
    """Seat an accepted expert of the edition's pool on the session's panel, in the next seat."""
    with transaction.atomic():
        locked = _locked_session(session)
        if expert.edition_id != locked.edition_id or expert.status != ExpertStatus.ACCEPTED:
            raise Refused(_("Only an accepted expert of this edition's pool can judge the final."), field="expert")
        if SessionJudge.objects.filter(session=locked, expert=expert).exists():
            raise Refused(_("This expert is already on the session's panel."), field="expert")
        seat = (SessionJudge.objects.filter(session=locked).aggregate(m=Max("seat"))["m"] or 0) + 1
        judge = SessionJudge.objects.create(session=locked, expert=expert, seat=seat)
        audit.record(actor=actor, action="finals.add_judge", obj=locked, edition=locked.edition,
                     data={"expert": expert.pk, "name": expert.name, "seat": seat})
        return judge


def remove_judge(*, actor, judge: SessionJudge) -> None:
    """Take a judge off the panel (refused once they have scored); the seats after theirs move up by one."""
    with transaction.atomic():
        locked = _locked_session(judge.session)
        if judge.scores.exists():
            raise Refused(_("This judge has already scored in the session and cannot be removed."))
        seat = judge.seat
        audit.record(actor=actor, action="finals.remove_judge", obj=locked, edition=locked.edition,
                     data={"expert": judge.expert_id, "name": judge.expert.name, "seat": seat})
        judge.delete()
        # One at a time from the lowest: each seat it moves to is free (seats are unique per session).
        for later in SessionJudge.objects.filter(session=locked, seat__gt=seat).order_by("seat"):
            later.seat -= 1
            later.save(update_fields=["seat"])


# --- the finalists and their order -----------------------------------------------------------------

def add_finalists(*, actor, session, entry_ids: list[int]) -> list[Slot]:
    """Put finalists without a slot into the session (at the end of its order, until ordered)."""
    with transaction.atomic():
        locked = _locked_session(session)
        _refuse_published(locked)
        wanted = set(entry_ids)
        free = {e.pk: e for e in q.unslotted_finalists(locked.edition, locked)}
        if not wanted or not wanted <= set(free):
            raise Refused(_("Only finalists of this edition that have no place in a session yet (and belong to the "
                            "session's group, if it has one) can be added."), field="entries")
        last = Slot.objects.filter(session=locked).aggregate(m=Max("position"))["m"] or 0
        made = []
        try:
            with transaction.atomic():
                for n, entry_id in enumerate(sorted(wanted, key=lambda i: q.group_key(free[i])), start=1):
                    made.append(Slot.objects.create(session=locked, entry_id=entry_id, position=last + n))
        except IntegrityError:  # another office computer placed one of them meanwhile
            raise Refused(_("One of these finalists has just been placed in a session; please reload the page."),
                          field="entries") from None
        plan_times(locked)
        audit.record(actor=actor, action="finals.add_finalists", obj=locked, edition=locked.edition,
                     data={"entries": [s.entry_id for s in made]})
        return made


def _renumber(session, entry_ids: list[int]) -> None:
    slots = {s.entry_id: s for s in Slot.objects.filter(session=session)}
    for position, entry_id in enumerate(entry_ids, start=1):
        slot = slots[entry_id]
        if slot.position != position:
            slot.position = position
            slot.save(update_fields=["position"])


def remove_slot(*, actor, slot: Slot) -> None:
    """Take a finalist out of the session before its order is published; the places after it move up."""
    with transaction.atomic():
        locked = _locked_session(slot.session)
        _refuse_published(locked)
        audit.record(actor=actor, action="finals.remove_finalist", obj=locked, edition=locked.edition,
                     data={"entry": slot.entry_id, "position": slot.position})
        slot.delete()
        remaining = list(Slot.objects.filter(session=locked).order_by("position", "id")
                         .values_list("entry_id", flat=True))
        _renumber(locked, remaining)
        plan_times(locked)


def order_by_group(*, actor, session) -> list[int]:
    """Order the session by group (category, industry, title, id), before the order is published."""
    with transaction.atomic():
        locked = _locked_session(session)
        _refuse_published(locked)
        slots = q.session_slots(locked)
        if not slots:
            raise Refused(_("The session has no finalists yet."))
        order = [s.entry_id for s in sorted(slots, key=lambda s: q.group_key(s.entry))]
        _renumber(locked, order)
        locked.order_method = OrderMethod.GROUP
        locked.save(update_fields=["order_method"])
        plan_times(locked)
        audit.record(actor=actor, action="finals.order_by_group", obj=locked, edition=locked.edition,
                     data={"order": order})
        return order


def run_draw(*, actor, session, seed: int | None = None) -> list[int]:
    """Draw the running order (抽签, R8) with a fresh random seed and record seed, time, who, input and output.

    The draw is `scoring.draw_order(ids sorted, seed)`, so anyone can re-run it from what is recorded. It may be
    run again until the order is published; every run is audited.
    """
    with transaction.atomic():
        locked = _locked_session(session)
        _refuse_published(locked, DRAW_PUBLISHED)
        ids = sorted(Slot.objects.filter(session=locked).values_list("entry_id", flat=True))
        if not ids:
            raise Refused(_("The session has no finalists yet."))
        seed = secrets.randbelow(2**31) if seed is None else seed
        order = scoring.draw_order(ids, seed)
        _renumber(locked, order)
        locked.order_method = OrderMethod.DRAW
        locked.draw_seed, locked.draw_at, locked.draw_by = seed, timezone.now(), actor
        locked.draw_result = {"input": ids, "output": order, "method": "scoring.draw_order: random.Random(seed)"
                              ".shuffle(sorted ids)"}
        locked.save(update_fields=["order_method", "draw_seed", "draw_at", "draw_by", "draw_result"])
        plan_times(locked)
        audit.record(actor=actor, action="finals.draw", obj=locked, edition=locked.edition,
                     data={"seed": seed, "input": ids, "output": order})
        session.draw_seed, session.draw_result = seed, locked.draw_result
        return order


def publish_order(*, actor, session) -> RoadshowSession:
    """Publish the session's running order: each finalist's declaring unit is notified of its slot."""
    with transaction.atomic():
        locked = _locked_session(session)
        _refuse_published(locked, _("The running order of this session has already been published."))
        plan_times(locked)
        slots = q.session_slots(locked)
        if not slots:
            raise Refused(_("The session has no finalists yet."))
        now = timezone.now()
        locked.order_published_at, locked.order_published_by = now, actor
        locked.save(update_fields=["order_published_at", "order_published_by"])
        staff = {}
        for slot in slots:
            entry = slot.entry
            if entry.declaring_unit_id not in staff:
                staff[entry.declaring_unit_id] = list(unit_staff([entry.declaring_unit_id], Role.DECLARER))
            notify_users(users=staff[entry.declaring_unit_id], event="finals.slot_published",
                         url=reverse("finals:my_slot", args=[entry.pk]), context={
                             "entry_title": entry.title, "declaring_unit": entry.declaring_unit.name,
                             "edition": locked.edition.title, "actor": str(actor), "session": locked.name,
                             "venue": locked.venue, "position": slot.position,
                             "planned_start": f"{timezone.localtime(slot.planned_start):%Y-%m-%d %H:%M}"})
        Slot.objects.filter(session=locked).update(notified_at=now)
        audit.record(actor=actor, action="finals.publish_order", obj=locked, edition=locked.edition,
                     data={"order": [s.entry_id for s in slots]})
        return locked


