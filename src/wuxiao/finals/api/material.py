"""The finalists' roadshow material in the REST API (R24): upload (the declaration's checks), list. The same
predicates (finals.upload_material, finals.manage) and service as the pages."""

import datetime as dt
from functools import wraps

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from wuxiao import api_messages as msg
from wuxiao.api_common import ErrorOut, Id, InvalidOut, RefusedOut
from wuxiao.common.permissions import allowed, require
from wuxiao.common.uploads import LimitedUploadHandler, upload_refusal
from wuxiao.entries.models import Entry

from .. import queries_material as q
from .. import services_material as services
from ..models import MaterialKind, RoadshowMaterial

router = Router(tags=["final round: material"])

NO_FILE = _("No file was received; please choose the file again.")
RESPONSES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class FinalMaterialOut(Schema):
    id: int
    entry_id: int
    kind: MaterialKind
    name: str
    size: int
    uploaded_at: dt.datetime
    replaced_at: dt.datetime | None


class FinalSessionMaterialOut(Schema):
    position: int
    entry_id: int
    title: str
    declaring_unit: str
    files: list[FinalMaterialOut]
    zip_names: list[str]


def _out(m: RoadshowMaterial) -> dict:
    return {"id": m.pk, "entry_id": m.entry_id, "kind": m.kind, "name": m.original_name, "size": m.size,
            "uploaded_at": timezone.localtime(m.uploaded_at),
            "replaced_at": timezone.localtime(m.replaced_at) if m.replaced_at else None}


def _entry(request, entry_id: int) -> Entry:
    entry = Entry.objects.select_related("edition", "declaring_unit").filter(pk=entry_id).first()
    if entry is None or not (allowed(request.auth, "finals.manage")
                             or allowed(request.auth, "finals.upload_material", entry)):
        raise HttpError(404, str(msg.NOT_FOUND))
    return entry


@router.get("/entries/{entry_id}/material", response={200: list[FinalMaterialOut], **RESPONSES},
            url_name="final_material", summary="A finalist's roadshow material, current and replaced (its declaring "
                                               "unit, the office)")
def list_material(request: HttpRequest, entry_id: Id):
    return [_out(m) for m in q.material_history(_entry(request, entry_id))]


UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}}}}}


def _limit_upload_before_auth(run):
    """The upload's limit is set before ninja authenticates (a session's CSRF check reads the body)."""

    @wraps(run)
    def wrapper(request: HttpRequest, **kwargs):
        from wuxiao.entries.uploads import LimitedTemporaryFileUploadHandler

        raw = str(kwargs.get("entry_id", ""))
        entry = (Entry.objects.select_related("edition").filter(pk=int(raw)).first()
                 if raw.isascii() and raw.isdigit() and len(raw) < 19 else None)
        kind = request.GET.get("kind")
        if entry is not None and kind in MaterialKind.values:
            request.upload_handlers = [LimitedTemporaryFileUploadHandler(request, kind=kind, edition=entry.edition)]
        else:
            request.upload_handlers = [LimitedUploadHandler(request, max_bytes=0, message=NO_FILE)]
        return run(request, **kwargs)

    return wrapper


@router.post(
    "/entries/{entry_id}/material",
    response={201: FinalMaterialOut, 400: ErrorOut, 409: RefusedOut, 413: ErrorOut, 422: InvalidOut, **RESPONSES},
    summary="Upload the roadshow PPT or video (multipart field `file`)", url_name="final_material_upload",
    description="The declaration's checks of R24 apply: a file that fails them is refused with 422, its message "
                "beside `file`. 409 after the material deadline; 404 for anyone but the finalist's declaring unit. "
                "A new upload replaces the current one of its kind.",
    openapi_extra=UPLOAD_BODY,
)
@decorate_view(_limit_upload_before_auth)
def upload_material(request: HttpRequest, entry_id: Id, kind: MaterialKind = Query(...)):
    entry = Entry.objects.select_related("edition", "declaring_unit").filter(pk=entry_id).first()
    if entry is None or not allowed(request.auth, "finals.upload_material", entry):
        raise HttpError(404, str(msg.NOT_FOUND))
    refused = upload_refusal(request)
    if refused:
        raise HttpError(413, str(refused))
    uploaded = request.FILES.get("file")
    if uploaded is None or not uploaded.size:
        raise HttpError(400, str(NO_FILE))
    material = services.upload_material(actor=request.auth, entry=entry, kind=kind, uploaded_file=uploaded)
    return Status(201, _out(material))


@router.get("/sessions/{session_id}/material", response={200: list[FinalSessionMaterialOut], **RESPONSES},
            url_name="final_session_material", summary="A session's material in running order, with the names the "
                                                       "ZIP gives the files (office)")
def session_material(request: HttpRequest, session_id: Id):
    require(request.auth, "finals.manage")
    from ..queries_schedule import session_or_none

    session = session_or_none(session_id)
    if session is None:
        raise HttpError(404, str(msg.NOT_FOUND))
    return [{"position": row.slot.position, "entry_id": row.slot.entry_id, "title": row.slot.entry.title,
             "declaring_unit": row.slot.entry.declaring_unit.name, "files": [_out(m) for m in row.ordered],
             "zip_names": [q.zip_name(row.slot.position, row.slot.entry.title, m) for m in row.ordered]}
            for row in q.session_files(session)]

