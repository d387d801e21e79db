"""The final round's score sheets and ranking as files (R8–R10; issue 11 item 10): the roadshow score sheet,
the site-visit score sheet and the final ranking, each as XLSX and PDF, and a day's visit route as PDF. Every
spreadsheet goes through the one safe writer (common.spreadsheet: a title typed "=…" stays text)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuxiao.common.spreadsheet import XlsxSheet
from wuxiao.documents import pdf
from wuxiao.documents.exporters import Exporter, safe_filename

from . import queries_ranking as rq
from . import queries_site as sq
from .models import RankingStatus


def _bold_header(book: XlsxSheet, row: int = 1) -> None:
    from openpyxl.styles import Font

    for cell in book.sheet[row]:
        cell.font = Font(bold=True)


def _widths(book: XlsxSheet, widths) -> None:
    from openpyxl.utils import get_column_letter

    for number, width in enumerate(widths, start=1):
        book.sheet.column_dimensions[get_column_letter(number)].width = width


def _stamp() -> str:
    return f"{timezone.localtime():%Y%m%d-%H%M}"


def _num(value):
    return None if value is None else Decimal(value)


# --- the roadshow score sheet --------------------------------------------------------------------

class RoadshowSheetXlsx(Exporter):
    """路演评分表: per presentation, each judge's total by seat (评委1…n), the struck extremes marked, the result."""

    name, label, file_type = "final_roadshow_sheet", gettext_lazy("Roadshow score sheet (Excel)"), "xlsx"

    def __init__(self, edition):
        self.edition = edition

    def filename(self) -> str:
        return safe_filename(f"{self.edition.title}-决赛路演评分表-{_stamp()}", 90) + "." + self.file_type

    def data(self):
        width, sessions = rq.roadshow_sheet(self.edition)
        return {"edition": self.edition, "width": width, "sessions": sessions,
                "seats": [_("judge %(n)s") % {"n": n} for n in range(1, width + 1)]}

    def render(self) -> bytes:
        data = self.data()
        book = XlsxSheet(_("Roadshow score sheet"))
        book.append([f"{self.edition.title} {_('Roadshow score sheet')}"])
        book.append([_("Session"), _("Order"), _("Number"), _("Title"), _("Declaring unit"), *data["seats"],
                     _("Struck out"), _("Roadshow score")])
        for session, rows in data["sessions"]:
            for row in rows:
                totals = [_num(t) for _seat, t, _struck in row.totals]
                totals += [None] * (data["width"] - len(totals))
                struck = "、".join(_("judge %(n)s") % {"n": seat} for seat, _t, s in row.totals if s)
                entry = row.slot.entry
                book.append([session.name, row.slot.position, entry.pk, entry.title, entry.declaring_unit.name,
                             *totals, struck, _num(row.result)])
        _bold_header(book, 2)
        _widths(book, [14, 6, 8, 36, 28] + [9] * data["width"] + [18, 10])
        book.sheet.freeze_panes = "D3"
        return book.to_bytes()


class RoadshowSheetPdf(RoadshowSheetXlsx):
    label, file_type = gettext_lazy("Roadshow score sheet (PDF)"), "pdf"

    def render(self) -> bytes:
        return pdf.render_pdf("finals/ranking/pdf/roadshow_sheet.html", self.data())


# --- the site-visit score sheet ------------------------------------------------------------------

class SiteSheetXlsx(Exporter):
    """实地考察评分表: per visit, each visiting expert's points per criterion and total, and the visit's result."""

    name, label, file_type = "final_site_sheet", gettext_lazy("Site-visit score sheet (Excel)"), "xlsx"

    def __init__(self, edition):
        self.edition = edition

    def filename(self) -> str:
        return safe_filename(f"{self.edition.title}-实地考察评分表-{_stamp()}", 90) + "." + self.file_type

    def data(self):
        criteria, rows = sq.site_sheet(self.edition)
        lines = []
        for row in rows:
            experts = []
            for seat, score in row.scores:
                items = [(_num(score.items.get(str(c.pk))) if score else None) for c in criteria]
                experts.append({"seat": seat.seat, "name": seat.expert.name, "items": items,
                                "total": score.total if score else None, "comment": score.comment if score else ""})
            lines.append({"visit": row.visit, "experts": experts})
        return {"edition": self.edition, "criteria": criteria, "rows": lines}

    def render(self) -> bytes:
        data = self.data()
        criteria = data["criteria"]
        book = XlsxSheet(_("Site-visit score sheet"))
        book.append([f"{self.edition.title} {_('Site-visit score sheet')}"])
        book.append([_("Number"), _("Title"), _("Declaring unit"), _("Date of the visit"), _("Expert"),
                     *[f"{c.name}（{c.max_points}）" for c in criteria], _("Total"), _("Comment"),
                     _("Site-visit score")])
        for line in data["rows"]:
            visit = line["visit"]
            entry = visit.entry
            head = [entry.pk, entry.title, entry.declaring_unit.name,
                    visit.visit_date.isoformat() if visit.visit_date else ""]
            if not line["experts"]:
                book.append([*head, "", *[None] * len(criteria), None, "", _num(visit.result)])
            for n, expert in enumerate(line["experts"]):
                who = _("expert %(n)s") % {"n": expert["seat"]} + " " + expert["name"]
                book.append([*head, who, *expert["items"],
                             _num(expert["total"]), expert["comment"], _num(visit.result) if n == 0 else None])
        _bold_header(book, 2)
        _widths(book, [8, 36, 28, 12, 18] + [12] * len(criteria) + [8, 40, 10])
        book.sheet.freeze_panes = "C3"
        return book.to_bytes()


class SiteSheetPdf(SiteSheetXlsx):
    label, file_type = gettext_lazy("Site-visit score sheet (PDF)"), "pdf"

    def render(self) -> bytes:
        return pdf.render_pdf("finals/ranking/pdf/site_sheet.html", self.data())


# --- the final ranking ---------------------------------------------------------------------------

def ranking_title(ranking) -> str:
    return _("Final ranking") if ranking.status == RankingStatus.APPROVED else _("Proposed final ranking")


class RankingXlsx(Exporter):
    """决赛最终排名: place, entry, unit, roadshow, site-visit and final scores, visited, ties, changes with reasons."""

    name, label, file_type = "final_ranking", gettext_lazy("Final ranking (Excel)"), "xlsx"

    def __init__(self, ranking):
        self.ranking = ranking

    def filename(self) -> str:
        word = "决赛最终排名" if self.ranking.status == RankingStatus.APPROVED else "决赛排名建议"
        return safe_filename(f"{self.ranking.edition.title}-{word}", 90) + "." + self.file_type

    def render(self) -> bytes:
        ranking = self.ranking
        yes, no = _("yes"), _("no")
        book = XlsxSheet(ranking_title(ranking))
        book.append([f"{ranking.edition.title} {ranking_title(ranking)}"])
        book.append([_("Place"), _("Number"), _("Title"), _("Declaring unit"), _("Roadshow score"),
                     _("Site-visit score"), _("Final score"), _("Visited"), _("Tied"), _("Computed place"),
                     _("Reason for the change")])
        for row in rq.ranking_rows(ranking):
            entry = row.entry
            book.append([row.position, entry.pk, entry.title, entry.declaring_unit.name, _num(row.roadshow),
                         _num(row.site), _num(row.final), yes if row.visited else no, yes if row.tie else "",
                         row.computed_position, row.change_reason])
        _bold_header(book, 2)
        _widths(book, [6, 8, 36, 28, 10, 10, 10, 6, 6, 8, 40])
        book.sheet.freeze_panes = "C3"
        return book.to_bytes()


class RankingPdf(RankingXlsx):
    label, file_type = gettext_lazy("Final ranking (PDF)"), "pdf"

    def render(self) -> bytes:
        ranking = self.ranking
        rows = rq.ranking_rows(ranking)
        return pdf.render_pdf("finals/ranking/pdf/ranking.html", {
            "edition": ranking.edition, "ranking": ranking, "rows": rows, "title": ranking_title(ranking),
            "approved": ranking.status == RankingStatus.APPROVED,
            "changes": [r for r in rows if r.change_reason]})


# --- a day's visit route -------------------------------------------------------------------------

class RoutePdf(Exporter):
    """The day's route of the site visits: stops in order with time, address, contact and experts."""

    name, label, file_type = "final_visit_route", gettext_lazy("Route of the day (PDF)"), "pdf"

    def __init__(self, edition, day, stops):
        self.edition, self.day, self.stops = edition, day, stops

    def filename(self) -> str:
        return safe_filename(f"{self.edition.title}-实地考察路线-{self.day.isoformat()}", 90) + ".pdf"

    def render(self) -> bytes:
        return pdf.render_pdf("finals/site/pdf/route.html", {"edition": self.edition, "day": self.day,
                                                               "stops": self.stops})
