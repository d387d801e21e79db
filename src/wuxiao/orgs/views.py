from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxiao.accounts.models import Role
from wuxiao.accounts.rules import is_committee
from wuxiao.common.exceptions import Refused
from wuxiao.common.models import AuditLog
from wuxiao.common.permissions import require

from . import services
from .forms import (
    CreditCodeNoteForm,
    OwnUnitForm,
    ReasonForm,
    RegistrationFilterForm,
    UnitFilterForm,
    UnitForm,
    recommending_units,
    search_units,
)
from .models import DECLARING_KINDS, RECOMMENDING_KINDS, Organisation, RegistrationStatus, UnitKind

PAGE_SIZE = 50
DETAIL_DECLARING_UNITS = 100  # the newest; the full list is the unit list filtered by this unit


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- A recommending unit's registrations -----------------------------------------------------

def _reviewable_units(user):
    """The recommending units whose registrations the user screens (all of them for the committee)."""
    if is_committee(user):
        return recommending_units()
    return Organisation.objects.filter(pk__in=user.unit_ids_with_role(Role.RECOMMENDER)).order_by("name")


def _sees_several_units(user) -> bool:
    return is_committee(user) or len(user.unit_ids_with_role(Role.RECOMMENDER)) > 1


@login_required
def registrations(request):
    require(request.user, "orgs.view_registrations")
    units = _reviewable_units(request.user)
    form = RegistrationFilterForm(request.GET or None, units=units)
    show_parent = _sees_several_units(request.user)
    if not show_parent:
        del form.fields["unit"]
    qs = Organisation.objects.declaring().select_related("parent")
    if not is_committee(request.user):
        qs = qs.filter(parent__in=units)
    new_count = qs.filter(registration_status=RegistrationStatus.NEW).count()
    if form.is_bound and form.is_valid():
        if form.cleaned_data.get("unit"):
            qs = qs.filter(parent=form.cleaned_data["unit"])
        if form.cleaned_data["status"]:
            qs = qs.filter(registration_status=form.cleaned_data["status"])
        if form.cleaned_data["q"]:
            qs = search_units(qs, form.cleaned_data["q"])
    page = _page(request, qs.order_by("-created_at", "-id"))
    return render(request, "orgs/registrations.html", {
        "form": form, "page": page, "new_count": new_count, "reason_form": ReasonForm(), "show_parent": show_parent,
    })


def _registration_unit(request, pk: int) -> Organisation:
    unit = get_object_or_404(Organisation.objects.select_related("parent"), pk=pk)
    require(request.user, "orgs.review_registration", unit)
    return unit


def _row_response(request, unit, *, reason_form=None, done=""):
    return render(request, "orgs/_registration_row.html", {
        "unit": unit, "reason_form": reason_form or ReasonForm(), "done": done,
        "show_parent": _sees_several_units(request.user),
        "next": _next_url(request, reverse("orgs:registrations")),
    })


def _registration_decision(request, unit, decide, done: str):
    """Apply one screening decision and answer the HTMX row or redirect with a message."""
    try:
        decide()
    except Refused as refused:
        done, level = refused.message, messages.ERROR
    else:
        level = messages.SUCCESS
    if _is_htmx(request):
        return _row_response(request, unit, done=done)
    messages.add_message(request, level, done)
    return redirect(_next_url(request, reverse("orgs:registrations")))


@login_required
@require_POST
def registration_accept(request, pk: int):
    unit = _registration_unit(request, pk)
    return _registration_decision(
        request, unit, lambda: services.accept_registration(actor=request.user, unit=unit),
        _("The registration of %(unit)s has been accepted.") % {"unit": unit.name})


@login_required
def registration_reject(request, pk: int):
    unit = _registration_unit(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _registration_decision(
            request, unit,
            lambda: services.reject_registration(actor=request.user, unit=unit, reason=form.cleaned_data["reason"]),
            _("The registration of %(unit)s has been rejected.") % {"unit": unit.name})
    if _is_htmx(request):
        return _row_response(request, unit, reason_form=form)
    return render(request, "orgs/registration_reject.html", {
        "unit": unit, "form": form, "next": _next_url(request, reverse("orgs:registrations")),
    })


# --- The committee's list of units -----------------------------------------------------------

def _kind_counts() -> dict:
    counts = dict(Organisation.objects.order_by().values_list("kind").annotate(n=Count("id")))
    rows = [(kind, counts.get(kind.value, 0)) for kind in UnitKind]
    return {
        "rows": rows,
        "recommending": sum(counts.get(k.value, 0) for k in RECOMMENDING_KINDS),
        "declaring": sum(counts.get(k.value, 0) for k in DECLARING_KINDS),
        "total": sum(counts.values()),
    }


@login_required
def unit_list(request):
    require(request.user, "orgs.manage_units")
    form = UnitFilterForm(request.GET or None)
    qs = Organisation.objects.select_related("parent")
    if form.is_bound:
        qs = form.filter(qs)
    page = _page(request, qs.order_by("kind", "name", "id"))
    return render(request, "orgs/unit_list.html", {"form": form, "page": page, "counts": _kind_counts()})


# --- One unit ------------------------------------------------------------------------------------

def _detail_context(request, unit, **forms) -> dict:
    user = request.user
    context = {
        "unit": unit,
        "members": unit.memberships.select_related("user").order_by("role", "user__display_name", "user__username"),
        "declaring_units": (unit.declaring_units.order_by("-created_at", "-id")[:DETAIL_DECLARING_UNITS]
                            if unit.is_recommending else None),
        "declaring_count": unit.declaring_units.count() if unit.is_recommending else 0,
        "can_confirm": user.has_perm("orgs.confirm_credit_code", unit),
        "can_manage": user.has_perm("orgs.manage_units"),
        "can_review": unit.is_declaring and user.has_perm("orgs.review_registration", unit),
        "confirm_form": forms.get("confirm_form") or CreditCodeNoteForm(prefix="confirm"),
        "wrong_form": forms.get("wrong_form") or CreditCodeNoteForm(prefix="wrong"),
        "reason_form": ReasonForm(),
    }
    if user.has_perm("accounts.view_audit_log"):
        context["history"] = (AuditLog.objects.filter(object_type="orgs.organisation", object_id=str(unit.pk))
                              .select_related("actor")[:20])
    return context


@login_required
def unit_detail(request, pk: int):
    unit = get_object_or_404(Organisation.objects.select_related("parent"), pk=pk)
    require(request.user, "orgs.view_unit", unit)
    return render(request, "orgs/unit_detail.html", _detail_context(request, unit))


@login_required
@require_POST
def credit_code_confirm(request, pk: int):
    return _credit_code_action(request, pk, "confirm")


@login_required
@require_POST
def credit_code_wrong(request, pk: int):
    return _credit_code_action(request, pk, "wrong")


def _credit_code_action(request, pk: int, which: str):
    unit = get_object_or_404(Organisation.objects.select_related("parent"), pk=pk)
    require(request.user, "orgs.confirm_credit_code", unit)
    form = CreditCodeNoteForm(request.POST, prefix=which)
    if not form.is_valid():
        return render(request, "orgs/unit_detail.html", _detail_context(request, unit, **{f"{which}_form": form}))
    service = services.confirm_credit_code if which == "confirm" else services.mark_credit_code_wrong
    try:
        service(actor=request.user, unit=unit, note=form.cleaned_data["note"])
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        if which == "confirm":
            done = _("The credit code %(code)s has been confirmed.")
        else:
            done = _("The credit code %(code)s has been marked as wrong.")
        messages.success(request, done % {"code": unit.credit_code})
    return redirect("orgs:unit_detail", pk=unit.pk)


@login_required
def unit_create(request):
    require(request.user, "orgs.manage_units")
    form = UnitForm(request.POST or None, instance=Organisation(kind=UnitKind.DISTRICT_UNION))
    if request.method == "POST" and form.is_valid():
        unit = services.create_unit(actor=request.user, values=form.values())
        messages.success(request, _("The unit %(unit)s has been created.") % {"unit": unit.name})
        return redirect("orgs:unit_detail", pk=unit.pk)
    return render(request, "orgs/unit_form.html", {"form": form, "unit": None})


@login_required
def unit_edit(request, pk: int):
    unit = get_object_or_404(Organisation, pk=pk)
    require(request.user, "orgs.manage_units", unit)
    if unit.is_committee:
        raise PermissionDenied
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        changed = services.update_unit(actor=request.user, unit=unit, values=form.values())
        if changed:
            messages.success(request, _("The unit %(unit)s has been saved.") % {"unit": unit.name})
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("orgs:unit_detail", pk=unit.pk)
    return render(request, "orgs/unit_form.html", {"form": form, "unit": unit})


# --- A declaring unit's own page ---------------------------------------------------------------

@login_required
def my_unit(request, pk: int | None = None):
    require(request.user, "orgs.view_own_units")
    if pk is None:
        units = [u for u in request.user.units_with_role(Role.DECLARER) if u.is_declaring]
        if len(units) != 1:
            return render(request, "orgs/my_unit_choose.html", {"units": units})
        pk = units[0].pk
    unit = get_object_or_404(Organisation.objects.select_related("parent"), pk=pk)
    require(request.user, "orgs.edit_own_unit", unit)
    form = OwnUnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        was_rejected = unit.registration_status == RegistrationStatus.REJECTED
        try:
            services.update_own_unit(actor=request.user, unit=unit, values=form.values())
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            if was_rejected:
                messages.success(request, _("Your registration has been resubmitted to the recommending unit."))
            else:
                messages.success(request, _("Your unit's data has been saved."))
            return redirect(request.path)
    return render(request, "orgs/my_unit.html", {"unit": unit, "form": form})
