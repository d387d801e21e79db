"""The import template of an edition: the sheet to fill (row 1 the column names), the explanation
sheet, and a hidden sheet with the lists the drop-downs offer; written by common.spreadsheet."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from wuxiao.common.spreadsheet import XlsxSheet, page_text

from ..declaration import ZI_LIMITS
from .columns import (
    CATEGORY,
    COMPLETER,
    DATE,
    EXCLUSION,
    FORM,
    MAX_COMPLETERS,
    MAX_ENTRIES,
    MAX_FILE_MB,
    TEMPLATE_COMPLETERS,
    UNIT,
    YES_NO,
    columns_for,
    identifier,
)

YES, NO = "是", "否"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
THIN = Side(style="thin", color="999999")


def file_name(edition) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("entry import template") + f"-{edition.slug}.xlsx"


def import_template(edition, units) -> bytes:
    """The workbook to fill for `edition`; `units` (declaring units) are offered in the unit column's list."""
    with translation.override(settings.LANGUAGE_CODE):
        columns = columns_for(edition)
        book = XlsxSheet(pgettext("import sheet", "Entries"))
        book.workbook.properties.identifier = identifier(edition)
        book.workbook.properties.title = page_text(edition.title)
        _data_sheet(book, edition, columns)
        lists = book.add_sheet(pgettext("import sheet", "Lists"))
        _explanation_sheet(book.add_sheet(pgettext("import sheet", "How to fill in")), edition, columns)
        book.workbook.move_sheet(lists.sheet, offset=1)  # the explanation second, the hidden lists last
        _lists(book, lists, edition, columns, list(units))
        return book.to_bytes()


def _data_sheet(book: XlsxSheet, edition, columns) -> None:
    ws = book.sheet
    book.append([c.header for c in columns])
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
        ws.column_dimensions[letter].width = column.width
        if column.as_text:
            ws.column_dimensions[letter].number_format = "@"
        elif column.kind == DATE:
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
    ws.row_dimensions[1].height = 48
    ws.freeze_panes = "C2"
    ws.oddHeader.center.text = page_text(edition.title) + " " + page_text(_("entry import template"))
    ws.page_setup.orientation = "landscape"


def _lists(book: XlsxSheet, lists: XlsxSheet, edition, columns, units) -> None:
    categories = [c.name for c in edition.categories.all()]
    names = [u.name for u in units]
    lists.append([pgettext("import sheet", "Categories"), pgettext("import sheet", "Yes or no"),
                  pgettext("import sheet", "Declaring units")])
    for i in range(max(len(categories), 2, len(names))):
        lists.append([categories[i] if i < len(categories) else None, (YES, NO)[i] if i < 2 else None,
                      names[i] if i < len(names) else None])
    lists.sheet.sheet_state = "hidden"
    sources = {CATEGORY: lists.range_of(1, 2, 1 + len(categories)) if categories else None,
               UNIT: lists.range_of(3, 2, 1 + len(names)) if names else None}
    yes_no = lists.range_of(2, 2, 3)
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        cells = f"{letter}2:{letter}{MAX_ENTRIES + 1}"
        choices = yes_no if column.kind in (YES_NO, FORM, EXCLUSION) else sources.get(column.kind)
        if choices is None and not column.prompt:
            continue
        # A unit may be given by its credit code instead of its name: its list is offered, not imposed.
        book.add_validation(cells, choices=choices, prompt_title=column.header, prompt=column.prompt,
                            strict=column.kind != UNIT)


def _explanation_sheet(sheet: XlsxSheet, edition, columns) -> None:
    ws = sheet.sheet
    sheet.append([_("%(edition)s: entry import template, how to fill it in") % {"edition": edition.title}])
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    _across(ws, 1, height=24)
    sheet.append([])
    notes = [
        _("One row per entry, from row 2 of the sheet “%(sheet)s”. Do not change, delete or move the column names "
          "in row 1.") % {"sheet": pgettext("import sheet", "Entries")},
        _("The title and the declaring unit are required. Everything else may be left empty and completed by the "
          "declaring unit on the platform after the import."),
        _("Declaring unit: its name exactly as registered on the platform, or its 18-character Unified Social Credit "
          "Code. A recommending unit imports only for its own declaring units; the committee office for any."),
        _("The imported entries are drafts of their declaring units: the declaring unit logs in, adds the attachments "
          "(photos, PPT, video, the stamped entry form), checks the content and submits. An import is not a "
          "submission."),
        _("At most %(rows)d entries and %(mb)d MB per file. The platform checks every row after the upload and lists "
          "the errors by row number and column name; only a file without errors can be imported, and then all of "
          "its rows are imported at once.") % {"rows": MAX_ENTRIES, "mb": MAX_FILE_MB},
        _("Completers: five columns each (name, age, post / title, workplace, phone); completer 1 is the first "
          "completer. For more than %(n)d completers add columns at the end in the same form, e.g. “%(example)s”, "
          "up to %(max)d completers.") % {"n": TEMPLATE_COMPLETERS, "example": _completer_example(columns),
                                          "max": MAX_COMPLETERS},
        _("Columns answered yes or no take “是” or “否”; an empty cell means not answered yet. Dates are written "
          "like 2024-05-01. Write phone numbers and codes as text."),
        _("字数 are counted as Word counts them: every Chinese character and full-width punctuation mark counts 1, "
          "every run of letters or digits counts 1. The summary, the innovation points and the benefits may have at "
          "most %(n)d 字 each.") % {"n": max(ZI_LIMITS.values())},
    ]
    for i, note in enumerate(notes, start=1):
        sheet.append([f"{i}. {note}"])
        _across(ws, ws.max_row, height=15 * (1 + len(note) // 70))
    sheet.append([])
    sheet.append([pgettext("import sheet", "Column"), pgettext("import sheet", "Required"), pgettext("import sheet", "What to fill in")])
    header_row = ws.max_row
    for column in columns:
        if column.kind == COMPLETER and column.target != 1:
            continue
        sheet.append([column.header, pgettext("import sheet", "required") if column.required else "", column.prompt])
    sheet.append([])
    sheet.append([_("Categories of this edition"), "、".join(c.name for c in edition.categories.all())])
    sheet.append([pgettext("import sheet", "Presentation forms"), "、".join(f.name for f in edition.presentation_forms.all())])
    sheet.append([_("Exclusions (an entry to which one applies is not eligible)")])
    for exclusion in edition.exclusions.all():
        sheet.append([f"{exclusion.number}. {exclusion.text}"])
        _across(ws, ws.max_row)
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 10
    ws.column_dimensions["C"].width = 90
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _across(ws, row: int, height: float | None = None) -> None:
    """A line of text over the sheet's three columns."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    if height:
        ws.row_dimensions[row].height = height


def _completer_example(columns) -> str:
    first = next(c for c in columns if c.kind == COMPLETER)
    return first.header.replace("1", str(TEMPLATE_COMPLETERS + 1), 1)
