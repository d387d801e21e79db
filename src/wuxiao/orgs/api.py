"""API: units. Recommending units are public (sign-up pickers); declaring units follow orgs.view_unit."""

from typing import Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from wuxiao import api_messages as msg
from wuxiao.accounts.models import Role
from wuxiao.accounts.rules import is_committee, is_declarer, is_recommender
from wuxiao.api_common import ErrorOut, Id, Pagination

from .models import DECLARING_KINDS, CreditCodeStatus, Organisation, RegistrationStatus

router = Router(tags=["units"])

# Who may list declaring units at all. Experts and people without a role get 403, not an
# empty list: they have no units to see, and a 403 tells a client program so plainly.
may_list_units = is_committee | is_recommender | is_declarer

DeclaringKind = Literal[tuple(k.value for k in DECLARING_KINDS)]


class UnitRefOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class UnitOut(UnitRefOut):
    parent: UnitRefOut | None = Field(None, description="The recommending unit (trade union).")
    union_name: str
    credit_code: str
    credit_code_status: str
    credit_code_status_label: str
    registration_status: str
    registration_status_label: str
    region_code: str
    address: str
    contact_name: str
    contact_mobile: str
    contact_email: str
    is_active: bool

    @staticmethod
    def resolve_credit_code_status_label(obj) -> str:
        return str(obj.get_credit_code_status_display())

    @staticmethod
    def resolve_registration_status_label(obj) -> str:
        return str(obj.get_registration_status_display())


class UnitFilters(Schema):
    kind: DeclaringKind | None = Field(None, description="Kind of declaring unit.")
    parent: Id | None = Field(None, description="Id of the recommending unit.")
    credit_code_status: CreditCodeStatus | None = None
    registration_status: RegistrationStatus | None = None
    q: str | None = Field(None, max_length=100, description="Part of the name, credit code or trade union.")


def visible_declaring_units(user) -> QuerySet[Organisation]:
    """The declaring units `user` may see: the same answer as orgs.view_unit, as one query."""
    units = Organisation.objects.declaring().select_related("parent")
    if is_committee(user):
        return units
    member_of = {m.organisation_id for m in user.active_memberships()}
    return units.filter(Q(pk__in=member_of) | Q(parent_id__in=user.unit_ids_with_role(Role.RECOMMENDER)))


@router.get(
    "/units/recommending", auth=None, response=list[UnitRefOut],
    summary="List the active recommending units (public, for sign-up pickers)",
)
def recommending_units(request: HttpRequest):
    return Organisation.objects.recommending().active().order_by("kind", "name", "id")


@router.get(
    "/units", response={200: list[UnitOut], 401: ErrorOut, 403: ErrorOut},
    summary="List the declaring units the caller may see",
    description=(
        "Committee office and site administrators: all declaring units; recommending-unit staff: "
        "the declaring units attached to their recommending units; declaring-unit staff: their own "
        "units. Experts and accounts without a role: 403."
    ),
)
@paginate(Pagination, page_size=50)
def list_units(request: HttpRequest, filters: Query[UnitFilters]):
    user = request.auth
    if not may_list_units(user):
        raise HttpError(403, str(msg.UNITS_FORBIDDEN))
    units = visible_declaring_units(user)
    if filters.kind:
        units = units.filter(kind=filters.kind)
    if filters.parent:
        units = units.filter(parent_id=filters.parent)
    if filters.credit_code_status:
        units = units.filter(credit_code_status=filters.credit_code_status)
    if filters.registration_status:
        units = units.filter(registration_status=filters.registration_status)
    if filters.q and filters.q.strip():
        q = filters.q.strip()
        units = units.filter(Q(name__icontains=q) | Q(credit_code__icontains=q) | Q(union_name__icontains=q))
    return units.order_by("name", "id")


@router.get(
    "/units/{unit_id}", response={200: UnitOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="One unit, if the caller may see it (orgs.view_unit)",
)
def unit_detail(request: HttpRequest, unit_id: Id):
    unit = Organisation.objects.select_related("parent").filter(pk=unit_id).first()
    if unit is None:
        raise HttpError(404, str(msg.UNIT_NOT_FOUND))
    if not request.auth.has_perm("orgs.view_unit", unit):
        raise HttpError(403, str(msg.UNIT_FORBIDDEN))
    return unit
