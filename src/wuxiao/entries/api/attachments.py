"""An entry's attachments: list, upload (R24 checks), download, delete."""

from functools import wraps

from django.http import HttpRequest
from ninja import Query, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from wuxiao.api_common import ErrorOut, Id, InvalidOut, RefusedOut
from wuxiao.common.ranges import ranged_file_response
from wuxiao.common.uploads import LimitedUploadHandler, upload_refusal

from .. import services_attachments
from ..models import Attachment, AttachmentKind, Entry
from ..rules import is_entry_declarer
from .common import (
    ATTACHMENT_NOT_FOUND,
    ATTACHMENTS_CLOSED,
    DECLARE_FORBIDDEN,
    ENTRY_RESPONSES,
    IDEMPOTENCY_KEY,
    NO_FILE,
    router,
    viewable_entry,
)
from .schemas import AttachmentOut


@router.get("/entries/{entry_id}/attachments", response={200: list[AttachmentOut], **ENTRY_RESPONSES},
            summary="List an entry's attachments", url_name="entry_attachments")
def list_attachments(request: HttpRequest, entry_id: Id):
    entry = viewable_entry(request, entry_id)
    return list(entry.attachments.all())


UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"}}}}}}}


def _limit_upload_before_auth(run):
    """Set the upload's limit before ninja authenticates: a session's CSRF check reads the body.

    Without it the session path would parse the body with Django's default handlers, writing a
    file of any size to disk before the view could refuse it.
    """

    @wraps(run)
    def wrapper(request: HttpRequest, **kwargs):
        from ..uploads import LimitedTemporaryFileUploadHandler

        raw = str(kwargs.get("entry_id", ""))  # not validated yet: ninja checks the path after this wrapper
        entry = (Entry.objects.select_related("edition").filter(pk=int(raw)).first()
                 if raw.isascii() and raw.isdigit() and len(raw) < 19 else None)
        kind = request.GET.get("kind")
        if entry is not None and kind in AttachmentKind.values:
            request.upload_handlers = [LimitedTemporaryFileUploadHandler(request, kind=kind, edition=entry.edition)]
        else:  # answered with 404 or 422 before any file is looked at: none is kept
            request.upload_handlers = [LimitedUploadHandler(request, max_bytes=0, message=NO_FILE)]
        return run(request, **kwargs)

    return wrapper


@router.post(
    "/entries/{entry_id}/attachments",
    response={201: AttachmentOut, 400: ErrorOut, 409: RefusedOut, 413: ErrorOut, 422: InvalidOut,
              **ENTRY_RESPONSES},
    summary="Upload an attachment (multipart field `file`)", url_name="entry_attachment_upload",
    description="The checks of R24 apply (PPT 16:9, first slide without animation or sound; video length, "
                "size and resolution): a file that fails them is refused with 422, its message beside the input "
                "`file`; 409 when the entry's attachments can no longer change. A PPT, video or stamped form "
                "replaces the previous one. A request larger "
                "than the kind's limit is refused with 413 from its Content-Length, before the file is read. "
                "With an `Idempotency-Key`, sending the upload again returns the attachment the first one "
                "stored instead of storing the file twice.",
    openapi_extra=UPLOAD_BODY,
)
@decorate_view(_limit_upload_before_auth)
def upload_attachment(request: HttpRequest, entry_id: Id, kind: AttachmentKind = Query(...),
                      idempotency_key: str | None = IDEMPOTENCY_KEY):
    entry = viewable_entry(request, entry_id)
    if not is_entry_declarer(request.auth, entry):
        raise HttpError(403, str(DECLARE_FORBIDDEN))
    if not services_attachments.may_change_attachment(request.auth, entry, kind):
        raise HttpError(409, str(ATTACHMENTS_CLOSED % {"status": entry.get_status_display()}))
    uploaded = request.FILES.get("file")
    refused = upload_refusal(request)
    if refused:
        raise HttpError(413, str(refused))
    if uploaded is None or not uploaded.size:
        raise HttpError(400, str(NO_FILE))
    attachment = services_attachments.add_attachment(actor=request.auth, entry=entry, kind=kind,
                                                     uploaded_file=uploaded, request_key=idempotency_key or "")
    return Status(201, attachment)


def _attachment(request: HttpRequest, entry_id: int, attachment_id: int) -> tuple[Entry, Attachment]:
    entry = viewable_entry(request, entry_id)
    attachment = Attachment.objects.filter(pk=attachment_id, entry_id=entry.pk).first()
    if attachment is None:
        raise HttpError(404, str(ATTACHMENT_NOT_FOUND))
    return entry, attachment


@router.get("/entries/{entry_id}/attachments/{attachment_id}/file", response={200: None, **ENTRY_RESPONSES},
            summary="Download an attachment's file", url_name="entry_attachment_file",
            description="Honours a single `Range: bytes=…` (206 with Content-Range; 416 outside the file), so that a "
                        "video can be played and a broken download resumed.")
def attachment_file(request: HttpRequest, entry_id: Id, attachment_id: Id):
    _, attachment = _attachment(request, entry_id, attachment_id)
    storage = attachment.file.storage
    response = ranged_file_response(request, storage, attachment.file.name, size=storage.size(attachment.file.name),
                                    as_attachment=True, filename=attachment.original_name,
                                    content_type=attachment.content_type or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@router.delete(
    "/entries/{entry_id}/attachments/{attachment_id}",
    response={204: None, 409: RefusedOut, **ENTRY_RESPONSES},
    summary="Delete an attachment", url_name="entry_attachment_delete",
)
def delete_attachment(request: HttpRequest, entry_id: Id, attachment_id: Id):
    entry, attachment = _attachment(request, entry_id, attachment_id)
    if not is_entry_declarer(request.auth, entry):
        raise HttpError(403, str(DECLARE_FORBIDDEN))
    if not services_attachments.may_change_attachment(request.auth, entry, attachment.kind):
        raise HttpError(409, str(ATTACHMENTS_CLOSED % {"status": entry.get_status_display()}))
    services_attachments.remove_attachment(actor=request.auth, attachment=attachment)
    return Status(204, None)
