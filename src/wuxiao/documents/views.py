
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from wuxiao.accounts.models import Role
from wuxiao.common.permissions import require
from wuxiao.common.uploads import receives_file, refuse_in_form
from wuxiao.competitions.models import Edition
from wuxiao.entries.models import CreditCommitment, Entry
from wuxiao.orgs.models import Organisation

from . import content, services
from .download import download
from .exporters import BLANK_EXPORTERS, CommitmentPdf, EntryFormDocx, EntryFormPdf
from .forms import CommitmentFilterForm, CommitmentForm, ExportForm, scan_upload_handler
from .models import ExportJob

PAGE_SIZE = 50
BLANK_CACHE_SECONDS = 600  # blank forms are public and the same for everyone: render them once in a while


# --- The entry's 申报表 (Attachment 2) -------------------------------------------------------

def _entry(request, pk: int) -> Entry:
    entry = get_object_or_404(content.entries_for_documents(Entry.objects.all()), pk=pk)
    require(request.user, "entries.view_entry", entry)
    return entry


@login_required
def entry_form_pdf(request, pk):
    return download(EntryFormPdf(_entry(request, pk)))


@login_required
def entry_form_docx(request, pk):
    return download(EntryFormDocx(_entry(request, pk)))


# --- Blank forms (Attachments 2, 3, 4), public -----------------------------------------------

def blank(request, slug, document, file_type):
    edition = get_object_or_404(Edition, slug=slug)
    exporter_class = BLANK_EXPORTERS.get((document, file_type))
    if exporter_class is None:
        raise Http404
    exporter = exporter_class(edition)
    key = f"documents:blank:{edition.pk}:{edition.updated_at.timestamp()}:{document}:{file_type}"
    data = cache.get(key)
    if data is None:
        data = exporter.render()
        cache.set(key, data, BLANK_CACHE_SECONDS)
    return download(exporter, data)


# --- Credit commitment (Attachment 4, R27) ---------------------------------------------------

def _edition_and_unit(request, slug, unit_pk, perm: str):
    edition = get_object_or_404(Edition, slug=slug)
    unit = get_object_or_404(Organisation.objects.select_related("parent"), pk=unit_pk)
    require(request.user, perm, unit)
    return edition, unit


@login_required
def my_commitment(request):
    """The current edition's commitment of the user's declaring unit (a choice when there are several)."""
    units = sorted((u for u in request.user.units_with_role(Role.DECLARER) if u.is_declaring), key=lambda u: u.name)
    edition = Edition.objects.current()
    if not units:
        raise PermissionDenied
    if edition is None:
        raise Http404
    if len(units) == 1:
        return redirect("documents:commitment", slug=edition.slug, unit_pk=units[0].pk)
    return render(request, "documents/commitment_choose.html", {"edition": edition, "units": units})


@login_required
@receives_file(scan_upload_handler)
def commitment(request, slug, unit_pk):
    edition, unit = _edition_and_unit(request, slug, unit_pk, "documents.sign_commitment")
    existing = CreditCommitment.objects.filter(edition=edition, unit=unit).select_related("scan_uploaded_by").first()
    if request.method == "POST":
        form = CommitmentForm(request.POST, request.FILES)
        refuse_in_form(request, form, "scan")
        if form.is_valid():
            services.save_commitment(actor=request.user, edition=edition, unit=unit,
                                     legal_representative=form.cleaned_data["legal_representative"],
                                     scan=form.cleaned_data["scan"] or None)
            if form.cleaned_data["scan"]:
                messages.success(request, _("The stamped credit commitment has been uploaded."))
            else:
                messages.success(request, _("Saved."))
            return redirect("documents:commitment", slug=edition.slug, unit_pk=unit.pk)
    else:
        form = CommitmentForm(initial={"legal_representative": existing.legal_representative if existing else ""})
    preview = content.commitment_context(edition, unit, existing.legal_representative if existing else "")
    return render(request, "documents/commitment.html", {
        "edition": edition, "unit": unit, "commitment": existing, "form": form, "preview": preview,
    })


@login_required
def commitment_pdf(request, slug, unit_pk):
    edition, unit = _edition_and_unit(request, slug, unit_pk, "documents.view_commitment")
    existing = CreditCommitment.objects.filter(edition=edition, unit=unit).first()
    return download(CommitmentPdf(edition, unit, existing.legal_representative if existing else ""))


@login_required
def commitment_scan(request, slug, unit_pk):
    edition, unit = _edition_and_unit(request, slug, unit_pk, "documents.view_commitment")
    existing = CreditCommitment.objects.filter(edition=edition, unit=unit).exclude(scan="").first()
    if existing is None:
        raise Http404
    return FileResponse(existing.scan.open("rb"), as_attachment=True, filename=existing.scan_name or "scan")


@login_required
def commitment_list(request, slug):
    require(request.user, "documents.view_commitments")
    edition = get_object_or_404(Edition, slug=slug)
    form = CommitmentFilterForm(request.GET or None)
    of_edition = CreditCommitment.objects.filter(edition=edition, unit=OuterRef("pk"))
    units = (Organisation.objects.filter(entries__edition=edition).select_related("parent")
             .annotate(entry_count=Count("entries", filter=Q(entries__edition=edition), distinct=True),
                       stamped=Exists(of_edition.exclude(scan="")),
                       scan_uploaded_at=Subquery(of_edition.values("scan_uploaded_at")[:1]))
             .order_by("parent__name", "name"))
    if form.is_valid():
        data = form.cleaned_data
        if data["stamped"]:
            units = units.filter(stamped=data["stamped"] == "yes")
        if data["recommending_unit"]:
            units = units.filter(parent=data["recommending_unit"])
        if data["q"]:
            units = units.filter(Q(name__icontains=data["q"]) | Q(credit_code__icontains=data["q"]))
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "documents/commitment_list.html", {
        "edition": edition, "form": form, "page": page, "query": query.urlencode(),
    })


# --- Background export of 申报表 PDFs ----------------------------------------------------------

@login_required
def export_list(request, slug):
    require(request.user, "documents.export_entries")
    edition = get_object_or_404(Edition, slug=slug)
    form = ExportForm(request.POST if request.method == "POST" else None, edition=edition)
    if request.method == "POST" and form.is_valid():
        job = services.request_export(actor=request.user, edition=edition, filters=form.filters())
        messages.success(request, _("The export has been queued; this page shows its progress."))
        return redirect("documents:export_detail", pk=job.pk)
    jobs = ExportJob.objects.filter(edition=edition).select_related("requested_by")[:20]
    return render(request, "documents/export_list.html", {"edition": edition, "form": form, "jobs": jobs})


def _job(request, pk: int) -> ExportJob:
    require(request.user, "documents.export_entries")
    return get_object_or_404(ExportJob.objects.select_related("edition", "requested_by"), pk=pk)


@login_required
def export_detail(request, pk):
    job = _job(request, pk)
    return render(request, "documents/export_detail.html", {"job": job, "edition": job.edition})


@login_required
def export_progress(request, pk):
    """The progress block alone, polled by HTMX every 2 seconds until the job ends."""
    return render(request, "documents/_export_progress.html", {"job": _job(request, pk)})


@login_required
def export_download(request, pk):
    job = _job(request, pk)
    if not job.result:
        raise Http404
    name = f"{content.form_title(job.edition, 'entry_form')}-{job.pk}.zip"
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=name, content_type="application/zip")
