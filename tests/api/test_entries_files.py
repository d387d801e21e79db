"""/api/entries/{id}/attachments and /documents: upload, list, download, delete, print (R24, R25; Attachment 2)."""

import io
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from wuxiao.accounts.models import Role
from wuxiao.common.models import AuditLog
from wuxiao.entries.attachments import MB, PHOTO_MAX_MB
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Attachment

from .. import factories
from .conftest import ROLES

pytestmark = pytest.mark.django_db

NOT_AUTHENTICATED = "请先登录，或提供有效的 API 令牌（Authorization: Bearer <令牌>）。"
ENTRY_FORBIDDEN = "您无权查看该作品。"
DECLARE_FORBIDDEN = "只有该作品的申报单位可以修改或提交该作品。"
PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run in DOS mode."
VIEWERS = {"declarer", "recommender", "committee", "site_admin"}


def png_bytes(size=(40, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (30, 200, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}
    return tmp_path / "media"


@pytest.fixture
def other_declarer(db):
    return factories.user_with_role(Role.DECLARER, factories.DeclaringUnitFactory())


@pytest.fixture
def entry(edition, declaring_unit):
    return factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status=EntryStatus.RETURNED)


def upload(client, entry, kind, name, data, headers=None):
    return client.post(f"/api/entries/{entry.pk}/attachments?kind={kind}", {"file": SimpleUploadedFile(name, data)},
                       headers=headers or {})


def add_photo(as_role, entry) -> Attachment:
    client, headers, _ = as_role("declarer", "token")
    assert upload(client, entry, "photo", "现场.png", png_bytes(), headers).status_code == 201
    return Attachment.objects.get(entry=entry, kind="photo")


# --- Upload --------------------------------------------------------------------------------

def test_declarer_uploads_a_photo_with_a_token(as_role, entry, declarer, media):
    client, headers, _ = as_role("declarer", "token")

    response = upload(client, entry, "photo", "现场.png", png_bytes(), headers)

    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert (attachment.entry, attachment.kind, attachment.original_name, attachment.content_type,
            attachment.uploaded_by) == (entry, "photo", "现场.png", "image/png", declarer)
    assert response.json() == {
        "id": attachment.pk, "kind": "photo", "kind_label": "照片", "name": "现场.png", "size": len(png_bytes()),
        "content_type": "image/png",
        "uploaded_at": timezone.localtime(attachment.uploaded_at).isoformat(timespec="milliseconds"),
        "download_url": f"/api/entries/{entry.pk}/attachments/{attachment.pk}/file"}
    assert (media / attachment.file.name).read_bytes() == png_bytes()
    assert AuditLog.objects.filter(action="entry.attachment_add", object_id=str(entry.pk), actor=declarer).exists()


def test_declarer_uploads_with_the_session_and_csrf_header(declarer, entry):
    client = Client(enforce_csrf_checks=True)
    client.force_login(declarer)
    token = "a" * 32  # a CSRF secret as the cookie holds it
    client.cookies["csrftoken"] = token

    refused = upload(client, entry, "photo", "a.png", png_bytes())
    allowed = upload(client, entry, "photo", "a.png", png_bytes(), {"X-CSRFToken": token})

    assert refused.status_code == 403 and allowed.status_code == 201
    assert Attachment.objects.filter(entry=entry).count() == 1


def file_errors(response) -> list[str]:
    """The messages of a refused file (422, in the shape of every 422): beside the input `file`."""
    body = response.json()
    assert body["field"] == "file" and body["message"] == "；".join(body["errors"]["file"])
    return body["errors"]["file"]


def test_a_renamed_program_is_refused_in_chinese_and_nothing_is_stored(as_role, entry, media):
    kept = add_photo(as_role, entry)
    client, headers, _ = as_role("declarer", "token")

    response = upload(client, entry, "photo", "照片.png", EXE, headers)

    assert response.status_code == 422
    assert file_errors(response) == ["此文件是可执行程序，不是文档、图片或视频，不能上传。"]
    assert list(Attachment.objects.filter(entry=entry)) == [kept]
    assert sorted(p.name for p in media.rglob("*") if p.is_file()) == sorted(
        [kept.file.name.rsplit("/", 1)[1], kept.details["thumbnail"].rsplit("/", 1)[1]])


def test_a_file_over_the_limit_is_refused_before_it_is_stored(as_role, entry, media):
    client, headers, _ = as_role("declarer", "token")

    response = upload(client, entry, "photo", "big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (PHOTO_MAX_MB * MB + 1), headers)

    assert response.status_code == 413
    assert response.json() == {"detail": f"文件过大：照片最大允许 {PHOTO_MAX_MB} MB。"}
    assert not Attachment.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_no_file_and_unknown_kind(as_role, entry):
    client, headers, _ = as_role("declarer", "token")

    missing = client.post(f"/api/entries/{entry.pk}/attachments?kind=photo", {}, headers=headers)
    unknown = upload(client, entry, "selfie", "a.png", png_bytes(), headers)

    assert (missing.status_code, missing.json()) == (
        400, {"detail": "请通过表单字段“file”上传文件（multipart/form-data）。"})
    assert unknown.status_code == 422
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("role", [*ROLES, "other_declarer"])
def test_only_the_declaring_unit_uploads(as_role, role, entry):
    client, headers, _ = as_role(role, "token")

    response = upload(client, entry, "photo", "a.png", png_bytes(), headers)

    if role == "declarer":
        assert response.status_code == 201
    elif role == "anonymous":
        assert (response.status_code, response.json()) == (401, {"detail": NOT_AUTHENTICATED})
    elif role in VIEWERS:
        assert (response.status_code, response.json()) == (403, {"detail": DECLARE_FORBIDDEN})
    else:
        assert (response.status_code, response.json()) == (403, {"detail": ENTRY_FORBIDDEN})
    assert Attachment.objects.count() == (1 if role == "declarer" else 0)


def test_after_submission_photos_are_closed_but_the_stamped_form_may_come(as_role, entry):
    entry.status = EntryStatus.SUBMITTED
    entry.save()
    client, headers, _ = as_role("declarer", "token")

    photo = upload(client, entry, "photo", "a.png", png_bytes(), headers)
    stamped = upload(client, entry, "stamped_form", "盖章申报表.pdf", PDF, headers)

    assert (photo.status_code, photo.json()) == (409, {"detail": "作品当前为“已提交”状态，附件不能再更改。"})
    assert stamped.status_code == 201
    assert list(Attachment.objects.values_list("kind", flat=True)) == ["stamped_form"]


# --- List, download, delete ----------------------------------------------------------------

@pytest.mark.parametrize("role", [*ROLES, "other_declarer"])
def test_list_and_download_by_role(as_role, role, entry):
    attachment = add_photo(as_role, entry)
    client, headers, _ = as_role(role, "token")

    listed = client.get(f"/api/entries/{entry.pk}/attachments", headers=headers)
    download = client.get(f"/api/entries/{entry.pk}/attachments/{attachment.pk}/file", headers=headers)

    if role in VIEWERS:
        assert [a["id"] for a in listed.json()] == [attachment.pk]
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == png_bytes()
        assert download["Content-Type"] == "image/png"
        assert "attachment;" in download["Content-Disposition"]
    elif role == "anonymous":
        assert listed.status_code == download.status_code == 401
    else:
        assert (listed.status_code, listed.json()) == (403, {"detail": ENTRY_FORBIDDEN})
        assert (download.status_code, download.json()) == (403, {"detail": ENTRY_FORBIDDEN})


def test_attachment_of_another_entry_is_404(as_role, entry, edition, declaring_unit):
    attachment = add_photo(as_role, entry)
    second = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit)
    client, headers, _ = as_role("declarer", "token")

    response = client.get(f"/api/entries/{second.pk}/attachments/{attachment.pk}/file", headers=headers)

    assert (response.status_code, response.json()) == (404, {"detail": "该作品没有这个编号的附件。"})


@pytest.mark.parametrize("role", [*ROLES, "other_declarer"])
def test_only_the_declaring_unit_deletes(as_role, role, entry, declarer):
    attachment = add_photo(as_role, entry)
    client, headers, _ = as_role(role, "token")

    response = client.delete(f"/api/entries/{entry.pk}/attachments/{attachment.pk}", headers=headers)

    if role == "declarer":
        assert response.status_code == 204
        assert not Attachment.objects.exists()
        assert AuditLog.objects.filter(action="entry.attachment_remove", actor=declarer).count() == 1
    else:
        assert response.status_code in (401, 403)
        expected = {"anonymous": NOT_AUTHENTICATED}.get(role, DECLARE_FORBIDDEN if role in VIEWERS else ENTRY_FORBIDDEN)
        assert response.json() == {"detail": expected}
        assert Attachment.objects.get() == attachment


def test_delete_after_submission_is_refused(as_role, entry):
    attachment = add_photo(as_role, entry)
    entry.status = EntryStatus.SUBMITTED
    entry.save()
    client, headers, _ = as_role("declarer", "token")

    response = client.delete(f"/api/entries/{entry.pk}/attachments/{attachment.pk}", headers=headers)

    assert (response.status_code, response.json()) == (409, {"detail": "作品当前为“已提交”状态，附件不能再更改。"})
    assert Attachment.objects.get() == attachment


# --- Documents -------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [*ROLES, "other_declarer"])
def test_document_refusals(as_role, role, entry):
    if role in VIEWERS:
        return  # rendered below, once per file type
    client, headers, _ = as_role(role, "token")

    for name in ("form.pdf", "form.docx"):
        response = client.get(f"/api/entries/{entry.pk}/documents/{name}", headers=headers)
        if role == "anonymous":
            assert (response.status_code, response.json()) == (401, {"detail": NOT_AUTHENTICATED})
        else:
            assert (response.status_code, response.json()) == (403, {"detail": ENTRY_FORBIDDEN})


def test_declarer_downloads_the_entry_form_pdf_with_its_text(as_role, entry, tmp_path):
    client, headers, _ = as_role("declarer", "token")

    response = client.get(f"/api/entries/{entry.pk}/documents/form.pdf", headers=headers)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"{entry.pk}-" in response["Content-Disposition"] and "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(body)
    try:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    except FileNotFoundError:
        pytest.skip("poppler-utils missing")
    assert entry.title in text.replace(" ", "")


@pytest.mark.parametrize("role", ["recommender", "committee"])
def test_viewers_download_the_entry_form_docx(as_role, role, entry):
    client, headers, _ = as_role(role, "token")

    response = client.get(f"/api/entries/{entry.pk}/documents/form.docx", headers=headers)

    assert response.status_code == 200
    assert response["Content-Type"] == ("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert b"".join(response.streaming_content).startswith(b"PK")


# --- Limits before the body is read, pictures, repeated requests (issue 8) -------------------------

OVERSIZE = b"\x89PNG\r\n\x1a\n" + b"0" * (PHOTO_MAX_MB * MB + 128 * 1024)  # past the limit and the envelope


def session_client(user) -> tuple[Client, dict]:
    """A logged-in browser session with its CSRF cookie, and the header an API client sends with it."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies["csrftoken"] = "a" * 32
    return client, {"X-CSRFToken": "a" * 32}


def test_oversize_upload_with_a_token_is_refused_from_its_length_without_spooling(as_role, entry, media, spooled):
    client, headers, _ = as_role("declarer", "token")

    response = upload(client, entry, "photo", "big.png", OVERSIZE, headers)

    assert (response.status_code, response.json()) == (413, {"detail": f"文件过大：照片最大允许 {PHOTO_MAX_MB} MB。"})
    assert spooled == [] and not Attachment.objects.exists()


def test_oversize_upload_with_a_session_is_refused_from_its_length_without_spooling(declarer, entry, media, spooled):
    """The session's CSRF check reads the body before the operation runs: the limit is set before it."""
    client, headers = session_client(declarer)

    response = upload(client, entry, "photo", "big.png", OVERSIZE, headers)

    assert (response.status_code, response.json()) == (413, {"detail": f"文件过大：照片最大允许 {PHOTO_MAX_MB} MB。"})
    assert spooled == [] and not Attachment.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_oversize_upload_with_a_session_but_no_csrf_token_is_still_refused_unspooled(declarer, entry, spooled):
    client, _ = session_client(declarer)

    response = upload(client, entry, "photo", "big.png", OVERSIZE)

    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert spooled == [] and not Attachment.objects.exists()


@pytest.mark.parametrize("via", ["token", "session"])
def test_a_picture_bomb_and_fake_files_are_refused_through_the_api(as_role, declarer, entry, media, via):
    from ..upload_helpers import png_claiming

    client, headers = session_client(declarer) if via == "session" else as_role("declarer", "token")[:2]

    bomb = upload(client, entry, "photo", "炸弹.png", png_claiming(13000, 13000), headers)
    fake_pdf = upload(client, entry, "document", "说明.pdf", b"<html>not %PDF-</html>", headers)
    fake_jpeg = upload(client, entry, "photo", "现场.jpg", b"\xff\xd8\xff\xe0" + b"0" * 200, headers)

    assert bomb.status_code == 422 and file_errors(bomb)[0].startswith(
        "图片为 13000×13000 像素（16900 万像素），超出上限：最多 4000 万像素，长边最多 20000 像素。")
    assert (fake_pdf.status_code, file_errors(fake_pdf)) == (422, ["文件内容不是 PDF（虽然扩展名为 .pdf）。请重新导出为 PDF。"])
    assert (fake_jpeg.status_code, file_errors(fake_jpeg)) == (422, ["图片已损坏，无法打开。请重新保存后上传。"])
    assert not Attachment.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_an_upload_repeated_with_its_idempotency_key_is_stored_once(as_role, entry, media):
    client, headers, _ = as_role("declarer", "token")
    keyed = {**headers, "Idempotency-Key": "upload-1"}

    first = upload(client, entry, "photo", "现场.png", png_bytes(), keyed)
    again = upload(client, entry, "photo", "现场.png", png_bytes(), keyed)
    other = upload(client, entry, "photo", "现场.png", png_bytes(), {**headers, "Idempotency-Key": "upload-2"})

    assert first.status_code == again.status_code == other.status_code == 201
    assert again.json() == first.json() and other.json()["id"] != first.json()["id"]
    assert Attachment.objects.filter(entry=entry).count() == 2
    assert sorted(p.name for p in media.rglob("*") if p.is_file()) == sorted(
        n.rsplit("/", 1)[1] for a in Attachment.objects.all() for n in (a.file.name, a.details["thumbnail"]))


def test_an_idempotency_key_used_for_another_kind_is_refused(as_role, entry):
    client, headers, _ = as_role("declarer", "token")
    keyed = {**headers, "Idempotency-Key": "same"}

    upload(client, entry, "photo", "现场.png", png_bytes(), keyed)
    reused = upload(client, entry, "stamped_form", "盖章申报表.pdf", PDF, keyed)

    assert (reused.status_code, reused.json()) == (409, {
        "detail": "该请求已经发送过一次（同一表单或同一 Idempotency-Key），不能重复发送。请刷新页面，或使用新的键重新发送。",
        "field": None})
    assert list(Attachment.objects.values_list("kind", flat=True)) == ["photo"]


def test_a_draft_created_twice_with_the_same_idempotency_key_is_created_once(as_role, edition, declarer):
    from wuxiao.entries.models import Entry

    client, headers, _ = as_role("declarer", "token")
    keyed = {**headers, "Idempotency-Key": "draft-1"}

    first = client.post("/api/entries", {"title": "智能巡检机器人"}, content_type="application/json", headers=keyed)
    again = client.post("/api/entries", {"title": "智能巡检机器人"}, content_type="application/json", headers=keyed)
    unkeyed = client.post("/api/entries", {"title": "另一件"}, content_type="application/json", headers=headers)

    assert first.status_code == again.status_code == unkeyed.status_code == 201
    assert again.json()["id"] == first.json()["id"] != unkeyed.json()["id"]
    assert Entry.objects.count() == 2
    assert AuditLog.objects.filter(action="entry.create").count() == 2


def test_the_idempotency_key_header_is_documented():
    schema = Client().get("/api/openapi.json").json()

    for path in ("/api/entries", "/api/entries/{entry_id}/attachments"):
        parameters = schema["paths"][path]["post"]["parameters"]
        header = next(p for p in parameters if p["name"] == "Idempotency-Key")
        assert header["in"] == "header" and not header.get("required")
        assert "returns what the first one created" in header["description"]


@pytest.mark.parametrize("entry_id", ["¡V", "1e3", "99999999999999999999", "-1"])
def test_an_upload_to_a_path_that_is_not_an_entry_number_is_refused_cleanly(as_role, entry_id):
    client, headers, _ = as_role("declarer", "token")
    response = client.post(f"/api/entries/{entry_id}/attachments?kind=photo", {}, headers=headers)
    assert response.status_code in (404, 422)
