
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from wuxiao.common.dashboard import panels_for
from wuxiao.common.exceptions import Refused
from wuxiao.common.permissions import permission_required
from wuxiao.common.request import client_ip
from wuxiao.entries.models import Entry
from wuxiao.entries.queries import declarer_work
from wuxiao.orgs.models import Organisation, RegistrationStatus

from . import services
from .forms import AcceptInvitationForm, InvitationForm, LoginForm, SignupForm
from .models import Invitation, Role
from .rules import is_committee, is_expert

BACKEND = "wuxiao.accounts.backends.MobileOrUsernameBackend"



def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def login_view(request):
    ip = client_ip(request)
    form = LoginForm(request, data=request.POST if request.method == "POST" else None, ip=ip,
                     device_cookie=request.COOKIES.get(services.DEVICE_COOKIE, ""))
    if request.method == "POST" and form.is_valid():
        auth_login(request, form.get_user())
        response = redirect(_next_url(request))
        response.set_cookie(services.DEVICE_COOKIE, services.device_cookie_value(form.get_user()),
                            max_age=services.DEVICE_COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                            secure=settings.SESSION_COOKIE_SECURE)
        return response
    response = render(request, "accounts/login.html", {"form": form, "next": request.POST.get("next") or
                                                      request.GET.get("next", "")})
    if form.retry_after:
        response.status_code = 429
        response["Retry-After"] = str(form.retry_after)
    return response


logout_view = auth_views.LogoutView.as_view()


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.register_declaring_unit(
                name=data["name"], kind=data["kind"], union_name=data["union_name"],
                credit_code=data["credit_code"], credit_code_pending=form.credit_code_pending,
                address=data["address"], recommending_unit=data["recommending_unit"],
                contact_name=data["contact_name"], mobile=data["mobile"], email=data["email"],
                password=data["password2"], ip=client_ip(request),
            )
        except IntegrityError:
            # Someone registered the same unit or mobile number a moment ago.
            form.add_error(None, _("This unit or mobile number has just been registered. Log in, or ask "
                                   "the unit's existing account holder."))
        else:
            auth_login(request, user, backend=BACKEND)
            unit = data["name"]
            messages.success(request, _(
                "Welcome, %(name)s! %(unit)s is registered and can declare entries now. "
                "%(recommending)s will check the registration.") % {
                "name": user.name, "unit": unit, "recommending": data["recommending_unit"].name})
            if form.credit_code_pending:
                messages.warning(request, _("The committee office will confirm your Unified Social Credit "
                                            "Code by hand."))
            return redirect("accounts:dashboard")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def dashboard(request):
    user = request.user
    memberships = user.active_memberships()
    declaring = [m.organisation for m in memberships if m.role == Role.DECLARER]
    recommending = [m.organisation for m in memberships if m.role == Role.RECOMMENDER]
    entries_by_unit: dict[int, list] = {u.pk: [] for u in declaring}
    if declaring:
        for entry in (Entry.objects.filter(declaring_unit__in=declaring)
                      .select_related("edition", "category").order_by("-updated_at", "-id")):
            entries_by_unit[entry.declaring_unit_id].append(entry)
    new_counts = {}
    if recommending:
        new_counts = dict(
            Organisation.objects.filter(parent__in=recommending, registration_status=RegistrationStatus.NEW)
            .values("parent").annotate(n=Count("id")).values_list("parent", "n"))
    return render(request, "accounts/dashboard.html", {
        "declaring_units": [(u, entries_by_unit[u.pk], declarer_work(entries_by_unit[u.pk])) for u in declaring],
        "recommending_units": [(u, new_counts.get(u.pk, 0)) for u in recommending],
        "work_panels": panels_for(request),  # what waits for this user in each stage (the stages' own panels)
        "is_committee": is_committee(user),
        "is_expert": is_expert(user),
        "has_no_role": not user.role_set(),
        "RegistrationStatus": RegistrationStatus,
    })


# --- Password reset: Django's views with our templates; the link is built from SITE_URL. ------

class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # The link must point at the public address, not at whatever Host the request named.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html")


class PasswordChangeView(auth_views.PasswordChangeView):
    """A logged-in user's new password: the session stays, the other sessions and all API tokens end."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your new password is saved. Your API tokens have been revoked; "
                                         "programs using them must log in again."))
        return response


password_change = PasswordChangeView.as_view()


# --- Invitations -----------------------------------------------------------------------------


@permission_required("accounts.invite")
@require_http_methods(["GET", "POST"])
def invitation_list(request):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation = services.create_invitation(actor=request.user, **form.cleaned_data)
        if invitation.emailed_at:
            messages.success(request, _("The invitation has been created and sent to %(email)s.")
                             % {"email": invitation.email})
        elif invitation.email:
            messages.warning(request, _("The invitation has been created, but the e-mail could not be sent. "
                                        "Copy the link below and send it yourself."))
        else:
            messages.success(request, _("The invitation has been created. Copy the link below and send it."))
        return redirect("accounts:invitation_detail", pk=invitation.pk)
    invitations = Invitation.objects.select_related("organisation", "created_by", "used_by")[:200]
    return render(request, "accounts/invitation_list.html", {"form": form, "invitations": invitations})


@permission_required("accounts.invite")
def invitation_detail(request, pk: int):
    invitation = get_object_or_404(Invitation.objects.select_related("organisation", "created_by", "used_by"),
                                   pk=pk)
    return render(request, "accounts/invitation_detail.html", {"invitation": invitation})


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    invitation = Invitation.objects.select_related("organisation").filter(token=token).first()
    if invitation is None or not invitation.is_usable:
        return render(request, "accounts/invitation_invalid.html", {"invitation": invitation},
                      status=404 if invitation is None else 410)
    logged_in = request.user.is_authenticated
    form = None if logged_in else AcceptInvitationForm(
        request.POST or None, initial={"display_name": invitation.name, "email": invitation.email})
    if request.method == "POST" and (logged_in or form.is_valid()):
        fields = {} if logged_in else {**form.cleaned_data, "password": form.cleaned_data["password2"]}
        fields.pop("password1", None)
        fields.pop("password2", None)
        try:
            user = services.accept_invitation(actor=request.user if logged_in else None, token=token, **fields)
        except Refused:  # the link has been used or has expired
            return render(request, "accounts/invitation_invalid.html", {"invitation": invitation}, status=410)
        if not logged_in:
            auth_login(request, user, backend=BACKEND)
        messages.success(request, _("Welcome! You are now %(role)s of %(unit)s.") % {
            "role": invitation.get_role_display(), "unit": invitation.organisation.name})
        return redirect("accounts:dashboard")
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form})
