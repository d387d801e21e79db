"""Final-round API: the live roadshow (issue 11 items 4–8, 12; R8).

The same predicates and services as the pages: the console's operations need `finals.manage`; a judge
reaches a session's state and scores only through `finals.judge_session` (anyone else: 404 for the
session, so that its existence is not told). A score carries an idempotency key (the Idempotency-Key
header or the body's `idempotency_key`): sent twice, it is stored once and the second answer is the
stored score (200 instead of 201). A refused write is 409 with the message, bad points 422.
"""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.errors import HttpError

from wuxiao import api_messages as msg
from wuxiao.api_common import ErrorOut, Id, InvalidOut, RefusedOut
from wuxiao.common.exceptions import InvalidInput
from wuxiao.common.permissions import allowed, require

from .. import queries_live as q
from .. import services_live as services
from ..models import RoadshowScore, RoadshowSession, Slot
from ..queries import judge_seat

router = Router(tags=["final round: live"])

MANAGE_FORBIDDEN = _("Only the committee office may run the final round's sessions.")
KEY_MISSING = _("Send the score's idempotency key (the Idempotency-Key header or the idempotency_key field).")

Points = Annotated[Decimal, Field(ge=-1000, le=1000, max_digits=8, decimal_places=3)]
RESPONSES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_RESPONSES = {409: RefusedOut, 422: InvalidOut, **RESPONSES}


class FinalLiveSlotOut(Schema):
    id: int
    position: int
    title: str
    unit: str
    entry_id: int
    phase: str
    phase_label: str
    clock: dict[str, Any] = Field(description="kind (presentation|qa|null), running, elapsed and remaining "
                                              "seconds at server_now, limit, overtime.")
    scoring_open: bool
    judges: int
    scored: int
    scored_seats: list[int]
    result: str | None = None
    scores: list[dict[str, Any]] | None = Field(None, description="After the reveal: 评委n, total, struck.")
    my_score: dict[str, Any] | None = Field(None, description="A judge's own score: state received|locked, total.")


class FinalLiveStateOut(Schema):
    version: int
    server_now: str = Field(description="The server's time, ISO 8601 with milliseconds (UTC).")
    server_now_ms: int = Field(description="The same, in milliseconds since the epoch.")
    audience: str
    session: dict[str, Any]
    slot: FinalLiveSlotOut | None
    me: dict[str, Any] | None = None
    judges: list[dict[str, Any]] | None = None
    order: list[dict[str, Any]] | None = None
    cleared: list[dict[str, Any]] | None = None
    ranking: list[dict[str, Any]] | None = None


class FinalLockIn(Schema):
    reason: str = Field("", max_length=1000, description="Required when a judge of the panel has not scored.")


class FinalReasonIn(Schema):
    reason: str = Field(..., max_length=1000)


class FinalScoreIn(Schema):
    items: dict[str, Points] = Field(..., description="Points per criterion id of the roadshow rubric "
                                                      "(0 to its maximum, steps of 0.5).")
    idempotency_key: uuid.UUID | None = Field(None, description="Or the Idempotency-Key header.")
    typed_at: dt.datetime | None = Field(None, description="When the judge typed it on the phone.")


class FinalScoreOut(Schema):
    id: int
    slot_id: int
    entry_id: int
    seat: int
    items: dict[str, str]
    total: Decimal
    state: str = Field(description="received, locked or cleared.")
    idempotency_key: uuid.UUID
    typed_at: dt.datetime | None
    received_at: dt.datetime
    cleared_at: dt.datetime | None
    clear_reason: str


def _score(score: RoadshowScore, slot: Slot | None = None) -> dict:
    slot = slot or score.slot
    state = ("cleared" if score.cleared_at else "locked" if slot.locked_at else "received")
    return {"id": score.pk, "slot_id": score.slot_id, "entry_id": score.entry_id, "seat": score.judge.seat,
            "items": {str(k): str(v) for k, v in score.items.items()}, "total": score.total, "state": state,
            "idempotency_key": score.idempotency_key, "typed_at": score.typed_at, "received_at": score.received_at,
            "cleared_at": score.cleared_at, "clear_reason": score.clear_reason}


def _session(session_id: int) -> RoadshowSession:
    return get_object_or_404(RoadshowSession.objects.select_related("edition"), pk=session_id)


def _visible(request, session_id: int) -> RoadshowSession:
    """The session for its console or one of its judges; 404 for anyone else."""
    session = _session(session_id)
    if not (allowed(request.auth, "finals.manage") or allowed(request.auth, "finals.judge_session", session)):
        raise HttpError(404, str(msg.NOT_FOUND))
    return session


def _office(request, session_id: int) -> RoadshowSession:
    require(request.auth, "finals.manage", message=MANAGE_FORBIDDEN)
    return _session(session_id)


def _slot(session: RoadshowSession, slot_id: int) -> Slot:
    return get_object_or_404(Slot.objects.select_related("session__edition"), pk=slot_id, session=session)


def _console_state(session_id: int) -> dict:
    session = RoadshowSession.objects.select_related("edition").get(pk=session_id)
    return q.live_state(session, audience=q.CONSOLE)


@router.get("/sessions/{session_id}/state", response={200: FinalLiveStateOut, 204: None, **RESPONSES},
            url_name="finals_live_state",
            summary="The live state of a session (console: everything; a judge: the presenter, clock and own "
                    "score); 204 when its version is still v")
def state(request: HttpRequest, session_id: Id, v: Annotated[int | None, Query(ge=0, le=2**62)] = None):
    session = _visible(request, session_id)
    if v is not None and v == session.version:
        return Status(204, None)
    if allowed(request.auth, "finals.manage"):
        return q.live_state(session, audience=q.CONSOLE)
    judge = judge_seat(request.auth, session)
    services.mark_seen(judge)
    return q.live_state(session, audience=q.JUDGE, judge=judge)


# --- The console (office) -----------------------------------------------------------------------------

def _slot_action(name: str, path: str, summary: str, call):
    @router.post(f"/sessions/{{session_id}}/slots/{{slot_id}}/{path}", response={200: FinalLiveStateOut,
                 **WRITE_RESPONSES}, url_name=f"finals_live_{name}", summary=summary, operation_id=f"finals_live_{name}")
    def action(request: HttpRequest, session_id: Id, slot_id: Id):
        session = _office(request, session_id)
        call(actor=request.auth, slot=_slot(session, slot_id))
        return _console_state(session.pk)

    return action


_slot_action("start", "start", "Start the presentation: its clock runs from now (server time)",
             services.start_presentation)
_slot_action("pause", "pause", "Pause the running clock", services.pause_clock)
_slot_action("resume", "resume", "Resume the paused clock", services.resume_clock)
_slot_action("end", "end", "End the presentation (its time is recorded; the Q&A clock starts)",
             services.end_presentation)
_slot_action("end_qa", "end-qa", "End the questions and answers", services.end_qa)
_slot_action("open", "open-scoring", "Open scoring of the presentation", services.open_scoring)
_slot_action("reveal", "reveal", "Reveal the locked scores on the big screen", services.reveal_scores)
_slot_action("choose", "choose", "Put this presentation on stage (waiting for its start)",
             lambda *, actor, slot: services.choose_slot(actor=actor, session=slot.session, slot=slot))


@router.post("/sessions/{session_id}/slots/{slot_id}/lock", response={200: FinalLiveStateOut, **WRITE_RESPONSES},
             url_name="finals_live_lock", summary="Lock the scores and compute the result (with a reason when a "
                                                  "judge has not scored)")
def lock(request: HttpRequest, session_id: Id, slot_id: Id, payload: FinalLockIn):
    session = _office(request, session_id)
    services.lock_scores(_slot(session, slot_id), actor=request.auth, reason=payload.reason)
    return _console_state(session.pk)


@router.post("/sessions/{session_id}/next", response={200: FinalLiveStateOut, **WRITE_RESPONSES},
             url_name="finals_live_next", summary="Put the next waiting presentation on stage")
def next_slot(request: HttpRequest, session_id: Id):
    session = _office(request, session_id)
    services.next_slot(actor=request.auth, session=session)
    return _console_state(session.pk)


@router.post("/sessions/{session_id}/start", response={200: FinalLiveStateOut, **WRITE_RESPONSES},
             url_name="finals_live_start_session", summary="Start the session")
def start_session(request: HttpRequest, session_id: Id):
    session = _office(request, session_id)
    services.start_session(actor=request.auth, session=session)
    return _console_state(session.pk)


@router.post("/sessions/{session_id}/end", response={200: FinalLiveStateOut, **WRITE_RESPONSES},
             url_name="finals_live_end_session", summary="End the session")
def end_session(request: HttpRequest, session_id: Id):
    session = _office(request, session_id)
    services.end_session(actor=request.auth, session=session)
    return _console_state(session.pk)


@router.post("/sessions/{session_id}/scores/{score_id}/clear", response={200: FinalScoreOut, **WRITE_RESPONSES},
             url_name="finals_live_clear", summary="Clear a judge's score before the lock, with a reason (the "
                                                   "judge can then score again)")
def clear(request: HttpRequest, session_id: Id, score_id: Id, payload: FinalReasonIn):
    session = _office(request, session_id)
    score = get_object_or_404(RoadshowScore.objects.select_related("slot", "judge"), pk=score_id, session=session)
    score = services.clear_score(score, actor=request.auth, reason=payload.reason)
    return _score(RoadshowScore.objects.select_related("slot", "judge").get(pk=score.pk))


# --- Scores (judges) ----------------------------------------------------------------------------------

@router.post("/sessions/{session_id}/slots/{slot_id}/scores",
             response={200: FinalScoreOut, 201: FinalScoreOut, **WRITE_RESPONSES}, url_name="finals_live_score",
             summary="Submit my score of a presentation (a judge of the session), once: the same idempotency key "
                     "again answers 200 with the stored score")
def submit(request: HttpRequest, session_id: Id, slot_id: Id, payload: FinalScoreIn,
           idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=64)] = None):
    session = _visible(request, session_id)
    if judge_seat(request.auth, session) is None:
        raise HttpError(403, str(services.NOT_JUDGE))
    key = payload.idempotency_key or idempotency_key
    if not key:
        raise InvalidInput({"idempotency_key": [str(KEY_MISSING)]})
    score, created = services.submit_score(judge_user=request.auth, session=session, slot_id=slot_id,
                                           items=payload.items, idempotency_key=key, typed_at=payload.typed_at)
    score = RoadshowScore.objects.select_related("slot", "judge").get(pk=score.pk)
    return Status(201 if created else 200, _score(score))


@router.get("/sessions/{session_id}/slots/{slot_id}/scores", response={200: list[FinalScoreOut], **RESPONSES},
            url_name="finals_live_scores", summary="The scores of a presentation (the office: all of them; a judge: "
                                                   "only their own)")
def scores(request: HttpRequest, session_id: Id, slot_id: Id):
    session = _visible(request, session_id)
    slot = _slot(session, slot_id)
    judge = None if allowed(request.auth, "finals.manage") else judge_seat(request.auth, session)
    return [_score(s, slot) for s in q.slot_scores(slot.pk, judge)]

