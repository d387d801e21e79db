"""Writes of the live roadshow (issue 11 items 4–7; R8): the console's clock and decisions, the judges'
scores, the one-time join links.

Every time is the server's (`timezone.now()`); the phones and the big screen only display it. Every
change bumps `RoadshowSession.version` with `F("version") + 1` in the same transaction, so that the
polling pages ask "anything after N?" and get a cheap answer when nothing changed (queries_live).
Every console action writes a `SlotEvent` (who, when, why); decisions (lock, reveal, clear) are also
audited. An action in the wrong order is refused with `Refused`, never half done.

A score is stored exactly once: its idempotency key (one per score typed on the phone) is unique, and
one uncleared score per session, entry and judge is a unique constraint. A repeated key (the phone's
outbox sending again after a lost answer, or two requests at once) returns the stored score; the
database, not a read before the write, decides the race (IntegrityError in a savepoint, then re-read).
"""

import uuid
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuxiao.common import audit
from wuxiao.common.exceptions import InvalidInput, Refused

from . import scoring
from .models import FinalStage, RoadshowScore, RoadshowSession, SessionJudge, Slot, SlotEvent, SlotPhase
from .queries import final_rubric, final_settings, judge_seat
from .queries_live import clock_seconds, scoring_open

STEP = Decimal("0.5")
ALREADY_SCORED = gettext_lazy("You have already scored this presentation. To correct it, ask the staff on site.")
NOT_OPEN = gettext_lazy("Scoring of this presentation has not opened yet.")
LOCKED = gettext_lazy("The scores of this presentation are locked: no more scores are accepted.")
NOT_JUDGE = gettext_lazy("You are not a judge of this session.")
SESSION_ENDED = gettext_lazy("This session has ended.")
IN_PROGRESS = gettext_lazy("Another presentation is still in progress: lock its scores first.")

# The phases in which a slot is "on stage": another slot cannot start, the session cannot move on or end.
ACTIVE = (SlotPhase.PRESENTING, SlotPhase.QA, SlotPhase.SCORING)


# --- Shared steps -------------------------------------------------------------------------------

def _bump(session_id: int) -> None:
    RoadshowSession.objects.filter(pk=session_id).update(version=F("version") + 1)


def _slot_for_update(slot: Slot) -> Slot:
    """The slot again, row-locked for this transaction (two consoles clicking at once act one after the other)."""
    return Slot.objects.select_for_update(of=("self",)).select_related("session__edition").get(pk=slot.pk)


def _event(slot: Slot, action: str, actor, reason: str = "", data: dict | None = None) -> SlotEvent:
    by = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return SlotEvent.objects.create(slot=slot, action=action, by=by, reason=reason, data=data or {})


def _audit(slot: Slot, action: str, actor, reason: str = "", data: dict | None = None) -> None:
    audit.record(actor=actor, action=f"finals.{action}", obj=slot, reason=reason, edition=slot.session.edition,
                 data={"slot": slot.pk, "entry": slot.entry_id, **(data or {})})


def _ensure_session_open(session: RoadshowSession) -> None:
    if session.ended_at is not None:
        raise Refused(_("This session has ended."))


def _stop_clock(slot: Slot, now) -> float:
    """Stop the running clock, keeping what it measured; returns the phase's seconds so far."""
    slot.clock_elapsed = clock_seconds(slot, now)
    slot.clock_running_since = None
    return slot.clock_elapsed


def _save(slot: Slot, *fields: str) -> None:
    slot.save(update_fields=list(fields))
    _bump(slot.session_id)


# --- The session ---------------------------------------------------------------------------------

@transaction.atomic
def start_session(*, actor, session: RoadshowSession) -> RoadshowSession:
    """Mark the session as started (the console opens it; the phones then show it as live)."""
    session = RoadshowSession.objects.select_for_update().get(pk=session.pk)
    _ensure_session_open(session)
    if session.started_at is not None:
        raise Refused(_("This session has already started."))
    if session.order_published_at is None:
        raise Refused(_("Publish the running order before starting the session."))
    session.started_at = timezone.now()
    session.save(update_fields=["started_at"])
    _bump(session.pk)
    audit.record(actor=actor, action="finals.start_session", obj=session, edition=session.edition)
    return session


@transaction.atomic
def end_session(*, actor, session: RoadshowSession) -> RoadshowSession:
    """Close the session; refused while a presentation is on stage or its scores are open."""
    session = RoadshowSession.objects.select_for_update().get(pk=session.pk)
    _ensure_session_open(session)
    if Slot.objects.filter(session=session, phase__in=ACTIVE).exists():
        raise Refused(IN_PROGRESS)
    session.ended_at = timezone.now()
    session.current_slot = None
    session.save(update_fields=["ended_at", "current_slot"])
    _bump(session.pk)
    audit.record(actor=actor, action="finals.end_session", obj=session, edition=session.edition)
    return session


@transaction.atomic
def choose_slot(*, actor, session: RoadshowSession, slot: Slot) -> Slot:
    """Put `slot` on stage (waiting for its start): the next in the order, or another when a finalist is late."""
    session = RoadshowSession.objects.select_for_update().get(pk=session.pk)
    _ensure_session_open(session)
    if slot.session_id != session.pk:
        raise Refused(_("This presentation is not in this session."))
    if Slot.objects.filter(session=session, phase__in=ACTIVE).exclude(pk=slot.pk).exists():
        raise Refused(IN_PROGRESS)
    session.current_slot = slot
    session.save(update_fields=["current_slot"])
    _bump(session.pk)
    _event(slot, "choose", actor)
    return slot


def next_slot(*, actor, session: RoadshowSession) -> Slot:
    """Put the first presentation still waiting (in the running order) on stage."""
    slot = Slot.objects.filter(session=session, phase=SlotPhase.WAITING).order_by("position", "id").first()
    if slot is None:
        raise Refused(_("Every presentation of this session has been given."))
    return choose_slot(actor=actor, session=session, slot=slot)


# --- The clock (R8: the edition's presentation time, then Q&A) -------------------------------------

@transaction.atomic
def start_presentation(*, actor, slot: Slot) -> Slot:
    """The presenter starts: the slot goes on stage, its presentation clock runs from now (server time)."""
    slot = _slot_for_update(slot)
    session = RoadshowSession.objects.select_for_update().get(pk=slot.session_id)
    _ensure_session_open(session)
    if slot.phase != SlotPhase.WAITING:
        raise Refused(_("This presentation has already started."))
    if Slot.objects.filter(session=session, phase__in=ACTIVE).exclude(pk=slot.pk).exists():
        raise Refused(IN_PROGRESS)
    now = timezone.now()
    slot.phase = SlotPhase.PRESENTING
    slot.clock_elapsed = 0
    slot.clock_running_since = now
    slot.save(update_fields=["phase", "clock_elapsed", "clock_running_since"])
    session.current_slot = slot
    fields = ["current_slot"]
    if session.started_at is None:
        session.started_at = now
        fields.append("started_at")
    session.save(update_fields=fields)
    _bump(session.pk)
    _event(slot, "start", actor)
    return slot


@transaction.atomic
def pause_clock(*, actor, slot: Slot, reason: str = "") -> Slot:
    """Stop the running clock (a projector fails, say), keeping the time measured."""
    slot = _slot_for_update(slot)
    if slot.phase not in (SlotPhase.PRESENTING, SlotPhase.QA) or slot.clock_running_since is None:
        raise Refused(_("The clock is not running."))
    seconds = _stop_clock(slot, timezone.now())
    _save(slot, "clock_elapsed", "clock_running_since")
    _event(slot, "pause", actor, reason, {"phase": slot.phase, "seconds": round(seconds, 3)})
    return slot


@transaction.atomic
def resume_clock(*, actor, slot: Slot) -> Slot:
    """Run the paused clock again from the time it had."""
    slot = _slot_for_update(slot)
    if slot.phase not in (SlotPhase.PRESENTING, SlotPhase.QA) or slot.clock_running_since is not None:
        raise Refused(_("The clock is not paused."))
    if slot.phase == SlotPhase.QA and slot.qa_seconds is not None:
        raise Refused(_("The questions and answers have ended."))
    slot.clock_running_since = timezone.now()
    _save(slot, "clock_running_since")
    _event(slot, "resume", actor, data={"phase": slot.phase, "seconds": round(slot.clock_elapsed, 3)})
    return slot


@transaction.atomic
def end_presentation(*, actor, slot: Slot) -> Slot:
    """The presenter has finished: the time taken is recorded; the Q&A clock starts, or scoring opens at once
    when the edition has no Q&A time."""
    slot = _slot_for_update(slot)
    if slot.phase != SlotPhase.PRESENTING:
        raise Refused(_("This presentation is not being given."))
    now = timezone.now()
    slot.presentation_seconds = _stop_clock(slot, now)
    fields = ["phase", "presentation_seconds", "clock_elapsed", "clock_running_since"]
    if final_settings(slot.session.edition).qa_minutes:
        slot.phase = SlotPhase.QA
        slot.clock_elapsed = 0
        slot.clock_running_since = now
    else:
        slot.phase = SlotPhase.SCORING
        slot.scoring_opened_at = now
        fields.append("scoring_opened_at")
    _save(slot, *fields)
    _event(slot, "end", actor, data={"seconds": round(slot.presentation_seconds, 3)})
    return slot


@transaction.atomic
def end_qa(*, actor, slot: Slot) -> Slot:
    """The questions and answers have finished: their time is recorded and the clock stops."""
    slot = _slot_for_update(slot)
    if slot.phase != SlotPhase.QA or slot.qa_seconds is not None:
        raise Refused(_("No questions and answers are under way."))
    slot.qa_seconds = _stop_clock(slot, timezone.now())
    _save(slot, "qa_seconds", "clock_elapsed", "clock_running_since")
    _event(slot, "end_qa", actor, data={"seconds": round(slot.qa_seconds, 3)})
    return slot


# --- Scoring: open, lock, reveal, clear ----------------------------------------------------------

@transaction.atomic
def open_scoring(*, actor, slot: Slot) -> Slot:
    """Let the judges score this presentation (after its presentation; a Q&A still running ends now)."""
    slot = _slot_for_update(slot)
    if slot.phase in (SlotPhase.SCORING, SlotPhase.LOCKED, SlotPhase.REVEALED):
        raise Refused(_("Scoring of this presentation is already open."))
    if slot.phase != SlotPhase.QA:
        raise Refused(_("Scoring opens after the presentation has ended."))
    now = timezone.now()
    fields = ["phase", "scoring_opened_at"]
    if slot.qa_seconds is None:
        slot.qa_seconds = _stop_clock(slot, now)
        fields += ["qa_seconds", "clock_elapsed", "clock_running_since"]
    slot.phase = SlotPhase.SCORING
    slot.scoring_opened_at = now
    _save(slot, *fields)
    _event(slot, "open", actor)
    return slot


@transaction.atomic
def lock_scores(slot: Slot, *, actor, reason: str = "") -> Slot:
    """Close scoring and compute the presentation's result (R8: trimmed mean of the judges' totals in seat
    order, by the edition's rule). With a judge's score missing only by decision, with a reason."""
    slot = _slot_for_update(slot)
    if slot.phase in (SlotPhase.LOCKED, SlotPhase.REVEALED):
        raise Refused(_("The scores of this presentation are already locked."))
    if slot.phase != SlotPhase.SCORING:
        raise Refused(_("Scoring of this presentation has not been opened: there is nothing to lock."))
    reason = (reason or "").strip()
    seats = list(SessionJudge.objects.filter(session_id=slot.session_id).order_by("seat")
                 .values_list("pk", "seat"))
    scores = {s.judge_id: s for s in RoadshowScore.objects.filter(slot=slot, cleared_at__isnull=True)}
    missing = [seat for pk, seat in seats if pk not in scores]
    if missing and not reason:
        raise Refused(_("Judges %(seats)s have not scored. Lock anyway only by decision, giving the reason "
                        "(a judge absent, say).") % {"seats": "、".join(f"评委{s}" for s in missing)}, field="reason")
    if not scores:
        raise Refused(_("No judge has scored this presentation: there is no result to lock."), field="reason")
    totals = [scores[pk].total for pk, _seat in seats if pk in scores]
    trimmed = scoring.trimmed_result(totals, final_settings(slot.session.edition).trim_extremes)
    slot.phase = SlotPhase.LOCKED
    slot.locked_at = timezone.now()
    slot.locked_by = actor
    slot.lock_reason = reason
    slot.result = trimmed.result
    _save(slot, "phase", "locked_at", "locked_by", "lock_reason", "result")
    data = {"result": str(trimmed.result), "scores": len(totals), "missing_seats": missing}
    _event(slot, "lock", actor, reason, data)
    _audit(slot, "lock_scores", actor, reason, data)
    return slot


@transaction.atomic
def reveal_scores(*, actor, slot: Slot) -> Slot:
    """Show the locked scores and the result on the big screen."""
    slot = _slot_for_update(slot)
    if slot.phase == SlotPhase.REVEALED:
        raise Refused(_("The scores of this presentation are already shown."))
    if slot.phase != SlotPhase.LOCKED:
        raise Refused(_("Lock the scores before showing them."))
    slot.phase = SlotPhase.REVEALED
    slot.revealed_at = timezone.now()
    _save(slot, "phase", "revealed_at")
    _event(slot, "reveal", actor)
    _audit(slot, "reveal_scores", actor, data={"result": str(slot.result)})
    return slot


@transaction.atomic
def clear_score(score: RoadshowScore, *, actor, reason: str) -> RoadshowScore:
    """Set a judge's score aside (kept, marked cleared) before the lock, so that the judge can score again."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give the reason for clearing this score."), field="reason")
    slot = _slot_for_update(score.slot)
    score = RoadshowScore.objects.select_for_update().get(pk=score.pk)
    if score.cleared_at is not None:
        raise Refused(_("This score has already been cleared."))
    if slot.phase != SlotPhase.SCORING:
        raise Refused(_("Only a score of a presentation being scored (before the lock) can be cleared."))
    score.cleared_at = timezone.now()
    score.cleared_by = actor
    score.clear_reason = reason
    score.save(update_fields=["cleared_at", "cleared_by", "clear_reason"])
    _bump(slot.session_id)
    data = {"score": score.pk, "judge": score.judge_id, "total": str(score.total)}
    _event(slot, "clear", actor, reason, data)
    _audit(slot, "clear_score", actor, reason, data)
    return score


# --- A judge's score ------------------------------------------------------------------------------

def _parse_key(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Refused(_("The score has no valid key: reload the page and score again."),
                      field="idempotency_key") from None


def _checked_items(edition, items: dict) -> tuple[dict, Decimal]:
    """The points per criterion, each between 0 and its maximum in steps of 0.5, all criteria given."""
    criteria = final_rubric(edition, FinalStage.ROADSHOW)
    given = {str(k): v for k, v in (items or {}).items()}
    known = {str(c.pk) for c in criteria}
    errors: dict[str, list[str]] = {}
    for key in sorted(set(given) - known):
        errors[f"c{key}"] = [_("This criterion is not one of the roadshow's.")]
    clean: dict[str, str] = {}
    total = Decimal(0)
    for c in criteria:
        raw = given.get(str(c.pk))
        name = f"c{c.pk}"
        if raw is None or str(raw).strip() == "":
            errors[name] = [_("Give the points for %(criterion)s.") % {"criterion": c.name}]
            continue
        try:
            points = Decimal(str(raw).strip().replace("，", ".").replace(",", "."))
            if not points.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors[name] = [_("Enter a number of points, such as 18 or 18.5.")]
            continue
        if points < 0 or points > c.max_points:
            errors[name] = [_("%(criterion)s is scored between 0 and %(max)s points.") % {
                "criterion": c.name, "max": c.max_points}]
        elif points % STEP != 0:
            errors[name] = [_("Points are given in steps of 0.5.")]
        else:
            clean[str(c.pk)] = format(points.normalize(), "f")
            total += points
    if errors:
        raise InvalidInput(errors)
    return clean, total


def _stored(key: uuid.UUID, judge: SessionJudge) -> RoadshowScore | None:
    found = RoadshowScore.objects.filter(idempotency_key=key).select_related("slot").first()
    if found is not None and found.judge_id != judge.pk:
        raise Refused(_("This key belongs to another score: reload the page and score again."),
                      field="idempotency_key")
    return found


def submit_score(*, judge_user, session: RoadshowSession, slot_id: int, items: dict, idempotency_key,
                 typed_at=None) -> tuple[RoadshowScore, bool]:
    """Store a judge's score of a presentation once; returns (score, created). The same key again returns
    the stored score (whatever the phase now: the phone only missed our answer)."""
    judge = judge_seat(judge_user, session)
    if judge is None:
        raise Refused(NOT_JUDGE)
    key = _parse_key(idempotency_key)
    found = _stored(key, judge)
    if found is not None:
        return found, False
    with transaction.atomic():
        slot = (Slot.objects.select_for_update(of=("self",)).select_related("session__edition")
                .filter(pk=slot_id, session_id=session.pk).first())
        if slot is None:
            raise Refused(_("This presentation is not in this session."))
        # Again under the slot's lock: a twin request that got here first has committed by now.
        found = _stored(key, judge)
        if found is not None:
            return found, False
        if slot.phase in (SlotPhase.LOCKED, SlotPhase.REVEALED):
            raise Refused(LOCKED)
        if not scoring_open(slot):
            raise Refused(NOT_OPEN)
        clean, total = _checked_items(slot.session.edition, items)
        if RoadshowScore.objects.filter(slot=slot, judge=judge, cleared_at__isnull=True).exists():
            raise Refused(ALREADY_SCORED)
        try:
            with transaction.atomic():
                score = RoadshowScore.objects.create(
                    slot=slot, session_id=session.pk, entry_id=slot.entry_id, judge=judge, items=clean,
                    total=total, idempotency_key=key, typed_at=typed_at)
        except IntegrityError:
            found = _stored(key, judge)
            if found is not None:
                return found, False
            raise Refused(ALREADY_SCORED) from None
        _bump(session.pk)
    return score, True


# --- Joining on the phone --------------------------------------------------------------------------

@transaction.atomic
def use_join_link(*, token: str) -> SessionJudge:
    """Spend a judge's one-time link: returns the seat whose account the phone is then signed in as."""
    now = timezone.now()
    judge = (SessionJudge.objects.select_for_update(of=("self",)).select_related("expert__user", "session__edition")
             .filter(join_token=token).first() if token else None)
    if judge is None:
        raise Refused(_("This link is not valid. Sign in with your account instead."))
    if judge.join_token_used_at is not None:
        raise Refused(_("This link has already been used. Sign in with your account, or ask the staff for a new "
                        "link."))
    user = judge.expert.user
    if user is None or not user.is_active:
        raise Refused(_("This judge has no active account. Ask the staff on site."))
    judge.join_token_used_at = now
    judge.joined_at = judge.joined_at or now
    judge.save(update_fields=["join_token_used_at", "joined_at"])
    _bump(judge.session_id)
    audit.record(actor=user, action="finals.use_join_link", obj=judge, edition=judge.session.edition,
                 data={"seat": judge.seat})
    return judge


@transaction.atomic
def renew_join_link(*, actor, judge: SessionJudge) -> SessionJudge:
    """Give a judge a new one-time link (the old one, used or not, stops working)."""
    from .models import join_token

    judge = SessionJudge.objects.select_for_update(of=("self",)).select_related("session__edition").get(pk=judge.pk)
    judge.join_token = join_token()
    judge.join_token_used_at = None
    judge.save(update_fields=["join_token", "join_token_used_at"])
    audit.record(actor=actor, action="finals.renew_join_link", obj=judge, edition=judge.session.edition,
                 data={"seat": judge.seat})
    return judge


def mark_seen(judge: SessionJudge) -> None:
    """The judge's phone asked for the state (the console shows who is connected). At most one write a minute."""
    now = timezone.now()
    if judge.last_seen_at is None or (now - judge.last_seen_at).total_seconds() > 60:
        fields = {"last_seen_at": now}
        if judge.joined_at is None:
            fields["joined_at"] = now
        SessionJudge.objects.filter(pk=judge.pk).update(**fields)
        judge.last_seen_at = now
