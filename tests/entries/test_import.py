"""Excel import of entries collected offline (issue 9, item 15): the template, the check of every row by
the form's rules, the preview, and the confirmation that creates every draft or none."""

import datetime as dt
import io
import os
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wuxiao.accounts.models import Role
from wuxiao.common.exceptions import Refused
from wuxiao.common.models import AuditLog
from wuxiao.entries import declaration
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.importing import services
from wuxiao.entries.models import Entry, EntryImport, ImportStatus
from wuxiao.notifications.models import Notification
from wuxiao.orgs.models import RegistrationStatus

from .. import factories
from .import_helpers import SUMMARY, TITLE, UNIT, _media, fill, good_row, headers_of, template_bytes, upload  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_unit(recommending_unit):
    return factories.DeclaringUnitFactory(parent=recommending_unit, name="郑州第二测试机械有限公司",
                                          credit_code="91110000600037341L")


@pytest.fixture
def foreign_unit(db):
    """A declaring unit of another recommending unit."""
    return factories.DeclaringUnitFactory(name="别区的测试企业有限公司")


@pytest.fixture
def as_recommender(client, recommender):
    client.force_login(recommender)
    return client


def _preview(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page


def _errors(entry_import: EntryImport) -> list[tuple[int, str, str]]:
    return [(row["row"], e["column"], e["message"]) for row in entry_import.preview["rows"] for e in row["errors"]]


# --- The template ----------------------------------------------------------------------------------

def test_the_template_has_a_chinese_header_row_an_explanation_and_drop_down_lists(as_recommender, edition,
                                                                                  declaring_unit, second_unit,
                                                                                  foreign_unit):
    data = template_bytes(as_recommender, edition)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["作品", "填写说明", "选项"]
    headers = headers_of(data)
    assert headers[:8] == [TITLE, UNIT, "类别", "所属单位（个人）", "联系人", "联系电话（手机号码）", "获奖情况", SUMMARY]
    for header in ["所属行业分类代码", "背景", "目标/解决的关键问题", "创新点", "经济效益和社会效益",
                   "可展示形式：实物展示", "可展示形式：PPT和多媒体展示", "完成或投入使用日期", "其他情况说明",
                   "确认符合参赛范围", "确认为近三年成果", "是否属于排除情形1", "是否属于排除情形7", "申报企业工会意见",
                   "工会意见填写人", "工会意见日期"]:
        assert header in headers, header
    # Completers in columns, five groups of five (R18), the first completer first.
    assert headers[-25:-20] == ["完成人1姓名", "完成人1年龄", "完成人1职务/职称", "完成人1工作单位", "完成人1电话"]
    assert headers[-1] == "完成人5电话"
    assert wb.worksheets[0].max_row == 1  # nothing to import by mistake: the example is on the explanation sheet
    # The lists: this edition's categories, 是/否, and the recommending unit's own declaring units only.
    lists = wb["选项"]
    assert lists.sheet_state == "hidden"
    assert [c.value for c in lists["A"]][1:6] == ["小发明", "小创造", "小革新", "小建议", "小设计"]
    assert [c.value for c in lists["B"]][1:3] == ["是", "否"]
    units = {c.value for c in lists["C"]}
    assert {declaring_unit.name, second_unit.name} <= units and foreign_unit.name not in units
    validations = {str(v.sqref): v for v in wb.worksheets[0].data_validations.dataValidation}
    category = validations["C2:C201"]
    assert category.type == "list" and category.formula1 == "'选项'!$A$2:$A$6" and category.showErrorMessage
    yes_no = validations[f"{_letter(headers, '确认符合参赛范围')}2:{_letter(headers, '确认符合参赛范围')}201"]
    assert yes_no.formula1 == "'选项'!$B$2:$B$3"
    assert not validations["B2:B201"].showErrorMessage  # a unit may be given by its credit code instead
    explanation = [c.value for row in wb["填写说明"].iter_rows() for c in row if c.value]
    assert any("作品名称和申报单位必填" in text for text in explanation)
    assert any("完成人6姓名" in text for text in explanation)
    assert wb.properties.identifier == f"wuxiao-entry-import:{edition.slug}"


def _letter(headers, name):
    from openpyxl.utils import get_column_letter

    return get_column_letter(headers.index(name) + 1)


# --- The round trip ----------------------------------------------------------------------------------

def test_round_trip_template_filled_uploaded_previewed_confirmed_creates_the_units_drafts(
        as_recommender, recommender, edition, declaring_unit, declarer, second_unit):
    second_declarer = factories.user_with_role(Role.DECLARER, second_unit)
    data = fill(template_bytes(as_recommender, edition), [
        good_row(declaring_unit, "数控车床快换工装"),
        # The second unit by its credit code; a sixth completer in a column added at the end.
        good_row(second_unit, "焊接工装改进", **{UNIT: second_unit.credit_code, "类别": "小发明", "可展示形式：模型展示": "是",
                                               "完成人6姓名": "赵六", "完成人6年龄": 28, "完成人6职务/职称": "技术员",
                                               "完成人6工作单位": second_unit.name, "完成人6电话": "13700001111"}),
    ])

    response = upload(as_recommender, edition, data)
    page = _preview(as_recommender, response)
    entry_import = EntryImport.objects.get()
    assert entry_import.status == ImportStatus.PENDING and entry_import.error_count == 0
    assert entry_import.original_name == "线下作品.xlsx" and entry_import.uploaded_by == recommender
    html = page.content.decode()
    assert "数控车床快换工装" in html and "焊接工装改进" in html and second_unit.name in html
    assert "导入 2 项作品为草稿" in html
    assert Entry.objects.count() == 0  # the preview creates nothing

    response = as_recommender.post(reverse("entries:import_confirm", args=[entry_import.pk]))
    assert response.status_code == 302

    entry_import.refresh_from_db()
    assert entry_import.status == ImportStatus.IMPORTED and entry_import.decided_at is not None
    first = Entry.objects.get(title="数控车床快换工装")
    second = Entry.objects.get(title="焊接工装改进")
    assert set(entry_import.entries.all()) == {first, second}
    for entry, unit in ((first, declaring_unit), (second, second_unit)):
        assert entry.status == EntryStatus.DRAFT and entry.declaring_unit == unit
        assert entry.recommending_unit == unit.parent and entry.edition == edition
        assert entry.created_by == recommender
    assert first.category.name == "小革新" and second.category.name == "小发明"
    assert first.industry_id == "3421" and first.contact_mobile == "13912345678"
    assert first.union_opinion_by == "王主席" and first.union_opinion_on == timezone.localdate()
    assert first.completed_on == timezone.localdate() - dt.timedelta(days=100)
    assert first.confirms_scope and first.confirms_recent
    assert [(c.name, c.age, c.post, c.phone) for c in first.completers.all()] == [
        ("张三", 35, "高级技师", "13812345678"), ("王五", 41, "班组长", "0371-67885139")]
    assert [c.name for c in second.completers.all()] == ["张三", "王五", "赵六"]
    assert sorted(p.name for p in first.presentation_forms.all()) == ["实物展示", "文字图片展示"]
    assert sorted(p.name for p in second.presentation_forms.all()) == ["实物展示", "文字图片展示", "模型展示"]
    assert sorted(a.exclusion.number for a in first.exclusion_answers.all() if not a.applies) == [1, 2, 3, 4, 5, 6, 7]
    # Every field of the form came across: nothing stops the unit from submitting it but what it adds itself.
    assert declaration.submission_problems(first) == []

    # Audited: who, when, which file; each draft's creation names the import.
    upload_row, confirm_row = (AuditLog.objects.get(action=f"entry_import.{a}") for a in ("upload", "confirm"))
    assert upload_row.actor == recommender == confirm_row.actor
    assert confirm_row.data["file"] == "线下作品.xlsx" and confirm_row.data["sha256"] == entry_import.sha256
    assert len(entry_import.sha256) == 64 and sorted(confirm_row.data["entries"]) == sorted([first.pk, second.pk])
    assert AuditLog.objects.filter(action="entry.create", data__import=entry_import.pk).count() == 2

    # Each declaring unit is told, with a link to its entries.
    note = Notification.objects.get(user=declarer)
    assert note.event == "unit.entries_imported" and note.url == reverse("entries:mine")
    assert "数控车床快换工装" in note.body and "焊接工装改进" not in note.body
    assert "焊接工装改进" in Notification.objects.get(user=second_declarer).body

    # The drafts are the declaring unit's: in its list, marked as imported, editable by it, not by the recommender.
    as_recommender.force_login(declarer)
    mine = as_recommender.get(reverse("entries:mine")).content.decode()
    assert "数控车床快换工装" in mine and "从 Excel 导入" in mine and "焊接工装改进" not in mine
    assert as_recommender.get(reverse("entries:edit", args=[first.pk])).status_code == 200
    as_recommender.force_login(recommender)
    assert as_recommender.get(reverse("entries:view", args=[first.pk])).status_code == 403
    assert as_recommender.get(reverse("entries:edit", args=[first.pk])).status_code == 403


def test_the_committee_office_imports_for_any_declaring_unit(client, committee, edition, foreign_unit):
    client.force_login(committee)
    data = fill(template_bytes(client, edition), [good_row(foreign_unit, "办公室代录作品")])
    _preview(client, upload(client, edition, data))
    entry_import = EntryImport.objects.get()
    assert entry_import.by_office and entry_import.error_count == 0

    client.post(reverse("entries:import_confirm", args=[entry_import.pk]))

    entry = Entry.objects.get(title="办公室代录作品")
    assert entry.declaring_unit == foreign_unit and entry.status == EntryStatus.DRAFT


def test_empty_cells_keep_the_units_contact_and_name(as_recommender, edition, declaring_unit):
    row = {TITLE: "只填名称", UNIT: declaring_unit.name}
    _preview(as_recommender, upload(as_recommender, edition, fill(template_bytes(as_recommender, edition), [row])))
    entry_import = EntryImport.objects.get()
    as_recommender.post(reverse("entries:import_confirm", args=[entry_import.pk]))

    entry = Entry.objects.get(title="只填名称")
    assert entry.affiliation == declaring_unit.name
    assert (entry.contact_name, entry.contact_mobile) == (declaring_unit.contact_name, declaring_unit.contact_mobile)
    assert entry.completers.count() == 0 and entry.category is None


# --- Bad input: a clear message per row and column, nothing created ----------------------------------

def test_a_renamed_column_and_a_missing_column_are_named(as_recommender, edition, declaring_unit):
    row = {key: value for key, value in good_row(declaring_unit).items() if key not in ("类别", SUMMARY)}
    data = fill(template_bytes(as_recommender, edition), [row], rename={SUMMARY: "简述"}, delete=("类别",))
    page = _preview(as_recommender, upload(as_recommender, edition, data))

    entry_import = EntryImport.objects.get()
    problems = entry_import.preview["problems"]
    assert any("第 1 行有本届模板中没有的列：“简述”（第 G 列）" in p for p in problems), problems
    assert any("第 1 行缺少以下列：“类别”、“作品简述”" in p for p in problems), problems
    html = page.content.decode()
    assert "简述" in html and "未导入任何作品" in html and "import_confirm" not in html
    assert reverse("entries:import_confirm", args=[entry_import.pk]) not in html
    assert as_recommender.post(reverse("entries:import_confirm", args=[entry_import.pk])).status_code == 302
    assert Entry.objects.count() == 0 and EntryImport.objects.get().status == ImportStatus.PENDING


def test_bad_rows_are_listed_by_row_and_column_with_the_forms_messages(as_recommender, edition, declaring_unit,
                                                                       second_unit):
    data = fill(template_bytes(as_recommender, edition), [
        good_row(declaring_unit, "正确的一行"),
        good_row(second_unit, "错误的一行", **{"完成人1年龄": 200, "联系电话（手机号码）": "12345", "类别": "小点子",
                                             "完成或投入使用日期": "2024-13-45", "确认符合参赛范围": "可能",
                                             "所属行业分类代码": "9999", "完成人2电话": "电话"}),
        {TITLE: "", UNIT: declaring_unit.name, "类别": "小发明"},
    ])
    page = _preview(as_recommender, upload(as_recommender, edition, data))

    errors = _errors(EntryImport.objects.get())
    assert (3, "完成人1年龄", "年龄应在16至80岁之间") in errors
    assert (3, "类别", "“小点子”不是本届竞赛的作品类别，请从小发明、小创造、小革新、小建议、小设计中选择一类。") in errors
    assert (3, "确认符合参赛范围", "请填写“是”或“否”（或留空），不能填写“可能”。") in errors
    assert (3, "所属行业分类代码", "“9999”不是《国民经济行业分类》中的代码，请从列表中选择行业。") in errors
    assert (4, "作品名称", "请填写作品名称。") in errors
    columns = {column for row, column, _message in errors if row == 3}
    assert {"联系电话（手机号码）", "完成或投入使用日期", "完成人2电话"} <= columns
    assert not [e for e in errors if e[0] == 2]
    html = page.content.decode()
    assert "2 行有错误" in html and "第 3 行" in html and "完成人1年龄" in html
    assert "import_confirm" not in html and Entry.objects.count() == 0


def test_a_summary_of_501_zi_is_refused_and_500_accepted(as_recommender, edition, declaring_unit):
    data = fill(template_bytes(as_recommender, edition), [
        good_row(declaring_unit, "五百零一字", **{SUMMARY: "字" * 501}),
        good_row(declaring_unit, "五百字", **{SUMMARY: "字" * 500, "创新点": "点" * 500}),
        good_row(declaring_unit, "创新点超长", **{"创新点": "点" * 499 + " two words"}),
    ])
    _preview(as_recommender, upload(as_recommender, edition, data))

    errors = _errors(EntryImport.objects.get())
    assert errors == [(2, "作品简述", "作品简述现为 501 字，最多 500 字。"),
                      (4, "创新点", "创新点现为 501 字，最多 500 字。")]


def test_a_duplicate_entry_on_the_platform_or_in_the_file_is_refused(as_recommender, edition, declaring_unit):
    factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, title="已有的作品", status=EntryStatus.DRAFT)
    data = fill(template_bytes(as_recommender, edition), [
        good_row(declaring_unit, "已有的作品"),
        good_row(declaring_unit, "文件中重复"),
        good_row(declaring_unit, " 文件中重复 "),
    ])
    _preview(as_recommender, upload(as_recommender, edition, data))

    errors = _errors(EntryImport.objects.get())
    assert (2, "作品名称", f"“{declaring_unit.name}”在本届已有名为“已有的作品”的作品（可能是草稿），不重复导入。") in errors
    assert (3, "作品名称", "第 3、4 行是同一项作品（作品名称和申报单位相同），请只保留一行。") in errors
    assert (4, "作品名称", "第 3、4 行是同一项作品（作品名称和申报单位相同），请只保留一行。") in errors


def test_units_that_are_not_the_recommenders_or_unknown_or_rejected_are_refused_per_row(
        as_recommender, edition, declaring_unit, foreign_unit, recommending_unit):
    rejected = factories.DeclaringUnitFactory(parent=recommending_unit, name="被退回的企业",
                                              registration_status=RegistrationStatus.REJECTED)
    data = fill(template_bytes(as_recommender, edition), [
        good_row(foreign_unit, "别人的作品"),
        good_row(declaring_unit, "不存在的单位", **{UNIT: "郑州不存在有限公司"}),
        good_row(rejected, "退回单位的作品"),
        good_row(declaring_unit, "没有单位", **{UNIT: None}),
    ])
    _preview(as_recommender, upload(as_recommender, edition, data))

    errors = _errors(EntryImport.objects.get())
    assert errors[0] == (2, UNIT, "“别区的测试企业有限公司”不是本推荐单位所属的申报单位：只能为本单位负责的申报单位导入作品。")
    assert errors[1][:2] == (3, UNIT) and "平台上没有名为“郑州不存在有限公司”的申报单位" in errors[1][2]
    assert errors[2] == (4, UNIT, "“被退回的企业”的注册已被退回：该单位更正单位信息后，才能为其导入作品。")
    assert errors[3][:2] == (5, UNIT) and errors[3][2].startswith("请填写申报单位")
    assert Entry.objects.count() == 0


@pytest.mark.parametrize("content, message", [
    (b"title,unit\n1,2\n", "此文件不是 Excel 工作簿（.xlsx）"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "这是 Excel 97–2003 格式的工作簿（.xls）"),
    (b"PK\x03\x04 not really a zip", "文件已损坏，无法读取"),
])
def test_a_file_that_is_not_xlsx_is_refused_beside_the_field(as_recommender, edition, content, message):
    response = upload(as_recommender, edition, content, name="作品.xlsx")

    assert response.status_code == 200
    assert message in " ".join(str(e) for e in response.context["form"].errors["file"])
    assert EntryImport.objects.count() == 0


def test_a_zip_that_is_not_a_workbook_or_unpacks_to_a_bomb_is_refused(as_recommender, edition):
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("readme.txt", "hello")
    response = upload(as_recommender, edition, plain.getvalue())
    assert "此文件不是 Excel 工作簿（.xlsx）" in str(response.context["form"].errors["file"])

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/workbook.xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (60 * 1024 * 1024))
    assert len(bomb.getvalue()) < 200_000
    response = upload(as_recommender, edition, bomb.getvalue())
    assert "此工作簿的内容远多于一份填好的模板" in str(response.context["form"].errors["file"])
    assert EntryImport.objects.count() == 0


def test_a_file_over_the_limit_is_refused_before_it_is_stored(as_recommender, edition, monkeypatch, spooled):
    from wuxiao.entries.importing import forms

    monkeypatch.setattr(forms, "MAX_FILE_MB", 1)
    response = upload(as_recommender, edition, b"PK\x03\x04" + b"0" * (2 * 1024 * 1024))

    assert response.status_code == 200
    assert "文件超过 1 MB" in str(response.context["form"].errors["file"])
    assert spooled == [] and EntryImport.objects.count() == 0


def test_an_empty_template_and_a_template_of_another_edition_are_refused(as_recommender, edition, declaring_unit):
    _preview(as_recommender, upload(as_recommender, edition, template_bytes(as_recommender, edition)))
    assert EntryImport.objects.get().preview["problems"] == ["文件中没有作品：请从第 2 行起每行填写一项作品。"]

    other = factories.EditionFactory()
    data = fill(template_bytes(as_recommender, other), [good_row(declaring_unit)])
    _preview(as_recommender, upload(as_recommender, edition, data))
    problems = EntryImport.objects.latest("id").preview["problems"]
    assert len(problems) == 1 and f"其他届次（{other.slug}）" in problems[0]


def test_a_file_of_more_than_200_entries_is_refused_as_a_whole(as_recommender, edition, declaring_unit):
    rows = [{TITLE: f"作品{i}", UNIT: declaring_unit.name} for i in range(201)]
    _preview(as_recommender, upload(as_recommender, edition, fill(template_bytes(as_recommender, edition), rows)))

    entry_import = EntryImport.objects.get()
    assert entry_import.preview == {"problems": ["文件中有 201 项作品，每次最多导入 200 项：请分成几个文件上传。"], "rows": []}


def test_no_import_after_the_declaration_deadline(as_recommender, edition, declaring_unit):
    data = fill(template_bytes(as_recommender, edition), [good_row(declaring_unit)])
    edition.declaration_deadline = timezone.now() - dt.timedelta(minutes=1)
    edition.save()

    page = as_recommender.get(reverse("entries:import", args=[edition.slug]))
    assert "本届现在不在申报期内，不能导入作品" in page.content.decode()
    response = upload(as_recommender, edition, data)
    assert "本届现在不在申报期内" in str(response.context["form"].errors["file"])
    assert EntryImport.objects.count() == 0


# --- Nothing half done ---------------------------------------------------------------------------

def test_a_refusal_while_creating_the_drafts_leaves_nothing_behind(as_recommender, recommender, edition,
                                                                   declaring_unit, monkeypatch):
    data = fill(template_bytes(as_recommender, edition), [good_row(declaring_unit, f"作品{i}") for i in range(3)])
    _preview(as_recommender, upload(as_recommender, edition, data))
    entry_import = EntryImport.objects.get()
    real_save, calls = services.save_entry, []

    def failing_third(**kwargs):
        calls.append(kwargs["entry"].title)
        if len(calls) == 3:
            raise Refused("模拟的拒绝")
        return real_save(**kwargs)

    monkeypatch.setattr(services, "save_entry", failing_third)
    response = as_recommender.post(reverse("entries:import_confirm", args=[entry_import.pk]), follow=True)

    assert "模拟的拒绝" in response.content.decode()
    assert calls == ["作品0", "作品1", "作品2"]
    assert Entry.objects.count() == 0 and Notification.objects.count() == 0
    entry_import.refresh_from_db()
    assert entry_import.status == ImportStatus.PENDING and entry_import.entries.count() == 0
    assert not AuditLog.objects.filter(action__in=["entry.create", "entry_import.confirm"]).exists()


def test_the_confirmation_checks_again_and_refuses_an_entry_entered_meanwhile(as_recommender, edition,
                                                                              declaring_unit):
    data = fill(template_bytes(as_recommender, edition), [good_row(declaring_unit, "抢先录入"),
                                                          good_row(declaring_unit, "另一项")])
    _preview(as_recommender, upload(as_recommender, edition, data))
    entry_import = EntryImport.objects.get()
    factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, title="抢先录入", status=EntryStatus.DRAFT)

    response = as_recommender.post(reverse("entries:import_confirm", args=[entry_import.pk]), follow=True)

    assert "文件经再次检查发现错误" in response.content.decode()
    assert Entry.objects.filter(title="另一项").count() == 0
    entry_import.refresh_from_db()
    assert entry_import.status == ImportStatus.PENDING and entry_import.error_count == 1
    assert _errors(entry_import)[0][:2] == (2, "作品名称")


def test_a_file_is_imported_once_and_a_discarded_file_not_at_all(as_recommender, edition, declaring_unit,
                                                                 django_capture_on_commit_callbacks):
    template = template_bytes(as_recommender, edition)
    _preview(as_recommender, upload(as_recommender, edition, fill(template, [good_row(declaring_unit, "一次")])))
    first = EntryImport.objects.get()
    as_recommender.post(reverse("entries:import_confirm", args=[first.pk]))
    again = as_recommender.post(reverse("entries:import_confirm", args=[first.pk]), follow=True)
    assert "此文件的状态已是“已导入”" in again.content.decode()
    assert Entry.objects.filter(title="一次").count() == 1

    _preview(as_recommender, upload(as_recommender, edition, fill(template, [good_row(declaring_unit, "放弃")])))
    second = EntryImport.objects.latest("id")
    stored = second.file.path
    with django_capture_on_commit_callbacks(execute=True):
        response = as_recommender.post(reverse("entries:import_discard", args=[second.pk]))
    assert response["Location"] == reverse("entries:import", args=[edition.slug])
    as_recommender.post(reverse("entries:import_confirm", args=[second.pk]))
    second.refresh_from_db()
    assert second.status == ImportStatus.DISCARDED and not Entry.objects.filter(title="放弃").exists()
    assert AuditLog.objects.get(action="entry_import.discard").data["sha256"] == second.sha256
    assert not os.path.exists(stored)  # the rows' personal data are not kept once discarded


# --- The domain functions refuse an importer outside its scope ------------------------------------------

def test_create_and_save_via_import_stay_within_the_importers_units(recommender, edition, declaring_unit,
                                                                    foreign_unit, declarer):
    from django.core.exceptions import PermissionDenied

    entry_import = EntryImport(edition=edition, uploaded_by=recommender, pk=1)
    with pytest.raises(PermissionDenied):
        declaration.create_entry(actor=recommender, unit=foreign_unit, edition=edition, title="越权", via_import=entry_import)
    # An importer fills only a draft it has just started, never the unit's own.
    own = declaration.create_entry(actor=declarer, unit=declaring_unit, edition=edition, title="单位自己的草稿")
    with pytest.raises(PermissionDenied):
        declaration.save_entry(actor=recommender, entry=own, fields={"title": "改掉"}, via_import=entry_import)
    # Without an import, a recommending unit cannot start a draft at all.
    with pytest.raises(PermissionDenied):
        declaration.create_entry(actor=recommender, unit=declaring_unit, edition=edition, title="无导入")


def test_the_check_reads_units_and_duplicates_once_and_the_form_per_row(as_recommender, edition, declaring_unit,
                                                                       recommender):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wuxiao.entries.importing.checks import check_file

    template = template_bytes(as_recommender, edition)

    def queries(n: int) -> int:
        data = fill(template, [good_row(declaring_unit, f"作品{i}") for i in range(n)])
        with CaptureQueriesContext(connection) as captured:
            result = check_file(io.BytesIO(data), edition=edition, actor=recommender)
        assert result.error_count == 0
        return len(captured)

    queries(1)  # the importer's memberships, read once per request
    # Per row only what the entry form itself reads: the category, the presentation forms, the industry code.
    assert queries(10) - queries(5) == 5 * 3
