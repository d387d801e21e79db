"""The queues as Excel files (issue 9 item 14): the recommending unit's screening queue and the committee
office's eligibility queue, as searched and filtered on the page, through the one safe writer
(common.spreadsheet: a title typed as "=..." stays text).
"""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxiao.common.spreadsheet import XlsxSheet
from wuxiao.competitions.models import Edition
from wuxiao.documents.exporters import Exporter, safe_filename
from wuxiao.entries.models import Entry
from wuxiao.entries.queries import with_list_columns
from wuxiao.orgs.models import Organisation

from . import checklist as checks
from .queries import mark_corrections

COLUMNS = (pgettext_lazy("queue export", "Number"), pgettext_lazy("queue export", "Title"),
           pgettext_lazy("queue export", "Declaring unit"), pgettext_lazy("queue export", "Recommending unit"),
           pgettext_lazy("queue export", "Category"), pgettext_lazy("queue export", "Industry"),
           pgettext_lazy("queue export", "First completer"), pgettext_lazy("queue export", "Status"),
           pgettext_lazy("queue export", "Merit rank"), pgettext_lazy("queue export", "Submitted (Beijing time)"))
WIDTHS = (8, 36, 28, 24, 14, 28, 12, 14, 8, 18)
CHUNK = 200  # entries loaded with their checklist data at a time: a few queries per chunk, bounded memory


def _cells(entry: Entry, first_completer: str) -> list:
    return [entry.pk, entry.title, entry.declaring_unit.name, entry.recommending_unit.name,
            entry.category.name if entry.category_id else "", str(entry.industry) if entry.industry_id else "",
            first_completer or "", str(entry.get_status_display()), entry.recommendation_rank, entry.submitted_at]


class QueueXlsx(Exporter):
    file_type = "xlsx"
    sheet_title = ""
    columns: tuple = COLUMNS
    widths: tuple = WIDTHS

    def rows(self) -> Iterator[list]:
        raise NotImplementedError

    def render(self) -> bytes:
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        book = XlsxSheet(str(self.sheet_title))
        book.append([str(c) for c in self.columns])
        for row in self.rows():
            book.append(row)
        sheet = book.sheet
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for number, width in enumerate(self.widths, start=1):
            sheet.column_dimensions[get_column_letter(number)].width = width
        for (cell,) in sheet.iter_rows(min_row=2, min_col=10, max_col=10):
            cell.number_format = "yyyy-mm-dd hh:mm"
        sheet.freeze_panes = "C2"
        return book.to_bytes()


class UnitQueueXlsx(QueueXlsx):
    """The recommending unit's screening queue (初赛), as searched on its page."""

    name, label = "unit_queue", _("Screening queue (Excel)")
    sheet_title = _("Screening queue")

    def __init__(self, edition: Edition, unit: Organisation, entries: QuerySet[Entry]):
        self.edition, self.unit, self.entries = edition, unit, entries

    def filename(self) -> str:
        return safe_filename(f"{self.unit.name}-{self.edition.title}-初赛队列-{timezone.localtime():%Y%m%d-%H%M}",
                             90) + ".xlsx"

    def rows(self) -> Iterator[list]:
        for entry in with_list_columns(self.entries).iterator(chunk_size=500):
            yield _cells(entry, entry.first_completer)


class ReviewQueueXlsx(QueueXlsx):
    """The committee office's eligibility queue (形式审查), as filtered on its page, with the checklist and flags."""

    name, label = "review_queue", _("Eligibility queue (Excel)")
    sheet_title = _("Eligibility check")
    columns = COLUMNS + (pgettext_lazy("queue export", "Checklist"), pgettext_lazy("queue export", "Automatic flags"),
                         pgettext_lazy("queue export", "Correction due"))
    widths = WIDTHS + (40, 30, 12)

    def __init__(self, edition: Edition, entries: QuerySet[Entry]):
        self.edition, self.entries = edition, entries

    def filename(self) -> str:
        return safe_filename(f"{self.edition.title}-形式审查-{timezone.localtime():%Y%m%d-%H%M}", 90) + ".xlsx"

    def rows(self) -> Iterator[list]:
        ids = list(self.entries.values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            loaded = {e.pk: e for e in checks.with_checklist_data(Entry.objects.filter(pk__in=chunk))
                      .select_related("industry")}
            entries = mark_corrections(checks.annotate([loaded[pk] for pk in chunk if pk in loaded], self.edition))
            for entry in entries:
                completers = list(entry.completers.all())
                failing = [str(item.label) for item in entry.checks if not item.ok]
                checklist = (str(_("passed")) if not failing
                             else str(_("failing: %(items)s")) % {"items": "；".join(failing)})
                flags = "；".join(f"{label} × {n}" for _kind, label, n in entry.flag_counts)
                yield [*_cells(entry, completers[0].name if completers else ""), checklist, flags,
                       entry.correction_due]
