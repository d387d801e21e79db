"""Blank Attachments 2, 3 and 4, downloadable by anyone from the public page."""

import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from .conftest import ROLES, needs_poppler, pdf_text, squeeze

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def _get(client, edition, document, file_type):
    response = client.get(reverse("documents:blank", args=[edition.slug, document, file_type]))
    assert response.status_code == 200, (document, file_type)
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def test_summary_xlsx_has_exactly_the_columns_of_r26(client, forms_edition):
    data = _get(client, forms_edition, "summary", "xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    header = [cell.value for cell in sheet[1]]
    assert header == ["序号", "名称", "申报单位", "所属工会", "申报类别", "路演形式", "联系人", "联系方式"]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [1, 2, 3, 4, 5, 6, 7]
    assert sheet.oddHeader.center.text == f"{forms_edition.title}申报汇总表"


@needs_poppler
def test_summary_pdf_golden_text(client, forms_edition, tmp_path):
    text = squeeze(pdf_text(tmp_path, _get(client, forms_edition, "summary", "pdf")))
    assert text.startswith(squeeze(f"附件 3{forms_edition.title}申报汇总表申报单位：（盖章）年月日"))
    assert "序号名称申报单位所属工会申报类别路演形式联系人联系方式1234567" in text


@needs_poppler
def test_blank_entry_form_pdf_golden_text(client, forms_edition, tmp_path):
    text = squeeze(pdf_text(tmp_path, _get(client, forms_edition, "entry_form", "pdf")))
    assert text.startswith(squeeze(f"附件 2{forms_edition.title}申报表申报单位：（盖章）年月日作品名称类别所属单位（个人）"))
    for words in ("填表要求：以纯文字形式，简要如实填写。", "2.字数要求：500字以内；", "一、所属行业分类",
                  "☐实物展示☐文字图片展示☐模型展示☐PPT和多媒体展示", "申报企业工会意见推荐单位意见", "盖章年月日盖章年月日",
                  "4.如有其他情况请附材料说明。"):
        assert words in text, words
    assert "草稿" not in text


def test_blank_entry_form_docx(client, forms_edition):
    doc = Document(io.BytesIO(_get(client, forms_edition, "entry_form", "docx")))
    cells = [cell.text for row in doc.tables[0].rows for cell in row.cells]
    for label in ("作品名称", "类别", "所属单位（个人）", "联系电话（手机号码）", "主要完成人简况", "获奖情况", "作品简述", "作品说明",
                  "可展示形式", "申报企业工会意见", "推荐单位意见"):
        assert label in cells, label
    assert any("填表要求：以纯文字形式，简要如实填写。" in c for c in cells)


@needs_poppler
def test_blank_commitment_pdf_and_docx(client, forms_edition, tmp_path):
    text = squeeze(pdf_text(tmp_path, _get(client, forms_edition, "commitment", "pdf")))
    assert text.startswith(squeeze(f"附件 4{forms_edition.title}申报单位主动公示型信用承诺书我单位（单位名称："))
    assert "（6）知识产权归属尚存在争议的创新作品；" in text
    assert text.endswith("单位（公章）：法定代表人签字：年月日")
    doc = Document(io.BytesIO(_get(client, forms_edition, "commitment", "docx")))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "申报单位主动公示型信用承诺书" in body and "法定代表人签字：" in body


@pytest.mark.parametrize("role", ROLES)
def test_everyone_may_download_blank_forms(client_as, role, forms_edition):
    client = client_as(role)
    for document, file_type in [("entry_form", "pdf"), ("entry_form", "docx"), ("summary", "pdf"),
                                ("summary", "xlsx"), ("commitment", "pdf"), ("commitment", "docx")]:
        assert _get(client, forms_edition, document, file_type)


@pytest.mark.parametrize("document, file_type", [("summary", "docx"), ("entry_form", "exe"), ("nothing", "pdf")])
def test_unknown_blank_is_404(client, forms_edition, document, file_type):
    url = reverse("documents:blank", args=[forms_edition.slug, document, file_type])
    assert client.get(url).status_code == 404


def test_public_page_links_the_blank_forms(client, forms_edition):
    page = client.get(reverse("public:edition", args=[forms_edition.slug])).content.decode()
    assert "下载空白表格" in page
    assert "申报表（附件 2）" in page and "申报汇总表（附件 3）" in page and "信用承诺书（附件 4）" in page
    for document, file_type in [("entry_form", "pdf"), ("entry_form", "docx"), ("summary", "pdf"),
                                ("summary", "xlsx"), ("commitment", "pdf"), ("commitment", "docx")]:
        assert reverse("documents:blank", args=[forms_edition.slug, document, file_type]) in page
