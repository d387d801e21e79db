"""Attachment 3 (R26), the summary sheet, as an Excel workbook (openpyxl)."""

import io

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from .pdf import DOCUMENT_LANGUAGE

WIDTHS = (6, 30, 26, 24, 12, 22, 10, 16)


def summary_xlsx(data: dict) -> bytes:
    """Row 1 holds exactly the columns of R26; the title and seal line print in the page header."""
    with translation.override(DOCUMENT_LANGUAGE):
        wb = Workbook()
        ws = wb.active
        ws.title = _("Summary sheet")
        ws.append(list(data["columns"]))
        for n in data["rows"]:
            ws.append([n] + [""] * (len(data["columns"]) - 1))
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
        ws.oddHeader.center.text = data["form_title"]
        ws.oddFooter.left.text = _("Declaring unit:") + _("(seal)")
        ws.oddFooter.right.text = pgettext("date blanks", "Year    Month    Day")
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
