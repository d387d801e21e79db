"""The public's pages of the awards stage (no login): the announcement (公示) of the proposed list with the period
and how to object, then the confirmed results (获奖名单); and the named objection form.

A list not yet published gives a "not published yet" page (status 404). No objector's data is ever shown here:
the thank-you page shows the receipt number only (kept in the visitor's session, not in the address)."""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from wuxiao.common.exceptions import Refused
from wuxiao.common.forms import show_refusal
from wuxiao.common.uploads import LimitedUploadHandler, receives_file, refuse_in_form
from wuxiao.competitions.models import Edition
from wuxiao.documents.forms import SCAN_MAX_MB, too_large_message
from wuxiao.entries.attachments import MB

from . import queries_announce as aq
from . import services_announce as services
from .forms_announce import ObjectionForm
from .models import ListStatus, ObjectorKind
from .queries import award_settings, public_list

SESSION_KEY = "awards_objection_received"


def _edition(slug) -> Edition:
    return get_object_or_404(Edition, slug=slug)


def _not_published(request, edition):
    return render(request, "awards/public/not_published.html", {"edition": edition}, status=404)


@require_GET
def public(request, slug):
    edition = _edition(slug)
    lst = public_list(edition)
    if lst is None:
        return _not_published(request, edition)
    return render(request, "awards/public/list.html", {
        "edition": edition, "list": lst, "rows": aq.public_rows(lst), "period": aq.published_period(lst),
        "confirmed": lst.status == ListStatus.CONFIRMED, "open": aq.objections_open(lst),
        "deadline": aq.objection_deadline(lst), "contact": award_settings(edition).objection_contact})


def _upload_handler(request) -> LimitedUploadHandler:
    # Two files (the stamped letter and an evidence file) of at most SCAN_MAX_MB each; each is checked after.
    return LimitedUploadHandler(request, max_bytes=2 * SCAN_MAX_MB * MB, message=too_large_message())


@require_http_methods(["GET", "POST"])
@receives_file(_upload_handler)
def object_form(request, slug):
    edition = _edition(slug)
    lst = public_list(edition)
    if lst is None:
        return _not_published(request, edition)
    rows = list(aq.public_rows(lst).filter(revoked_at__isnull=True))
    status = 200
    if request.method == "POST":
        form = ObjectionForm(request.POST, request.FILES, rows=rows)
        refuse_in_form(request, form, "letter" if request.POST.get("kind") == ObjectorKind.UNIT else "evidence_file")
        if form.is_valid():
            data = form.cleaned_data
            try:
                received = services.submit_objection(
                    edition=edition, entry_id=data["entry"], kind=data["kind"], grounds=data["grounds"],
                    evidence=data["evidence"], person_name=data["person_name"], employer=data["employer"],
                    mobile=data["mobile"], unit_name=data["unit_name"], contact_name=data["contact_name"],
                    letter=data.get("letter") or None, evidence_file=data.get("evidence_file") or None)
            except Refused as refused:
                show_refusal(form, refused)
            else:
                request.session[SESSION_KEY] = received.number
                return redirect("awards:objection_received", slug=edition.slug)
        status = 400
    else:
        entry = request.GET.get("entry", "")
        form = ObjectionForm(initial={"entry": int(entry)} if entry.isdigit() and len(entry) < 19 else None,
                             rows=rows)
    return render(request, "awards/public/object.html", {
        "edition": edition, "list": lst, "form": form, "open": aq.objections_open(lst),
        "period": aq.published_period(lst), "contact": award_settings(edition).objection_contact,
        "closed_message": _("The announcement period has ended: objections are no longer accepted."),
    }, status=status)


@require_GET
def objection_received(request, slug):
    edition = _edition(slug)
    number = request.session.get(SESSION_KEY)
    if not number:
        return redirect("awards:public", slug=edition.slug)
    return render(request, "awards/public/received.html", {"edition": edition, "number": number})
