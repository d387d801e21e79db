"""One small class per printed document of the notice (style.md, convention 8).

Each has a name, a file type and `render()`; a new form is one new class.
"""

import re

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from wuxiao.common.spreadsheet import XLSX_CONTENT_TYPE, XlsxSheet, page_text
from wuxiao.competitions.models import Edition
from wuxiao.entries.models import Entry
from wuxiao.orgs.models import Organisation

from . import content, pdf

# python-docx and openpyxl are imported only when a DOCX or XLSX is made: the web processes stay small.

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": XLSX_CONTENT_TYPE,
}
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_filename(text: str, limit: int = 60) -> str:
    """A file name Windows and phones accept: no path or reserved characters, not too long."""
    return _UNSAFE.sub("_", text).strip(" ._")[:limit] or "document"


class Exporter:
    name: str = ""
    label = ""
    file_type: str = "pdf"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.file_type]

    def filename(self) -> str:
        raise NotImplementedError

    def render(self) -> bytes:
        raise NotImplementedError


# --- Attachment 2: the entry form (R17–R23) ---------------------------------------------------

class EntryFormPdf(Exporter):
    name, label, file_type = "entry_form", _("Entry form (PDF)"), "pdf"

    def __init__(self, entry: Entry):
        self.entry = entry

    def filename(self) -> str:
        return safe_filename(f"{self.entry.pk}-{self.entry.title}-申报表") + "." + self.file_type

    def context(self) -> dict:
        return content.entry_form_context(self.entry)

    def render(self) -> bytes:
        return pdf.render_pdf("documents/pdf/entry_form.html", self.context())


class EntryFormDocx(EntryFormPdf):
    label, file_type = _("Entry form (Word)"), "docx"

    def render(self) -> bytes:
        from . import docx

        return docx.entry_form_docx(self.context())


class BlankExporter(Exporter):
    def __init__(self, edition: Edition):
        self.edition = edition

    def filename(self) -> str:
        return safe_filename(content.form_title(self.edition, self.name)) + "." + self.file_type


class BlankEntryFormPdf(BlankExporter):
    name, label, file_type = "entry_form", _("Entry form, blank (PDF)"), "pdf"

    def render(self) -> bytes:
        return pdf.render_pdf("documents/pdf/entry_form.html", content.blank_entry_form_context(self.edition))


class BlankEntryFormDocx(BlankExporter):
    name, label, file_type = "entry_form", _("Entry form, blank (Word)"), "docx"

    def render(self) -> bytes:
        from . import docx

        return docx.entry_form_docx(content.blank_entry_form_context(self.edition))


# --- Attachment 3: the summary sheet (R26) ---------------------------------------------------

class BlankSummaryPdf(BlankExporter):
    name, label, file_type = "summary", _("Summary sheet, blank (PDF)"), "pdf"

    def render(self) -> bytes:
        return pdf.render_pdf("documents/pdf/summary.html", content.summary_context(self.edition))


class BlankSummaryXlsx(BlankExporter):
    name, label, file_type = "summary", _("Summary sheet, blank (Excel)"), "xlsx"

    def render(self) -> bytes:
        from . import xlsx

        return xlsx.summary_xlsx(content.summary_context(self.edition))


class FilledSummaryPdf(Exporter):
    """A recommending unit's summary sheet (R26): its recommended entries in merit-rank order, for stamping.

    Once the batch is handed to the committee, the sheet is the one handed over (screening.models.SummarySheet),
    whatever the committee decided since: it always matches the stamped scan.
    """

    name, label, file_type = "summary", _("Summary sheet (PDF)"), "pdf"

    def __init__(self, edition: Edition, unit: Organisation):
        self.edition, self.unit = edition, unit

    def filename(self) -> str:
        return safe_filename(f"{self.unit.name}-{content.form_title(self.edition, 'summary')}", 80) + "." + self.file_type

    def rows(self) -> list[list]:
        """One row per entry on the sheet, the cells of content.SUMMARY_COLUMNS."""
        from wuxiao.screening.queries import summary_sheet_rows

        rows, _frozen = summary_sheet_rows(self.edition, self.unit)
        return [list(row["cells"]) for row in rows]

    def context(self) -> dict:
        return {**content.summary_context(self.edition), "unit_name": self.unit.name, "filled_rows": self.rows()}

    def render(self) -> bytes:
        return pdf.render_pdf("screening/pdf/summary.html", self.context())


class FilledSummaryXlsx(FilledSummaryPdf):
    label, file_type = _("Summary sheet (Excel)"), "xlsx"

    def render(self) -> bytes:
        from . import xlsx

        return xlsx.summary_xlsx(content.summary_context(self.edition), rows=self.rows(), unit_name=self.unit.name)


class CityWideSummaryXlsx(Exporter):
    """Every recommended entry of the edition (R26 columns, plus 推荐单位 and 状态), by recommending unit and rank."""

    name, label, file_type = "citywide_summary", _("City-wide summary (Excel)"), "xlsx"
    COLUMNS = content.SUMMARY_COLUMNS + ("推荐单位", "状态")

    def __init__(self, edition: Edition):
        self.edition = edition

    def filename(self) -> str:
        return safe_filename(f"{self.edition.title}-全市申报汇总表", 80) + "." + self.file_type

    def rows(self) -> list[list]:
        from django.db.models import F

        from wuxiao.entries.enums import RECOMMENDED_STATES

        entries = (Entry.objects.filter(edition=self.edition, status__in=RECOMMENDED_STATES)
                   .select_related("declaring_unit", "recommending_unit", "category")
                   .prefetch_related("presentation_forms")
                   .order_by("recommending_unit__kind", "recommending_unit__name", "recommending_unit_id",
                             F("recommendation_rank").asc(nulls_last=True), "id"))
        with translation.override(pdf.DOCUMENT_LANGUAGE):
            return [[n, e.title, e.declaring_unit.name, e.declaring_unit.union_name,
                     e.category.name if e.category else "",
                     "、".join(f.name for f in sorted(e.presentation_forms.all(), key=lambda f: (f.position, f.pk))),
                     e.contact_name, e.contact_mobile, e.recommending_unit.name, str(e.get_status_display())]
                    for n, e in enumerate(entries, start=1)]

    def render(self) -> bytes:
        from openpyxl.styles import Font

        book = XlsxSheet("全市汇总")
        ws = book.sheet
        book.append(self.COLUMNS)
        for row in self.rows():
            book.append(row)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for letter, width in zip("ABCDEFGHIJ", (6, 30, 26, 24, 12, 22, 10, 16, 22, 14), strict=True):
            ws.column_dimensions[letter].width = width
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        ws.page_setup.orientation = "landscape"
        ws.oddHeader.center.text = page_text(f"{self.edition.title}全市申报汇总表")
        return book.to_bytes()


# --- Attachment 4: the credit commitment (R27) -----------------------------------------------

class CommitmentPdf(Exporter):
    name, label, file_type = "commitment", _("Credit commitment (PDF)"), "pdf"

    def __init__(self, edition: Edition, unit: Organisation | None, legal_representative: str = ""):
        self.edition, self.unit, self.legal_representative = edition, unit, legal_representative

    def filename(self) -> str:
        prefix = f"{self.unit.name}-" if self.unit else ""
        return safe_filename(prefix + content.form_title(self.edition, "commitment"), 80) + "." + self.file_type

    def context(self) -> dict:
        return content.commitment_context(self.edition, self.unit, self.legal_representative)

    def render(self) -> bytes:
        return pdf.render_pdf("documents/pdf/commitment.html", self.context())


class CommitmentDocx(CommitmentPdf):
    label, file_type = _("Credit commitment (Word)"), "docx"

    def render(self) -> bytes:
        from . import docx

        return docx.commitment_docx(self.context())


class BlankCommitmentPdf(CommitmentPdf):
    label = _("Credit commitment, blank (PDF)")

    def __init__(self, edition: Edition):
        super().__init__(edition, None)


class BlankCommitmentDocx(CommitmentDocx):
    label = _("Credit commitment, blank (Word)")

    def __init__(self, edition: Edition):
        super().__init__(edition, None)


# The blank forms anyone may download, by (document, file type), in the order the public page lists them.
BLANK_EXPORTERS = {
    (cls.name, cls.file_type): cls
    for cls in (BlankEntryFormPdf, BlankEntryFormDocx, BlankSummaryPdf, BlankSummaryXlsx,
                BlankCommitmentPdf, BlankCommitmentDocx)
}
BLANK_DOCUMENTS = {
    "entry_form": _("Entry form (Attachment 2)"),
    "summary": _("Summary sheet (Attachment 3)"),
    "commitment": _("Credit commitment (Attachment 4)"),
}
FILE_TYPE_LABELS = {"pdf": "PDF", "docx": "Word", "xlsx": "Excel"}
