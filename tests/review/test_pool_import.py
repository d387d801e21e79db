"""The expert form, the settings form and the Excel import (issue 10 item 1; "Bad input": a wrong column,
a duplicate expert): each error in Chinese beside its field or by row and column, all or nothing."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from wuxiao.common.models import AuditLog
from wuxiao.review.forms_pool import ExpertForm, SettingsForm, parse_fields
from wuxiao.review.models import Expert, ExpertField
from wuxiao.review.queries import review_settings

from ..factories import DeclaringUnitFactory
from .helpers_pool import HEADERS, make_expert, next_mobile, row, xlsx

pytestmark = pytest.mark.django_db


def _expert_data(**overrides):
    data = {"name": "李工", "organisation_name": "郑州大学", "credit_code": "", "title": "senior",
            "fields_text": "C34:3, 4420", "mobile": next_mobile(), "email": "li@example.com", "load_min": "",
            "load_max": ""}
    return {**data, **overrides}


# --- Forms ---------------------------------------------------------------------------------------------

def test_fields_at_any_level_with_depth():
    assert parse_fields("C, 34:1，342：3、3421") == [("C", 2), ("34", 1), ("342", 3), ("3421", 2)]
    assert parse_fields("C34:3 c3421") == [("34", 3), ("3421", 2)]  # section letter before the number


@pytest.mark.parametrize("text, message", [
    ("", "请至少填写一个专业领域，用国民经济行业代码（GB/T 4754）表示，如 C34:3。"),
    ("9999", "国民经济行业分类（GB/T 4754-2017）中没有该代码：9999。"),
    ("C34:5", "熟悉程度只能是 1、2 或 3：C34:5。"),
    ("机械", "不是行业代码：机械。请填写国民经济行业代码（GB/T 4754），如 C、34、342 或 3421，可在冒号后注明熟悉程度（3421:3）。"),
])
def test_bad_fields(edition, text, message):
    form = ExpertForm(data=_expert_data(fields_text=text), edition=edition)
    assert not form.is_valid()
    assert form.errors["fields_text"] == [message]


def test_bad_mobile_duplicate_mobile_and_loads(edition):
    make_expert(edition, name="张专家", mobile="13600000001")
    form = ExpertForm(data=_expert_data(mobile="1360000"), edition=edition)
    assert not form.is_valid()
    assert form.errors["mobile"] == ["请输入以 1 开头的 11 位大陆手机号码，例如 13812345678。"]
    form = ExpertForm(data=_expert_data(mobile="+86 136-0000-0001"), edition=edition)
    assert not form.is_valid()
    assert form.errors["mobile"] == ["专家库中张专家已使用该手机号码；一位专家只能对应一个手机号码。"]
    form = ExpertForm(data=_expert_data(load_min="10", load_max="5"), edition=edition)
    assert not form.is_valid()
    assert form.errors["load_max"] == ["最多评审作品数不能少于最少评审作品数（10）。"]


def test_expert_page_adds_with_fields_and_matches_the_unit(client, committee, edition):
    unit = DeclaringUnitFactory(name="郑州煤矿机械集团股份有限公司")
    client.force_login(committee)
    response = client.post(reverse("review:expert_add", args=[edition.slug]),
                           _expert_data(organisation_name="郑州煤矿机械集团股份有限公司", mobile="13600000077"))
    assert response.status_code == 302
    expert = Expert.objects.get(edition=edition, mobile="13600000077")
    assert expert.organisation == unit and expert.created_by == committee and expert.status == "pool"
    assert sorted(ExpertField.objects.filter(expert=expert).values_list("industry_id", "depth")) == [
        ("34", 3), ("4420", 2)]
    assert AuditLog.objects.filter(action="review.expert_create", object_id=str(expert.pk)).exists()
    # Edit: the bad input stays typed, the message is beside its field.
    url = reverse("review:expert_edit", args=[edition.slug, expert.pk])
    response = client.post(url, _expert_data(mobile="13600000077", fields_text="C34:9", name="李工改"))
    assert response.status_code == 200
    assert "熟悉程度只能是 1、2 或 3：C34:9。" in response.content.decode()
    assert 'value="李工改"' in response.content.decode()
    response = client.post(url, _expert_data(mobile="13600000077", fields_text="3421:1", load_max="8"))
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.load_max == 8 and list(expert.fields.values_list("industry_id", flat=True)) == ["3421"]


@pytest.mark.parametrize("change, field, message", [
    ({"reviews_per_entry": "0"}, "reviews_per_entry", "每件作品至少需要一位专家评审。"),
    ({"load_min": "20", "load_max": "10"}, "load_max", "每位专家最多评审作品数不能少于最少评审作品数（20）。"),
    ({"load_min": "0", "load_max": "0"}, "load_max", "每位专家至少应能评审一件作品。"),
    ({"max_per_organisation": "6"}, "max_per_organisation", "不能超过每件作品的评审专家数（5）。"),
    ({"max_per_organisation": "0"}, "max_per_organisation", "不限制请留空，否则至少为 1。"),
    ({"finalist_count": "", "finalist_cutoff": ""}, "finalist_count", "请填写入围决赛作品数或分数线。"),
    ({"finalist_cutoff": "120"}, "finalist_cutoff", "分数线应为 0 至 100 之间的正式得分。"),
    ({"reminder_every_days": "0"}, "reminder_every_days", "仅手动提醒请留空，否则至少为 1 天。"),
])
def test_settings_validation(edition, change, field, message):
    data = {"reviews_per_entry": "5", "load_min": "0", "load_max": "40", "aggregation_rule": "trimmed_mean",
            "finalist_count": "75", **change}
    form = SettingsForm(data, instance=review_settings(edition))
    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_settings_page_saves_and_audits(client, committee, edition):
    client.force_login(committee)
    url = reverse("review:settings", args=[edition.slug])
    assert "rubric_locked_at" not in client.get(url).content.decode()
    response = client.post(url, {"reviews_per_entry": "3", "load_min": "2", "load_max": "30",
                                 "aggregation_rule": "mean", "finalist_count": "50", "anonymise": "on",
                                 "scoring_deadline": "2026-12-20T17:30", "seed": "42"})
    assert response.status_code == 302
    found = review_settings(edition)
    found.refresh_from_db()
    assert (found.reviews_per_entry, found.load_min, found.load_max, found.aggregation_rule, found.seed) == (
        3, 2, 30, "mean", 42)
    assert found.comment_required is False and found.anonymise is True
    log = AuditLog.objects.get(action="review.update_settings")
    assert log.data["reviews_per_entry"] == 3 and log.actor == committee
    response = client.post(url, {"reviews_per_entry": "3", "load_min": "9", "load_max": "4",
                                 "aggregation_rule": "mean", "finalist_count": "50"})
    assert response.status_code == 200
    assert "每位专家最多评审作品数不能少于最少评审作品数（9）。" in response.content.decode()
    assert 'value="9"' in response.content.decode()


# --- The Excel import ------------------------------------------------------------------------------------

def _upload(client, edition, file):
    return client.post(reverse("review:import", args=[edition.slug]), {"file": file})


def _errors(response) -> list[str]:
    result = response.context["result"]
    return result.messages()


def test_template_has_the_columns_and_the_title_list(client, committee, edition):
    client.force_login(committee)
    response = client.get(reverse("review:import_template", args=[edition.slug]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.worksheets[0][1]] == HEADERS
    assert [r[0].value for r in book.worksheets[1].iter_rows()] == ["正高级", "副高级", "中级", "其他"]
    assert book.properties.identifier == f"wuxiao-experts:{edition.slug}"


def test_preview_then_confirm_adds_everyone(client, committee, edition):
    unit = DeclaringUnitFactory(name="郑州宇通客车股份有限公司", credit_code="91410100170008006K")
    client.force_login(committee)
    file = xlsx([row(name="甲", org="郑州宇通客车股份有限公司", mobile="13600000101", fields="C36:3"),
                 row(name="乙", org="别的写法", code="91410100170008006K", title="副高", mobile="13600000102",
                     low=2, high=10),
                 row(name="丙", org="河南工业大学", title="中级", mobile="+86 136 0000 0103", email=None)])
    response = _upload(client, edition, file)
    assert response.status_code == 200
    assert "data-import-ok" in response.content.decode()
    assert not Expert.objects.filter(edition=edition).exists()  # nothing before the confirmation
    response = client.post(reverse("review:import_confirm", args=[edition.slug]),
                           {"payload": response.context["payload"]})
    assert response.status_code == 302
    experts = {e.name: e for e in Expert.objects.filter(edition=edition)}
    assert set(experts) == {"甲", "乙", "丙"}
    assert experts["甲"].organisation == unit and experts["乙"].organisation == unit
    assert experts["丙"].organisation is None and experts["丙"].mobile == "13600000103"
    assert (experts["乙"].title, experts["乙"].load_min, experts["乙"].load_max) == ("associate", 2, 10)
    assert list(experts["甲"].fields.values_list("industry_id", "depth")) == [("36", 3)]
    assert AuditLog.objects.get(action="review.expert_import").data["count"] == 3


@pytest.mark.parametrize("headers, message", [
    (HEADERS[:5] + ["电话"] + HEADERS[6:],
     "F 列（“电话”）不是模板中的列；请使用模板并保留其列名。"),
    ([h for h in HEADERS if h != "手机号码"], "第 1 行缺少“手机号码”列；请使用模板并保留其全部列。"),
    (HEADERS + ["姓名"], "“姓名”列出现了两次（A 列和 J 列）。"),
])
def test_wrong_or_missing_column(client, committee, edition, headers, message):
    client.force_login(committee)
    data = [row()[:len(headers)]]
    response = _upload(client, edition, xlsx(data, headers=headers))
    assert message in _errors(response)
    assert "payload" not in response.context
    assert "第一个工作表" not in response.content.decode()


def test_row_errors_by_row_and_column_and_nothing_imported(client, committee, edition):
    make_expert(edition, name="老专家", mobile="13600000201")
    client.force_login(committee)
    file = xlsx([
        row(name="好人", mobile="13600000202"),
        row(name="重复", mobile="13600000202"),
        row(name="已在库", mobile="13600000201"),
        row(name="坏码", fields="9999, C34:3", mobile="13600000203"),
        row(name="坏手机", mobile="12345"),
        row(name="坏职称", title="教授", mobile="13600000204"),
        row(name="", mobile="13600000205"),
    ])
    response = _upload(client, edition, file)
    errors = _errors(response)
    assert errors == [
        "第 3 行 F 列（手机号码）：同一位专家（手机号码 13600000202）已在本文件第 2 行。",
        "第 4 行 F 列（手机号码）：老专家已以手机号码 13600000201 在专家库中。",
        "第 5 行 E 列（专业领域（国民经济行业代码））：国民经济行业分类（GB/T 4754-2017）中没有该代码：9999。",
        "第 6 行 F 列（手机号码）：请输入以 1 开头的 11 位大陆手机号码，例如 13812345678。",
        "第 7 行 D 列（职称）：“教授”不是职称：请填写正高级、副高级、中级或其他。",
        "第 8 行 A 列（姓名）：这个字段是必填项。",
    ]
    assert "data-import-errors" in response.content.decode() and "data-import-confirm" not in response.content.decode()
    assert Expert.objects.filter(edition=edition).count() == 1


def test_confirm_is_all_or_nothing_when_the_pool_changed_meanwhile(client, committee, edition):
    client.force_login(committee)
    response = _upload(client, edition, xlsx([row(name="甲", mobile="13600000301"),
                                              row(name="乙", mobile="13600000302")]))
    payload = response.context["payload"]
    make_expert(edition, name="抢先", mobile="13600000302")
    response = client.post(reverse("review:import_confirm", args=[edition.slug]), {"payload": payload}, follow=True)
    assert "以下专家已在专家库中：抢先。未导入任何专家；请重新检查文件。" in response.content.decode()
    assert list(Expert.objects.filter(edition=edition).values_list("name", flat=True)) == ["抢先"]


def test_a_tampered_or_foreign_payload_is_refused(client, committee, edition):
    client.force_login(committee)
    response = client.post(reverse("review:import_confirm", args=[edition.slug]), {"payload": "x:y"}, follow=True)
    assert "预览已过期或被改动；请重新上传文件。" in response.content.decode()
    assert not Expert.objects.exists()


def test_not_a_workbook_and_empty_files(client, committee, edition):
    client.force_login(committee)
    file = io.BytesIO(b"name,mobile\n")
    file.name = "experts.csv"
    response = _upload(client, edition, file)
    assert response.context["form"].errors["file"] == [
        "此文件不是 Excel 工作簿（.xlsx）：请上传在 Excel 或 WPS 中填好并保存为 .xlsx 的导入模板。"]
    response = _upload(client, edition, xlsx([]))
    assert _errors(response) == ["文件中没有专家：请从第 2 行起每行填写一位专家。"]
