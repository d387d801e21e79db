"""Roadshow material pages (R24): the finalist's upload, the office's overview and ZIP per session, and the
presenter page for the venue's operator (opened by the session's screen link, no account)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from wuxiao.common.exceptions import InvalidInput, Refused
from wuxiao.common.permissions import allowed, require
from wuxiao.common.ranges import ranged_file_response
from wuxiao.common.uploads import refuse_in_form
from wuxiao.competitions.models import Edition
from wuxiao.documents.exporters import safe_filename
from wuxiao.entries.models import Entry
from wuxiao.entries.uploads import AttachmentUploadForm, LimitedTemporaryFileUploadHandler
from wuxiao.entries.views_attachments import kind_hint

from . import queries_material as q
from . import services_material as services
from .models import MaterialKind, RoadshowMaterial, Slot
from .queries import final_settings


def _entry(entry_id) -> Entry:
    return get_object_or_404(Entry.objects.select_related("edition", "declaring_unit"), pk=entry_id)


def _form(entry, kind, data=None, files=None) -> AttachmentUploadForm:
    from wuxiao.entries.attachments import accept_attribute

    form = AttachmentUploadForm(data, files, prefix=kind, auto_id=f"id_material_%s")
    form.fields["file"].widget.attrs["accept"] = accept_attribute(kind, entry.edition)
    form.fields["file"].help_text = kind_hint(kind, entry.edition)
    return form


def _upload_page(request, entry, *, forms=None, status=200):
    forms = forms or {}
    sections = [{"kind": kind, "label": MaterialKind(kind).label, "form": forms.get(kind) or _form(entry, kind)}
                for kind in q.KINDS]
    return render(request, "finals/material/upload.html", {
        "entry": entry, "sections": sections, "current": q.current_material(entry),
        # "Earlier uploads": the files a later upload replaced (the current ones are shown above).
        "history": [m for m in q.material_history(entry) if m.replaced_at is not None],
        "settings": final_settings(entry.edition),
        "refusal": services.material_refusal(request.user, entry),
    }, status=status)


@login_required
@require_GET
def material_upload(request, entry_id):
    entry = _entry(entry_id)
    require(request.user, "finals.upload_material", entry)
    return _upload_page(request, entry)


# The upload's limit must be in place before the CSRF check reads the body (see entries.views_attachments).
@csrf_exempt
@login_required
@require_POST
def material_upload_kind(request, entry_id, kind):
    entry = _entry(entry_id)
    if kind not in MaterialKind.values:
        raise Http404
    require(request.user, "finals.upload_material", entry)
    request.upload_handlers = [LimitedTemporaryFileUploadHandler(request, kind=kind, edition=entry.edition)]
    return _material_upload(request, entry, kind)


@csrf_protect
def _material_upload(request, entry, kind):
    form = _form(entry, kind, request.POST, request.FILES)
    refuse_in_form(request, form, "file")
    if form.is_valid():
        try:
            material = services.upload_material(actor=request.user, entry=entry, kind=kind,
                                                uploaded_file=form.cleaned_data["file"])
        except InvalidInput as invalid:
            for message in invalid.errors.get("file", [invalid.message]):
                form.add_error("file", message)
        except Refused as refused:
            form.add_error("file", str(refused.message))
        else:
            messages.success(request, services.uploaded_words(material))
            return redirect("finals:material_upload", entry_id=entry.pk)
    return _upload_page(request, entry, forms={kind: form}, status=400)


def _file_response(request, material: RoadshowMaterial, filename: str | None = None):
    storage = material.file.storage
    response = ranged_file_response(request, storage, material.file.name, size=storage.size(material.file.name),
                                    as_attachment=True, filename=filename or material.original_name,
                                    content_type="application/octet-stream")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def material_file(request, pk):
    material = get_object_or_404(RoadshowMaterial.objects.select_related("entry"), pk=pk)
    if not (allowed(request.user, "finals.manage") or allowed(request.user, "finals.upload_material",
                                                               material.entry)):
        raise PermissionDenied
    return _file_response(request, material)


@login_required
@require_GET
def overview(request, slug):
    require(request.user, "finals.manage")
    edition = get_object_or_404(Edition, slug=slug)
    sessions = q.edition_material(edition)
    return render(request, "finals/material/overview.html", {
        "edition": edition, "sessions": sessions, "settings": final_settings(edition),
    })


@login_required
@require_GET
def session_zip(request, pk):
    require(request.user, "finals.manage")
    from .queries_schedule import session_or_none

    session = session_or_none(pk)
    if session is None:
        raise Http404
    archive = q.material_zip(session)
    name = safe_filename(f"{session.edition.title}-{session.name}-路演材料", 90) + ".zip"
    return FileResponse(archive, as_attachment=True, filename=name, content_type="application/zip")


def _session_by_token(token):
    session = q.session_by_token(token)
    if session is None:
        raise Http404
    return session


@require_GET
def presenter(request, token):
    session = _session_by_token(token)
    return render(request, "finals/material/presenter.html", {"session": session, "rows": q.session_files(session),
                                                              "token": token})


@require_GET
def presenter_file(request, token, pk):
    session = _session_by_token(token)
    slot = Slot.objects.filter(session=session, entry__roadshow_materials__pk=pk,
                               entry__roadshow_materials__replaced_at__isnull=True).select_related("entry").first()
    if slot is None:
        raise Http404
    material = RoadshowMaterial.objects.get(pk=pk)
    from .queries_material import zip_name

    return _file_response(request, material, zip_name(slot.position, slot.entry.title, material))
