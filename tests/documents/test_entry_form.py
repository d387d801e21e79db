"""The 申报表 (Attachment 2, R17–R23) of an entry, as PDF and DOCX."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document

from wuxiao.documents import content
from wuxiao.documents.exporters import EntryFormDocx, EntryFormPdf
from wuxiao.entries.models import Entry, EntryTransition

from .conftest import COMPLETERS, ROLES, expect, needs_poppler, pdf_fonts, pdf_pages, pdf_text, squeeze

pytestmark = pytest.mark.django_db

FIELD_LABELS = ["作品名称", "类别", "所属单位（个人）", "联系人", "联系电话（手机号码）", "主要完成人简况", "姓名", "年龄",
                "职务、职称（工种或级别）", "工作单位", "电话", "获奖情况", "作品简述", "作品说明", "可展示形式",
                "申报企业工会意见", "推荐单位意见", "备注说明"]


def _loaded(entry):
    return content.entries_for_documents(Entry.objects.filter(pk=entry.pk)).get()


def _values(entry) -> list[str]:
    """Every field of the entry as it must appear in the documents (R17–R23)."""
    values = [entry.title, "小革新", entry.affiliation, entry.contact_name, entry.contact_mobile, entry.awards,
              entry.summary, entry.background, entry.goals, entry.innovation_points, entry.benefits,
              entry.union_opinion, entry.union_opinion_by, "2025年3月20日",
              # R21.1: the code with its section, division, group and class
              "C制造业", "34通用设备制造业", "342金属加工机械制造", "3421金属切削机床制造"]
    for name, age, post, workplace, phone in COMPLETERS:
        values += [name, str(age), post, workplace, phone]
    return values


@needs_poppler
def test_pdf_golden_text_every_field_fonts_embedded_and_long_texts_flow(full_entry, tmp_path):
    Entry.objects.filter(pk=full_entry.pk).update(status="submitted")
    data = EntryFormPdf(_loaded(full_entry)).render()
    text = squeeze(pdf_text(tmp_path, data))
    assert "草稿" not in text
    assert "测试竞赛" in text and "申报表" in text
    assert squeeze(f"申报单位：{full_entry.declaring_unit.name}（盖章）") in text  # R17: the header names the unit
    for label in FIELD_LABELS:
        assert squeeze(label) in text, label
    for value in _values(full_entry):
        assert squeeze(value) in text, value
    # R22: the edition's four forms, ticked where chosen
    assert "☑实物展示" in text and "☐文字图片展示" in text and "☐模型展示" in text and "☑PPT和多媒体展示" in text
    # 500 字 each: nothing is cut, the markers at both ends are there, in order
    for marker in ("简述", "创新", "效益"):
        assert text.index(f"【{marker}始】") < text.index(f"【{marker}终】")
    assert pdf_pages(tmp_path, data) > 1
    fonts = pdf_fonts(tmp_path, data)
    assert any("Noto" in name and "CJK" in name for name, _ in fonts)
    assert all(embedded for _, embedded in fonts), fonts


@needs_poppler
def test_draft_is_marked_on_every_page(full_entry, tmp_path):
    data = EntryFormPdf(_loaded(full_entry)).render()
    pages = pdf_text(tmp_path, data).split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) == pdf_pages(tmp_path, data) > 1
    for page in pages:
        assert "草稿：尚未提交，请勿盖章" in squeeze(page)


@needs_poppler
def test_pdf_escapes_markup_and_keeps_emoji_text(entry_factory, tmp_path):
    entry = entry_factory(title="<script>alert(1)</script>工装", awards="获奖😀情况 & <b>加粗</b>")
    text = squeeze(pdf_text(tmp_path, EntryFormPdf(_loaded(entry)).render()))
    assert "<script>alert(1)</script>工装" in text  # shown as text, not run
    assert "&<b>加粗</b>" in text


def test_docx_contains_every_field(full_entry):
    doc = Document(io.BytesIO(EntryFormDocx(_loaded(full_entry)).render()))
    cells = "\n".join(cell.text for table in doc.tables for row in table.rows for cell in row.cells)
    body = "\n".join(p.text for p in doc.paragraphs) + cells
    assert "测试竞赛" in body and "申报表" in body
    for value in _values(full_entry):
        if value in ("2025年3月20日",) or value.startswith(("C制造业", "34", "342", "3421")):
            continue
        assert value in body, value
    assert "2025 年 3 月 20 日" in body
    assert "C 制造业 › 34 通用设备制造业 › 342 金属加工机械制造 › 3421 金属切削机床制造" in body
    for label in FIELD_LABELS[:-1]:
        assert label in body, label
    assert "☑ 实物展示" in body and "☐ 模型展示" in body
    assert "草稿" in doc.sections[0].header.paragraphs[0].text
    # the completers' table: one row per completer, in order, the first completer first
    names = [row.cells[1].text for row in doc.tables[0].rows if row.cells[1].text in {c[0] for c in COMPLETERS}]
    assert names == [c[0] for c in COMPLETERS]


def test_empty_draft_renders(entry_factory):
    """A new draft (no completers, no industry) still gives a form to look at."""
    assert EntryFormPdf(_loaded(entry_factory())).render().startswith(b"%PDF-")
    assert EntryFormDocx(_loaded(entry_factory())).render()[:2] == b"PK"


ALLOWED = {"declarer", "recommender", "committee", "site_admin"}  # entries.view_entry


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, magic, content_type", [
    ("documents:entry_pdf", b"%PDF-", "application/pdf"),
    ("documents:entry_docx", b"PK", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_download_permissions(client_as, role, full_entry, name, magic, content_type):
    if role in ("recommender", "committee", "site_admin"):  # a draft is the declaring unit's own: once
        # submitted, the recommending unit and the committee office see it
        Entry.objects.filter(pk=full_entry.pk).update(status="submitted")  # arranged, as a factory would
    response = client_as(role).get(reverse(name, args=[full_entry.pk]))
    expect(response, role in ALLOWED, role)
    if role in ALLOWED:
        assert response["Content-Type"] == content_type
        assert b"".join(response.streaming_content).startswith(magic)
        assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("role", ["recommender", "committee", "site_admin"])
def test_nobody_but_its_unit_prints_a_draft(client_as, full_entry, role):
    assert client_as(role).get(reverse("documents:entry_pdf", args=[full_entry.pk])).status_code == 403


def test_other_units_declarer_is_refused(client, full_entry):
    from wuxiao.accounts.models import Role

    from .. import factories

    client.force_login(factories.user_with_role(Role.DECLARER))
    assert client.get(reverse("documents:entry_pdf", args=[full_entry.pk])).status_code == 403


def test_missing_entry_is_404(client_as):
    assert client_as("committee").get(reverse("documents:entry_pdf", args=[999999])).status_code == 404


@pytest.mark.parametrize("role, page", [("declarer", "entries:edit"), ("declarer", "entries:view"),
                                        ("recommender", "entries:view"), ("committee", "entries:view")])
def test_the_word_form_is_linked_beside_the_pdf(client_as, full_entry, role, page):
    """Wherever the 申报表 PDF is offered, its DOCX is offered beside it (issue 9, item 16)."""
    if role != "declarer":
        Entry.objects.filter(pk=full_entry.pk).update(status="submitted")  # arranged, as a factory would
    client = client_as(role)
    html = client.get(reverse(page, args=[full_entry.pk])).content.decode()
    pdf = reverse("documents:entry_pdf", args=[full_entry.pk])
    docx = reverse("documents:entry_docx", args=[full_entry.pk])
    assert (f'<a href="{pdf}" data-entry-pdf>下载申报表（PDF）</a> · '
            f'<a href="{docx}" data-entry-docx>下载申报表（Word）</a>') in html
    response = client.get(docx)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"PK")


# --- The recommending unit's box (R23) and the header's 申报单位 (R17) ---------------------------------

OPINION = "该作品创新性强，已在本区三家企业推广应用，同意推荐。"


def _recommend(entry, day=dt.date(2025, 4, 2)):
    """The entry as recommended on `day` (Beijing time), with the recommending unit's opinion."""
    from django.utils import timezone

    from .. import factories

    recommender = factories.user_with_role("recommender", entry.recommending_unit)
    Entry.objects.filter(pk=entry.pk).update(status="recommended", recommendation_rank=1)
    step = EntryTransition.objects.create(entry=entry, action="recommend", from_status="submitted",
                                          to_status="recommended", actor=recommender,
                                          data={"opinion": OPINION, "rank": 1})
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 30)))
    EntryTransition.objects.filter(pk=step.pk).update(at=at)
    return _loaded(entry)


def _recommending_box_docx(doc) -> str:
    """The text of the DOCX's 推荐单位意见 box (the cell under its heading)."""
    rows = doc.tables[0].rows
    heads = [i for i, row in enumerate(rows) if row.cells[-1].text == "推荐单位意见"]
    return rows[heads[-1] + 1].cells[-1].text


@needs_poppler
def test_pdf_prints_the_recommending_units_opinion_name_and_date(full_entry, tmp_path):
    entry = _recommend(full_entry)
    text = squeeze(pdf_text(tmp_path, EntryFormPdf(entry).render()))
    assert squeeze(f"申报单位：{entry.declaring_unit.name}（盖章）") in text
    box = text.split("推荐单位意见", 1)[1]
    assert squeeze(OPINION) in box
    assert squeeze(entry.recommending_unit.name) in box
    assert "2025年4月2日" in box
    assert box.index(squeeze(OPINION)) < box.index(squeeze(entry.recommending_unit.name)) < box.index("2025年4月2日")


def test_docx_prints_the_recommending_units_opinion_name_and_date(full_entry):
    entry = _recommend(full_entry)
    doc = Document(io.BytesIO(EntryFormDocx(entry).render()))
    header = "\n".join(p.text for p in doc.paragraphs[:4])
    assert f"申报单位：{entry.declaring_unit.name}（盖章）" in header
    box = _recommending_box_docx(doc)
    assert OPINION in box and entry.recommending_unit.name in box and "2025 年 4 月 2 日" in box
    assert "盖\u3000章" in box


@needs_poppler
def test_before_the_recommendation_the_box_is_blank(full_entry, tmp_path):
    Entry.objects.filter(pk=full_entry.pk).update(status="submitted")
    entry = _loaded(full_entry)
    text = squeeze(pdf_text(tmp_path, EntryFormPdf(entry).render()))
    assert squeeze(entry.recommending_unit.name) not in text.split("推荐单位意见", 1)[1].split("备注说明")[0]
    doc = Document(io.BytesIO(EntryFormDocx(entry).render()))
    box = _recommending_box_docx(doc)
    assert entry.recommending_unit.name not in box and "年\u3000\u3000月\u3000\u3000日" in box


def test_the_documents_need_a_fixed_number_of_queries(full_entry, django_assert_max_num_queries):
    from wuxiao.documents import content

    _recommend(full_entry)
    with django_assert_max_num_queries(8):
        [entry] = content.entries_for_documents(Entry.objects.filter(pk=full_entry.pk))
        data = content.entry_form_context(entry)
    assert data["recommending_opinion"] == OPINION
