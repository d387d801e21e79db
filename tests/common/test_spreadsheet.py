"""The safe spreadsheet writer (wuxiao.common.spreadsheet) on its own: any text in, a file that opens, no formula."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from wuxiao.common.spreadsheet import XlsxSheet, clean_text, csv_lines, looks_like_formula, page_text

from .test_spreadsheet_safety import FORMULA_ELEMENT

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tX", "\rY", "=1", "#N/A",
           "#DIV/0!", "-5"]


def _xlsx(rows, *, streaming=False):
    book = XlsxSheet("表", streaming=streaming)
    for row in rows:
        book.append(row)
    data = book.to_bytes()
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert not FORMULA_ELEMENT.search(xml)
    return load_workbook(io.BytesIO(data)).active


def _csv(rows) -> list[list[str]]:
    text = "".join(csv_lines(rows))
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


@pytest.mark.parametrize("streaming", [False, True])
def test_xlsx_text_that_looks_like_a_formula_is_a_string_cell(streaming):
    ws = _xlsx([HOSTILE], streaming=streaming)
    cells = list(ws[1])
    assert [c.value for c in cells] == HOSTILE
    assert {c.data_type for c in cells} == {"s"}
    # Typed after an apostrophe, as Excel would keep it when the cell is edited; "#N/A" needs none.
    assert [c.quotePrefix for c in cells] == [True] * 6 + [True, False, False, True]


@pytest.mark.parametrize("streaming", [False, True])
def test_xlsx_numbers_and_dates_stay_what_the_exporter_passed(streaming):
    ws = _xlsx([[1, -5, 2.5, Decimal("3.25"), dt.date(2025, 3, 28), None, True]], streaming=streaming)
    values = [c.value for c in ws[1]]
    assert values[:4] == [1, -5, 2.5, 3.25] and {c.data_type for c in list(ws[1])[:4]} == {"n"}
    assert values[4].date() == dt.date(2025, 3, 28)
    assert values[5] is None and values[6] is True


def test_an_aware_time_is_written_as_beijing_time():
    at = dt.datetime(2025, 3, 28, 9, 30, tzinfo=dt.UTC)
    assert _xlsx([[at]])["A1"].value == dt.datetime(2025, 3, 28, 17, 30)
    assert _csv([[at]]) == [["2025-03-28 17:30:00"]]


def test_xlsx_removes_what_openpyxl_refuses_instead_of_failing():
    ws = _xlsx([["作品\x0b名称\x00", "\x01\x08\x0c\x0e\x1f=1+1", "保留\t制表\n换行\r回车"]])
    assert [c.value for c in ws[1]] == ["作品名称", "=1+1", "保留\t制表\n换行\r回车"]
    assert ws["B1"].data_type == "s" and ws["B1"].quotePrefix


def test_xlsx_writes_lazy_translations_in_the_active_language():
    with translation.override("zh-hans"):
        ws = _xlsx([[gettext_lazy("Audit log")]])
    assert ws["A1"].value == "操作日志"


def test_xlsx_sheet_title_and_page_text_are_cleaned():
    book = XlsxSheet("标\x0b题")
    book.sheet.oddHeader.center.text = page_text("A&B\x0b公司")
    ws = load_workbook(io.BytesIO(book.to_bytes())).active
    assert ws.title == "标题"
    assert page_text("A&B\x0b公司") == "A&&B公司"


def test_csv_prefixes_text_a_spreadsheet_would_evaluate():
    assert _csv([HOSTILE + ["plain", "a=b", " =1"]]) == [
        ["'" + text for text in HOSTILE[:7]] + ["#N/A", "#DIV/0!", "'-5", "plain", "a=b", " =1"]]


def test_csv_numbers_stay_numbers_and_control_characters_go():
    assert _csv([[-5, 0, 2.5, None, "作品\x0b名称\x00", "\x0b=1"]]) == [["-5", "0", "2.5", "", "作品名称", "'=1"]]


def test_clean_text_removes_exactly_what_openpyxl_refuses():
    for code in range(0x20):
        char = chr(code)
        assert (clean_text(char) == "") == bool(ILLEGAL_CHARACTERS_RE.search(char)), hex(code)
    assert clean_text("\ufffe\uffff\ud800") == ""


ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=ANY_TEXT, streaming=st.booleans())
@example(text="=HYPERLINK(\"http://evil.example\",\"x\")\x0b", streaming=True)
@example(text="\r\x00", streaming=False)
@example(text="#REF!", streaming=False)
def test_any_text_gives_a_workbook_that_opens_with_the_text_as_a_string(text, streaming):
    ws = _xlsx([[text, 7, -5]], streaming=streaming)
    expected = clean_text(text)
    a1, b1, c1 = ws[1]
    assert a1.value == (expected or None)  # an empty cell reads back as None
    assert a1.data_type == "s" or not expected
    assert a1.quotePrefix == looks_like_formula(expected)
    assert (b1.value, c1.value) == (7, -5)


@settings(max_examples=150, deadline=None)
@given(text=ANY_TEXT)
def test_any_text_gives_a_csv_field_that_is_the_text_or_the_text_after_a_quote(text):
    expected = clean_text(text)
    [row] = _csv([[text, 7, -5]])
    assert row == [("'" + expected) if looks_like_formula(expected) else expected, "7", "-5"]
    assert not looks_like_formula(row[0])
