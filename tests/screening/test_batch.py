"""The batch: stamped summary sheet, hand-over to the committee (提交组委会), lock, reopening (R26)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from wuxiao.common.exceptions import Refused
from wuxiao.common.models import AuditLog
from wuxiao.entries.services import transition_entry
from wuxiao.screening import services
from wuxiao.screening.models import Batch

from .screen_fixtures import ROLES, _media, actor_of, entry_of, other_recommender, pdf_upload  # noqa: F401

pytestmark = pytest.mark.django_db

STALE = "已被他人修改，请刷新后重试"
LOCKED = "推荐单位的推荐批次已提交组委会，须经组委会退回重开后，才能退回、推荐或撤回推荐作品。"


def _url(name, edition, unit):
    return reverse(f"screening:{name}", args=[edition.slug, unit.pk])


@pytest.fixture
def handed_over(edition, recommending_unit, recommender, entry_of):
    """A unit with one recommended entry, its stamped sheet uploaded and the batch handed over."""
    entry_of("recommended", recommendation_rank=1)
    services.upload_summary_sheet(actor=recommender, edition=edition, unit=recommending_unit, upload=pdf_upload(),
                                  version=0)
    return services.submit_batch(actor=recommender, edition=edition, unit=recommending_unit, version=1)


def test_upload_and_submit_through_the_page(client, recommender, edition, recommending_unit, entry_of):
    entry_of("recommended", recommendation_rank=1)
    client.force_login(recommender)
    response = client.post(_url("sheet", edition, recommending_unit), {"version": "0", "scan": pdf_upload()})
    assert response.status_code == 302
    batch = Batch.objects.get(edition=edition, unit=recommending_unit)
    assert batch.stamped_sheet_name == "汇总表.pdf" and batch.version == 1 and not batch.is_locked
    assert AuditLog.objects.get(action="screening.sheet_upload").actor == recommender

    response = client.post(_url("submit", edition, recommending_unit), {"version": "1"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.is_locked and batch.submitted_by == recommender and batch.version == 2
    log = AuditLog.objects.get(action="screening.batch_submit")
    assert log.actor == recommender and log.data["entries"] == list(
        services.recommended_entries(edition, recommending_unit).values_list("pk", flat=True))
    html = client.get(_url("unit", edition, recommending_unit)).content.decode()
    assert "已于" in html and "提交组委会。" in html
    assert _url("submit", edition, recommending_unit) not in html  # no more hand-over form
    download = client.get(_url("sheet_download", edition, recommending_unit))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")


def test_submit_needs_a_recommended_entry(client, recommender, edition, recommending_unit):
    client.force_login(recommender)
    response = client.post(_url("submit", edition, recommending_unit), {"version": "0"})
    assert response.status_code == 409
    assert "请至少推荐一项作品后再提交组委会。" in response.content.decode()
    assert not Batch.objects.filter(edition=edition, unit=recommending_unit, submitted_at__isnull=False).exists()


def test_submit_needs_the_stamped_sheet(client, recommender, edition, recommending_unit, entry_of):
    entry_of("recommended", recommendation_rank=1)
    client.force_login(recommender)
    response = client.post(_url("submit", edition, recommending_unit), {"version": "0"})
    assert "请先上传盖章的申报汇总表（通知附件3），再提交组委会。" in response.content.decode()
    assert not AuditLog.objects.filter(action="screening.batch_submit").exists()


@pytest.mark.parametrize("name,content,message", [
    ("sheet.txt", b"just text", "盖章扫描件只能上传 PDF、JPEG 或 PNG 格式的文件。"),
    ("sheet.pdf", b"", "所提交的是空文件。"),
])
def test_a_scan_that_is_not_a_pdf_or_image_is_refused(client, recommender, edition, recommending_unit, name, content,
                                                      message):
    client.force_login(recommender)
    response = client.post(_url("sheet", edition, recommending_unit),
                           {"version": "0", "scan": SimpleUploadedFile(name, content)})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="field-scan"' in html and "errorlist" in html
    assert message in html
    assert not Batch.objects.filter(edition=edition, unit=recommending_unit).exclude(stamped_sheet="").exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_units_staff_upload_and_submit(client, actor_of, edition, recommending_unit, entry_of, role):
    entry_of("recommended", recommendation_rank=1)
    user = actor_of(role)
    if user.is_authenticated:
        client.force_login(user)
    upload = client.post(_url("sheet", edition, recommending_unit), {"version": "0", "scan": pdf_upload()})
    submit = client.post(_url("submit", edition, recommending_unit), {"version": "1"})
    batch = Batch.objects.filter(edition=edition, unit=recommending_unit).first()
    if role == "recommender":
        assert upload.status_code == 302 and submit.status_code == 302 and batch.is_locked
    else:
        expected = 302 if role == "anonymous" else 403
        assert upload.status_code == expected and submit.status_code == expected
        assert batch is None


@pytest.mark.parametrize("action,status,data", [
    ("return", "submitted", {"reason": "请补充"}),
    ("recommend", "submitted", {"opinion": "同意推荐"}),
    ("not_recommend", "submitted", {"reason": "不推荐"}),
    ("unrecommend", "recommended", {"reason": "撤回"}),
])
def test_a_locked_batch_refuses_every_screening_action(handed_over, recommender, entry_of, action, status, data):
    entry = entry_of(status, recommendation_rank=2 if status == "recommended" else None)
    with pytest.raises(Refused) as refused:
        services.screen_entry(actor=recommender, entry=entry, action=action, reason=data.get("reason", ""),
                              data={k: v for k, v in data.items() if k != "reason"})
    assert str(refused.value) == LOCKED
    entry.refresh_from_db()
    assert entry.status == status


def test_a_locked_batch_refuses_through_the_page(client, handed_over, recommender, entry_of):
    entry = entry_of("submitted")
    client.force_login(recommender)
    response = client.post(reverse("screening:entry_action", args=[entry.pk, "recommend"]), {"opinion": "同意推荐"})
    assert response.status_code == 409 and LOCKED in response.content.decode()
    assert "同意推荐" in response.content.decode()


def test_a_correction_request_passes_the_lock(handed_over, committee, recommender, edition, recommending_unit):
    entry = services.recommended_entries(edition, recommending_unit).get()
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    transition_entry(entry=entry, action="request_correction", actor=committee, reason="补充证明",
                     data={"due_date": due})
    services.screen_entry(actor=recommender, entry=entry, action="recommend", data={"opinion": "补正后同意推荐"})
    assert entry.status == "recommended"


@pytest.mark.parametrize("role", ROLES)
def test_only_the_committee_reopens(client, actor_of, handed_over, edition, recommending_unit, role):
    user = actor_of(role)
    if user.is_authenticated:
        client.force_login(user)
    response = client.post(_url("reopen", edition, recommending_unit), {"version": "2", "reason": "汇总表盖章不清晰"})
    batch = Batch.objects.get(pk=handed_over.pk)
    if role in ("committee", "site_admin"):
        assert response.status_code == 302
        assert not batch.is_locked and batch.reopened_by == user and batch.reopen_reason == "汇总表盖章不清晰"
        log = AuditLog.objects.get(action="screening.batch_reopen")
        assert log.actor == user and log.reason == "汇总表盖章不清晰"
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)
        assert batch.is_locked


def test_reopen_needs_a_reason(client, committee, handed_over, edition, recommending_unit):
    client.force_login(committee)
    response = client.post(_url("reopen", edition, recommending_unit), {"version": "2", "reason": " "})
    assert "请填写退回重开的理由。" in response.content.decode()
    assert Batch.objects.get(pk=handed_over.pk).is_locked


def test_reopened_batch_can_be_changed_and_handed_over_again(committee, recommender, handed_over, edition,
                                                             recommending_unit, entry_of):
    services.reopen_batch(actor=committee, edition=edition, unit=recommending_unit, reason="补充推荐", version=2)
    entry = entry_of("submitted")
    services.screen_entry(actor=recommender, entry=entry, action="recommend", data={"opinion": "同意推荐"})
    assert entry.status == "recommended" and entry.recommendation_rank == 2
    batch = services.submit_batch(actor=recommender, edition=edition, unit=recommending_unit, version=4)
    assert batch.is_locked and batch.reopened_by == committee


def test_stale_version_is_refused_and_nothing_is_lost(client, committee, site_admin, handed_over, edition,
                                                      recommending_unit):
    """Two committee staff reopen the same batch from pages loaded at the same version."""
    client.force_login(site_admin)
    assert client.post(_url("reopen", edition, recommending_unit), {"version": "2", "reason": "第一人理由"}).status_code == 302
    client.force_login(committee)
    # the batch is open now; the second person's page was loaded while it was locked
    response = client.post(_url("reopen", edition, recommending_unit), {"version": "2", "reason": "第二人理由"})
    html = response.content.decode()
    assert response.status_code == 409 and STALE in html and "第二人理由" in html  # what was typed is kept
    batch = Batch.objects.get(pk=handed_over.pk)
    assert batch.reopen_reason == "第一人理由" and batch.reopened_by == site_admin
    assert AuditLog.objects.filter(action="screening.batch_reopen").count() == 1


def test_stale_version_on_submit(client, recommender, edition, recommending_unit, entry_of):
    entry_of("recommended", recommendation_rank=1)
    services.upload_summary_sheet(actor=recommender, edition=edition, unit=recommending_unit, upload=pdf_upload(),
                                  version=0)
    client.force_login(recommender)
    response = client.post(_url("submit", edition, recommending_unit), {"version": "0"})
    assert response.status_code == 409 and STALE in response.content.decode()
    assert not Batch.objects.get(edition=edition, unit=recommending_unit).is_locked


def test_a_recommendation_makes_an_open_page_stale(recommender, edition, recommending_unit, entry_of):
    entry_of("recommended", recommendation_rank=1)
    services.upload_summary_sheet(actor=recommender, edition=edition, unit=recommending_unit, upload=pdf_upload(),
                                  version=0)
    services.screen_entry(actor=recommender, entry=entry_of("submitted"), action="recommend",
                          data={"opinion": "同意"})
    with pytest.raises(services.StaleVersion):
        services.submit_batch(actor=recommender, edition=edition, unit=recommending_unit, version=1)


def test_missing_version_is_reported_as_stale(client, recommender, edition, recommending_unit):
    client.force_login(recommender)
    response = client.post(_url("submit", edition, recommending_unit), {})
    assert STALE in response.content.decode()


def test_reorder_ranks(client, recommender, edition, recommending_unit, entry_of):
    a = entry_of("recommended", recommendation_rank=1)
    b = entry_of("recommended", recommendation_rank=2)
    client.force_login(recommender)
    url = _url("ranks", edition, recommending_unit)
    response = client.post(url, {"version": "0", f"rank_{a.pk}": "2", f"rank_{b.pk}": "1"})
    assert response.status_code == 302
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.recommendation_rank, b.recommendation_rank) == (2, 1)
    assert AuditLog.objects.get(action="screening.reorder_ranks").data == {str(a.pk): [1, 2], str(b.pk): [2, 1]}
    response = client.post(url, {"version": "1", f"rank_{a.pk}": "1", f"rank_{b.pk}": "1"})
    assert "每个推荐排序只能使用一次。" in response.content.decode()
    response = client.post(url, {"version": "1", f"rank_{a.pk}": "21", f"rank_{b.pk}": "1"})
    assert "推荐排序须为 1 至 20 之间的整数。" in response.content.decode()
    a.refresh_from_db()
    assert a.recommendation_rank == 2


def test_reorder_refused_when_locked_or_by_another_unit(client, other_recommender, recommender, handed_over, edition,
                                                        recommending_unit):
    entry = services.recommended_entries(edition, recommending_unit).get()
    client.force_login(other_recommender)
    url = _url("ranks", edition, recommending_unit)
    assert client.post(url, {"version": "2", f"rank_{entry.pk}": "3"}).status_code == 403
    client.force_login(recommender)
    response = client.post(url, {"version": "2", f"rank_{entry.pk}": "3"})
    assert response.status_code == 409 and "本批次已提交组委会，除非组委会退回重开" in response.content.decode()
    entry.refresh_from_db()
    assert entry.recommendation_rank == 1


def test_an_oversize_sheet_is_refused_from_its_length_beside_the_field(recommender, edition, recommending_unit,
                                                                      monkeypatch, spooled):
    """Without JavaScript: the CSRF token and the batch version still arrive; the file is never stored."""
    from django.test import Client

    monkeypatch.setattr("wuxiao.documents.forms.SCAN_MAX_MB", 1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(recommender)
    client.cookies["csrftoken"] = "a" * 32

    response = client.post(_url("sheet", edition, recommending_unit), {
        "csrfmiddlewaretoken": "a" * 32, "version": "0",
        "scan": SimpleUploadedFile("汇总表.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024))})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_scan_error"><li>文件超过 1 MB，请降低扫描分辨率后重新上传。</li>' in html
    assert spooled == []
    assert not Batch.objects.filter(edition=edition, unit=recommending_unit).exclude(stamped_sheet="").exists()


def test_a_fake_picture_sheet_is_refused(client, recommender, edition, recommending_unit):
    client.force_login(recommender)

    response = client.post(_url("sheet", edition, recommending_unit), {
        "version": "0", "scan": SimpleUploadedFile("汇总表.png", b"\x89PNG\r\n\x1a\n" + b"0" * 200)})

    assert "图片已损坏，无法打开。请重新保存后上传。" in response.content.decode()
    assert not Batch.objects.filter(edition=edition, unit=recommending_unit).exclude(stamped_sheet="").exists()
