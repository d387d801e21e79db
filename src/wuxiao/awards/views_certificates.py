"""The office's certificates page (issue 12 item 4): settings (prefix, issuing bodies, date, seal), a preview, the
table of awards with their certificates, and "generate all" (a background job with a progress bar); one
certificate's PDF for the office and the entry's declaring unit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuxiao.common.exceptions import Refused
from wuxiao.common.forms import show_refusal
from wuxiao.common.permissions import require
from wuxiao.common.uploads import receives_file, refuse_in_form
from wuxiao.documents.download import download

from . import queries_certificates as cq
from . import services_certificates as services
from .access import managed_edition
from .certificates import CertificatePdf
from .forms_certificates import CertificateSettingsForm, seal_upload_handler
from .models import JobKind, ListStatus
from .queries import award_list, award_settings


def _settings_form(edition, data=None, files=None):
    s = award_settings(edition)
    return CertificateSettingsForm(data, files, initial={
        "prefix": s.certificate_prefix, "issuers": s.certificate_issuers, "date": s.certificate_date})


def _page(request, edition, *, form=None, status=200):
    lst = award_list(edition)
    rows = cq.certificate_rows(edition)
    return render(request, "awards/certificates/certificates.html", {
        "edition": edition, "list": lst, "confirmed": lst is not None and lst.status == ListStatus.CONFIRMED,
        "rows": rows, "issued": sum(1 for r in rows if hasattr(r, "certificate")),
        "settings": award_settings(edition), "issuers": cq.issuers(edition),
        "date": cq.certificate_date(edition, lst), "form": form or _settings_form(edition),
        "job": cq.latest_job(edition, JobKind.CERTIFICATES),
    }, status=status)


@login_required
@receives_file(seal_upload_handler)
def certificates(request, slug):
    edition = managed_edition(request.user, slug)
    if request.method != "POST":
        return _page(request, edition)
    form = _settings_form(edition, request.POST, request.FILES)
    valid = form.is_valid()
    refuse_in_form(request, form, "seal")
    if valid and not form.errors:
        data = form.cleaned_data
        try:
            services.save_settings(actor=request.user, edition=edition, prefix=data["prefix"],
                                   issuers=data["issuers"], date=data["date"], seal=data["seal"] or None,
                                   remove_seal=data["remove_seal"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The certificate settings have been saved."))
            return redirect("awards:certificates", slug=edition.slug)
    return _page(request, edition, form=form, status=400)


@login_required
@require_POST
def certificates_generate(request, slug):
    edition = managed_edition(request.user, slug)
    try:
        job = services.request_certificates(actor=request.user, edition=edition)
    except Refused as refused:
        messages.error(request, str(refused.message))
        return redirect("awards:certificates", slug=edition.slug)
    messages.success(request, _("The certificates are being generated; this page shows the progress."))
    return redirect("awards:job", pk=job.pk)


@login_required
@require_GET
def certificate_preview(request, slug):
    """One certificate as it will print (the first issued one, else the first award as it would be numbered)."""
    edition = managed_edition(request.user, slug)
    context = cq.preview_context(edition)
    if context is None:
        raise Http404(_("The award list has no awarded entry yet."))
    return download(CertificatePdf(context))


@login_required
@require_GET
def certificate_pdf(request, number):
    """One certificate's PDF, for the office and the entry's declaring unit; rendered now if not stored yet."""
    cert = cq.by_number(number)
    if cert is None:
        raise Http404
    require(request.user, "awards.view_certificate", cert.row.entry)
    data = services.certificate_pdf(cert)
    return download(CertificatePdf({"number": cert.number, "title": cert.row.entry.title}), data)
