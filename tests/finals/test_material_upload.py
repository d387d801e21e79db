"""Roadshow material (R24): the finalist's unit uploads before the deadline with the declaration's checks, a new
upload replaces the old, the office's ZIP is in running order with clean names, the presenter page needs its
token; the same through the API."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests import factories
from tests.entries.test_attachments_checks import STANDARD, pptx_bytes
from wuxiao.accounts.models import Role
from wuxiao.common import api_auth
from wuxiao.common.exceptions import InvalidInput, Refused
from wuxiao.common.models import AuditLog
from wuxiao.finals import queries_material as q
from wuxiao.finals import services_material as services
from wuxiao.finals import services_schedule as schedule
from wuxiao.finals.models import RoadshowMaterial
from wuxiao.finals.queries import final_settings

from .helpers import final_world

pytestmark = pytest.mark.django_db
NOT_FINALIST = "只有决赛作品的申报单位本身可以上传其路演材料。"
R24_RATIO = "路演材料要求（通知附件2备注说明第3条）：幻灯片比例为 4:3，不是 16:9。请在“设计 → 幻灯片大小”中选择“宽屏（16:9）”后重新上传。"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}
    return tmp_path


@pytest.fixture
def world(committee):
    w = final_world(finalists=3, judges=2)
    w.units = [factories.user_with_role(Role.DECLARER, e.declaring_unit) for e in w.finalists]
    return w


def ppt(name="路演.pptx", size=None):
    from tests.entries.test_attachments_checks import WIDE

    return SimpleUploadedFile(name, pptx_bytes(size or WIDE), content_type="application/octet-stream")


def test_upload_replaces_the_old_which_stays(world):
    entry, user = world.finalists[0], world.units[0]
    first = services.upload_material(actor=user, entry=entry, kind="ppt", uploaded_file=ppt("第一版.pptx"))
    second = services.upload_material(actor=user, entry=entry, kind="ppt", uploaded_file=ppt("第二版.pptx"))
    first.refresh_from_db()
    assert first.replaced_at is not None and second.replaced_at is None
    assert q.current_material(entry) == {"ppt": second}
    assert second.details["slides"] == 2
    logs = AuditLog.objects.filter(action="finals.upload_material").order_by("id")
    assert [log.data["name"] for log in logs] == ["第一版.pptx", "第二版.pptx"]
    assert logs[1].data["replaced"] == [first.pk]


def test_refused_after_the_deadline(world):
    settings = final_settings(world.edition)
    settings.material_deadline = timezone.now() - dt.timedelta(minutes=1)
    settings.save()
    with pytest.raises(Refused) as refused:
        services.upload_material(actor=world.units[0], entry=world.finalists[0], kind="ppt", uploaded_file=ppt())
    deadline = timezone.localtime(settings.material_deadline).strftime("%Y-%m-%d %H:%M")
    assert str(refused.value.message) == f"路演材料的提交截止时间为 {deadline}（北京时间），现已不能再上传。"
    assert not RoadshowMaterial.objects.exists()


def test_refused_for_another_unit_and_a_non_finalist(world):
    with pytest.raises(Refused) as refused:
        services.upload_material(actor=world.units[1], entry=world.finalists[0], kind="ppt", uploaded_file=ppt())
    assert str(refused.value.message) == NOT_FINALIST
    plain = factories.EntryFactory(edition=world.edition, declaring_unit=world.finalists[0].declaring_unit)
    with pytest.raises(Refused):
        services.upload_material(actor=world.units[0], entry=plain, kind="ppt", uploaded_file=ppt())
    assert not RoadshowMaterial.objects.exists()


def test_r24_failure_gives_the_declarations_message(world, media):
    with pytest.raises(InvalidInput) as invalid:
        services.upload_material(actor=world.units[0], entry=world.finalists[0], kind="ppt",
                                 uploaded_file=ppt(size=STANDARD))
    assert invalid.value.errors == {"file": [R24_RATIO]}
    assert not RoadshowMaterial.objects.exists()
    assert not [p for p in (media / "media").rglob("*") if p.is_file()]


def test_upload_page_per_role_and_messages(client, committee, recommender, world):
    entry = world.finalists[0]
    url = f"/finals/entry/{entry.pk}/material/"
    for user, status in ((world.units[1], 403), (recommender, 403), (committee, 403), (world.units[0], 200)):
        client.force_login(user)
        assert client.get(url).status_code == status
    response = client.post(f"/finals/entry/{entry.pk}/material/ppt/upload", {"ppt-file": ppt(size=STANDARD)})
    assert response.status_code == 400 and R24_RATIO in response.content.decode()
    response = client.post(f"/finals/entry/{entry.pk}/material/ppt/upload", {"ppt-file": ppt()})
    assert response.status_code == 302 and RoadshowMaterial.objects.filter(entry=entry).count() == 1
    client.force_login(world.units[1])
    assert client.post(f"/finals/entry/{entry.pk}/material/ppt/upload", {"ppt-file": ppt()}).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def _ordered_world(world, committee):
    world.finalists[0].title = "智能/巡检:装置*甲"
    world.finalists[0].save()
    for entry, user in zip(world.finalists, world.units, strict=True):
        services.upload_material(actor=user, entry=entry, kind="ppt", uploaded_file=ppt(f"{entry.pk}.PPTX"))
    RoadshowMaterial.objects.filter(entry=world.finalists[1]).update(replaced_at=timezone.now())  # none current
    video = RoadshowMaterial.objects.get(entry=world.finalists[2])
    RoadshowMaterial.objects.create(edition=world.edition, entry=world.finalists[2], kind="video",
                                    file=video.file.name, original_name="片.MP4", size=video.size)


def test_zip_names_and_order(client, committee, world):
    _ordered_world(world, committee)
    client.force_login(committee)
    response = client.get(f"/finals/session/{world.session.pk}/material.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == ["01-智能_巡检_装置_甲.pptx", "03-智能巡检装置2.pptx", "03-智能巡检装置2.mp4"]
    assert archive.read("01-智能_巡检_装置_甲.pptx").startswith(b"PK")
    for role_user in (world.units[0],):
        client.force_login(role_user)
        assert client.get(f"/finals/session/{world.session.pk}/material.zip").status_code == 403


def test_overview_page_shows_who_uploaded(client, committee, world, django_assert_max_num_queries):
    _ordered_world(world, committee)
    client.force_login(committee)
    with django_assert_max_num_queries(12):
        html = client.get(f"/finals/{world.edition.slug}/material/").content.decode()
    assert "1.PPTX" in html or f"{world.finalists[0].pk}.PPTX" in html
    assert "未上传" in html and "片.MP4" in html


def test_presenter_page_needs_the_token(client, committee, world):
    _ordered_world(world, committee)
    token = world.session.screen_token
    html = client.get(f"/finals/screen/{token}/presenter/").content.decode()
    assert html.index("智能/巡检:装置*甲") < html.index("智能巡检装置2")
    material = RoadshowMaterial.objects.get(entry=world.finalists[0], replaced_at__isnull=True)
    response = client.get(f"/finals/screen/{token}/presenter/{material.pk}/file")
    assert response.status_code == 200 and "01-" in response["Content-Disposition"]
    assert client.get(f"/finals/screen/wrong{token}/presenter/").status_code == 404
    assert client.get(f"/finals/screen/wrong/presenter/{material.pk}/file").status_code == 404
    other = schedule.create_session(actor=committee, edition=world.edition, name="第二场", starts_at=timezone.now(),
                                    venue="二号厅")
    assert client.get(f"/finals/screen/{other.screen_token}/presenter/{material.pk}/file").status_code == 404
    replaced = RoadshowMaterial.objects.filter(entry=world.finalists[1]).first()
    assert client.get(f"/finals/screen/{token}/presenter/{replaced.pk}/file").status_code == 404


def api(user):
    if user is None:
        return Client(), {}
    _, raw = api_auth.create_api_token(actor=user, name="test")
    return Client(), {"Authorization": f"Bearer {raw}"}


def test_api_upload_and_list(world, committee):
    entry = world.finalists[0]
    url = f"/api/finals/entries/{entry.pk}/material?kind=ppt"
    client, headers = api(world.units[0])
    response = client.post(url, {"file": ppt(size=STANDARD)}, headers=headers)
    assert response.status_code == 422 and response.json()["errors"] == {"file": [R24_RATIO]}
    response = client.post(url, {"file": ppt()}, headers=headers)
    assert response.status_code == 201 and response.json()["kind"] == "ppt"
    listed = client.get(f"/api/finals/entries/{entry.pk}/material", headers=headers).json()
    assert [m["name"] for m in listed] == ["路演.pptx"]
    other, other_headers = api(world.units[1])
    assert other.post(url, {"file": ppt()}, headers=other_headers).status_code == 404
    assert other.get(f"/api/finals/entries/{entry.pk}/material", headers=other_headers).status_code == 404
    assert Client().post(url, {"file": ppt()}).status_code == 401
    settings = final_settings(world.edition)
    settings.material_deadline = timezone.now() - dt.timedelta(hours=1)
    settings.save()
    response = client.post(url, {"file": ppt()}, headers=headers)
    assert response.status_code == 409 and "现已不能再上传" in response.json()["detail"]
    office, office_headers = api(committee)
    rows = office.get(f"/api/finals/sessions/{world.session.pk}/material", headers=office_headers).json()
    assert rows[0]["zip_names"] == ["01-智能巡检装置0.pptx"] and rows[1]["files"] == []
    assert client.get(f"/api/finals/sessions/{world.session.pk}/material", headers=headers).status_code == 403


def test_earlier_uploads_list_only_the_replaced_files(client, world):
    """After a first upload the page lists no "earlier upload" (the current file is shown once, above); after a
    second, the first is listed as replaced."""
    entry, user = world.finalists[0], world.units[0]
    client.force_login(user)
    url = f"/finals/entry/{entry.pk}/material/"
    services.upload_material(actor=user, entry=entry, kind="ppt", uploaded_file=ppt("第一版.pptx"))
    html = client.get(url).content.decode()
    assert "第一版.pptx" in html and "以前上传的文件" not in html
    services.upload_material(actor=user, entry=entry, kind="ppt", uploaded_file=ppt("第二版.pptx"))
    html = client.get(url).content.decode()
    earlier = html[html.index("以前上传的文件"):]
    assert "第一版.pptx" in earlier and "被替换" in earlier and "第二版.pptx" not in earlier
