"""Attachment 3 (R26), the summary sheet, as an Excel workbook (openpyxl)."""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.styles import Alignment, Border, Font, Side

from wuxiao.common.spreadsheet import XlsxSheet, page_text

from .pdf import DOCUMENT_LANGUAGE

WIDTHS = (6, 30, 26, 24, 12, 22, 10, 16)


def summary_xlsx(data: dict, rows: list[list] | None = None, unit_name: str = "") -> bytes:
    """Row 1 holds exactly the columns of R26; the title and seal line print in the page header and footer.

    `rows` fills the sheet (by default the numbered empty rows of the blank form); `unit_name`
    completes the seal line.
    """
    if rows is None:
        rows = [[n] + [""] * (len(data["columns"]) - 1) for n in data["rows"]]
    with translation.override(DOCUMENT_LANGUAGE):
        book = XlsxSheet(_("Summary sheet"))
        ws = book.sheet
        book.append(data["columns"])
        for row in rows:
            book.append(row)
        thin = Side(style="thin")
        for row in ws.iter_rows():
            for cell in row:
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for i, width in enumerate(WIDTHS):
            ws.column_dimensions[chr(ord("A") + i)].width = width
        ws.freeze_panes = "A2"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.oddHeader.left.text = _("Attachment 3")
        ws.oddHeader.center.text = page_text(data["form_title"])
        ws.oddFooter.left.text = _("Declaring unit:") + page_text(unit_name) + _("(seal)")
        ws.oddFooter.right.text = pgettext("date blanks", "Year    Month    Day")
        return book.to_bytes()
