"""The Excel import pages (issue 9, item 15): the template, the upload, the preview and the confirmation.

A recommending unit imports entries collected offline for its own declaring units, the committee
office for any; the drafts are then the declaring units' own (entries.importing).
"""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuxiao.accounts.rules import is_committee
from wuxiao.common.exceptions import Refused
from wuxiao.common.forms import show_refusal
from wuxiao.common.permissions import allowed, permission_required, require
from wuxiao.common.spreadsheet import XLSX_CONTENT_TYPE
from wuxiao.common.uploads import receives_file, refuse_in_form
from wuxiao.competitions.models import Edition

from .importing import queries, services
from .importing.columns import MAX_ENTRIES, MAX_FILE_MB
from .importing.forms import ImportUploadForm, import_upload_handler
from .importing.template import file_name, import_template
from .models import EntryImport, ImportStatus


def _page(request, edition, form, status=200):
    return render(request, "entries/import/upload.html", {
        "edition": edition, "form": form, "open": edition.is_declaration_open(),
        "imports": queries.imports_of(request.user, edition), "max_entries": MAX_ENTRIES, "max_mb": MAX_FILE_MB,
        "unit_count": queries.importable_units(request.user).count(), "office": is_committee(request.user),
    }, status=status)


@permission_required("entries.import_entries")
@require_http_methods(["GET", "POST"])
@receives_file(import_upload_handler)
def upload(request, slug):
    edition = get_object_or_404(Edition, slug=slug)
    if request.method == "GET":
        return _page(request, edition, ImportUploadForm())
    form = ImportUploadForm(request.POST, request.FILES)
    refuse_in_form(request, form, "file")
    if form.is_valid():
        try:
            entry_import = services.upload_import(actor=request.user, edition=edition,
                                                  upload=form.cleaned_data["file"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            return redirect("entries:import_preview", pk=entry_import.pk)
    return _page(request, edition, form)


@permission_required("entries.import_entries")
@require_GET
def template(request, slug):
    edition = get_object_or_404(Edition, slug=slug)
    data = import_template(edition, queries.importable_units(request.user))
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=file_name(edition),
                        content_type=XLSX_CONTENT_TYPE)


def _import(request, pk: int, perm: str = "entries.view_import") -> EntryImport:
    if not request.user.is_authenticated:
        raise PermissionDenied
    entry_import = get_object_or_404(EntryImport.objects.select_related("edition", "uploaded_by"), pk=pk)
    require(request.user, perm, entry_import)
    return entry_import


@permission_required("entries.import_entries")
@require_GET
def preview(request, pk):
    entry_import = _import(request, pk)
    rows = entry_import.preview.get("rows", [])
    problems = entry_import.preview.get("problems", [])
    units: dict[str, int] = {}
    for row in rows:
        if not row["errors"]:
            units[row["unit"]] = units.get(row["unit"], 0) + 1
    return render(request, "entries/import/preview.html", {
        "entry_import": entry_import, "edition": entry_import.edition, "rows": rows, "problems": problems,
        "bad_rows": [row for row in rows if row["errors"]], "units": sorted(units.items()),
        "pending": entry_import.status == ImportStatus.PENDING,
        "can_confirm": (entry_import.status == ImportStatus.PENDING and not entry_import.error_count
                        and allowed(request.user, "entries.confirm_import", entry_import)),
        "can_discard": (entry_import.status == ImportStatus.PENDING
                        and allowed(request.user, "entries.confirm_import", entry_import)),
    })


@permission_required("entries.import_entries")
@require_POST
def confirm(request, pk):
    entry_import = _import(request, pk, "entries.confirm_import")
    try:
        created = services.confirm_import(actor=request.user, entry_import=entry_import)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("%(count)d entries were imported as drafts of their declaring units, which "
                                    "have been notified.") % {"count": len(created)})
    return redirect("entries:import_preview", pk=entry_import.pk)


@permission_required("entries.import_entries")
@require_POST
def discard(request, pk):
    entry_import = _import(request, pk, "entries.confirm_import")
    try:
        services.discard_import(actor=request.user, entry_import=entry_import)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("entries:import_preview", pk=entry_import.pk)
    messages.success(request, _("The file was discarded; nothing was imported."))
    return redirect("entries:import", slug=entry_import.edition.slug)
