"""Certificates (issue 12 item 4): numbers, masking, issuing only a confirmed list, the PDF, the background job
with its ZIP, the settings with the seal, and who may download a certificate."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import factories
from tests.awards.helpers import award_world
from tests.documents.conftest import needs_poppler, pdf_pages, pdf_text, squeeze
from wuxiao.accounts.models import Role
from wuxiao.awards import certificates, services_certificates
from wuxiao.awards.models import AwardJob, Certificate, JobStatus, ListStatus
from wuxiao.awards.queries import award_settings
from wuxiao.common.exceptions import Refused
from wuxiao.common.models import AuditLog

pytestmark = pytest.mark.django_db

TIERS = [("特等奖", 1, 20000), ("一等奖", 2, 15000), ("优秀奖", 1, 500)]


@pytest.fixture(autouse=True)
def _media_and_tasks(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def png(width=40, height=40) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 0, 0, 128)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("name, masked", [("张三明", "张*明"), ("张三", "张*"), ("欧阳小明", "欧**明"), ("李", "李"),
                                          (" 王五 ", "王*"), ("", "")])
def test_names_are_masked(name, masked):
    assert certificates.mask_name(name) == masked


def test_number_format_and_normalisation():
    assert certificates.certificate_number("ZZWX", 2025, certificates.tier_code("特等奖", 0), 3) == "ZZWX-2025-TD-003"
    assert [certificates.tier_code(n, i) for i, n in enumerate(["一等奖", "二等奖", "三等奖", "优秀奖"])] == \
        ["YD", "ED", "SD", "T4"]
    assert certificates.normalize_number(" zzwx－2025—td－003 ") == "ZZWX-2025-TD-003"
    assert certificates.normalize_number("ＺＺＷＸ-２０２５-TD-003") == "ZZWX-2025-TD-003"
    assert certificates.is_well_formed("ZZWX-2025-TD-003")
    assert not any(map(certificates.is_well_formed, ["ZZWX-2025-TD", "ZZWX2025TD003", "<script>", "ZZWX-25-TD-003"]))


def test_issue_is_refused_before_the_list_is_confirmed(client):
    world = award_world(finalists=4, tiers=TIERS, status=ListStatus.ANNOUNCED)
    with pytest.raises(Refused) as refused:
        services_certificates.issue(actor=world.office, edition=world.edition)
    assert str(refused.value.message) == "获奖名单确定后才能发放证书。"
    assert not Certificate.objects.exists()
    client.force_login(world.office)
    response = client.post(reverse("awards:certificates_generate", args=[world.edition.slug]), follow=True)
    assert "获奖名单确定后才能发放证书。" in response.content.decode() and not AwardJob.objects.exists()


def test_numbers_follow_the_tiers_and_stay_once_given():
    world = award_world(finalists=5, tiers=TIERS, status=ListStatus.CONFIRMED)
    made = services_certificates.issue(actor=world.office, edition=world.edition)
    year = world.edition.year
    assert [c.number for c in made] == [f"ZZWX-{year}-TD-001", f"ZZWX-{year}-YD-001", f"ZZWX-{year}-YD-002",
                                        f"ZZWX-{year}-T3-001"]
    assert [c.row.entry for c in made] == world.finalists[:4]  # the fifth finalist has no prize
    assert len({c.token for c in made}) == 4 and all(len(c.token) >= 24 for c in made)
    log = AuditLog.objects.get(action="awards.certificates_issue")
    assert log.actor == world.office and log.data["certificates"] == 4

    # Another prefix later: the numbers given stay; a row given a tier later gets the next free number.
    s = award_settings(world.edition)
    s.certificate_prefix = "XX"
    s.save()
    world.rows[4].tier = world.tiers[1]
    world.rows[4].save()
    again = services_certificates.issue(actor=world.office, edition=world.edition)
    assert [c.number for c in again] == [f"XX-{year}-YD-003"]
    assert set(Certificate.objects.values_list("number", flat=True)) == {c.number for c in made + again}
    assert services_certificates.issue(actor=world.office, edition=world.edition) == []


@needs_poppler
def test_the_job_renders_the_valid_certificates_into_a_zip(client, tmp_path):
    world = award_world(finalists=3, tiers=[("一等奖", 2, 15000), ("二等奖", 1, 10000)], status=ListStatus.CONFIRMED)
    world.finalists[0].completers.update(name="欧阳小明")
    revoked = world.rows[2]
    revoked.revoked_at, revoked.revoked_on, revoked.revoke_reason = dt.datetime(2025, 9, 1, tzinfo=dt.UTC), \
        dt.date(2025, 9, 1), "抄袭"
    revoked.save()
    award_settings(world.edition).seal.save("seal.png", io.BytesIO(png()), save=True)
    client.force_login(world.office)

    response = client.post(reverse("awards:certificates_generate", args=[world.edition.slug]))
    job = AwardJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("awards:job", args=[job.pk])
    assert job.status == JobStatus.DONE and (job.done, job.total) == (2, 2) and job.kind == "certificates"
    assert Certificate.objects.count() == 3  # the revoked award keeps its certificate, but it is not printed
    with job.result.open("rb") as f, zipfile.ZipFile(io.BytesIO(f.read())) as archive:
        names = sorted(archive.namelist())
        first = archive.read(names[0])
    year = world.edition.year
    assert names == [f"ZZWX-{year}-YD-001-数控快换工装1.pdf", f"ZZWX-{year}-YD-002-数控快换工装2.pdf"]
    assert first.startswith(b"%PDF") and pdf_pages(tmp_path, first) == 1
    text = squeeze(pdf_text(tmp_path, first))
    for expected in [f"ZZWX-{year}-YD-001", "数控快换工装1", "欧阳小明", "一等奖", "郑州市总工会",
                     "郑州市人力资源和社会保障局", world.finalists[0].declaring_unit.name, "荣誉证书"]:
        assert expected in text, expected
    cert = Certificate.objects.get(number=f"ZZWX-{year}-YD-001")
    assert cert.file and cert.generated_at is not None

    page = client.get(reverse("awards:job", args=[job.pk])).content.decode()
    assert '<progress value="2" max="2">' in page and "hx-trigger" not in page
    download = client.get(reverse("awards:job_download", args=[job.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    # Running it again leaves the finished job alone.
    assert services_certificates.run_certificates(job_id=job.pk).result.name == job.result.name


def test_progress_block_polls_while_the_job_runs(client):
    world = award_world(finalists=1, tiers=TIERS, status=ListStatus.CONFIRMED)
    job = AwardJob.objects.create(edition=world.edition, kind="bundle", total=10, done=4, status=JobStatus.RUNNING)
    client.force_login(world.office)
    block = client.get(reverse("awards:job_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in block and '<progress value="4" max="10">' in block and "40%" in block


def test_settings_with_a_seal_and_a_bad_upload(client):
    world = award_world(finalists=2, tiers=TIERS, status=ListStatus.CONFIRMED)
    services_certificates.issue(actor=world.office, edition=world.edition)
    client.force_login(world.office)
    url = reverse("awards:certificates", args=[world.edition.slug])

    bad = client.post(url, {"prefix": "zz-wx", "issuers": "", "date": "2025-13-40",
                            "seal": SimpleUploadedFile("seal.png", b"not a picture at all", "image/png")})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "前缀只能由 1 至 12 个大写字母和数字组成" in page and "请按“年-月-日”填写日期" in page

    bomb = client.post(url, {"prefix": "ZZWX", "seal": SimpleUploadedFile("seal.png", png(9000, 9000), "image/png")})
    assert bomb.status_code == 400 and not award_settings(world.edition).seal

    ok = client.post(url, {"prefix": "jxs", "issuers": "郑州市总工会  郑州市科学技术局", "date": "2025-10-08",
                           "seal": SimpleUploadedFile("公章.png", png(), "image/png")})
    assert ok.status_code == 302
    s = award_settings(world.edition).__class__.objects.get(edition=world.edition)
    assert (s.certificate_prefix, s.certificate_issuers, s.certificate_date) == \
        ("JXS", "郑州市总工会 郑州市科学技术局", dt.date(2025, 10, 8))
    assert s.seal.name.endswith(".png")
    assert set(Certificate.objects.values_list("issued_on", flat=True)) == {dt.date(2025, 10, 8)}
    log = AuditLog.objects.get(action="awards.certificate_settings")
    assert log.data["certificate_prefix"] == ["ZZWX", "JXS"] and log.data["seal"]["replaced"] is False
    table = client.get(url).content.decode()
    assert f"ZZWX-{world.edition.year}-TD-001" in table and "郑州市科学技术局" in table


@pytest.mark.parametrize("who, allowed", [("office", True), ("declarer", True), ("other_declarer", False),
                                          ("recommender", False), ("expert", False), ("anonymous", False)])
def test_who_may_download_a_certificate(client, who, allowed, monkeypatch):
    world = award_world(finalists=1, tiers=TIERS, status=ListStatus.CONFIRMED)
    [cert] = services_certificates.issue(actor=world.office, edition=world.edition)
    entry = world.finalists[0]
    users = {"office": world.office, "declarer": factories.user_with_role(Role.DECLARER, entry.declaring_unit),
             "other_declarer": factories.user_with_role(Role.DECLARER, factories.DeclaringUnitFactory()),
             "recommender": factories.user_with_role(Role.RECOMMENDER, entry.recommending_unit),
             "expert": factories.user_with_role(Role.EXPERT), "anonymous": None}
    monkeypatch.setattr(certificates.CertificatePdf, "render", lambda self: b"%PDF-1.7 " + self.data["number"].encode())
    if users[who]:
        client.force_login(users[who])
    response = client.get(reverse("awards:certificate_pdf", args=[cert.number]))
    if allowed:
        assert response.status_code == 200 and b"".join(response.streaming_content) == \
            b"%PDF-1.7 " + cert.number.encode()
        assert response["Content-Disposition"].startswith("attachment")
    elif who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403
    if who == "office":
        assert client.get(reverse("awards:certificate_pdf", args=["ZZWX-2025-TD-999"])).status_code == 404


@pytest.mark.parametrize("role", [Role.DECLARER, Role.RECOMMENDER, Role.EXPERT])
def test_only_the_office_may_manage_certificates(client, role):
    world = award_world(finalists=1, tiers=TIERS, status=ListStatus.CONFIRMED)
    job = AwardJob.objects.create(edition=world.edition, kind="certificates")
    client.force_login(factories.user_with_role(role))
    slug = world.edition.slug
    assert client.get(reverse("awards:certificates", args=[slug])).status_code == 403
    assert client.post(reverse("awards:certificates_generate", args=[slug])).status_code == 403
    assert client.get(reverse("awards:job", args=[job.pk])).status_code == 403
    assert not Certificate.objects.exists()
    client.logout()
    assert client.get(reverse("awards:certificates", args=[slug])).status_code == 302
