"""The one reader of uploaded workbooks (common.spreadsheet.read_xlsx) and the writer's extra sheets and
drop-down lists (add_sheet, range_of, add_validation)."""

import datetime as dt
import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from wuxiao.common.exceptions import Refused
from wuxiao.common.spreadsheet import XlsxSheet, read_xlsx

from .test_spreadsheet_safety import FORMULA_ELEMENT


def _book(cells: dict, identifier: str | None = None) -> io.BytesIO:
    wb = Workbook()
    for ref, value in cells.items():
        wb.active[ref] = value
    wb.properties.identifier = identifier
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_rows_come_with_excels_numbers_and_values_as_data():
    content = read_xlsx(_book({"A1": "名称", "B1": "日期", "A3": "第三行", "B3": dt.date(2024, 5, 1), "C3": 35,
                               "D3": "=1+1", "E3": "  ", "A8": None}, identifier="x:y"), max_rows=100, max_columns=10)
    assert content.identifier == "x:y"
    assert [number for number, _values in content.rows] == [1, 2, 3]  # trailing empty rows dropped
    number, values = content.rows[2]
    assert values[:5] == ("第三行", dt.datetime(2024, 5, 1), 35, None, None)  # a formula: its value, never itself


def test_only_the_first_columns_are_read():
    content = read_xlsx(_book({"A1": "a", "Z1": "z"}), max_rows=10, max_columns=3)
    assert content.rows == [(1, ("a", None, None))]


def test_a_sheet_storing_a_row_far_down_is_refused_without_reading_it_all():
    with pytest.raises(Refused) as refused:
        read_xlsx(_book({"A1": "a", "A100000": "far"}), max_rows=50, max_columns=5)
    assert refused.value.field == "file" and "50" in str(refused.value.message)


def test_an_archive_claiming_to_unpack_to_more_than_the_limit_is_refused_before_unpacking():
    data = _book({"A1": "a"}).getvalue()
    with pytest.raises(Refused):
        read_xlsx(io.BytesIO(data), max_rows=10, max_columns=5, max_unpacked_bytes=1000)


def test_a_workbook_with_a_broken_part_is_unreadable_not_an_error():
    good = zipfile.ZipFile(_book({"A1": "a"}))
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        for name in good.namelist():
            archive.writestr(name, b"<broken" if name == "xl/workbook.xml" else good.read(name))
    with translation.override("zh-hans"):
        with pytest.raises(Refused) as refused:
            read_xlsx(broken, max_rows=10, max_columns=5)
        assert "损坏" in str(refused.value.message)


def test_extra_sheets_and_lists_go_through_the_safe_writer():
    book = XlsxSheet("表")
    lists = book.add_sheet("单位's 列表")
    lists.append(["=HYPERLINK(\"http://evil.example\")", "甲"])
    reference = lists.range_of(1, 1, 2)
    assert reference == "'单位''s 列表'!$A$1:$A$2"
    book.add_validation("A2:A9", choices=reference, prompt_title="标" * 40, prompt="说" * 300)
    book.add_validation("B2:B9", prompt="只有提示")
    wb = load_workbook(io.BytesIO(book.to_bytes()))
    cell = wb["单位's 列表"]["A1"]
    assert cell.data_type == "s" and cell.quotePrefix
    first, second = wb.active.data_validations.dataValidation
    assert first.type == "list" and first.formula1 == reference and first.showErrorMessage
    assert len(first.promptTitle) == 32 and len(first.prompt) == 255
    assert second.type is None and second.prompt == "只有提示" and not second.showErrorMessage
    archive = zipfile.ZipFile(io.BytesIO(book.to_bytes()))
    assert not any(FORMULA_ELEMENT.search(archive.read(n)) for n in archive.namelist() if "worksheets/" in n)
