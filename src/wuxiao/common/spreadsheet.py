"""The one writer of every spreadsheet the platform hands out (XLSX and CSV).

Exports carry what users typed (titles, names, reasons) into files that Excel and WPS open. A
field beginning with =, +, -, @, a tab or a carriage return may run there as a formula (OWASP
"CSV injection"), and control characters that XML cannot hold make openpyxl refuse the whole
file. So every value goes through here: text is written as text (a string cell in XLSX, a field
prefixed with a single quote in CSV, as OWASP advises) without those control characters, while
the numbers and dates an exporter passes as such stay numbers and dates.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.utils import timezone

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What makes a spreadsheet read a field as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0, and so XLSX, cannot hold (tab, line feed and carriage return it can).
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Values written as they are; anything else (a lazy translation, a model) is written as its text.
_AS_IS = (int, float, Decimal, dt.date, dt.time, dt.timedelta)


def clean_text(value) -> str:
    """`value` as text without the characters a spreadsheet cannot hold."""
    return _UNWRITABLE.sub("", str(value))


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def _value(value):
    if isinstance(value, str):  # most values, the quick way: printable text has nothing to remove
        return value if value.isprintable() else _UNWRITABLE.sub("", value)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        # Spreadsheets hold no time zone: the time is written as shown on the site (Beijing).
        return timezone.make_naive(value)
    return value if value is None or isinstance(value, _AS_IS) else clean_text(value)


# --- CSV ------------------------------------------------------------------------------------

def csv_field(value):
    """A CSV field: text that a spreadsheet would evaluate gets a leading single quote."""
    value = _value(value)
    if value is None:
        return ""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


class _Echo:
    def write(self, line: str) -> str:
        return line


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV text of `rows`, line by line (for a streaming response), after a UTF-8 BOM.

    The BOM makes Excel and WPS on Windows read the Chinese as UTF-8.
    """
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([csv_field(value) for value in row])


# --- XLSX -----------------------------------------------------------------------------------

def page_text(text) -> str:
    """Text for a page header or footer: "&" starts a formatting code there (&B bold, &P page), so it is doubled."""
    return clean_text(text).replace("&", "&&")


class XlsxSheet:
    """A new workbook of one sheet whose cells are written only through `append`.

    `sheet` is the openpyxl worksheet, for widths, fonts, borders and page setup; put user text
    in its headers and footers through `page_text`. `streaming` makes a write-only workbook,
    for long exports whose rows are not styled afterwards.
    """

    def __init__(self, title: str, *, streaming: bool = False):
        from openpyxl import Workbook  # only when a workbook is made: the web processes stay small

        self.workbook = Workbook(write_only=streaming)
        if streaming:
            self.sheet = self.workbook.create_sheet(clean_text(title))
        else:
            self.sheet = self.workbook.active
            self.sheet.title = clean_text(title)

    def _cell(self, value):
        from openpyxl.cell import WriteOnlyCell

        value = _value(value)
        cell = WriteOnlyCell(self.sheet, value)
        if isinstance(value, str):
            # openpyxl would make "=…" a formula and "#N/A" an error; a string cell shows the text as typed.
            cell.data_type = "s"
            if looks_like_formula(value):
                cell.quotePrefix = True  # as if typed after an apostrophe: editing the cell in Excel keeps it text
        return cell

    def append(self, values: Iterable) -> None:
        self.sheet.append([self._cell(value) for value in values])

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.workbook.save(out)
        return out.getvalue()
