"""The editable Word versions (python-docx) of Attachment 2 and Attachment 4, from content.py's data."""

import io

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .pdf import DOCUMENT_LANGUAGE

FONT = "宋体"  # what the committee's Word and WPS show; Noto Serif CJK in the PDF looks the same
COLUMN_WIDTHS_CM = (2.6, 2.0, 1.4, 3.6, 4.4, 2.8)


def _new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(1.8)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return doc


def _save(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _heading(doc, attachment: str, title: str) -> None:
    doc.add_paragraph(attachment)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(title)
    run.bold = True
    run.font.size = Pt(16)


def _set(cell, text: str = "", *, center: bool = False, bold: bool = False) -> None:
    """Write `text` into `cell`, one paragraph per line of the text."""
    lines = str(text or "").splitlines() or [""]
    cell.text = ""
    first = cell.paragraphs[0]
    for i, line in enumerate(lines):
        p = first if i == 0 else cell.add_paragraph()
        run = p.add_run(line)
        run.bold = bold
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _add_lines(cell, lines, *, bold_first: bool = False) -> None:
    for i, line in enumerate(lines):
        p = cell.add_paragraph()
        run = p.add_run(line)
        run.bold = bold_first and i == 0


def entry_form_docx(data: dict) -> bytes:
    """Attachment 2 (R17–R23) as a Word table; `data` is content.entry_form_context() or the blank one."""
    with translation.override(DOCUMENT_LANGUAGE):
        return _save(_entry_form(data))


def _entry_form(data: dict):
    label = lambda text: pgettext("entry form", text)  # noqa: E731 - the PDF template's labels
    doc = _new_document()
    if data.get("draft"):
        doc.sections[0].header.paragraphs[0].text = _("Draft: not submitted yet, not for stamping")
    _heading(doc, _("Attachment 2"), data["form_title"])
    seal = doc.add_paragraph(_("Declaring unit:") + data.get("declaring_unit", "") + _("(seal)") + "\t\t\t\t\t"
                             + pgettext("date blanks", "Year    Month    Day"))
    seal.paragraph_format.space_after = Pt(4)

    completers = data["completer_rows"]
    table = doc.add_table(rows=0, cols=6)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER

    def row():
        cells = table.add_row().cells
        for cell, width in zip(cells, COLUMN_WIDTHS_CM):
            cell.width = Cm(width)
        return cells

    cells = row()
    _set(cells[0], label("Title of the innovation"), center=True)
    _set(cells[1].merge(cells[3]), data.get("title", ""))
    _set(cells[4], label("Category"), center=True)
    _set(cells[5], data.get("category", ""))
    cells = row()
    _set(cells[0], label("Unit (individual)"), center=True)
    _set(cells[1].merge(cells[5]), data.get("affiliation", ""))
    cells = row()
    _set(cells[0], label("Contact person"), center=True)
    _set(cells[1].merge(cells[2]), data.get("contact_name", ""))
    _set(cells[3], label("Contact phone (mobile)"), center=True)
    _set(cells[4].merge(cells[5]), data.get("contact_mobile", ""))

    head = row()
    for cell, text in zip(head[1:], ("Name", "Age", "Post, title (trade or grade)", "Workplace", "Phone")):
        _set(cell, label(text), center=True)
    first_completer_row = len(table.rows) - 1
    for c in completers:
        cells = row()
        for cell, key in zip(cells[1:], ("name", "age", "post", "workplace", "phone")):
            _set(cell, c.get(key, ""), center=key in ("name", "age"))
    side = table.cell(first_completer_row, 0).merge(table.cell(len(table.rows) - 1, 0))
    _set(side, label("Main completers"), center=True)

    def text_row(title: str, body_lines, *, guidance=()):
        cells = row()
        _set(cells[0], title, center=True)
        body = cells[1].merge(cells[5])
        body.text = ""
        lines = list(guidance) if data["blank"] else list(body_lines)
        _set(body, lines[0] if lines else "")
        _add_lines(body, lines[1:])
        return body

    guidance = data.get("guidance", {})
    text_row(label("Awards received"), [data.get("awards", "")], guidance=[guidance.get("awards", "")])
    text_row(label("Summary of the innovation"), [data.get("summary", "")], guidance=guidance.get("summary", ()))
    body = text_row(label("Description of the innovation"), [], guidance=guidance.get("description", ()))
    if not data["blank"]:
        body.text = ""
        for i, (heading, text) in enumerate(data["description"]):
            p = body.paragraphs[0] if i == 0 else body.add_paragraph()
            p.add_run(heading).bold = True
            for line in (text or "").splitlines() or [""]:
                body.add_paragraph(line)
    ticks = "    ".join(("☑ " if ticked else "☐ ") + name for name, ticked in data["presentation_forms"])
    body = text_row(label("Presentation forms"), [ticks], guidance=[guidance.get("forms", ""), ticks])

    cells = row()
    _set(cells[0].merge(cells[2]), label("Opinion of the declaring unit's trade union"), center=True)
    _set(cells[3].merge(cells[5]), label("Opinion of the recommending unit"), center=True)
    cells = row()
    union = cells[0].merge(cells[2])
    opinion = data.get("union_opinion", "")
    if data.get("union_opinion_by"):
        opinion += "\n" + _("Filled in by:") + data["union_opinion_by"]
    _set(union, opinion)
    seal_lines = ["", "", pgettext("stamp here", "Seal")]
    _add_lines(union, seal_lines + [data.get("union_opinion_on") or pgettext("date blanks", "Year    Month    Day")])
    recommending = cells[3].merge(cells[5])
    _set(recommending, data.get("recommending_opinion", ""))
    signature = [data["recommending_unit"]] if data.get("recommending_unit") else [""]
    _add_lines(recommending, ["", *signature, *seal_lines[1:],
                              data.get("recommending_opinion_on") or pgettext("date blanks", "Year    Month    Day")])
    for cell in (union, recommending):
        for p in cell.paragraphs[-2:]:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if data.get("recommending_unit"):
        recommending.paragraphs[-4].alignment = WD_ALIGN_PARAGRAPH.RIGHT  # the unit's name, above the seal

    doc.add_paragraph(data["notes_title"]).runs[0].bold = True
    for line in data["notes"]:
        p = doc.add_paragraph(line)
        p.paragraph_format.space_after = Pt(0)
        for run in p.runs:
            run.font.size = Pt(9)
    return doc


def commitment_docx(data: dict) -> bytes:
    """Attachment 4 (R27) in Word; `data` is content.commitment_context()."""
    with translation.override(DOCUMENT_LANGUAGE):
        doc = _new_document()
        _heading(doc, _("Attachment 4"), data["form_title"])
        for text in data["paragraphs"]:
            p = doc.add_paragraph(text)
            p.paragraph_format.first_line_indent = Pt(24)
            p.paragraph_format.line_spacing = 1.5
            for run in p.runs:
                run.font.size = Pt(12)
        lines = ["", _("Unit (official seal):"), "", _("Signature of the legal representative:")]
        if data.get("legal_representative"):
            lines.append(_("(Legal representative: %(name)s)") % {"name": data["legal_representative"]})
        lines += ["", pgettext("date blanks", "Year    Month    Day")]
        for line in lines:
            p = doc.add_paragraph(line)
            p.paragraph_format.left_indent = Cm(8)
        return _save(doc)
