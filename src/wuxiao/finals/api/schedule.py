"""The final round's schedule in the REST API (R8): settings and rubric, sessions, judges, slots, the draw (run,
verify) and publishing. The same predicate (finals.manage) and services as the pages; a refused write is 409."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from wuxiao import api_messages as msg
from wuxiao.api_common import ErrorOut, Id, InvalidOut, RefusedOut, edition_or_404
from wuxiao.common.exceptions import InvalidInput
from wuxiao.common.models import Industry
from wuxiao.common.permissions import require
from wuxiao.competitions.models import Category
from wuxiao.review.models import Expert

from .. import queries_schedule as q
from .. import services_schedule as services
from ..models import FinalCriterion, FinalStage, OrderMethod, SessionJudge, Slot, UnvisitedRule
from ..queries import final_rubric, final_settings

router = Router(tags=["final round: schedule"])

MANAGE_FORBIDDEN = _("Only the committee office may do this in the final round.")
RESPONSES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_RESPONSES = {409: RefusedOut, 422: InvalidOut, **RESPONSES}
Minutes = Annotated[int, Field(ge=0, le=60)]
Weight = Annotated[Decimal, Field(ge=0, le=10, max_digits=4, decimal_places=2)]
# A competition's day lies in these years: far-off ones have offsets (LMT) that are no valid date-time in answers.
Moment = Annotated[dt.datetime, Field(ge=dt.datetime(2000, 1, 1), le=dt.datetime(2100, 1, 1),
                                      description="With its offset; without one it is read as Beijing time.")]


class FinalSettingsOut(Schema):
    material_deadline: dt.datetime | None
    qa_minutes: int
    changeover_minutes: int
    trim_extremes: bool
    roadshow_weight: Decimal
    site_weight: Decimal
    unvisited_rule: UnvisitedRule
    show_running_ranking: bool
    roadshow_minutes: int = Field(description="The edition's presentation time (R8).")


class FinalSettingsIn(Schema):
    material_deadline: Moment | None = None
    qa_minutes: Minutes = 3
    changeover_minutes: Minutes = 1
    trim_extremes: bool = True
    roadshow_weight: Weight = Decimal(1)
    site_weight: Weight = Decimal(1)
    unvisited_rule: UnvisitedRule = UnvisitedRule.AFTER
    show_running_ranking: bool = False


class FinalCriterionOut(Schema):
    id: int
    stage: FinalStage
    position: int
    name: str
    max_points: int
    guidance: str


class FinalRubricOut(Schema):
    stage: FinalStage
    locked: bool = Field(description="Scores of this part exist: the rubric can no longer change.")
    criteria: list[FinalCriterionOut]


class FinalCriterionIn(Schema):
    name: str = Field(..., min_length=1, max_length=50)
    max_points: Annotated[int, Field(ge=1, le=100)]
    guidance: str = Field("", max_length=2000)


class FinalSessionIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    starts_at: Moment
    venue: str = Field(..., min_length=1, max_length=200)
    group_category_id: Id | None = None
    group_industry_code: str | None = Field(None, max_length=4)
    order_method: OrderMethod = OrderMethod.DRAW


class FinalJudgeOut(Schema):
    id: int
    seat: int
    expert_id: int
    name: str
    organisation: str


class FinalSlotOut(Schema):
    id: int
    position: int
    entry_id: int
    title: str
    declaring_unit: str
    category: str
    planned_start: dt.datetime | None
    notified_at: dt.datetime | None


class FinalSessionOut(Schema):
    id: int
    name: str
    starts_at: dt.datetime
    venue: str
    group_category_id: int | None
    group_industry_code: str | None
    order_method: OrderMethod
    draw_seed: int | None
    draw_at: dt.datetime | None
    order_published_at: dt.datetime | None
    slots: int
    judges: int


class FinalSessionDetailOut(FinalSessionOut):
    judge_list: list[FinalJudgeOut]
    slot_list: list[FinalSlotOut]


class FinalJudgeIn(Schema):
    expert_id: Id


class FinalSlotsIn(Schema):
    entry_ids: list[Id] = Field(..., min_length=1, max_length=500)


class FinalDrawOut(Schema):
    seed: int
    drawn_at: dt.datetime | None
    input: list[int] = Field(description="The entries' ids, sorted: the draw's input.")
    output: list[int] = Field(description="The entries' ids in the drawn running order.")


class FinalDrawCheckOut(FinalDrawOut):
    recomputed: list[int] = Field(description="The order given by re-running the draw from seed and input.")
    matches: bool
    in_force: bool = Field(description="The session's order is still the drawn one.")


def _local(value):
    """Times are answered in Beijing time (with their offset), like the rest of the API."""
    return timezone.localtime(value) if value is not None else None


def _office(request, slug: str):
    require(request.auth, "finals.manage", message=MANAGE_FORBIDDEN)
    return edition_or_404(slug)


def _session(request, session_id: int):
    require(request.auth, "finals.manage", message=MANAGE_FORBIDDEN)
    session = q.session_or_none(session_id)
    if session is None:
        raise HttpError(404, str(msg.NOT_FOUND))
    return session


def _settings_out(edition) -> dict:
    s = final_settings(edition)
    return {"material_deadline": _local(s.material_deadline), "qa_minutes": s.qa_minutes,
            "changeover_minutes": s.changeover_minutes, "trim_extremes": s.trim_extremes,
            "roadshow_weight": s.roadshow_weight, "site_weight": s.site_weight, "unvisited_rule": s.unvisited_rule,
            "show_running_ranking": s.show_running_ranking, "roadshow_minutes": edition.roadshow_minutes}


def _rubric_out(edition, stage) -> dict:
    return {"stage": stage, "locked": q.rubric_has_scores(edition, stage),
            "criteria": [{"id": c.pk, "stage": c.stage, "position": c.position, "name": c.name,
                          "max_points": c.max_points, "guidance": c.guidance} for c in final_rubric(edition, stage)]}


def _session_out(session, slots=None, judges=None) -> dict:
    out = {"id": session.pk, "name": session.name, "starts_at": _local(session.starts_at), "venue": session.venue,
           "group_category_id": session.group_category_id, "group_industry_code": session.group_industry_id,
           "order_method": session.order_method, "draw_seed": session.draw_seed, "draw_at": _local(session.draw_at),
           "order_published_at": _local(session.order_published_at),
           "slots": getattr(session, "n_slots", None), "judges": getattr(session, "n_judges", None)}
    if slots is not None:
        out["slot_list"] = [_slot_out(s) for s in slots]
        out["judge_list"] = [_judge_out(j) for j in judges]
        out["slots"], out["judges"] = len(slots), len(judges)
    return out


def _slot_out(slot: Slot) -> dict:
    e = slot.entry
    return {"id": slot.pk, "position": slot.position, "entry_id": e.pk, "title": e.title,
            "declaring_unit": e.declaring_unit.name, "category": e.category.name if e.category_id else "",
            "planned_start": _local(slot.planned_start), "notified_at": _local(slot.notified_at)}


def _judge_out(judge: SessionJudge) -> dict:
    return {"id": judge.pk, "seat": judge.seat, "expert_id": judge.expert_id, "name": judge.expert.name,
            "organisation": judge.expert.organisation_name}


def _detail(session) -> dict:
    session = q.session_or_none(session.pk)
    return _session_out(session, q.session_slots(session), q.session_judges(session))


# --- settings and rubric -----------------------------------------------------------------------------

@router.get("/{slug}/settings", response={200: FinalSettingsOut, **RESPONSES}, url_name="final_settings",
            summary="The final round's settings (office)")
def get_settings(request: HttpRequest, slug: str):
    return _settings_out(_office(request, slug))


@router.put("/{slug}/settings", response={200: FinalSettingsOut, **WRITE_RESPONSES}, url_name="final_settings_put",
            summary="Change the final round's settings (office)")
def put_settings(request: HttpRequest, slug: str, payload: FinalSettingsIn):
    edition = _office(request, slug)
    values = payload.dict()
    if values["material_deadline"] is not None and timezone.is_naive(values["material_deadline"]):
        values["material_deadline"] = timezone.make_aware(values["material_deadline"])
    if values["roadshow_weight"] == 0 and values["site_weight"] == 0:
        raise InvalidInput({"site_weight": [str(_("At least one weight must be more than zero."))]})
    services.update_final_settings(actor=request.auth, edition=edition, values=values)
    return _settings_out(edition)


@router.get("/{slug}/rubric/{stage}", response={200: FinalRubricOut, **RESPONSES}, url_name="final_rubric",
            summary="The final round's rubric of the roadshow or the site visit (office)")
def get_rubric(request: HttpRequest, slug: str, stage: FinalStage):
    return _rubric_out(_office(request, slug), stage)


@router.post("/{slug}/rubric/{stage}/criteria", response={201: FinalCriterionOut, **WRITE_RESPONSES},
             url_name="final_criterion_add", summary="Add a criterion at the end of the rubric (refused once scores "
                                                     "of this part exist)")
def add_criterion(request: HttpRequest, slug: str, stage: FinalStage, payload: FinalCriterionIn):
    edition = _office(request, slug)
    c = services.save_criterion(actor=request.auth, edition=edition, stage=stage, name=payload.name,
                                max_points=payload.max_points, guidance=payload.guidance)
    return Status(201, {"id": c.pk, "stage": c.stage, "position": c.position, "name": c.name,
                        "max_points": c.max_points, "guidance": c.guidance})


@router.post("/{slug}/rubric/{stage}/default", response={200: FinalRubricOut, **WRITE_RESPONSES},
             url_name="final_rubric_default", summary="Fill an empty rubric with the default criteria")
def default_rubric(request: HttpRequest, slug: str, stage: FinalStage):
    edition = _office(request, slug)
    services.use_default_rubric(actor=request.auth, edition=edition, stage=stage)
    return _rubric_out(edition, stage)


def _criterion(request, slug, criterion_id) -> FinalCriterion:
    edition = _office(request, slug)
    found = FinalCriterion.objects.select_related("edition").filter(pk=criterion_id, edition=edition).first()
    if found is None:
        raise HttpError(404, str(msg.NOT_FOUND))
    return found


@router.put("/{slug}/criteria/{criterion_id}", response={200: FinalCriterionOut, **WRITE_RESPONSES},
            url_name="final_criterion_put", summary="Change a criterion (refused once scores of its part exist)")
def put_criterion(request: HttpRequest, slug: str, criterion_id: Id, payload: FinalCriterionIn):
    found = _criterion(request, slug, criterion_id)
    c = services.save_criterion(actor=request.auth, edition=found.edition, stage=found.stage, criterion=found,
                                name=payload.name, max_points=payload.max_points, guidance=payload.guidance)
    return {"id": c.pk, "stage": c.stage, "position": c.position, "name": c.name, "max_points": c.max_points,
            "guidance": c.guidance}


class FinalCriterionMoveIn(Schema):
    up: bool = Field(description="true: one place up; false: one place down.")


@router.post("/{slug}/criteria/{criterion_id}/move", response={200: FinalRubricOut, **WRITE_RESPONSES},
             url_name="final_criterion_move", summary="Move a criterion one place up or down")
def move_criterion(request: HttpRequest, slug: str, criterion_id: Id, payload: FinalCriterionMoveIn):
    found = _criterion(request, slug, criterion_id)
    services.move_criterion(actor=request.auth, criterion=found, up=payload.up)
    return _rubric_out(found.edition, found.stage)


@router.delete("/{slug}/criteria/{criterion_id}", response={204: None, **WRITE_RESPONSES},
               url_name="final_criterion_delete", summary="Delete a criterion (refused once scores of its part exist)")
def delete_criterion(request: HttpRequest, slug: str, criterion_id: Id):
    services.delete_criterion(actor=request.auth, criterion=_criterion(request, slug, criterion_id))
    return Status(204, None)


# --- sessions --------------------------------------------------------------------------------------

def _session_values(edition, payload: FinalSessionIn) -> dict:
    category = industry = None
    if payload.group_category_id is not None:
        category = Category.objects.filter(pk=payload.group_category_id, edition=edition).first()
        if category is None:
            raise InvalidInput({"group_category_id": [str(_("This category is not one of the edition's."))]})
    if payload.group_industry_code:
        industry = Industry.objects.filter(code=payload.group_industry_code).first()
        if industry is None:
            raise InvalidInput({"group_industry_code": [str(_("Unknown industry code."))]})
    starts_at = payload.starts_at if timezone.is_aware(payload.starts_at) else timezone.make_aware(payload.starts_at)
    return {"name": payload.name, "starts_at": starts_at, "venue": payload.venue, "group_category": category,
            "group_industry": industry, "order_method": payload.order_method}


@router.get("/{slug}/sessions", response={200: list[FinalSessionOut], **RESPONSES}, url_name="final_sessions",
            summary="The roadshow sessions of the edition (office)")
def list_sessions(request: HttpRequest, slug: str):
    return [_session_out(s) for s in q.sessions(_office(request, slug))]


@router.post("/{slug}/sessions", response={201: FinalSessionDetailOut, **WRITE_RESPONSES},
             url_name="final_session_create", summary="Create a roadshow session")
def create_session(request: HttpRequest, slug: str, payload: FinalSessionIn):
    edition = _office(request, slug)
    session = services.create_session(actor=request.auth, edition=edition, **_session_values(edition, payload))
    return Status(201, _detail(session))


@router.get("/sessions/{session_id}", response={200: FinalSessionDetailOut, **RESPONSES}, url_name="final_session",
            summary="A roadshow session with its judges and running order")
def get_session(request: HttpRequest, session_id: Id):
    return _detail(_session(request, session_id))


@router.put("/sessions/{session_id}", response={200: FinalSessionDetailOut, **WRITE_RESPONSES},
            url_name="final_session_put", summary="Change a session (its group and order method only before the "
                                                  "order is published)")
def put_session(request: HttpRequest, session_id: Id, payload: FinalSessionIn):
    session = _session(request, session_id)
    services.update_session(actor=request.auth, session=session, values=_session_values(session.edition, payload))
    return _detail(session)


@router.post("/sessions/{session_id}/judges", response={201: FinalJudgeOut, **WRITE_RESPONSES},
             url_name="final_judge_add", summary="Seat an accepted expert of the pool on the panel (next seat)")
def add_judge(request: HttpRequest, session_id: Id, payload: FinalJudgeIn):
    session = _session(request, session_id)
    expert = Expert.objects.filter(pk=payload.expert_id, edition=session.edition).first()
    if expert is None:
        raise HttpError(404, str(msg.NOT_FOUND))
    judge = services.add_judge(actor=request.auth, session=session, expert=expert)
    return Status(201, _judge_out(judge))


@router.delete("/sessions/{session_id}/judges/{judge_id}", response={204: None, **WRITE_RESPONSES},
               url_name="final_judge_remove", summary="Take a judge off the panel (refused once they have scored)")
def remove_judge(request: HttpRequest, session_id: Id, judge_id: Id):
    session = _session(request, session_id)
    judge = SessionJudge.objects.select_related("expert", "session").filter(pk=judge_id, session=session).first()
    if judge is None:
        raise HttpError(404, str(msg.NOT_FOUND))
    services.remove_judge(actor=request.auth, judge=judge)
    return Status(204, None)


@router.post("/sessions/{session_id}/slots", response={200: FinalSessionDetailOut, **WRITE_RESPONSES},
             url_name="final_slots_add", summary="Put finalists without a place into the session (before publishing)")
def add_slots(request: HttpRequest, session_id: Id, payload: FinalSlotsIn):
    session = _session(request, session_id)
    services.add_finalists(actor=request.auth, session=session, entry_ids=payload.entry_ids)
    return _detail(session)


@router.delete("/sessions/{session_id}/slots/{slot_id}", response={200: FinalSessionDetailOut, **WRITE_RESPONSES},
               url_name="final_slot_remove", summary="Take a finalist out of the session (before publishing)")
def remove_slot(request: HttpRequest, session_id: Id, slot_id: Id):
    session = _session(request, session_id)
    slot = Slot.objects.select_related("session").filter(pk=slot_id, session=session).first()
    if slot is None:
        raise HttpError(404, str(msg.NOT_FOUND))
    services.remove_slot(actor=request.auth, slot=slot)
    return _detail(session)


@router.post("/sessions/{session_id}/order/group", response={200: FinalSessionDetailOut, **WRITE_RESPONSES},
             url_name="final_order_group", summary="Order the session by group (category, industry, title)")
def order_group(request: HttpRequest, session_id: Id):
    session = _session(request, session_id)
    services.order_by_group(actor=request.auth, session=session)
    return _detail(session)


def _draw_out(session) -> dict:
    result = session.draw_result or {}
    return {"seed": session.draw_seed, "drawn_at": _local(session.draw_at), "input": result.get("input", []),
            "output": result.get("output", [])}


@router.post("/sessions/{session_id}/draw", response={200: FinalDrawOut, **WRITE_RESPONSES}, url_name="final_draw",
             summary="Draw the running order (抽签) with a fresh seed; refused once the order is published")
def run_draw(request: HttpRequest, session_id: Id):
    session = _session(request, session_id)
    services.run_draw(actor=request.auth, session=session)
    return _draw_out(q.session_or_none(session.pk))


@router.get("/sessions/{session_id}/draw", response={200: FinalDrawCheckOut, **RESPONSES},
            url_name="final_draw_verify", summary="Re-run the recorded draw from its seed and compare (404 before "
                                                  "any draw)")
def verify_draw(request: HttpRequest, session_id: Id):
    session = _session(request, session_id)
    check = q.draw_check(session)
    if check is None:
        raise HttpError(404, str(msg.NOT_FOUND))
    return {**_draw_out(session), "recomputed": check.recomputed, "matches": check.matches,
            "in_force": check.in_force}


@router.post("/sessions/{session_id}/publish", response={200: FinalSessionDetailOut, **WRITE_RESPONSES},
             url_name="final_publish", summary="Publish the running order and notify each finalist's declaring unit")
def publish(request: HttpRequest, session_id: Id):
    session = _session(request, session_id)
    services.publish_order(actor=request.auth, session=session)
    return _detail(session)
