"""Reads of the live roadshow (issue 11 items 4–8): the clock, and one function building a session's live
state for its three audiences — the console, a judge's phone and the big screen.

The pages poll it (views_live explains why polling): with `?v=N` the answer is "nothing new" from one
query on the session's `version`; otherwise a constant number of queries, whatever the number of judges
or presentations. The state carries the server's time (`server_now`, ISO with milliseconds, and
`server_now_ms`), so that a phone measures its own clock's offset and counts down by the server's clock.
"""

import datetime as dt

from django.utils import timezone

from . import scoring
from .models import FinalStage, RoadshowScore, RoadshowSession, SessionJudge, Slot, SlotPhase
from .queries import final_rubric, final_settings

CONSOLE, JUDGE, SCREEN = "console", "judge", "screen"
AUDIENCES = (CONSOLE, JUDGE, SCREEN)
RANKING_ROWS = 10


# --- The clock -----------------------------------------------------------------------------------

def clock_seconds(slot: Slot, now: dt.datetime | None = None) -> float:
    """Seconds on the current phase's clock: what it had when last stopped, plus the time since it runs."""
    elapsed = slot.clock_elapsed or 0.0
    if slot.clock_running_since is not None:
        now = now or timezone.now()
        elapsed += max(0.0, (now - slot.clock_running_since).total_seconds())
    return elapsed


def clock_limit(slot: Slot, edition, settings) -> int | None:
    """The current phase's limit in seconds: the edition's presentation time (R8: 5 minutes) or the Q&A time."""
    if slot.phase == SlotPhase.PRESENTING:
        return int(edition.roadshow_minutes) * 60
    if slot.phase == SlotPhase.QA:
        return int(settings.qa_minutes) * 60
    return None


def scoring_open(slot: Slot) -> bool:
    return slot.phase == SlotPhase.SCORING


def _clock(slot: Slot, edition, settings, now) -> dict:
    elapsed = clock_seconds(slot, now)
    limit = clock_limit(slot, edition, settings)
    kind = {SlotPhase.PRESENTING: "presentation", SlotPhase.QA: "qa"}.get(slot.phase)
    return {"kind": kind, "running": slot.clock_running_since is not None and kind is not None,
            "elapsed": round(elapsed, 3), "limit": limit,
            "remaining": round(limit - elapsed, 3) if limit is not None else None,
            "overtime": limit is not None and elapsed > limit,
            "presentation_seconds": slot.presentation_seconds, "qa_seconds": slot.qa_seconds}


# --- The version (the polling pages' "anything new?") ------------------------------------------------

def session_version(*, pk: int | None = None, screen_token: str | None = None) -> int | None:
    """The session's version from one query, None when there is no such session."""
    if pk is not None:
        found = RoadshowSession.objects.filter(pk=pk)
    else:
        found = RoadshowSession.objects.filter(screen_token=screen_token or "-")
    return found.values_list("version", flat=True).first()


def session_of_screen(token: str) -> RoadshowSession | None:
    return RoadshowSession.objects.select_related("edition").filter(screen_token=token).first() if token else None


def server_now(now: dt.datetime) -> dict:
    return {"server_now": now.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "server_now_ms": int(now.timestamp() * 1000)}


# --- The scores of a slot ---------------------------------------------------------------------------

def revealed_scores(scores: list[RoadshowScore], trim: bool) -> list[dict]:
    """The scores in seat order, anonymised (评委 seat), with the highest and lowest struck out as the result
    counts them (scoring.trimmed_result)."""
    ordered = sorted(scores, key=lambda s: s.judge.seat)
    trimmed = scoring.trimmed_result([s.total for s in ordered], trim)
    return [{"label": f"评委{s.judge.seat}", "seat": s.judge.seat, "total": f"{s.total:.2f}",
             "struck": "high" if i == trimmed.struck_high else "low" if i == trimmed.struck_low else None}
            for i, s in enumerate(ordered)]


def slot_scores(slot_id: int, judge: SessionJudge | None = None) -> list[RoadshowScore]:
    """A slot's scores (uncleared and cleared), in seat order; only `judge`'s when given."""
    found = RoadshowScore.objects.filter(slot_id=slot_id).select_related("judge__expert")
    if judge is not None:
        found = found.filter(judge=judge)
    return list(found.order_by("judge__seat", "received_at", "id"))


def criteria_data(edition) -> list[dict]:
    return [{"id": c.pk, "name": c.name, "max_points": c.max_points, "guidance": c.guidance}
            for c in final_rubric(edition, FinalStage.ROADSHOW)]


def _entry(slot: Slot) -> dict:
    entry = slot.entry
    return {"id": entry.pk, "title": entry.title,
            "unit": entry.declaring_unit.name if entry.declaring_unit_id else ""}


# --- The live state -------------------------------------------------------------------------------

def live_state(session: RoadshowSession, *, audience: str, judge: SessionJudge | None = None,
               now: dt.datetime | None = None) -> dict:
    """The session as `audience` sees it now: the console everything (the order, who has scored, the scores),
    a judge the presenter, the clock and their own score, the screen the presenter, the clock and, after the
    reveal, the anonymised scores with the extremes struck and the result."""
    assert audience in AUDIENCES
    now = now or timezone.now()
    edition = session.edition
    settings = final_settings(edition)
    state = {"version": session.version, **server_now(now), "audience": audience,
             "session": {"id": session.pk, "name": session.name, "venue": session.venue,
                         "started": session.started_at is not None, "ended": session.ended_at is not None},
             "slot": None}
    judges = list(SessionJudge.objects.filter(session=session).select_related("expert").order_by("seat"))
    slot = None
    if session.current_slot_id:
        slot = (Slot.objects.select_related("entry__declaring_unit")
                .filter(pk=session.current_slot_id).first())
    scores = slot_scores(slot.pk) if slot is not None else []
    live = [s for s in scores if s.cleared_at is None]
    scored_seats = sorted(s.judge.seat for s in live)
    if slot is not None:
        state["slot"] = {
            "id": slot.pk, "position": slot.position, **{k: v for k, v in _entry(slot).items() if k != "id"},
            "entry_id": slot.entry_id, "phase": slot.phase, "phase_label": str(SlotPhase(slot.phase).label),
            "clock": _clock(slot, edition, settings, now), "scoring_open": scoring_open(slot),
            "judges": len(judges), "scored": len(live), "scored_seats": scored_seats,
        }
        if slot.phase == SlotPhase.REVEALED or (audience == CONSOLE and slot.result is not None):
            state["slot"]["result"] = f"{slot.result:.2f}" if slot.result is not None else None
        if slot.phase == SlotPhase.REVEALED and audience in (SCREEN, CONSOLE):
            state["slot"]["scores"] = revealed_scores(live, settings.trim_extremes)
    if audience == CONSOLE:
        by_judge = {s.judge_id: s for s in live}
        state["judges"] = [{
            "id": j.pk, "seat": j.seat, "name": j.expert.name, "joined": j.joined_at is not None,
            "last_seen": j.last_seen_at.isoformat() if j.last_seen_at else None,
            "link_used": j.join_token_used_at is not None,
            "score": ({"id": by_judge[j.pk].pk, "total": f"{by_judge[j.pk].total:.2f}",
                       "received_at": by_judge[j.pk].received_at.isoformat()} if j.pk in by_judge else None),
        } for j in judges]
        state["order"] = [{
            "id": s.pk, "position": s.position, "title": s.entry.title,
            "unit": s.entry.declaring_unit.name if s.entry.declaring_unit_id else "",
            "phase": s.phase, "phase_label": str(SlotPhase(s.phase).label),
            "result": f"{s.result:.2f}" if s.result is not None else None,
            "current": s.pk == session.current_slot_id,
        } for s in Slot.objects.filter(session=session).select_related("entry__declaring_unit")
            .order_by("position", "id")]
        state["cleared"] = [{"id": s.pk, "seat": s.judge.seat, "total": f"{s.total:.2f}",
                             "reason": s.clear_reason} for s in scores if s.cleared_at is not None]
    elif audience == JUDGE and judge is not None:
        mine = next((s for s in live if s.judge_id == judge.pk), None)
        state["me"] = {"seat": judge.seat, "name": judge.expert.name}
        if slot is not None:
            locked = slot.phase in (SlotPhase.LOCKED, SlotPhase.REVEALED)
            state["slot"]["my_score"] = None if mine is None else {
                "state": "locked" if locked else "received", "total": f"{mine.total:.2f}",
                "items": mine.items, "key": str(mine.idempotency_key)}
    if audience in (SCREEN, CONSOLE) and settings.show_running_ranking:
        state["ranking"] = running_ranking(edition)
    return state


def running_ranking(edition) -> list[dict]:
    """The revealed results of the edition's roadshow so far, best first (the big screen's optional table)."""
    rows = (Slot.objects.filter(session__edition=edition, phase=SlotPhase.REVEALED, result__isnull=False)
            .select_related("entry__declaring_unit").order_by("-result", "position", "id")[:RANKING_ROWS])
    ranks = scoring.competition_ranks([r.result for r in rows])
    return [{"rank": rank, "title": r.entry.title, "unit": r.entry.declaring_unit.name if r.entry.declaring_unit_id
             else "", "result": f"{r.result:.2f}"} for rank, r in zip(ranks, rows)]
