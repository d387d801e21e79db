from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from wuxiao.common.permissions import require

from . import services
from .defaults import EVENTS, VARIABLE_LABELS, default_for, label_of, variables_of
from .forms import MessageTemplateForm
from .models import MessageTemplate, Notification

PAGE_SIZE = 30


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


@login_required
def notification_list(request):
    require(request.user, "notifications.view_own")
    unread_only = request.GET.get("unread") == "1"
    qs = Notification.objects.filter(user=request.user)
    unread = qs.filter(read_at__isnull=True).count()
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html",
                  {"page": page, "unread": unread, "unread_only": unread_only})


@login_required
@require_POST
def mark_read(request, pk: int):
    # Another person's notification does not exist for this user.
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    require(request.user, "notifications.read_notification", notification)
    services.mark_notifications_read(actor=request.user, ids=[notification.pk])
    return redirect(_safe_next(request, "notifications:list"))


@login_required
@require_POST
def mark_all_read(request):
    require(request.user, "notifications.view_own")
    count = services.mark_notifications_read(actor=request.user)
    if count:
        messages.success(request, ngettext("%(count)d notification marked as read.",
                                           "%(count)d notifications marked as read.", count) % {"count": count})
    return redirect("notifications:list")


# --- The committee's texts ------------------------------------------------------------------

@login_required
def template_list(request):
    require(request.user, "notifications.edit_templates")
    stored = {t.event: t for t in MessageTemplate.objects.all()}
    rows = []
    for event in [*EVENTS, *sorted(set(stored) - set(EVENTS))]:
        template = stored.get(event)
        rows.append({"event": event, "label": label_of(event), "customised": template is not None,
                     "subject": template.subject if template else default_for(event).subject,
                     "send_email": template.send_email if template else True})
    return render(request, "notifications/template_list.html", {"rows": rows})


@login_required
def template_edit(request, event: str):
    require(request.user, "notifications.edit_templates")
    if event not in EVENTS and not MessageTemplate.objects.filter(event=event).exists():
        raise Http404
    template = services.template_for(event)
    if request.method == "POST" and "reset" in request.POST:
        services.reset_message_template(actor=request.user, event=event)
        messages.success(request, _("The default text is used again."))
        return redirect("notifications:template_edit", event=event)
    form = MessageTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        services.update_message_template(actor=request.user, event=event, **form.cleaned_data)
        messages.success(request, _("The message template has been saved."))
        return redirect("notifications:templates")
    variables = variables_of(event)
    return render(request, "notifications/template_edit.html", {
        "form": form, "event": event, "label": label_of(event), "customised": template.pk is not None,
        "variables": [(name, VARIABLE_LABELS[name]) for name in variables], "default": default_for(event),
        "condition_example": "{% if reason %}…{% endif %}"})
