"""Uploading attachments in Debian's chromium: the progress bar, the panel updated in place, errors beside the field."""

import pytest
from django.test import Client

from wuxiao.accounts.models import Role

from .. import factories
from .test_attachments_checks import PDF, STANDARD, pptx_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RECORD_PROGRESS = """() => {
  window.notReloaded = true;
  window.progressValues = [];
  new MutationObserver(records => records.forEach(r => {
    if (r.target.tagName === "PROGRESS") window.progressValues.push([Number(r.target.value), Number(r.target.max)]);
  })).observe(document.body, {attributes: true, subtree: true, attributeFilter: ["value", "max"]});
}"""


@pytest.fixture
def logged_in_page(page, live_server, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    unit = factories.DeclaringUnitFactory()
    declarer = factories.user_with_role(Role.DECLARER, unit)
    # No industry: the reference table is emptied by the flush after a transactional test.
    entry = factories.EntryFactory(declaring_unit=unit, industry_id=None)
    client = Client()
    client.force_login(declarer)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    page.goto(f"{live_server.url}/entries/{entry.pk}/attachments/")
    return page, entry


def test_upload_with_progress_then_a_refusal_beside_the_field(logged_in_page):
    page, entry = logged_in_page
    page.evaluate(RECORD_PROGRESS)
    big_pdf = PDF + b"%" + b"0" * (3 * 1024 * 1024)
    page.set_input_files("input[name=document-file]", files=[
        {"name": "技术说明.pdf", "mimeType": "application/pdf", "buffer": big_pdf}])
    page.click("#attachments-%d-document button.upload-button" % entry.pk)
    page.locator("#attachments-%d-document .attachment-notice" % entry.pk).wait_for()
    section = page.inner_text("#attachments-%d-document" % entry.pk)
    assert "已上传“技术说明.pdf”（3.0 MB）" in section
    assert page.evaluate("window.notReloaded") is True  # the panel was replaced in place
    values = page.evaluate("window.progressValues")
    assert values and values[-1][0] == values[-1][1] > len(big_pdf)  # the bar reached the request's full size
    assert entry.attachments.get().original_name == "技术说明.pdf"

    page.set_input_files("input[name=ppt-file]", files=[
        {"name": "路演.pptx", "mimeType": "application/octet-stream", "buffer": pptx_bytes(STANDARD)}])
    page.click("#attachments-%d-ppt button.upload-button" % entry.pk)
    error = page.locator("#field-ppt-file .errorlist")
    error.wait_for()
    assert "路演材料要求（通知附件2备注说明第3条）：幻灯片比例为 4:3，不是 16:9" in error.inner_text()
    assert page.evaluate("window.notReloaded") is True
    assert "技术说明.pdf" in page.inner_text("#attachments-%d-document" % entry.pk)
    assert list(entry.attachments.values_list("kind", flat=True)) == ["document"]
    # The console notes the refused upload's 400; nothing else (no CSP violation, no script error).
    assert [e for e in page.csp_errors if "status of 400" not in e] == []


def test_too_big_file_is_stopped_in_the_browser(logged_in_page):
    page, entry = logged_in_page
    page.set_input_files("input[name=photo-file]", files=[
        {"name": "大照片.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024)}])
    page.click("#attachments-%d-photo button.upload-button" % entry.pk)
    status = page.locator("#attachments-%d-photo .upload-status" % entry.pk)
    assert status.inner_text() == "文件过大：照片最大允许 10 MB。"
    assert not entry.attachments.exists()


def test_the_video_plays_and_seeks_in_the_page(logged_in_page, tmp_path):
    """Debian's chromium loads the MP4's metadata through the permission-checked view and seeks in it
    with a byte range (206), as a phone would (issue 9, item 7)."""
    from wuxiao.entries.models import AttachmentKind
    from wuxiao.entries.services_attachments import add_attachment

    from .test_attachments_checks import video_file

    page, entry = logged_in_page
    data = video_file(tmp_path / "v.mp4", frames=50)  # 2 s
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wuxiao.orgs.models import Membership

    declarer = Membership.objects.get(organisation=entry.declaring_unit, role=Role.DECLARER).user
    add_attachment(actor=declarer, entry=entry, kind=AttachmentKind.VIDEO,
                   uploaded_file=SimpleUploadedFile("路演视频.mp4", data))
    statuses = []
    page.on("response", lambda r: "/attachments/" in r.url and "inline=1" in r.url and statuses.append(r.status))
    page.goto(page.url.replace("/attachments/", "/"))
    video = page.locator("video.attachment-video")
    video.wait_for()
    page.wait_for_function("() => document.querySelector('video.attachment-video').readyState >= 1", timeout=15000)
    assert page.evaluate("[document.querySelector('video.attachment-video').videoWidth, "
                         "document.querySelector('video.attachment-video').videoHeight]") == [1920, 1080]
    assert 1.5 < page.evaluate("document.querySelector('video.attachment-video').duration") < 2.5
    page.evaluate("document.querySelector('video.attachment-video').currentTime = 1.5")
    page.wait_for_function("() => !document.querySelector('video.attachment-video').seeking", timeout=15000)
    assert 206 in statuses
