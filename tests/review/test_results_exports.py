"""Exports of the results (issue 10, item 11): 评分汇总表 XLSX, the finalist list XLSX and PDF — they open,
hold the rows, and a title typed as a formula stays text."""

import io
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from wuxiao.entries.models import Entry
from wuxiao.review import services_results as services
from wuxiao.review.models import FinalistRow

from .helpers_results import immediate_tasks, scored_round  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]
FORMULA = '=HYPERLINK("x")'


def pdf_text(tmp_path, response) -> str:
    path = tmp_path / "list.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture
def scored(committee):
    r = scored_round(entries=7, experts=6, k=5, finalist_count=3,
                     title_of=lambda i: FORMULA if i == 0 else f"复赛作品{i + 1}")
    return r


def _book(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_score_summary_has_every_entry_and_keeps_a_formula_as_text(client, committee, scored):
    client.force_login(committee)
    response = client.get(reverse("review:results_xlsx", args=[scored.edition.slug]))
    assert "复赛评分汇总表" in response["Content-Disposition"] or "attachment" in response["Content-Disposition"]
    book = _book(response)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["作品编号", "作品名称", "申报单位", "类别", "评分专家（与各评分顺序对应）"]
    assert "评分1" in header and "评分5" in header and "实际运用水平（平均）" in header
    for name in ("正式得分", "正式排名", "校准得分", "校准排名", "提示"):
        assert name in header
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted(r[0] for r in rows) == sorted(e.pk for e in scored.entries)
    formula_row = next(r for r in rows if r[0] == scored.entries[0].pk)
    assert formula_row[1] == FORMULA
    cell = next(c for c in sheet["B"] if c.value == FORMULA)
    assert cell.data_type == "s"
    official = header.index("正式得分")
    assert all(r[official] is not None for r in rows)
    experts = book.worksheets[1]
    names = [r[1] for r in experts.iter_rows(min_row=2, values_only=True) if r[1]]
    assert {x.name for x in scored.experts} <= set(names)


def test_finalist_list_xlsx_and_pdf(client, committee, scored, tmp_path):
    client.force_login(committee)
    finalist_list = services.propose_finalist_list(actor=committee, edition=scored.edition)
    FinalistRow.objects.filter(finalist_list=finalist_list, entry=scored.entries[0]).update(selected=True)
    book = _book(client.get(reverse("review:finalists_xlsx", args=[scored.edition.slug])))
    sheet = book.worksheets[0]
    assert "决赛入围建议名单" in sheet["A1"].value
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 7
    assert any(r[3] == FORMULA for r in rows)
    assert next(c for c in sheet["D"] if c.value == FORMULA).data_type == "s"

    response = client.get(reverse("review:finalists_pdf", args=[scored.edition.slug]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(tmp_path, response)
    assert "决赛入围建议名单" in text
    for row in FinalistRow.objects.filter(finalist_list=finalist_list, selected=True).select_related("entry"):
        assert row.entry.title.replace(" ", "") in text.replace(" ", "")
    assert "签字" in text

    services.approve_finalist_list(actor=committee, finalist_list=FinalistRow.objects.first().finalist_list)
    response = client.get(reverse("review:finalists_pdf", args=[scored.edition.slug]))
    text = pdf_text(tmp_path, response)
    assert "决赛入围名单" in text and "建议" not in text.split("\n")[0]
    assert Entry.objects.filter(edition=scored.edition, status="finalist").count() == FinalistRow.objects.filter(
        selected=True).count()


def test_finalist_exports_without_a_list_are_404(client, committee, scored):
    client.force_login(committee)
    assert client.get(reverse("review:finalists_xlsx", args=[scored.edition.slug])).status_code == 404
    assert client.get(reverse("review:finalists_pdf", args=[scored.edition.slug])).status_code == 404
