"""The second round's results as files (issue 10, item 11): the 评分汇总表 (XLSX), the finalist list (XLSX and
PDF). Every spreadsheet through the one safe writer (common.spreadsheet: a title typed "=…" stays text)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from wuxiao.common.spreadsheet import XlsxSheet
from wuxiao.documents import pdf
from wuxiao.documents.exporters import Exporter, safe_filename

from . import present_results as words
from . import queries_results as rq
from .models import FinalistList, FinalistListStatus


def _bold_header(book: XlsxSheet, row: int = 1) -> None:
    from openpyxl.styles import Font

    for cell in book.sheet[row]:
        cell.font = Font(bold=True)


def _widths(book: XlsxSheet, widths) -> None:
    from openpyxl.utils import get_column_letter

    for number, width in enumerate(widths, start=1):
        book.sheet.column_dimensions[get_column_letter(number)].width = width


def _flags_text(flags: list[dict]) -> str:
    return "；".join(f"{f['label']}：{f['text']}" for f in flags)


class ResultsXlsx(Exporter):
    """评分汇总表: per entry each expert's total, the per-criterion means, the official and calibrated scores and
    ranks and the flags; a second sheet with the experts (number, name, leniency) and the panel's agreement."""

    name, label, file_type = "review_results", gettext_lazy("Score summary (Excel)"), "xlsx"

    def __init__(self, results: rq.Results):
        self.results = results

    def filename(self) -> str:
        return safe_filename(f"{self.results.edition.title}-复赛评分汇总表-{timezone.localtime():%Y%m%d-%H%M}", 90) + ".xlsx"

    def render(self) -> bytes:
        results = self.results
        by_entry: dict = {}
        for row in results.rows:
            by_entry.setdefault(row.entry_id, []).append(row)
        width = max((len(v) for v in by_entry.values()), default=0)
        criteria = results.criteria
        book = XlsxSheet(_("Score summary"))
        header = [pgettext("results export", "Number"), pgettext("results export", "Title"), pgettext("results export", "Declaring unit"), pgettext("results export", "Category"), _("Experts (in the order of the scores)")]
        header += [_("Score %(n)s") % {"n": n} for n in range(1, width + 1)]
        header += [_("%(criterion)s (mean)") % {"criterion": c.name} for c in criteria]
        header += [pgettext("results export", "Scores"), _("Official score"), _("Official rank"), _("Calibrated score"), _("Calibrated rank"),
                   pgettext("results export", "Spread"), pgettext("results export", "Flags")]
        book.append(header)
        ids = results.ranked_ids()
        entries = rq.all_entries(results.edition)
        for entry_id in ids:
            entry = entries[entry_id]
            line = words.entry_row(results, entry_id, entry)
            scores = sorted(by_entry.get(entry_id, []), key=lambda r: results.expert_numbers.get(r.expert_id, 0))
            experts = "、".join(_("expert %(number)s") % {"number": results.expert_numbers.get(r.expert_id, "?")}
                               for r in scores)
            totals = [r.total for r in scores] + [None] * (width - len(scores))
            book.append([entry.pk, entry.title, entry.declaring_unit.name, line["category"], experts, *totals,
                         *[c["value"] for c in line["criteria"]], line["n_scores"], line["official"],
                         line["official_rank"], line["calibrated"], line["calibrated_rank"], line["spread"],
                         _flags_text(line["flags"])])
        _bold_header(book)
        _widths(book, [8, 36, 28, 12, 30] + [8] * width + [12] * len(criteria) + [8, 10, 8, 10, 8, 8, 60])
        book.sheet.freeze_panes = "C2"
        panel = book.add_sheet(_("Experts"))
        panel.append([_("Expert"), _("Name"), _("Organisation"), pgettext("results export", "Scores"), _("Mean total"),
                      _("Standard deviation"), _("Leniency (points)"), _("Interval from"), _("Interval to"),
                      _("In words"), pgettext("results export", "Flags")])
        for row in sorted(words.expert_rows(results), key=lambda r: r["number"] or 0):
            panel.append([_("expert %(number)s") % {"number": row["number"]}, row["name"], row["organisation"],
                          row["n_scores"], round(row["mean"], 2), None if row["std"] is None else round(row["std"], 2),
                          round(row["bias"], 2), round(row["ci_low"], 2), round(row["ci_high"], 2), row["leniency"],
                          _flags_text(row["flags"])])
        panel.append([])
        panel.append([_("Agreement of the panel"), words.alpha_words(results.aggregation.alpha)])
        _bold_header(panel)
        _widths(panel, [10, 14, 28, 8, 10, 10, 10, 10, 10, 60, 60])
        return book.to_bytes()


def list_title(finalist_list: FinalistList) -> str:
    return (_("Finalist list") if finalist_list.status == FinalistListStatus.APPROVED
            else _("Proposed finalist list"))


def file_title(finalist_list: FinalistList) -> str:
    # File names stay in the notice's Chinese, whatever language the office reads the site in.
    return "决赛入围名单" if finalist_list.status == FinalistListStatus.APPROVED else "决赛入围建议名单"


def _unit(entry) -> str:
    return entry.declaring_unit.name


class FinalistListXlsx(Exporter):
    """The finalist list as stored: every entry of the second round, finalists first, with ranks, scores,
    the office's changes and their reasons."""

    name, label, file_type = "finalist_list", gettext_lazy("Finalist list (Excel)"), "xlsx"

    def __init__(self, finalist_list: FinalistList):
        self.finalist_list = finalist_list

    def filename(self) -> str:
        return safe_filename(f"{self.finalist_list.edition.title}-{file_title(self.finalist_list)}", 90) + ".xlsx"

    def render(self) -> bytes:
        rows = list(rq.finalist_rows(self.finalist_list))
        book = XlsxSheet(list_title(self.finalist_list))
        book.append([f"{self.finalist_list.edition.title} {list_title(self.finalist_list)}"])
        book.append([_("No."), _("Finalist"), pgettext("results export", "Number"), pgettext("results export", "Title"), pgettext("results export", "Declaring unit"), pgettext("results export", "Recommending unit"),
                     pgettext("results export", "Category"), _("Official score"), _("Official rank"), _("Calibrated score"),
                     _("Calibrated rank"), _("Proposed by the rule"), _("Reason for the change"), pgettext("results export", "Flags")])
        yes, no = _("yes"), _("no")
        ordered = [r for r in rows if r.selected] + [r for r in rows if not r.selected]
        for n, row in enumerate(ordered, start=1):
            entry = row.entry
            book.append([n, yes if row.selected else no, entry.pk, entry.title, _unit(entry),
                         entry.recommending_unit.name, entry.category.name if entry.category_id else "",
                         row.official_score, row.official_rank, row.calibrated_score, row.calibrated_rank,
                         yes if row.proposed else no, row.change_reason,
                         _flags_text(words.stored_flags(row.flags, {}))])
        _bold_header(book, 2)
        _widths(book, [6, 8, 8, 36, 28, 24, 12, 10, 8, 10, 8, 10, 30, 60])
        book.sheet.freeze_panes = "D3"
        return book.to_bytes()


class FinalistListPdf(FinalistListXlsx):
    """The printed list of the finalists for signature: title, ranks, entry, unit, category, score, changes with
    their reasons, signature and date lines."""

    label, file_type = gettext_lazy("Finalist list (PDF)"), "pdf"

    def filename(self) -> str:
        return safe_filename(f"{self.finalist_list.edition.title}-{file_title(self.finalist_list)}", 90) + ".pdf"

    def render(self) -> bytes:
        finalist_list = self.finalist_list
        rows = list(rq.finalist_rows(finalist_list))
        selected = [r for r in rows if r.selected]
        changes = [r for r in rows if r.selected != r.proposed]
        return pdf.render_pdf("review/results/pdf/finalists.html", {
            "edition": finalist_list.edition, "list": finalist_list,
            "rows": selected, "changes": changes, "approved": finalist_list.status == FinalistListStatus.APPROVED,
            "total": len(rows),
        })
