"""The public verification of a certificate (issue 12 item 4): by the QR code's token and by number, valid,
revoked (date and reason), forged or malformed; rate-limited per address; and the certificates API."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.awards.helpers import award_world
from wuxiao.accounts.models import Role
from wuxiao.awards import services_certificates
from wuxiao.awards.models import AwardJob, ListStatus

pytestmark = pytest.mark.django_db

FORGED = "查无此证书：未发放过该证书，可能系伪造。"


@pytest.fixture(autouse=True)
def _media_and_tasks(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def issued():
    world = award_world(finalists=2, tiers=[("特等奖", 1, 20000), ("一等奖", 1, 15000)], status=ListStatus.CONFIRMED)
    world.finalists[1].completers.update(name="欧阳小明")
    valid, revoked = services_certificates.issue(actor=world.office, edition=world.edition)
    row = world.rows[1]
    row.revoked_at, row.revoked_on, row.revoke_reason = timezone.now(), dt.date(2025, 11, 3), "经查实存在抄袭行为"
    row.save()
    return world, valid, revoked


def test_valid_certificate_by_token(client, issued):
    world, valid, _revoked = issued
    page = client.get(reverse("awards:verify", args=[valid.token]))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-status="valid"' in html and "此证书真实有效。" in html
    for shown in [valid.number, "数控快换工装1", "特等奖", "张*明", "郑州市总工会 郑州市人力资源和社会保障局",
                  world.finalists[0].declaring_unit.name, valid.issued_on.strftime("%Y-%m-%d")]:
        assert shown in html, shown
    assert "张三明" not in html  # never a completer's full name


def test_revoked_certificate_says_when_and_why(client, issued):
    _world, _valid, revoked = issued
    html = client.get(reverse("awards:verify", args=[revoked.token])).content.decode()
    assert 'data-status="revoked"' in html and "该奖项已被撤销，此证书已失效。" in html
    assert "已于 2025-11-03 决定撤销。" in html and "经查实存在抄袭行为" in html and "欧**明" in html
    assert "欧阳小明" not in html


def test_forged_token_and_numbers(client, issued):
    _world, valid, revoked = issued
    forged = client.get(reverse("awards:verify", args=["x" * 24]))
    assert forged.status_code == 404 and FORGED in forged.content.decode()

    url = reverse("awards:verify_lookup")
    assert client.get(url).status_code == 200
    by_number = client.get(url, {"number": valid.number.lower().replace("-", "－")})
    assert by_number.status_code == 200 and "此证书真实有效。" in by_number.content.decode()
    assert "该奖项已被撤销" in client.get(url, {"number": revoked.number}).content.decode()
    unknown = client.get(url, {"number": valid.number[:-3] + "999"})
    assert unknown.status_code == 404 and FORGED in unknown.content.decode()
    for malformed in ["ZZWX2025", "<script>alert(1)</script>", "ZZWX-2025-TD-0O3", "Z" * 80, ""]:
        response = client.get(url, {"number": malformed})
        assert response.status_code == 400, malformed
        html = response.content.decode()
        assert ("这不是有效的证书编号" in html or "请输入证书编号。" in html) and FORGED not in html


def test_verification_is_rate_limited_per_address(client, issued, monkeypatch):
    _world, valid, _revoked = issued
    monkeypatch.setattr(services_certificates, "VERIFY_LIMIT", 3)
    url = reverse("awards:verify", args=[valid.token])
    assert [client.get(url).status_code for _i in range(3)] == [200, 200, 200]
    refused = client.get(url)
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert "您所在网络的证书查询过于频繁" in refused.content.decode()
    assert client.get(reverse("awards:verify_lookup"), {"number": valid.number}).status_code == 429
    api = client.get(f"/api/awards/verify/{valid.token}")
    assert api.status_code == 429 and "证书查询过于频繁" in api.json()["detail"]
    assert client.get(url, REMOTE_ADDR="10.1.2.3").status_code == 200  # another address counts on its own


def test_public_api_verifies_by_token_and_number(client, issued):
    _world, valid, revoked = issued
    ok = client.get(f"/api/awards/verify/{valid.token}").json()
    assert ok["valid"] is True and ok["number"] == valid.number and ok["completers"] == ["张*明"]
    gone = client.get("/api/awards/verify", {"number": revoked.number}).json()
    assert gone["valid"] is False and gone["revoked_on"] == "2025-11-03"
    assert gone["revoke_reason"] == "经查实存在抄袭行为"
    forged = client.get("/api/awards/verify", {"number": "ZZWX-2025-TD-999"})
    assert forged.status_code == 404 and forged.json()["detail"] == FORGED
    malformed = client.get("/api/awards/verify", {"number": "nonsense"})
    assert malformed.status_code == 400 and "这不是有效的证书编号" in malformed.json()["detail"]


def test_office_api_lists_issues_and_follows_the_job(client, monkeypatch):
    world = award_world(finalists=3, tiers=[("一等奖", 2, 15000)], status=ListStatus.ANNOUNCED)
    monkeypatch.setattr("wuxiao.awards.certificates.CertificatePdf.render", lambda self: b"%PDF-1.7 stub")
    client.force_login(world.office)
    slug = world.edition.slug
    refused = client.post(f"/api/awards/{slug}/certificates/issue")
    assert refused.status_code == 409 and refused.json()["detail"] == "获奖名单确定后才能发放证书。"
    world.award_list.status, world.award_list.confirmed_at = ListStatus.CONFIRMED, timezone.now()
    world.award_list.save()

    issued = client.post(f"/api/awards/{slug}/certificates/issue")
    assert issued.status_code == 202
    job = issued.json()
    assert (job["kind"], job["status"], job["done"], job["total"]) == ("certificates", "done", 2, 2)
    assert client.get(f"/api/awards/jobs/{job['id']}").json()["download_url"] == \
        reverse("awards:job_download", args=[job["id"]])
    listing = client.get(f"/api/awards/{slug}/certificates").json()
    assert listing["confirmed"] is True and [r["number"][-6:] for r in listing["rows"]] == ["YD-001", "YD-002"]
    assert all(r["generated"] and r["verify_url"].startswith("http") for r in listing["rows"])


@pytest.mark.parametrize("role", [Role.DECLARER, Role.RECOMMENDER, Role.EXPERT, None])
def test_office_api_is_refused_to_others(client, role):
    world = award_world(finalists=1, tiers=[("一等奖", 1, 15000)], status=ListStatus.CONFIRMED)
    job = AwardJob.objects.create(edition=world.edition, kind="certificates")
    if role:
        client.force_login(factories.user_with_role(role))
    expected = 403 if role else 401
    slug = world.edition.slug
    assert client.get(f"/api/awards/{slug}/certificates").status_code == expected
    assert client.post(f"/api/awards/{slug}/certificates/issue").status_code == expected
    assert client.get(f"/api/awards/jobs/{job.pk}").status_code == expected
    assert AwardJob.objects.count() == 1
