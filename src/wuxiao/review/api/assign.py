"""Second-round API: assign. The committee office's assignment of entries to experts (issue 10 items 4–6, 13).

The same predicate as the pages (review.manage), the same services (services_assign) and reads
(queries_assign). A refused change is 409 with the message and the input it belongs to.
"""

from typing import Annotated, Literal

from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from wuxiao.api_common import ErrorOut, Id, Pagination, RefusedOut, edition_or_404
from wuxiao.common.permissions import allowed
from wuxiao.competitions.models import Edition

from .. import queries_assign as q
from .. import services_assign as services
from ..models import ReviewAssignment

router = Router(tags=["second round: assignment"])

MANAGE_FORBIDDEN = _("Only the committee office may manage the assignment of entries to experts.")
RUN_NOT_FOUND = _("There is no such assignment run.")

Seed = Annotated[int, Field(ge=0, le=services.SEED_MAX - 1, description="The seed of the random draw.")]
Extra = Annotated[int, Field(ge=1, le=10)]


class StartIn(Schema):
    seed: Seed | None = None


class RunOut(Schema):
    id: int
    status: str
    status_label: str
    progress: int
    step: str
    seed: int
    second_pass: bool
    parameters: dict
    result: dict = Field(description="cost, worst and lowest load, solver, seconds, pairs, the greedy baseline; "
                                     "when no assignment exists, `reasons` in words")


class PairOut(Schema):
    id: int
    entry_id: int
    expert_id: int
    expert: str = Field(..., alias="expert_name")
    review_pass: int
    source: str
    quality: float
    published: bool = Field(..., alias="is_published")


class PairFilter(Schema):
    entry: Id | None = None
    expert: Id | None = None
    published: bool | None = None


class EditIn(Schema):
    entry: Id
    add_expert: Id | None = None
    remove_expert: Id | None = None
    reason: str = Field("", max_length=300)


class EditOut(Schema):
    warnings: list[str] = Field(description="Rules left unmet for now (an entry short of experts, an expert below "
                                            "the minimum load); publishing needs them met.")


class RuleIn(Schema):
    entry: Id
    expert: Id
    kind: Literal["pin", "forbid"]
    reason: str = Field(..., max_length=300)


class RuleOut(Schema):
    id: int
    entry_id: int
    expert_id: int
    kind: str
    reason: str


class PublishOut(Schema):
    published: int


class NeedingOut(Schema):
    id: int
    entry_id: int
    expert_id: int
    expert: str
    why: str


class CandidateOut(Schema):
    entry_id: int
    title: str
    category: str
    official: float | None
    official_rank: int | None
    calibrated: float | None
    calibrated_rank: int | None
    proposed: bool
    scores: int
    experts: int


class SecondPassIn(Schema):
    entries: list[Id] = Field(..., min_length=1, max_length=1000)
    extra: Extra = 2


ANSWERS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: RefusedOut}


def _edition(request: HttpRequest, slug: str) -> Edition:
    if not allowed(request.auth, "review.manage"):
        raise HttpError(403, str(MANAGE_FORBIDDEN))
    return edition_or_404(slug)


def _run(run) -> dict:
    return {"id": run.pk, "status": run.status, "status_label": str(run.get_status_display()),
            "progress": run.progress, "step": run.step, "seed": run.seed, "second_pass": run.second_pass,
            "parameters": run.parameters, "result": run.result}


@router.post("/{slug}/assignment/runs", response={202: RunOut, **ANSWERS}, url_name="assignment_run_start",
             summary="Start a run of the assignment in the background (refused while the conflict check is not "
                     "current, while a run is under way, or once pairs are published)")
def start_run(request: HttpRequest, slug: str, payload: StartIn):
    edition = _edition(request, slug)
    run = services.start_assignment(actor=request.auth, edition=edition, seed=payload.seed)
    return Status(202, _run(run))


@router.get("/{slug}/assignment/runs/{run_id}", response={200: RunOut, **ANSWERS}, url_name="assignment_run",
            summary="A run's status, progress and result (the reasons in words when no assignment exists)")
def run_detail(request: HttpRequest, slug: str, run_id: Id):
    edition = _edition(request, slug)
    run = q.run_of(edition, run_id)
    if run is None:
        raise HttpError(404, str(RUN_NOT_FOUND))
    return _run(run)


@router.get("/{slug}/assignment/pairs", response={200: list[PairOut], **ANSWERS}, url_name="assignment_pairs",
            summary="The active pairs (drafts and published), by entry")
@paginate(Pagination, page_size=100)
def list_pairs(request: HttpRequest, slug: str, filters: Query[PairFilter]):
    edition = _edition(request, slug)
    pairs = ReviewAssignment.objects.filter(edition=edition, removed_at__isnull=True)
    if filters.entry:
        pairs = pairs.filter(entry_id=filters.entry)
    if filters.expert:
        pairs = pairs.filter(expert_id=filters.expert)
    if filters.published is not None:
        pairs = pairs.filter(published_at__isnull=not filters.published)
    # Rows as dicts straight from the database: the page is cut from the query, not from 25,000 objects.
    return (pairs.order_by("entry_id", "expert_id")
            .annotate(expert_name=F("expert__name"),
                      is_published=ExpressionWrapper(Q(published_at__isnull=False), output_field=BooleanField()))
            .values("id", "entry_id", "expert_id", "review_pass", "source", "quality", "expert_name",
                    "is_published"))


@router.post("/{slug}/assignment/pairs", response={200: EditOut, **ANSWERS}, url_name="assignment_edit",
             summary="Add and/or remove an expert of one entry by hand (every rule checked; a removed published "
                     "pair needs a reason)")
def edit_pair(request: HttpRequest, slug: str, payload: EditIn):
    edition = _edition(request, slug)
    warnings = services.edit_assignment(actor=request.auth, edition=edition, entry_id=payload.entry,
                                        add_expert_id=payload.add_expert, remove_expert_id=payload.remove_expert,
                                        reason=payload.reason)
    return {"warnings": [str(w.message) for w in warnings]}


@router.post("/{slug}/assignment/rules", response={200: RuleOut, **ANSWERS}, url_name="assignment_rule_set",
             summary="Pin an expert to an entry or forbid the pair, with a reason")
def set_rule(request: HttpRequest, slug: str, payload: RuleIn):
    edition = _edition(request, slug)
    rule = services.set_pair_rule(actor=request.auth, edition=edition, entry_id=payload.entry,
                                  expert_id=payload.expert, kind=payload.kind, reason=payload.reason)
    return {"id": rule.pk, "entry_id": rule.entry_id, "expert_id": rule.expert_id, "kind": rule.kind,
            "reason": rule.reason}


@router.get("/{slug}/assignment/rules", response={200: list[RuleOut], **ANSWERS}, url_name="assignment_rules",
            summary="The pinned and forbidden pairs")
def list_rules(request: HttpRequest, slug: str):
    edition = _edition(request, slug)
    return [{"id": r.pk, "entry_id": r.entry_id, "expert_id": r.expert_id, "kind": r.kind, "reason": r.reason}
            for r in q.pair_rules(edition)]


@router.delete("/{slug}/assignment/rules/{rule_id}", response={204: None, **ANSWERS},
               url_name="assignment_rule_delete", summary="Lift a pin or a forbid")
def delete_rule(request: HttpRequest, slug: str, rule_id: Id):
    edition = _edition(request, slug)
    services.delete_pair_rule(actor=request.auth, edition=edition, rule_id=rule_id)
    return Status(204, None)


@router.post("/{slug}/assignment/publish", response={200: PublishOut, **ANSWERS}, url_name="assignment_publish",
             summary="Publish every draft pair and notify the experts (refused while a rule is broken)")
def publish(request: HttpRequest, slug: str):
    edition = _edition(request, slug)
    return {"published": services.publish_assignment(actor=request.auth, edition=edition)}


@router.get("/{slug}/assignment/needing-reassignment", response={200: list[NeedingOut], **ANSWERS},
            url_name="assignment_needing", summary="Published pairs whose expert declined or has a conflict")
def needing(request: HttpRequest, slug: str):
    edition = _edition(request, slug)
    return [{"id": p.pk, "entry_id": p.entry_id, "expert_id": p.expert_id, "expert": p.expert.name,
             "why": str(p.why)} for p in q.pairs_needing_reassignment(edition)]


@router.post("/{slug}/assignment/reassign", response={200: RunOut, **ANSWERS}, url_name="assignment_reassign",
             summary="Re-assign the pairs that can no longer stand, changing as few others as possible, and publish")
def reassign(request: HttpRequest, slug: str):
    edition = _edition(request, slug)
    return _run(services.reassign_and_publish(actor=request.auth, edition=edition))


@router.get("/{slug}/assignment/second-pass", response={200: list[CandidateOut], **ANSWERS},
            url_name="assignment_second_pass_candidates",
            summary="The scored entries nearest the finalist cut-off, nearest first")
def second_pass_candidates(request: HttpRequest, slug: str):
    edition = _edition(request, slug)
    return q.second_pass_candidates_for(edition, 20)


@router.post("/{slug}/assignment/second-pass", response={200: RunOut, **ANSWERS}, url_name="assignment_second_pass",
             summary="Assign extra reviews of these entries (drafts of pass 2, published like the first)")
def second_pass(request: HttpRequest, slug: str, payload: SecondPassIn):
    edition = _edition(request, slug)
    return _run(services.assign_second_pass(actor=request.auth, edition=edition, entry_ids=payload.entries,
                                            extra=payload.extra))
