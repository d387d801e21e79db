"""The one writer of every spreadsheet the platform hands out (XLSX and CSV), and the one reader
of the workbooks users upload.

Exports carry what users typed (titles, names, reasons) into files that Excel and WPS open. A
field beginning with =, +, -, @, a tab or a carriage return may run there as a formula (OWASP
"CSV injection"), and control characters that XML cannot hold make openpyxl refuse the whole
file. So every value goes through here: text is written as text (a string cell in XLSX, a field
prefixed with a single quote in CSV, as OWASP advises) without those control characters, while
the numbers and dates an exporter passes as such stay numbers and dates.

An uploaded workbook is a ZIP of XML parts that may unpack to far more than its size, hold a
million empty rows, or not be a workbook at all; `read_xlsx` checks the archive before openpyxl
opens it and reads only cell values (a formula's last computed value, never the formula).
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .exceptions import Refused

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

    def add_sheet(self, title: str) -> "XlsxSheet":
        """Another sheet of the same workbook, written through its own `append` (not for streaming books)."""
        other = object.__new__(XlsxSheet)
        other.workbook = self.workbook
        other.sheet = self.workbook.create_sheet(clean_text(title))
        return other

    def range_of(self, column: int, first_row: int, last_row: int) -> str:
        """An absolute reference to cells of this sheet that another sheet's formulas can use ('表'!$A$2:$A$9)."""
        from openpyxl.utils import get_column_letter

        letter = get_column_letter(column)
        name = self.sheet.title.replace("'", "''")
        return f"'{name}'!${letter}${first_row}:${letter}${last_row}"

    def add_validation(self, cells: str, *, choices: str | None = None, prompt_title="", prompt="",
                       strict: bool = True) -> None:
        """Help for the person filling `cells` (e.g. "C2:C501"): a drop-down of the values at `choices`
        (a `range_of` reference, or None for no list) and a note shown when a cell is chosen.

        With `strict`, Excel and WPS refuse a value that is not in the list; otherwise they only offer it.
        The texts are shown as typed (Excel's limits: a 32-character title, a 255-character note).
        """
        from openpyxl.worksheet.datavalidation import DataValidation

        validation = DataValidation(type="list" if choices else None, formula1=choices, allow_blank=True,
                                    showDropDown=False, showErrorMessage=bool(choices and strict),
                                    showInputMessage=bool(prompt))
        if prompt:
            validation.promptTitle = clean_text(prompt_title)[:32] or None
            validation.prompt = clean_text(prompt)[:255]
        if choices and strict:
            validation.errorTitle = clean_text(_("Not in the list"))[:32]
            validation.error = clean_text(_("Choose a value from the drop-down list."))[:255]
        validation.add(cells)
        self.sheet.add_data_validation(validation)

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


# --- Reading an uploaded XLSX -----------------------------------------------------------------

XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old .xls (and .doc) format
ZIP_MEMBERS_MAX = 1000


@dataclass(frozen=True)
class XlsxContent:
    """The first sheet of an uploaded workbook: its rows of values, numbered as Excel numbers them (from 1),
    and the identifier its writer put in the file's properties (None when there is none)."""

    rows: list[tuple[int, tuple]]
    identifier: str | None


def _refuse_archive(upload, max_unpacked_bytes: int) -> None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(OLE2_MAGIC):
        raise Refused(_("This is an Excel 97–2003 workbook (.xls): open it in Excel or WPS and save it as an "
                        "Excel workbook (.xlsx), then upload that file."), field="file")
    if not head.startswith(XLSX_MAGIC):
        raise Refused(_("This file is not an Excel workbook (.xlsx): upload the template filled in and saved "
                        "in Excel or WPS as .xlsx."), field="file")
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Refused(_("The file is damaged and cannot be read: save it again in Excel or WPS as .xlsx."),
                      field="file") from None
    finally:
        upload.seek(0)
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise Refused(_("This file is not an Excel workbook (.xlsx): upload the template filled in and saved "
                        "in Excel or WPS as .xlsx."), field="file")
    # A ZIP states the unpacked size of each part: a workbook that would unpack to far more than any
    # filled template (a "ZIP bomb") is refused before anything is unpacked.
    if len(members) > ZIP_MEMBERS_MAX or sum(member.file_size for member in members) > max_unpacked_bytes:
        raise Refused(_("The workbook holds far more than a filled template; split the entries into several "
                        "files."), field="file")


def read_xlsx(upload, *, max_rows: int, max_columns: int, max_unpacked_bytes: int = 50 * 1024 * 1024) -> XlsxContent:
    """The values of the first sheet of the workbook `upload` (a file object), refused with a message
    beside the input "file" when it is not a readable XLSX or larger than the limits.

    `max_rows` counts every row the sheet stores, empty or not (a sheet may store a million empty
    rows); only the first `max_columns` columns are read. Values are what the cells show as data:
    text, numbers, dates and times (datetime), booleans, None for an empty cell.
    """
    from openpyxl import load_workbook

    _refuse_archive(upload, max_unpacked_bytes)
    unreadable = Refused(_("The file is damaged and cannot be read: save it again in Excel or WPS as .xlsx."),
                         field="file")
    try:
        # data_only: a formula's cached value, never the formula; read_only: rows stream from the part.
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged part; each means "unreadable"
        raise unreadable from None
    try:
        if not workbook.worksheets:
            raise unreadable
        sheet = workbook.worksheets[0]
        rows = []
        try:
            for number, values in enumerate(sheet.iter_rows(min_row=1, max_col=max_columns, values_only=True),
                                            start=1):
                if number > max_rows:
                    raise Refused(_("The sheet has more than %(max)d rows; split the entries into several files.")
                                  % {"max": max_rows}, field="file")
                rows.append((number, tuple(_read_value(v) for v in values)))
        except Refused:
            raise
        except Exception:
            raise unreadable from None
        identifier = getattr(workbook.properties, "identifier", None)
    finally:
        workbook.close()
    while rows and all(v is None for v in rows[-1][1]):
        rows.pop()
    return XlsxContent(rows=rows, identifier=identifier if isinstance(identifier, str) else None)


def _read_value(value):
    if isinstance(value, str):
        value = value if value.isprintable() else _UNWRITABLE.sub("", value)
        return value if value.strip() else None
    return value
