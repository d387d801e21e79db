"""Editing the edition's settings: validation in Chinese, nothing changed on bad input, audited changes."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from wuxiao.common.models import AuditLog
from wuxiao.common.validators import validate_phone
from wuxiao.competitions.forms import EditionForm
from wuxiao.competitions.models import Edition

from .conftest import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def edit_url(zhengzhou):
    return reverse("competitions:edition_edit", args=[zhengzhou.slug])


@pytest.fixture
def data(zhengzhou):
    return form_data(EditionForm(instance=zhengzhou))


def _snapshot(edition):
    return {f.name: getattr(edition, f.name) for f in Edition._meta.concrete_fields}


def test_form_shows_deadline_in_beijing_time_to_the_minute(client, committee, edit_url):
    client.force_login(committee)
    html = client.get(edit_url).content.decode()
    assert 'type="datetime-local" name="declaration_deadline" value="2025-03-28T17:30"' in html
    assert 'type="date" name="window_start" value="2022-03-10"' in html


def test_valid_edit_changes_the_row_and_audits_changed_fields(client, committee, zhengzhou, edit_url, data):
    client.force_login(committee)
    data.update(title="2025年郑州市职工“五小”创新竞赛（修订）", declaration_deadline="2025-03-31T18:00",
                recommendation_deadline="2025-04-03T18:00", recommendation_quota="25",
                contact_phone="13812345678")
    response = client.post(edit_url, data)
    assert response.status_code == 302
    assert response.url == reverse("competitions:edition_detail", args=[zhengzhou.slug])
    zhengzhou.refresh_from_db()
    assert zhengzhou.title == "2025年郑州市职工“五小”创新竞赛（修订）"
    # Entered in Beijing time, stored in UTC.
    assert zhengzhou.declaration_deadline == dt.datetime(2025, 3, 31, 10, 0, tzinfo=dt.UTC)
    assert zhengzhou.recommendation_quota == 25
    assert zhengzhou.contact_phone == "13812345678"
    log = AuditLog.objects.get(action="edition.update_settings")
    assert log.actor == committee
    assert log.edition == zhengzhou
    assert log.data["changed"] == ["title", "declaration_deadline", "recommendation_deadline",
                                   "recommendation_quota", "contact_phone"]
    page = client.get(response.url).content.decode()
    assert "设置已保存" in page
    assert "2025年3月31日 18:00" in page


def test_unchanged_form_writes_no_audit(client, site_admin, zhengzhou, edit_url, data):
    client.force_login(site_admin)
    response = client.post(edit_url, data, follow=True)
    assert "没有任何修改" in response.content.decode()
    assert not AuditLog.objects.filter(action="edition.update_settings").exists()
    assert zhengzhou.updated_at == Edition.objects.get().updated_at


BAD_INPUT = [
    ({"declaration_deadline": "2025-03-01T17:30"}, "declaration_deadline", "截止时间必须晚于申报开始时间。"),
    ({"recommendation_deadline": "2025-03-28T17:00"}, "recommendation_deadline", "推荐截止时间不能早于申报截止时间。"),
    ({"window_start": "2025-04-01"}, "window_end", "时间范围的结束日期必须晚于开始日期。"),
    ({"recommendation_quota": "-3"}, "recommendation_quota", "请输入大于零的整数。"),
    ({"roadshow_minutes": "0"}, "roadshow_minutes", "请输入大于零的整数。"),
    ({"site_visit_top_n": "abc"}, "site_visit_top_n", "输入整数。"),
    ({"contact_email": "daqian1212"}, "contact_email", "输入一个有效的 Email 地址。"),
    ({"ppt_aspect": "16比9"}, "ppt_aspect", "请填写画面比例，例如 16:9。"),
    ({"video_formats": "mp4;;../x"}, "video_formats", "请填写文件扩展名，用逗号分隔，例如 mp4,wmv。"),
    ({"declaration_deadline": "2025-02-30T17:30"}, "declaration_deadline", "输入一个有效的日期/时间。"),
    ({"title": ""}, "title", "这个字段是必填项。"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_INPUT)
def test_bad_input_shows_message_beside_field_and_changes_nothing(client, committee, zhengzhou, edit_url, data,
                                                                  change, field, message):
    client.force_login(committee)
    before = _snapshot(zhengzhou)
    data.update(change)
    response = client.post(edit_url, data)
    assert response.status_code == 200
    html = response.content.decode()
    error_block = html.split(f'id="field-{field}"')[1].split('<div class="field')[0]
    assert message in error_block
    # What was typed is still there.
    for name, value in change.items():
        if value:
            assert f'value="{value}"' in html or f">{value}<" in html
    zhengzhou.refresh_from_db()
    assert _snapshot(zhengzhou) == before
    assert not AuditLog.objects.filter(action="edition.update_settings").exists()


def test_bad_phone_shows_the_phone_rule(client, committee, zhengzhou, edit_url, data):
    client.force_login(committee)
    data["contact_phone"] = "6788513"
    response = client.post(edit_url, data)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        validate_phone("6788513")
    expected = raised.value.messages[0]
    html = response.content.decode()
    error_block = html.split('id="field-contact_phone"')[1].split('<div class="field')[0]
    assert expected in error_block
    assert "或带区号的固定电话" in error_block
    assert 'value="6788513"' in error_block
    zhengzhou.refresh_from_db()
    assert zhengzhou.contact_phone == "0371-67885139"


@pytest.mark.parametrize("phone", ["0371-67885139", "037167885139", "13812345678", ""])
def test_phone_accepts_landline_mobile_or_nothing(client, committee, zhengzhou, edit_url, data, phone):
    client.force_login(committee)
    data["contact_phone"] = phone
    if not phone:
        data.pop("contact_phone")
    assert client.post(edit_url, data).status_code == 302
    zhengzhou.refresh_from_db()
    assert zhengzhou.contact_phone == phone


def test_video_formats_are_normalised(client, committee, zhengzhou, edit_url, data):
    client.force_login(committee)
    data["video_formats"] = "MP4，.wmv、 mov"
    assert client.post(edit_url, data).status_code == 302
    zhengzhou.refresh_from_db()
    assert zhengzhou.video_formats == "mp4,wmv,mov"


def test_negative_number_gets_one_clear_message(client, committee, zhengzhou, edit_url, data):
    client.force_login(committee)
    data["video_max_mb"] = "-800"
    html = client.post(edit_url, data).content.decode()
    block = html.split('id="field-video_max_mb"')[1].split('<div class="field')[0]
    assert block.count("<li>") == 1 and "<li>请输入大于零的整数。</li>" in block
