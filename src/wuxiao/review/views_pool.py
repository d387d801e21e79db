"""Pages of the expert pool, the invitations, the conflicts of interest and the second-round settings.

Views check the permission, validate a form, call one service, and show the result; reads come from
queries_pool, writes from services_pool.
"""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuxiao.accounts.models import User
from wuxiao.common.exceptions import Refused
from wuxiao.common.forms import show_refusal
from wuxiao.common.permissions import allowed, permission_required, require
from wuxiao.common.spreadsheet import XLSX_CONTENT_TYPE
from wuxiao.common.uploads import receives_file, refuse_in_form
from wuxiao.competitions.models import Edition

from . import queries_pool as q
from . import services_pool as services
from .forms import ReasonForm
from .forms_pool import (
    AcceptForm,
    ConflictForm,
    ExpertForm,
    GroupForm,
    ImportUploadForm,
    SettingsForm,
    fields_text,
)
from .models import CompanyGroup, Conflict, ConflictSource, Expert, ExpertStatus
from .queries import expert_seat, review_settings

PAGE_SIZE = 50
IMPORT_SALT = "wuxiao.review.expert_import"
IMPORT_MAX_AGE = 2 * 60 * 60
LOGIN_BACKEND = "wuxiao.accounts.backends.MobileOrUsernameBackend"


def _edition(slug) -> Edition:
    return get_object_or_404(Edition, slug=slug)


# --- Settings ---------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@permission_required("review.manage")
def settings_page(request, slug):
    edition = _edition(slug)
    current = review_settings(edition)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.update_settings(actor=request.user, edition=edition,
                                 values={name: form.cleaned_data[name] for name in form.Meta.fields})
        messages.success(request, _("The second-round settings are saved."))
        return redirect("review:settings", slug=edition.slug)
    return render(request, "review/pool/settings.html", {"edition": edition, "form": form, "settings": current})


# --- The pool -----------------------------------------------------------------------------------------

@require_GET
@permission_required("review.manage")
def pool(request, slug):
    edition = _edition(slug)
    status = request.GET.get("status", "")
    status = status if status in ExpertStatus.values else ""
    page = Paginator(q.pool_rows(edition, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = q.status_counts(edition)
    return render(request, "review/pool/pool.html", {
        "edition": edition, "page": page, "status": status,
        "statuses": [(value, label, counts[value]) for value, label in ExpertStatus.choices], "counts": counts, "check": q.conflict_check_state(edition),
        "settings": review_settings(edition),
    })


@require_http_methods(["GET", "POST"])
@permission_required("review.manage")
def expert_form(request, slug, pk=None):
    edition = _edition(slug)
    expert = get_object_or_404(Expert, pk=pk, edition=edition) if pk else None
    initial = {}
    if expert is not None:
        initial = {name: getattr(expert, name) for name in ("name", "organisation_name", "title", "mobile", "email",
                                                             "load_min", "load_max")}
        initial["fields_text"] = fields_text(expert)
        initial["credit_code"] = expert.organisation.credit_code if expert.organisation_id else ""
    form = ExpertForm(request.POST or None, initial=initial, edition=edition, expert=expert)
    if request.method == "POST" and form.is_valid():
        try:
            if expert is None:
                expert = services.create_expert(actor=request.user, edition=edition, values=form.values(),
                                                fields=form.cleaned_data["fields_text"],
                                                credit_code=form.cleaned_data["credit_code"])
                messages.success(request, _("%(name)s has been added to the expert pool.") % {"name": expert.name})
            else:
                services.update_expert(actor=request.user, expert=expert, values=form.values(),
                                       fields=form.cleaned_data["fields_text"],
                                       credit_code=form.cleaned_data["credit_code"])
                messages.success(request, _("The details of %(name)s are saved.") % {"name": expert.name})
            return redirect("review:pool", slug=edition.slug)
        except Refused as refused:
            show_refusal(form, refused)
    return render(request, "review/pool/expert_form.html", {"edition": edition, "form": form, "expert": expert})


@require_POST
@permission_required("review.manage")
def invite(request, slug):
    """Invite the experts ticked on the pool page, one expert (`expert`), or every one not yet invited (`all`)."""
    edition = _edition(slug)
    if request.POST.get("all"):
        experts = list(q.invitable_experts(edition).filter(status=ExpertStatus.POOL))
    else:
        ids = [int(v) for v in request.POST.getlist("expert") if v.isdigit()]
        experts = list(Expert.objects.filter(edition=edition, pk__in=ids))
    try:
        done = services.invite_experts(actor=request.user, edition=edition, experts=experts)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("%(count)d invitations sent; each link works once and for %(days)d days.")
                         % {"count": len(done), "days": _days()})
    return redirect("review:pool", slug=edition.slug)


def _days() -> int:
    from django.conf import settings

    return settings.INVITATION_VALID_DAYS


# --- Import -----------------------------------------------------------------------------------------

@require_GET
@permission_required("review.manage")
def import_template(request, slug):
    from .import_pool import template_workbook

    edition = _edition(slug)
    response = HttpResponse(template_workbook(edition), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="experts-{edition.slug}.xlsx"'
    return response


def _upload_handler(request):
    from wuxiao.common.uploads import LimitedUploadHandler

    from .import_pool import MAX_FILE_MB

    return LimitedUploadHandler(request, max_bytes=MAX_FILE_MB * 1024 * 1024,
                                message=_("The file is larger than %(mb)d MB; an expert list is far smaller.")
                                % {"mb": MAX_FILE_MB})


@permission_required("review.manage")
@require_http_methods(["GET", "POST"])
@receives_file(_upload_handler)
def import_upload(request, slug):
    """Upload → the preview (every row's errors by row and column, or the list to add) → confirm."""
    from .import_pool import check_file

    edition = _edition(slug)
    form = ImportUploadForm(*([request.POST, request.FILES] if request.method == "POST" else []))
    if request.method == "POST":
        refuse_in_form(request, form, "file")
    context = {"edition": edition, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            result = check_file(form.cleaned_data["file"], edition=edition)
        except Refused as refused:
            show_refusal(form, refused)
        else:
            context.update(result=result, messages_list=result.messages())
            if result.ok:
                context["payload"] = signing.dumps({"edition": edition.pk, "rows": [r.values for r in result.rows]},
                                                   salt=IMPORT_SALT, compress=True)
    return render(request, "review/pool/import.html", context)


@require_POST
@permission_required("review.manage")
def import_confirm(request, slug):
    edition = _edition(slug)
    try:
        data = signing.loads(request.POST.get("payload", ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, _("The preview has expired or was altered; upload the file again."))
        return redirect("review:import", slug=edition.slug)
    if data.get("edition") != edition.pk:
        raise Http404
    try:
        created = services.import_experts(actor=request.user, edition=edition, rows=data["rows"])
    except Refused as refused:
        messages.error(request, str(refused.message))
        return redirect("review:import", slug=edition.slug)
    messages.success(request, _("%(count)d experts have been added to the pool. Run the conflict check before "
                                "inviting them.") % {"count": len(created)})
    return redirect("review:pool", slug=edition.slug)


# --- Conflict check ----------------------------------------------------------------------------------

@require_POST
@permission_required("review.manage")
def run_check(request, slug):
    edition = _edition(slug)
    services.request_conflict_check(actor=request.user, edition=edition)
    messages.success(request, _("The conflict check is running in the background; this page shows when it is "
                                "done."))
    target = "review:conflicts" if request.POST.get("next") == "conflicts" else "review:pool"
    return redirect(target, slug=edition.slug)


@require_GET
@permission_required("review.manage")
def check_status(request, slug):
    edition = _edition(slug)
    return render(request, "review/pool/_check.html", {"edition": edition, "check": q.conflict_check_state(edition)})


# --- Conflicts ---------------------------------------------------------------------------------------

@require_GET
@permission_required("review.manage")
def conflicts(request, slug):
    edition = _edition(slug)
    source = request.GET.get("source", "")
    source = source if source in ConflictSource.values else ""
    lifted = request.GET.get("lifted") == "1"
    rows = q.conflict_rows(edition, source=source, lifted=lifted)
    expert = request.GET.get("expert", "")
    expert = Expert.objects.filter(edition=edition, pk=expert).first() if expert.isdigit() else None
    if expert is not None:
        rows = rows.filter(expert=expert)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = q.conflict_counts(edition)
    return render(request, "review/pool/conflicts.html", {
        "edition": edition, "page": page, "source": source, "lifted": lifted, "expert": expert,
        "sources": [(value, label, counts[value]) for value, label in ConflictSource.choices],
        "check": q.conflict_check_state(edition),
    })


@require_http_methods(["GET", "POST"])
@permission_required("review.manage")
def conflict_add(request, slug):
    edition = _edition(slug)
    form = ConflictForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        expert = get_object_or_404(Expert, pk=form.cleaned_data["expert"], edition=edition)
        try:
            made = services.set_conflict(actor=request.user, edition=edition, expert=expert,
                                         reason=form.cleaned_data["reason"], entry=form.cleaned_data["entry_obj"],
                                         unit=form.cleaned_data["unit_obj"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("%(count)d conflicts of interest recorded for %(name)s.")
                             % {"count": len(made), "name": expert.name})
            return redirect("review:conflicts", slug=edition.slug)
    return render(request, "review/pool/conflict_form.html", {"edition": edition, "form": form})


@require_http_methods(["GET", "POST"])
@permission_required("review.manage")
def conflict_lift(request, slug, pk):
    edition = _edition(slug)
    conflict = get_object_or_404(Conflict.objects.select_related("expert", "entry"), pk=pk, edition=edition)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lift_conflict(actor=request.user, conflict=conflict, reason=form.cleaned_data["reason"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The conflict of interest is lifted."))
            return redirect("review:conflicts", slug=edition.slug)
    return render(request, "review/pool/conflict_lift.html", {"edition": edition, "form": form, "conflict": conflict})


# --- Groups of companies -------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@permission_required("review.manage")
def groups(request, slug, pk=None):
    edition = _edition(slug)
    group = get_object_or_404(CompanyGroup, pk=pk, edition=edition) if pk else None
    initial = {"name": group.name, "member_names": group.member_names} if group else {}
    form = GroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_group(actor=request.user, edition=edition, group=group, **form.cleaned_data)
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The group of companies is saved; run the conflict check again."))
            return redirect("review:groups", slug=edition.slug)
    return render(request, "review/pool/groups.html", {"edition": edition, "form": form, "group": group,
                                                        "groups": q.company_groups(edition)})


@require_POST
@permission_required("review.manage")
def group_delete(request, slug, pk):
    edition = _edition(slug)
    group = get_object_or_404(CompanyGroup, pk=pk, edition=edition)
    services.delete_group(actor=request.user, group=group)
    messages.success(request, _("The group of companies is deleted; run the conflict check again."))
    return redirect("review:groups", slug=edition.slug)


# --- The expert's side: the invitation and withdrawing -------------------------------------------------

@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """The one-time link: no login needed to open it; accept (logged in, or with a new account) or decline."""
    expert = q.expert_by_token(token)
    usable = (expert is not None and expert.status == ExpertStatus.INVITED and expert.invitation_expires_at
              and expert.invitation_expires_at > timezone.now())
    if not usable:
        return render(request, "review/pool/invitation_invalid.html", {}, status=410 if expert else 404)
    user = request.user if request.user.is_authenticated else None
    account_exists = user is None and User.objects.filter(mobile=expert.mobile).exists()
    accept_form = AcceptForm(expert=expert)
    decline_form = ReasonForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "decline":
                decline_form = ReasonForm(request.POST)
                if decline_form.is_valid():
                    services.decline_invitation(token=token, reason=decline_form.cleaned_data["reason"], actor=user)
                    return render(request, "review/pool/invitation_done.html",
                                  {"expert": expert, "accepted": False})
            elif action == "accept" and user is not None:
                services.accept_invitation(token=token, user=user)
                messages.success(request, _("Thank you: you are an expert of %(edition)s.") % {"edition": expert.edition})
                return redirect("accounts:dashboard")
            elif action == "accept" and not account_exists:
                accept_form = AcceptForm(request.POST, expert=expert)
                if accept_form.is_valid():
                    done = services.accept_invitation(token=token, password=accept_form.cleaned_data["password2"])
                    auth_login(request, done.user, backend=LOGIN_BACKEND)
                    messages.success(request, _("Thank you: you are an expert of %(edition)s. Log in with your "
                                                "mobile number from now on.") % {"edition": expert.edition})
                    return redirect("accounts:dashboard")
        except Refused as refused:
            form = decline_form if action == "decline" else accept_form
            show_refusal(form, refused)
    return render(request, "review/pool/invitation.html", {
        "expert": expert, "edition": expert.edition, "account_exists": account_exists,
        "accept_form": accept_form, "decline_form": decline_form,
    })


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, slug):
    edition = _edition(slug)
    seat = expert_seat(request.user, edition)
    if seat is None:
        raise Http404
    require(request.user, "review.act_as_expert", seat)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_expert(actor=request.user, expert=seat, reason=form.cleaned_data["reason"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("You have withdrawn from the second round of %(edition)s; the committee "
                                        "office sees your reason in the expert pool.") % {"edition": edition})
            return redirect("accounts:dashboard")
    return render(request, "review/pool/withdraw.html", {"edition": edition, "form": form, "seat": seat,
                                                          "can_act": allowed(request.user, "review.act_as_expert",
                                                                             seat)})
