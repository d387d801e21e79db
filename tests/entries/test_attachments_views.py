"""An entry's attachments through the pages: upload (streamed), download, delete, for every role (R24, R25)."""

import io
import os
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.test import Client
from django.urls import reverse

from wuxiao.common.exceptions import Refused
from wuxiao.common.models import AuditLog
from wuxiao.entries.models import Attachment, AttachmentKind
from wuxiao.entries.services_attachments import Refused, add_attachment, remove_attachment
from wuxiao.entries.uploads import LimitedTemporaryFileUploadHandler

from ..upload_helpers import parse, png_claiming
from .conftest import ROLES
from .test_attachments_checks import (
    EXE,
    OLE,
    PDF,
    STANDARD,
    add_transition_sound,
    jpeg_bytes,
    pptx_bytes,
    video_file,
)

VIEWERS = {"declarer", "recommender", "committee", "site_admin"}
XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Files go to a fresh storage directory; uploads' temporary files to their own, to see them vanish."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}
    (tmp_path / "upload-tmp").mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    return tmp_path


def stored_files(media) -> list[str]:
    root = media / "media"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def temp_files(media) -> list[str]:
    return os.listdir(media / "upload-tmp")


@pytest.fixture
def entry(entry_of):
    return entry_of("draft")


def submitted_if_recommender(role, entry, actors):
    """A draft is the declaring unit's own: the recommending unit and the committee office see the
    entry once it is submitted (test_a_drafts_attachments_are_its_units_own)."""
    if role in ("recommender", "committee", "site_admin"):
        from wuxiao.entries.services import transition_entry

        transition_entry(entry=entry, action="submit", actor=actors["declarer"])


@pytest.fixture
def client_for(actors):
    def make(role) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(actors[role])
        return client

    return make


def upload(client, entry, kind, name, data, **extra):
    return client.post(reverse("entries:attachment_upload", args=[entry.pk, kind]),
                       {f"{kind}-file": SimpleUploadedFile(name, data), "next": reverse("entries:attachments", args=[entry.pk])},
                       **extra)


def add(actor, entry, kind, name, data) -> Attachment:
    return add_attachment(actor=actor, entry=entry, kind=kind, uploaded_file=SimpleUploadedFile(name, data))


def login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# --- The page and the panel ------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_attachments_page_by_role(client_for, entry, actors, role):
    add(actors["declarer"], entry, AttachmentKind.DOCUMENT, "技术说明.pdf", PDF)
    submitted_if_recommender(role, entry, actors)
    response = client_for(role).get(reverse("entries:attachments", args=[entry.pk]))
    if role == "anonymous":
        assert login_redirect(response)
    elif role in VIEWERS:
        page = response.content.decode()
        assert response.status_code == 200
        assert "技术说明.pdf" in page and "路演视频" in page and "盖章申报表扫描件" in page
        # only the declaring unit gets upload fields and delete buttons
        assert ("data-upload" in page) == (role == "declarer")
        assert ("attachment-delete" in page) == (role == "declarer")
        if role == "declarer":
            assert "第一页不得有动画和声音" in page and "1920×1080（16:9）" in page
    else:
        assert response.status_code == 403


def test_submitted_entry_shows_only_the_stamped_form_upload(client_for, entry_of):
    entry = entry_of("submitted")
    page = client_for("declarer").get(reverse("entries:attachments", args=[entry.pk])).content.decode()
    assert page.count("data-upload") == 1
    assert reverse("entries:attachment_upload", args=[entry.pk, "stamped_form"]) in page
    assert "作品已提交：附件只能查看，盖章申报表除外。" in page


# --- Upload -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_upload_by_role(client_for, entry, media, role):
    response = upload(client_for(role), entry, "ppt", "路演材料.pptx", pptx_bytes())
    if role == "declarer":
        assert response.status_code == 302
        assert response["Location"] == reverse("entries:attachments", args=[entry.pk])
        attachment = entry.attachments.get()
        assert (attachment.kind, attachment.original_name, attachment.size) == ("ppt", "路演材料.pptx",
                                                                               len(pptx_bytes()))
        assert attachment.details["slides"] == 2
        assert stored_files(media) == [attachment.file.name]
        assert attachment.file.name.startswith(f"entries/{entry.edition_id}/{entry.pk}/ppt/")
    else:
        assert login_redirect(response) if role == "anonymous" else response.status_code == 403
        assert not Attachment.objects.exists() and stored_files(media) == []
    assert temp_files(media) == []


def test_upload_is_audited_and_shown(client_for, entry, actors):
    client = client_for("declarer")
    response = upload(client, entry, "photo", "现场照片.jpg", jpeg_bytes((1600, 1200)), follow=True)
    page = response.content.decode()
    attachment = entry.attachments.get()
    assert "已上传“现场照片.jpg”" in page
    assert f'{reverse("entries:attachment_download", args=[attachment.pk])}?thumbnail=1' in page
    log = AuditLog.objects.get(action="entry.attachment_add")
    assert (log.actor, log.object_id, log.edition) == (actors["declarer"], str(entry.pk), entry.edition)
    assert log.data == {"attachment": attachment.pk, "kind": "photo", "name": "现场照片.jpg",
                        "size": attachment.size, "replaced": []}
    assert attachment.details["width"] == 1600 and attachment.details["thumbnail"].endswith(".thumb.jpg")


def test_xhr_upload_returns_the_panel_with_the_file(client_for, entry):
    response = upload(client_for("declarer"), entry, "document", "技术说明.pdf", PDF, **XHR)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith(("<section", "<script")) or "data-attachments-panel" in page
    assert "<html" not in page
    assert "已上传“技术说明.pdf”" in page and "技术说明.pdf" in page


def test_rejected_upload_leaves_everything_untouched(client_for, entry, actors, media):
    good = add(actors["declarer"], entry, AttachmentKind.PPT, "第一版.pptx", pptx_bytes())
    photo = add(actors["declarer"], entry, AttachmentKind.PHOTO, "现场.jpg", jpeg_bytes())
    before = stored_files(media)
    response = upload(client_for("declarer"), entry, "ppt", "第二版.pptx", pptx_bytes(STANDARD))
    page = response.content.decode()
    assert response.status_code == 400
    field = f'id="id_attachment_{entry.pk}_ppt-file_error"'
    assert field in page  # the message sits beside the PPT's upload field
    assert "路演材料要求（通知附件2备注说明第3条）：幻灯片比例为 4:3，不是 16:9。" in page.split(field)[1].split("</ul>")[0]
    assert list(entry.attachments.order_by("pk")) == [good, photo]
    assert stored_files(media) == before and temp_files(media) == []
    assert not AuditLog.objects.filter(action="entry.attachment_add", data__name="第二版.pptx").exists()


def test_xhr_rejection_gets_the_message_in_the_panel(client_for, entry):
    response = upload(client_for("declarer"), entry, "ppt", "路演.pptx", pptx_bytes(first=add_transition_sound),
                      **XHR)
    assert response.status_code == 400
    page = response.content.decode()
    assert "路演材料要求（通知附件2备注说明第3条）：第一页含有切换声音，请删除" in page and "<html" not in page
    assert not entry.attachments.exists()


@pytest.mark.parametrize(("kind", "name", "data", "message"), [
    ("ppt", "路演.ppt", OLE, "请另存为 .pptx"),
    ("video", "路演.mp4", EXE, "此文件是可执行程序"),
    ("photo", "现场.jpg", EXE, "此文件是可执行程序"),
    ("document", "说明.pdf", b"", "文件为空。"),
])
def test_bad_files_get_a_chinese_message_not_an_error(client_for, entry, media, kind, name, data, message):
    response = upload(client_for("declarer"), entry, kind, name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not entry.attachments.exists() and stored_files(media) == [] and temp_files(media) == []


def test_no_file_chosen(client_for, entry):
    response = client_for("declarer").post(reverse("entries:attachment_upload", args=[entry.pk, "ppt"]), {})
    assert response.status_code == 400 and "请选择文件。" in response.content.decode()


def test_unknown_kind_is_not_found(client_for, entry):
    assert upload(client_for("declarer"), entry, "exe", "a.pdf", PDF).status_code == 404


def test_real_video_upload_through_the_view(client_for, entry, tmp_path):
    data = video_file(tmp_path / "v.mp4")
    response = upload(client_for("declarer"), entry, "video", "路演视频.mp4", data)
    assert response.status_code == 302
    video = entry.attachments.get(kind="video")
    assert video.details == {"width": 1920, "height": 1080, "seconds": 0.12, "codec": "h264"}
    assert video.content_type == "video/mp4"


def test_oversize_request_is_refused_by_the_handler_before_storing(client_for, entry, media):
    entry.edition.video_max_mb = 1
    entry.edition.save()
    response = upload(client_for("declarer"), entry, "video", "大视频.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (3 * 1024 * 1024),
                      **XHR)
    assert response.status_code == 400
    assert "文件过大：路演视频最大允许 1 MB。" in response.content.decode()
    assert not entry.attachments.exists() and stored_files(media) == [] and temp_files(media) == []


def test_handler_stops_a_file_that_passes_the_limit_and_removes_its_temp_file(entry, media):
    entry.edition.video_max_mb = 1
    handler = LimitedTemporaryFileUploadHandler(None, kind="video", edition=entry.edition)
    assert handler.handle_raw_input(io.BytesIO(), {}, 1024, b"x") is None  # small request: parse normally
    handler.new_file("file", "v.mp4", "video/mp4", None)
    path = handler.file.temporary_file_path()
    handler.receive_data_chunk(b"\x00" * 65536, 0)
    assert os.path.exists(path)
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"\x00" * 65536, 1024 * 1024 - 1000)
    assert handler.refused == "文件过大：路演视频最大允许 1 MB。"
    assert not os.path.exists(path)


def test_handler_refuses_a_large_request_from_its_length_and_drains_it(entry, spooled):
    """Decided from the Content-Length: the file is read past, never kept; the small fields are parsed."""
    handler = LimitedTemporaryFileUploadHandler(None, kind="photo", edition=entry.edition)
    post, files, body, length = parse(handler, {"csrfmiddlewaretoken": "t" * 64, "photo-file": SimpleUploadedFile(
        "大照片.jpg", b"\xff\xd8\xff" + b"\x00" * (11 * 1024 * 1024))})
    assert (post["csrfmiddlewaretoken"], dict(files), spooled) == ("t" * 64, {}, [])
    assert body.tell() == length  # read and dropped, so the browser receives the answer
    assert handler.refused == "文件过大：照片最大允许 10 MB。"


def test_single_kinds_replace_the_old_file(client_for, entry, media, django_capture_on_commit_callbacks):
    client = client_for("declarer")
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, entry, "ppt", "第一版.pptx", pptx_bytes())
    first = entry.attachments.get()
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, entry, "ppt", "第二版.pptx", pptx_bytes())
    second = entry.attachments.get()
    assert second.original_name == "第二版.pptx" and second.pk != first.pk
    assert stored_files(media) == [second.file.name]
    assert AuditLog.objects.filter(action="entry.attachment_add").latest("pk").data["replaced"] == ["第一版.pptx"]


def test_at_most_twelve_photos(entry, actors):
    for i in range(12):
        add(actors["declarer"], entry, AttachmentKind.PHOTO, f"照片{i}.jpg", jpeg_bytes())
    with pytest.raises(Refused) as refused:
        add(actors["declarer"], entry, AttachmentKind.PHOTO, "照片13.jpg", jpeg_bytes())
    assert str(refused.value.message) == "每件作品最多 12 张照片，请先删除一张再添加。"
    assert entry.attachments.count() == 12


def test_after_submission_only_the_stamped_form_may_be_uploaded(client_for, entry_of, media):
    entry = entry_of("submitted")
    client = client_for("declarer")
    assert upload(client, entry, "ppt", "路演.pptx", pptx_bytes()).status_code == 403
    response = upload(client, entry, "stamped_form", "盖章申报表.pdf", PDF)
    assert response.status_code == 302
    assert entry.attachments.get().kind == "stamped_form"


def test_service_refuses_a_submitted_entry_and_others(entry_of, actors):
    entry = entry_of("submitted")
    with pytest.raises(Refused) as refused:
        add(actors["declarer"], entry, AttachmentKind.PPT, "路演.pptx", pptx_bytes())
    assert str(refused.value.message).startswith("作品当前为“") and "附件不能再更改" in str(refused.value.message)
    with pytest.raises(Refused) as refused:
        add(actors["site_admin"], entry_of("draft"), AttachmentKind.PPT, "路演.pptx", pptx_bytes())
    assert str(refused.value.message) == "只有本作品的申报单位可以更改附件。"


def test_upload_checks_csrf(entry, actors):
    client = Client(enforce_csrf_checks=True)
    client.force_login(actors["declarer"])
    assert upload(client, entry, "document", "a.pdf", PDF).status_code == 403
    assert not entry.attachments.exists()


# --- Download ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_download_by_role(client_for, entry, actors, role):
    data = pptx_bytes()
    attachment = add(actors["declarer"], entry, AttachmentKind.PPT, "路演 材料.pptx", data)
    submitted_if_recommender(role, entry, actors)
    response = client_for(role).get(reverse("entries:attachment_download", args=[attachment.pk]))
    if role in VIEWERS:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == data
        assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('路演 材料.pptx')}"
        assert response["Content-Type"] == attachment.content_type
    else:
        assert login_redirect(response) if role == "anonymous" else response.status_code == 403


@pytest.mark.parametrize("role", ["recommender", "committee", "site_admin"])
def test_a_drafts_attachments_are_its_units_own(client_for, entry, actors, role):
    attachment = add(actors["declarer"], entry, AttachmentKind.DOCUMENT, "技术说明.pdf", PDF)
    client = client_for(role)
    assert client.get(reverse("entries:attachments", args=[entry.pk])).status_code == 403
    assert client.get(reverse("entries:attachment_download", args=[attachment.pk])).status_code == 403


def test_photo_thumbnail_and_inline_view(client_for, entry, actors):
    attachment = add(actors["declarer"], entry, AttachmentKind.PHOTO, "现场.jpg", jpeg_bytes((2000, 1500)))
    submitted_if_recommender("recommender", entry, actors)
    client = client_for("recommender")
    url = reverse("entries:attachment_download", args=[attachment.pk])
    thumb = client.get(url + "?thumbnail=1")
    from PIL import Image

    assert thumb["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size == (480, 360)
    inline = client.get(url + "?inline=1")
    assert inline["Content-Disposition"].startswith("inline;")


def test_recommending_unit_cannot_open_a_drafts_files(client_for, entry, actors):
    attachment = add(actors["declarer"], entry, AttachmentKind.PPT, "路演 材料.pptx", pptx_bytes())
    client = client_for("recommender")
    assert client.get(reverse("entries:attachment_download", args=[attachment.pk])).status_code == 403
    assert client.get(reverse("entries:attachments", args=[entry.pk])).status_code == 403


def test_media_files_have_no_public_url(client, entry, actors):
    attachment = add(actors["declarer"], entry, AttachmentKind.DOCUMENT, "说明.pdf", PDF)
    assert client.get("/media/" + attachment.file.name).status_code == 404


# --- Delete -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_delete_by_role(client_for, entry, actors, media, role, django_capture_on_commit_callbacks):
    attachment = add(actors["declarer"], entry, AttachmentKind.DOCUMENT, "说明.pdf", PDF)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(role).post(reverse("entries:attachment_delete", args=[attachment.pk]),
                                         {"next": reverse("entries:attachments", args=[entry.pk])})
    if role == "declarer":
        assert response.status_code == 302
        assert not Attachment.objects.exists() and stored_files(media) == []
        log = AuditLog.objects.get(action="entry.attachment_remove")
        assert log.data["name"] == "说明.pdf" and log.actor == actors["declarer"]
    else:
        assert login_redirect(response) if role == "anonymous" else response.status_code == 403
        assert Attachment.objects.get() == attachment and stored_files(media) == [attachment.file.name]


def test_htmx_delete_returns_the_panel(client_for, entry, actors):
    attachment = add(actors["declarer"], entry, AttachmentKind.DOCUMENT, "说明.pdf", PDF)
    response = client_for("declarer").post(reverse("entries:attachment_delete", args=[attachment.pk]),
                                           HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "已删除“说明.pdf”" in page and "<html" not in page


def test_no_deleting_after_submission(entry_of, actors):
    entry = entry_of("draft")
    attachment = add(actors["declarer"], entry, AttachmentKind.DOCUMENT, "说明.pdf", PDF)
    type(entry).objects.filter(pk=entry.pk).update(status="submitted")  # arranging the state only
    attachment.refresh_from_db()
    with pytest.raises(Refused):
        remove_attachment(actor=actors["declarer"], attachment=attachment)
    assert Attachment.objects.filter(pk=attachment.pk).exists()


# --- Limits, pictures, double clicks (issue 8) ---------------------------------------------------

def csrf_client(user) -> tuple[Client, str]:
    """A browser-like client that must send the CSRF token, and its token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies["csrftoken"] = "a" * 32  # a CSRF secret as the cookie holds it
    return client, "a" * 32


def test_oversize_page_upload_is_refused_beside_the_field_from_its_length_without_spooling(entry, actors, media,
                                                                                           spooled):
    """Without JavaScript (no size check in the browser): the message comes back beside the field, not a CSRF error."""
    entry.edition.video_max_mb = 1
    entry.edition.save()
    client, token = csrf_client(actors["declarer"])

    response = client.post(reverse("entries:attachment_upload", args=[entry.pk, "video"]), {
        "csrfmiddlewaretoken": token, "next": reverse("entries:attachments", args=[entry.pk]),
        "video-file": SimpleUploadedFile("大视频.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (2 * 1024 * 1024))})

    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_attachment_{entry.pk}_video-file_error"><li>文件过大：路演视频最大允许 1 MB。</li>' in page
    assert spooled == [] and temp_files(media) == []
    assert not entry.attachments.exists() and stored_files(media) == []


def test_a_picture_bomb_is_refused_through_the_page_and_nothing_is_kept(client_for, entry, media):
    response = upload(client_for("declarer"), entry, "photo", "炸弹.png", png_claiming(13000, 13000), **XHR)

    assert response.status_code == 400
    assert "图片为 13000×13000 像素（16900 万像素），超出上限：最多 4000 万像素，长边最多 20000 像素。" in (
        response.content.decode())
    assert not Attachment.objects.exists() and stored_files(media) == [] and temp_files(media) == []


def test_a_fake_pdf_and_a_renamed_picture_are_refused_through_the_page(client_for, entry, media):
    client = client_for("declarer")

    fake_pdf = upload(client, entry, "document", "说明.pdf", b"<html>%PDF-1.4</html>", **XHR)
    renamed = upload(client, entry, "photo", "现场.png", jpeg_bytes(), **XHR)

    assert "文件内容不是 PDF（虽然扩展名为 .pdf）。请重新导出为 PDF。" in fake_pdf.content.decode()
    assert "文件扩展名为 .png，但内容是 JPEG 图片。请上传原始文件，或重新另存为 .png。" in renamed.content.decode()
    assert not Attachment.objects.exists() and stored_files(media) == []


def request_key_of(page: str, kind: str) -> str:
    marker = f'name="{kind}-request_key" value="'
    return page.split(marker, 1)[1].split('"', 1)[0]


def test_an_upload_sent_twice_stores_one_attachment(client_for, entry, media):
    client = client_for("declarer")
    key = request_key_of(client.get(reverse("entries:attachments", args=[entry.pk])).content.decode(), "photo")
    assert len(key) >= 20

    def send():
        return client.post(reverse("entries:attachment_upload", args=[entry.pk, "photo"]), {
            "photo-file": SimpleUploadedFile("现场.jpg", jpeg_bytes()), "photo-request_key": key}, **XHR)

    first, second = send(), send()

    attachment = Attachment.objects.get()
    assert first.status_code == second.status_code == 200
    assert "已上传“现场.jpg”" in second.content.decode()
    assert stored_files(media) == sorted([attachment.file.name, attachment.details["thumbnail"]])
    assert AuditLog.objects.filter(action="entry.attachment_add").count() == 1
    # The panel that comes back carries a new key: the next upload is a new one.
    assert request_key_of(second.content.decode(), "photo") != key


def test_a_refused_upload_can_be_sent_again_with_the_same_key(client_for, entry):
    client = client_for("declarer")
    url = reverse("entries:attachment_upload", args=[entry.pk, "photo"])

    refused = client.post(url, {"photo-file": SimpleUploadedFile("现场.jpg", PDF), "photo-request_key": "k1"}, **XHR)
    accepted = client.post(url, {"photo-file": SimpleUploadedFile("现场.jpg", jpeg_bytes()),
                                 "photo-request_key": "k1"}, **XHR)

    assert refused.status_code == 400 and request_key_of(refused.content.decode(), "photo") == "k1"
    assert accepted.status_code == 200 and entry.attachments.get().original_name == "现场.jpg"
