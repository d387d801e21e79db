"""Second-round API: pool — experts, invitations, conflicts of interest, the conflict check, the settings.

The same predicate as the pages (`review.manage`, the committee office and the site administrator), the
same forms (forms_pool) and the same services: input a form refuses is 422 with each input's messages,
a refused write 409 with the message.
"""

from typing import Annotated, Literal

from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from wuxiao.api_common import ErrorOut, Id, PageNumber, RefusedOut, edition_or_404
from wuxiao.common.exceptions import InvalidInput
from wuxiao.common.permissions import require
from wuxiao.competitions.models import Edition
from wuxiao.orgs.models import Organisation

from .. import queries_pool as q
from .. import services_pool as services
from ..forms_pool import SETTINGS_FIELDS, ExpertForm, SettingsForm, fields_text
from ..models import Conflict, Expert, ExpertStatus
from ..queries import review_settings

router = Router(tags=["second round: experts and conflicts"])

RESPONSES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
PAGE_SIZE = 50
Depth = Annotated[int, Field(ge=1, le=3)]
Load = Annotated[int, Field(ge=0, le=10000)]


class FieldIO(Schema):
    code: str = Field(..., max_length=4, description="GB/T 4754-2017 industry code at any level (C, 34, 342, 3421)")
    depth: Depth = 2


class ExpertOut(Schema):
    id: int
    name: str
    organisation_name: str
    organisation_id: int | None
    title: str
    title_label: str
    mobile: str
    email: str
    fields: list[FieldIO]
    load_min: int | None
    load_max: int | None
    status: str
    status_label: str
    invited_at: str | None
    invitation_expires_at: str | None
    responded_at: str | None
    decline_reason: str
    conflicts: int


class ExpertPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[ExpertOut]


class ExpertIn(Schema):
    name: str = Field(..., max_length=50)
    organisation_name: str = Field(..., max_length=200)
    credit_code: str = Field("", max_length=30)
    title: Literal["senior", "associate", "intermediate", "other"] = "other"
    fields: list[FieldIO] = Field(..., max_length=50)
    mobile: str = Field(..., max_length=20)
    email: str = Field("", max_length=254)
    load_min: Load | None = None
    load_max: Load | None = None


class ExpertPatch(Schema):
    name: str | None = Field(None, max_length=50)
    organisation_name: str | None = Field(None, max_length=200)
    credit_code: str | None = Field(None, max_length=30)
    title: Literal["senior", "associate", "intermediate", "other"] | None = None
    fields: list[FieldIO] | None = Field(None, max_length=50)
    mobile: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    load_min: Load | None = None
    load_max: Load | None = None


class InviteIn(Schema):
    expert_ids: list[Id] = Field(default_factory=list, max_length=5000)
    all: bool = Field(False, description="Every expert not invited yet, instead of expert_ids.")


class InvitedOut(Schema):
    id: int
    name: str
    status: str
    invitation_url: str
    invitation_expires_at: str


class ConflictOut(Schema):
    id: int
    expert_id: int
    expert: str
    entry_id: int
    entry_title: str
    unit_id: int | None
    source: str
    source_label: str
    reason: str
    created_at: str
    lifted_at: str | None
    lift_reason: str


class ConflictPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[ConflictOut]


class ConflictIn(Schema):
    expert_id: Id
    entry_id: Id | None = None
    unit_id: Id | None = Field(None, description="Every entry of this declaring (or recommending) unit.")
    reason: str = Field(..., max_length=300)


class LiftReasonIn(Schema):
    reason: str = Field(..., max_length=300)


class ConflictCheckOut(Schema):
    running: bool
    progress: int
    current: bool = Field(..., description="A finished check newer than every change of the pool, groups, "
                                           "settings and entries: inviting and assigning are allowed.")
    last_finished_at: str | None
    found: int | None


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _edition(request, slug) -> Edition:
    require(request.auth, "review.manage")
    return edition_or_404(slug)


def _expert(expert: Expert) -> dict:
    return {
        "id": expert.pk, "name": expert.name, "organisation_name": expert.organisation_name,
        "organisation_id": expert.organisation_id, "title": expert.title,
        "title_label": str(expert.get_title_display()), "mobile": expert.mobile, "email": expert.email,
        "fields": [{"code": f.industry_id, "depth": f.depth} for f in expert.fields.all()],
        "load_min": expert.load_min, "load_max": expert.load_max, "status": expert.status,
        "status_label": str(expert.get_status_display()), "invited_at": _iso(expert.invited_at),
        "invitation_expires_at": _iso(expert.invitation_expires_at), "responded_at": _iso(expert.responded_at),
        "decline_reason": expert.decline_reason, "conflicts": getattr(expert, "conflict_count", 0),
    }


def _conflict(c: Conflict) -> dict:
    return {"id": c.pk, "expert_id": c.expert_id, "expert": c.expert.name, "entry_id": c.entry_id,
            "entry_title": c.entry.title, "unit_id": c.unit_id, "source": c.source,
            "source_label": str(c.get_source_display()), "reason": c.reason, "created_at": _iso(c.created_at),
            "lifted_at": _iso(c.lifted_at), "lift_reason": c.lift_reason}


def _check(edition) -> dict:
    state = q.conflict_check_state(edition)
    latest, finished = state["latest"], state["finished"]
    return {"running": state["running"], "progress": latest.progress if latest else 0, "current": state["current"],
            "last_finished_at": _iso(finished.finished_at) if finished else None,
            "found": finished.found if finished else None}


def _validated(form: ExpertForm) -> ExpertForm:
    if not form.is_valid():
        names = {"fields_text": "fields"}
        raise InvalidInput({names.get(name, name): [str(m) for m in messages]
                            for name, messages in form.errors.items()})
    return form


def _form_data(data: dict) -> dict:
    out = {k: ("" if v is None else v) for k, v in data.items() if k != "fields"}
    out["fields_text"] = ", ".join(f"{f['code']}:{f['depth']}" for f in data.get("fields") or [])
    return out


# --- Experts ---------------------------------------------------------------------------------------------

@router.get("/{slug}/experts", response={200: ExpertPageOut, **RESPONSES}, url_name="pool_experts",
            summary="The edition's expert pool, with fields, status and conflicts in force")
def list_experts(request: HttpRequest, slug: str, status: str = "", page: PageNumber = 1):
    edition = _edition(request, slug)
    found = Paginator(q.pool_rows(edition, status=status), PAGE_SIZE).get_page(page)
    return {"count": found.paginator.count, "page": found.number, "pages": found.paginator.num_pages,
            "items": [_expert(e) for e in found.object_list]}


@router.post("/{slug}/experts", response={201: ExpertOut, **RESPONSES, 409: RefusedOut},
             url_name="pool_expert_create", summary="Add an expert to the pool")
def create_expert(request: HttpRequest, slug: str, body: ExpertIn):
    edition = _edition(request, slug)
    form = _validated(ExpertForm(_form_data(body.dict()), edition=edition))
    expert = services.create_expert(actor=request.auth, edition=edition, values=form.values(),
                                    fields=form.cleaned_data["fields_text"],
                                    credit_code=form.cleaned_data["credit_code"])
    return Status(201, _expert(q.pool_rows(edition).get(pk=expert.pk)))


@router.get("/{slug}/experts/{expert_id}", response={200: ExpertOut, **RESPONSES}, url_name="pool_expert")
def get_expert(request: HttpRequest, slug: str, expert_id: Id):
    edition = _edition(request, slug)
    return _expert(get_object_or_404(q.pool_rows(edition), pk=expert_id))


@router.patch("/{slug}/experts/{expert_id}", response={200: ExpertOut, **RESPONSES, 409: RefusedOut},
              url_name="pool_expert_update", summary="Change an expert's details (only the inputs sent)")
def update_expert(request: HttpRequest, slug: str, expert_id: Id, body: ExpertPatch):
    edition = _edition(request, slug)
    expert = get_object_or_404(Expert.objects.select_related("organisation"), pk=expert_id, edition=edition)
    current = {name: getattr(expert, name) for name in ("name", "organisation_name", "title", "mobile", "email",
                                                         "load_min", "load_max")}
    current["credit_code"] = expert.organisation.credit_code if expert.organisation_id else ""
    data = _form_data({**current, "fields": []})
    data["fields_text"] = fields_text(expert)
    sent = body.dict(exclude_unset=True)
    data.update(_form_data(sent) if "fields" in sent else {k: ("" if v is None else v) for k, v in sent.items()})
    if "fields" not in sent:
        data["fields_text"] = fields_text(expert)
    form = _validated(ExpertForm(data, edition=edition, expert=expert))
    services.update_expert(actor=request.auth, expert=expert, values=form.values(),
                           fields=form.cleaned_data["fields_text"], credit_code=form.cleaned_data["credit_code"])
    return _expert(q.pool_rows(edition).get(pk=expert.pk))


@router.post("/{slug}/invitations", response={200: list[InvitedOut], **RESPONSES, 409: RefusedOut},
             url_name="pool_invite",
             summary="Invite experts by one-time link (refused while the conflict check is not current)")
def invite(request: HttpRequest, slug: str, body: InviteIn):
    edition = _edition(request, slug)
    if body.all:
        experts = list(q.invitable_experts(edition).filter(status=ExpertStatus.POOL))
    else:
        experts = list(Expert.objects.filter(edition=edition, pk__in=body.expert_ids))
        if len(experts) != len(set(body.expert_ids)):
            raise InvalidInput({"expert_ids": [str(_not_in_pool())]})
    done = services.invite_experts(actor=request.auth, edition=edition, experts=experts)
    return [{"id": e.pk, "name": e.name, "status": e.status, "invitation_url": services.invitation_url(e),
             "invitation_expires_at": _iso(e.invitation_expires_at)} for e in done]


def _not_in_pool():
    from django.utils.translation import gettext as _

    return _("An expert chosen is not in this edition's pool.")


# --- Conflicts -------------------------------------------------------------------------------------------

@router.get("/{slug}/conflicts", response={200: ConflictPageOut, **RESPONSES}, url_name="pool_conflicts",
            summary="Conflicts of interest: in force (default) or lifted, of one source")
def list_conflicts(request: HttpRequest, slug: str, source: str = "", lifted: bool = False,
                   expert_id: Id | None = None, page: PageNumber = 1):
    edition = _edition(request, slug)
    rows = q.conflict_rows(edition, source=source, lifted=lifted)
    if expert_id:
        rows = rows.filter(expert_id=expert_id)
    found = Paginator(rows, PAGE_SIZE).get_page(page)
    return {"count": found.paginator.count, "page": found.number, "pages": found.paginator.num_pages,
            "items": [_conflict(c) for c in found.object_list]}


@router.post("/{slug}/conflicts", response={201: list[ConflictOut], **RESPONSES, 409: RefusedOut},
             url_name="pool_conflict_create", summary="Set a conflict: expert × entry, or expert × unit")
def create_conflict(request: HttpRequest, slug: str, body: ConflictIn):
    edition = _edition(request, slug)
    expert = get_object_or_404(Expert, pk=body.expert_id, edition=edition)
    entry = unit = None
    if body.entry_id:
        entry = q.review_entries(edition).filter(pk=body.entry_id).first()
        if entry is None:
            raise InvalidInput({"entry_id": [str(_no_entry())]})
    if body.unit_id:
        unit = Organisation.objects.filter(pk=body.unit_id).first()
        if unit is None:
            raise InvalidInput({"unit_id": [str(_no_unit())]})
    made = services.set_conflict(actor=request.auth, edition=edition, expert=expert, reason=body.reason,
                                 entry=entry, unit=unit)
    return Status(201, [_conflict(c) for c in q.conflict_rows(edition).filter(pk__in=[c.pk for c in made])])


def _no_entry():
    from django.utils.translation import gettext as _

    return _("No entry with this number is in this edition's second round.")


def _no_unit():
    from django.utils.translation import gettext as _

    return _("No unit has this number.")


@router.post("/{slug}/conflicts/{conflict_id}/lift", response={200: ConflictOut, **RESPONSES, 409: RefusedOut},
             url_name="pool_conflict_lift", summary="Lift a conflict of interest, with the reason")
def lift_conflict(request: HttpRequest, slug: str, conflict_id: Id, body: LiftReasonIn):
    edition = _edition(request, slug)
    conflict = get_object_or_404(Conflict, pk=conflict_id, edition=edition)
    services.lift_conflict(actor=request.auth, conflict=conflict, reason=body.reason)
    return _conflict(q.conflict_rows(edition, lifted=None).get(pk=conflict.pk))


@router.get("/{slug}/conflict-check", response={200: ConflictCheckOut, **RESPONSES}, url_name="pool_conflict_check",
            summary="The conflict check: running, progress, last finished, current or not")
def conflict_check(request: HttpRequest, slug: str):
    return _check(_edition(request, slug))


@router.post("/{slug}/conflict-check", response={202: ConflictCheckOut, **RESPONSES}, url_name="pool_conflict_check_run",
             summary="Run the conflict check of the whole pool in the background")
def run_conflict_check(request: HttpRequest, slug: str):
    edition = _edition(request, slug)
    services.request_conflict_check(actor=request.auth, edition=edition)
    return Status(202, _check(edition))


# --- Settings --------------------------------------------------------------------------------------------

class SettingsIO(Schema):
    reviews_per_entry: Annotated[int, Field(ge=0, le=1000)] | None = None
    load_min: Load | None = None
    load_max: Load | None = None
    require_senior: bool | None = None
    max_per_organisation: Annotated[int, Field(ge=0, le=1000)] | None = None
    seed: Annotated[int, Field(ge=-(2**63), le=2**63 - 1)] | None = None
    conflict_recommending_unit: bool | None = None
    anonymise: bool | None = None
    comment_required: bool | None = None
    scoring_deadline: str | None = None
    reminder_every_days: Annotated[int, Field(ge=0, le=1000)] | None = None
    aggregation_rule: Literal["trimmed_mean", "mean"] | None = None
    finalist_count: Annotated[int, Field(ge=0, le=100000)] | None = None
    finalist_cutoff: Annotated[float, Field(ge=-1000, le=1000)] | None = None
    finalists_by_category: bool | None = None


def _settings(found) -> dict:
    data = {name: getattr(found, name) for name in SETTINGS_FIELDS}
    data["scoring_deadline"] = _iso(found.scoring_deadline)
    data["finalist_cutoff"] = float(found.finalist_cutoff) if found.finalist_cutoff is not None else None
    return data


@router.get("/{slug}/settings", response={200: SettingsIO, **RESPONSES}, url_name="pool_settings")
def get_settings(request: HttpRequest, slug: str):
    return _settings(review_settings(_edition(request, slug)))


@router.patch("/{slug}/settings", response={200: SettingsIO, **RESPONSES}, url_name="pool_settings_update",
              summary="Change the second-round settings (only the inputs sent; null empties an optional one)")
def update_settings(request: HttpRequest, slug: str, body: SettingsIO):
    edition = _edition(request, slug)
    found = review_settings(edition)
    data = {k: ("" if v is None else v) for k, v in model_to_dict(found, fields=SETTINGS_FIELDS).items()}
    if found.scoring_deadline:
        data["scoring_deadline"] = found.scoring_deadline.isoformat()
    data.update({k: ("" if v is None else v) for k, v in body.dict(exclude_unset=True).items()})
    form = SettingsForm(data, instance=found)
    if not form.is_valid():
        raise InvalidInput({name: [str(m) for m in messages] for name, messages in form.errors.items()})
    found = services.update_settings(actor=request.auth, edition=edition,
                                     values={name: form.cleaned_data[name] for name in SETTINGS_FIELDS})
    return _settings(found)
