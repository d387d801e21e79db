"""An entry's attachments: the page and panel, upload (streamed, with progress), download, delete."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from wuxiao.common.exceptions import Refused
from wuxiao.common.permissions import require
from wuxiao.common.ranges import ranged_file_response
from wuxiao.common.uploads import refuse_in_form

from . import services_attachments as services
from .attachments import (
    DOCUMENT_MAX_MB,
    PHOTO_MAX_COUNT,
    PHOTO_MAX_MB,
    STAMPED_FORM_MAX_MB,
    accept_attribute,
    human_size,
    max_bytes,
    video_formats,
)
from .models import SINGLE_KINDS, Attachment, AttachmentKind, Entry
from .uploads import AttachmentUploadForm, LimitedTemporaryFileUploadHandler, too_large_message

PANEL_TEMPLATE = "entries/attachments/_panel.html"
SECTION_ORDER = [AttachmentKind.PHOTO, AttachmentKind.DOCUMENT, AttachmentKind.PPT, AttachmentKind.VIDEO,
                 AttachmentKind.OTHER, AttachmentKind.STAMPED_FORM]
# Shown in the browser rather than saved: types a browser displays safely (with nosniff).
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf", "video/mp4"}


def kind_hint(kind: str, edition) -> str:
    """What the files of `kind` must be, shown beside its upload field."""
    if kind == AttachmentKind.PHOTO:
        return gettext_lazy("JPEG, PNG or WebP, at most %(max)d MB each, up to %(count)d photos.") % {
            "max": PHOTO_MAX_MB, "count": PHOTO_MAX_COUNT}
    if kind == AttachmentKind.DOCUMENT:
        return gettext_lazy("PDF, at most %(max)d MB each.") % {"max": DOCUMENT_MAX_MB}
    if kind == AttachmentKind.PPT:
        return gettext_lazy("Roadshow material (the notice, Attachment 2, note 3): .pptx (WPS or Office 2010), "
                            "%(aspect)s, at most %(max)d MB, the first slide without animation or sound. A new upload "
                            "replaces the old one.") % {
            "aspect": edition.ppt_aspect, "max": edition.ppt_max_mb}
    if kind == AttachmentKind.VIDEO:
        return gettext_lazy("Roadshow material (the notice, Attachment 2, note 3): %(formats)s, at most %(minutes)d "
                            "minutes, %(width)d×%(height)d (16:9), at most %(max)d MB. A new upload replaces the old "
                            "one.") % {
            "formats": "、".join(f.lstrip(".").upper() for f in video_formats(edition)),
            "minutes": edition.video_max_minutes, "width": edition.video_width, "height": edition.video_height,
            "max": edition.video_max_mb}
    if kind == AttachmentKind.OTHER:
        return gettext_lazy("Material explaining other circumstances (the notice, Attachment 2, note 4): PDF, at most "
                            "%(max)d MB each.") % {
            "max": DOCUMENT_MAX_MB}
    return gettext_lazy("The entry form printed, signed and stamped, scanned as PDF or a picture, at most "
                        "%(max)d MB. A new upload replaces the old one.") % {"max": STAMPED_FORM_MAX_MB}


def upload_form(entry: Entry, kind: str, data=None, files=None) -> AttachmentUploadForm:
    # The kind as prefix keeps the field names and ids of the panel's forms apart ("ppt-file").
    form = AttachmentUploadForm(data, files, prefix=kind, auto_id=f"id_attachment_{entry.pk}_%s")
    form.fields["file"].widget.attrs["accept"] = accept_attribute(kind, entry.edition)
    form.fields["file"].help_text = kind_hint(kind, entry.edition)
    return form


@dataclass
class Section:
    kind: str
    label: str
    items: list = field(default_factory=list)
    can_change: bool = False
    form: AttachmentUploadForm | None = None
    max_bytes: int = 0
    too_big: str = ""
    notice: str = ""
    notice_error: bool = False
    max_count: int = PHOTO_MAX_COUNT

    @property
    def full(self) -> bool:
        return self.kind == AttachmentKind.PHOTO and len(self.items) >= PHOTO_MAX_COUNT

    @property
    def single(self) -> bool:
        return self.kind in SINGLE_KINDS


def attachment_sections(entry: Entry, user, *, form_kind=None, form=None, notice_kind=None, notice="",
                        notice_error=False) -> list[Section]:
    """The panel's sections, one per kind, with the files and, for those who may change them, a form."""
    by_kind = {kind: [] for kind in SECTION_ORDER}
    for attachment in entry.attachments.all():
        by_kind.setdefault(attachment.kind, []).append(attachment)
    sections = []
    for kind in SECTION_ORDER:
        can_change = services.may_change_attachment(user, entry, kind)
        section = Section(kind=kind, label=AttachmentKind(kind).label, items=by_kind[kind], can_change=can_change,
                          notice=notice if kind == notice_kind else "", notice_error=bool(notice_error))
        if can_change:
            section.form = form if kind == form_kind and form is not None else upload_form(entry, kind)
            section.max_bytes = max_bytes(kind, entry.edition)
            section.too_big = too_large_message(kind, section.max_bytes // (1024 * 1024))
        sections.append(section)
    return sections


def _entry_or_404(pk: int) -> Entry:
    return get_object_or_404(Entry.objects.select_related("edition", "declaring_unit"), pk=pk)


def _is_async(request) -> bool:
    return request.headers.get("HX-Request") == "true" or request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _next_url(request, entry: Entry) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("entries:attachments", args=[entry.pk])


def _context(request, entry: Entry, *, form_kind=None, form=None, notice_kind=None, notice="",
             notice_error=False) -> dict:
    """What the panel template reads besides `entry` (its template tag builds the sections)."""
    return {"entry": entry, "attachments_next": _next_url(request, entry), "attachment_form_kind": form_kind,
            "attachment_form": form, "attachment_notice_kind": notice_kind, "attachment_notice": notice,
            "attachment_notice_error": notice_error}


def _panel(request, entry: Entry, *, status: int = 200, **state):
    return render(request, PANEL_TEMPLATE, _context(request, entry, **state), status=status)


@login_required
def attachments(request, pk: int):
    entry = _entry_or_404(pk)
    require(request.user, "entries.view_entry", entry)
    return render(request, "entries/attachments/page.html", _context(request, entry))


# Upload handlers must be set before anything reads the body, and the CSRF check reads it: so
# the outer view is exempt, chooses the handler, and the inner one checks the token (Django docs,
# "Modifying upload handlers on the fly").
@csrf_exempt
@login_required
@require_POST
def attachment_upload(request, pk: int, kind: str):
    entry = _entry_or_404(pk)
    if kind not in AttachmentKind.values:
        raise Http404
    if not services.may_change_attachment(request.user, entry, kind):
        raise PermissionDenied
    request.upload_handlers = [LimitedTemporaryFileUploadHandler(request, kind=kind, edition=entry.edition)]
    return _attachment_upload(request, entry, kind)


@csrf_protect
def _attachment_upload(request, entry: Entry, kind: str):
    form = upload_form(entry, kind, request.POST, request.FILES)
    refuse_in_form(request, form, "file")
    if form.is_valid():
        try:
            attachment = services.add_attachment(actor=request.user, entry=entry, kind=kind,
                                                 uploaded_file=form.cleaned_data["file"],
                                                 request_key=form.cleaned_data["request_key"])
        except Refused as refused:
            form.add_error("file", refused.message)
        else:
            notice = _("“%(name)s” uploaded (%(size)s).") % {"name": attachment.original_name,
                                                          "size": human_size(attachment.size)}
            if _is_async(request):
                return _panel(request, entry, notice_kind=kind, notice=notice)
            messages.success(request, notice)
            return redirect(_next_url(request, entry))
    if _is_async(request):
        return _panel(request, entry, status=400, form_kind=kind, form=form)
    return render(request, "entries/attachments/page.html", _context(request, entry, form_kind=kind, form=form),
                  status=400)


@login_required
def attachment_download(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.select_related("entry"), pk=pk)
    require(request.user, "entries.view_entry", attachment.entry)
    thumbnail = (attachment.details or {}).get("thumbnail") if request.GET.get("thumbnail") else None
    storage = attachment.file.storage
    if thumbnail:
        response = FileResponse(storage.open(thumbnail, "rb"), content_type="image/jpeg")
    else:  # in parts when asked (Range): the page's video player seeks in it
        inline = bool(request.GET.get("inline")) and attachment.content_type in INLINE_TYPES
        response = ranged_file_response(request, storage, attachment.file.name,
                                        size=storage.size(attachment.file.name), as_attachment=not inline,
                                        filename=attachment.original_name,
                                        content_type=attachment.content_type or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def attachment_delete(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.select_related("entry__edition"), pk=pk)
    entry = attachment.entry
    if not services.may_change_attachment(request.user, entry, attachment.kind):
        raise PermissionDenied
    name, kind = attachment.original_name, attachment.kind
    try:
        services.remove_attachment(actor=request.user, attachment=attachment)
    except Refused as refused:
        if _is_async(request):
            return _panel(request, entry, status=400, notice_kind=kind, notice=refused.message, notice_error=True)
        messages.error(request, refused.message)
        return redirect(_next_url(request, entry))
    notice = _("“%(name)s” deleted.") % {"name": name}
    if _is_async(request):
        return _panel(request, entry, notice_kind=kind, notice=notice)
    messages.success(request, notice)
    return redirect(_next_url(request, entry))
