"""The competition's summary report (竞赛总结), in Word (python-docx) and PDF (WeasyPrint): the dashboard's figures
and charts, the award list and the timeline, with a marked place under each heading for the office's own words.

Rendered while the office waits: the figures take a fixed number of queries and the charts a fraction of a
second each, so even at 10,000 entries the report takes a few seconds.
"""

from __future__ import annotations

import base64
import io

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from wuxiao.documents import pdf
from wuxiao.documents.exporters import Exporter, safe_filename

from . import charts
from . import queries_overview as oq


def report_title(edition) -> str:
    return _("“%(title)s” competition summary") % {"title": edition.title}


def _placeholder(what: str) -> str:
    return _("(Please write here: %(what)s)") % {"what": what}


def _when(item: dict) -> str:
    def one(value):
        if value is None:
            return ""
        if hasattr(value, "hour"):
            value = timezone.localtime(value)
            return formats.date_format(value, "Y年n月j日 H:i")
        return formats.date_format(value, "Y年n月j日")

    start, end = one(item["date"]), one(item.get("end"))
    return f"{start} — {end}" if end and end != start else start


def _chart_list(ov) -> list[dict]:
    """The report's charts that have something to show: {"key", "title", "png"}."""
    made = []
    units = [r for r in ov.units if r["filed"]]
    if units:
        title = _("Entries submitted, by recommending unit")
        made.append({"key": "units", "title": title, "png": charts.bar_chart(
            title, [r["label"] for r in units], [r["filed"] for r in units], others=_("other units"))})
    if ov.categories:
        title = _("Entries submitted, by category")
        made.append({"key": "categories", "title": title, "png": charts.bar_chart(
            title, [r["label"] for r in ov.categories], [r["filed"] for r in ov.categories])})
    if ov.total:
        title = _("From declaration to award")
        made.append({"key": "funnel", "title": title, "png": charts.funnel_chart(
            title, [r["label"] for r in ov.funnel], [r["n"] for r in ov.funnel])})
    if ov.review_scores["n"]:
        title = _("Second round: the experts' total scores")
        made.append({"key": "review_scores", "title": title, "png": charts.column_chart(
            title, ov.review_scores["labels"], ov.review_scores["values"], axis=_("score"))})
    if ov.final_scores["n"]:
        title = _("Final round: final scores")
        made.append({"key": "final_scores", "title": title, "png": charts.column_chart(
            title, ov.final_scores["labels"], ov.final_scores["values"], axis=_("score"))})
    if ov.tiers:
        title = _("Awards by prize tier")
        made.append({"key": "tiers", "title": title, "png": charts.bar_chart(
            title, [r["label"] for r in ov.tiers], [r["n"] for r in ov.tiers])})
    return made


def report_context(edition) -> dict:
    """Everything the report shows, in the documents' language (Chinese)."""
    with translation.override(pdf.DOCUMENT_LANGUAGE):
        ov = oq.overview(edition)
        rows = oq.award_rows(edition)
        timeline = [{**item, "when": _when(item)} for item in oq.timeline(edition)]
        made = _chart_list(ov)
        by_key = {c["key"]: c for c in made}
        funnel = {r["key"]: r["n"] for r in ov.funnel}
        summary = _(
            "%(declared)d entries were declared in this edition, %(submitted)d of them submitted by their declaring "
            "units; the recommending units recommended %(recommended)d, of which %(admitted)d passed the eligibility "
            "check into the second round; %(finalist)d entries reached the final round and %(awarded)d were "
            "awarded.") % funnel
        return {
            "edition": edition, "title": report_title(edition), "overview": ov, "rows": rows,
            "timeline": timeline, "charts": made, "chart": by_key, "summary": summary,
            "made_at": formats.date_format(timezone.localtime(), "Y年n月j日"),
            "placeholders": {
                "general": _placeholder(_("the overall assessment of the competition")),
                "stages": _placeholder(_("how each stage went, what worked and what did not")),
                "awards": _placeholder(_("remarks on the awarded entries and their value")),
                "timeline": _placeholder(_("the organisation of the work, and suggestions for the next edition")),
            },
            "headings": {
                "general": pgettext("summary report", "I. General figures"),
                "stages": pgettext("summary report", "II. The stages"),
                "awards": pgettext("summary report", "III. The award list"),
                "timeline": pgettext("summary report", "IV. Timeline"),
            },
        }


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


class SummaryReportPdf(Exporter):
    name, label, file_type = "award_summary_report", gettext_lazy("Competition summary (PDF)"), "pdf"

    def __init__(self, edition):
        self.edition = edition

    def filename(self) -> str:
        return safe_filename(f"{self.edition.title}-竞赛总结", 90) + "." + self.file_type

    def render(self) -> bytes:
        context = report_context(self.edition)
        for chart in context["charts"]:
            chart["src"] = _data_uri(chart["png"])
        return pdf.render_pdf("awards/report/report.html", context)


class SummaryReportDocx(SummaryReportPdf):
    label, file_type = gettext_lazy("Competition summary (Word)"), "docx"

    def render(self) -> bytes:
        context = report_context(self.edition)
        with translation.override(pdf.DOCUMENT_LANGUAGE):
            return _docx(context)


# --- Word ------------------------------------------------------------------------------------------

def _docx(c: dict) -> bytes:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    from wuxiao.documents.docx import FONT, _new_document, _save

    doc = _new_document()
    for name in ("Heading 1", "Heading 2", "Title"):  # the built-in styles use the theme's fonts: 宋体 instead
        style = doc.styles[name]
        style.font.name = FONT
        style.font.color.rgb = RGBColor(0, 0, 0)
        fonts = style.element.rPr.rFonts
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):  # a theme font wins
            fonts.attrib.pop(qn(theme), None)
        fonts.set(qn("w:eastAsia"), FONT)
    ov = c["overview"]

    def heading(text: str, level: int = 1):
        p = doc.add_heading(text, level=level)
        for run in p.runs:  # a run's own East Asian font: Word and WPS otherwise fall back to the theme's
            run.font.name = FONT
            run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
        return p

    def placeholder(text: str):
        p = doc.add_paragraph()
        run = p.add_run(text)
        run.font.color.rgb = RGBColor(0xC6, 0x28, 0x28)
        run.font.highlight_color = 7  # yellow: the office sees at once what it still has to write
        return p

    def paragraph(text: str):
        p = doc.add_paragraph(text)
        p.paragraph_format.first_line_indent = Pt(21)
        p.paragraph_format.line_spacing = 1.4
        return p

    def table(head: list[str], body: list[list], widths: list[float] | None = None):
        t = doc.add_table(rows=1, cols=len(head))
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(t.rows[0].cells, head):
            cell.text = ""
            cell.paragraphs[0].add_run(str(text)).bold = True
        for values in body:
            cells = t.add_row().cells
            for cell, value in zip(cells, values):
                cell.text = "" if value is None else str(value)
        if widths:
            for row in t.rows:
                for cell, width in zip(row.cells, widths):
                    cell.width = Cm(width)
        doc.add_paragraph()
        return t

    def picture(key: str):
        chart = c["chart"].get(key)
        if chart:
            doc.add_picture(io.BytesIO(chart["png"]), width=Cm(16.5))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(c["title"])
    run.bold, run.font.size = True, Pt(18)
    sub = doc.add_paragraph(_("Issued by: %(issuers)s") % {"issuers": c["edition"].issuers or ""})
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER

    counts = [pgettext("overview count", w) for w in ("submitted", "recommended", "finalists", "awarded")]
    heading(c["headings"]["general"])
    placeholder(c["placeholders"]["general"])
    paragraph(c["summary"])
    heading(_("Entries by recommending unit"), 2)
    table([_("Recommending unit"), *counts],
          [[r["label"], r["filed"], r["recommended"], r["finalists"], r["awarded"]] for r in ov.units],
          [7.5, 2.2, 2.2, 2.2, 2.2])
    picture("units")
    heading(_("Entries by industry (GB/T 4754 section)"), 2)
    table([_("Industry"), *counts],
          [[r["label"], r["filed"], r["recommended"], r["finalists"], r["awarded"]] for r in ov.industries],
          [7.5, 2.2, 2.2, 2.2, 2.2])
    heading(_("Entries by category"), 2)
    table([_("Category"), *counts],
          [[r["label"], r["filed"], r["recommended"], r["finalists"], r["awarded"]] for r in ov.categories],
          [7.5, 2.2, 2.2, 2.2, 2.2])
    picture("categories")

    heading(c["headings"]["stages"])
    placeholder(c["placeholders"]["stages"])
    heading(_("From declaration to award"), 2)
    table([_("Stage"), _("Entries"), _("Share of the declared entries")],
          [[r["label"], r["n"], f"{r['percent']}%"] for r in ov.funnel], [7.5, 3, 5])
    picture("funnel")
    heading(_("Entries by status"), 2)
    table([_("Status"), _("Entries")], [[r["label"], r["n"]] for r in ov.statuses], [9, 4])
    for key, name in (("review_scores", _("Second round: the experts' total scores")),
                      ("final_scores", _("Final round: final scores"))):
        scores = getattr(ov, key)
        if not scores["n"]:
            continue
        heading(name, 2)
        paragraph(_("%(n)s scores; lowest %(min)s, highest %(max)s, mean %(mean)s.")
                  % {"n": scores["n"], "min": scores["min"], "max": scores["max"], "mean": scores["mean"]})
        table([_("Score range"), _("Number of scores")], [[b["label"], b["n"]] for b in scores["bins"]], [6, 4])
        picture(key)

    heading(c["headings"]["awards"])
    placeholder(c["placeholders"]["awards"])
    if ov.tiers:
        table([_("Prize tier"), _("Awards"), _("Revoked"), _("Prize money (yuan)")],
              [[r["label"], r["n"], r["revoked"], r["money"]] for r in ov.tiers], [5, 3, 3, 4])
        picture("tiers")
    rows = c["rows"]
    if rows:
        table([pgettext("summary report", "No."), _("Prize tier"), _("Title of the innovation"), _("Declaring unit"),
               _("Recommending unit")],
              [[i, row.tier.name + (("（" + _("revoked") + "）") if row.is_revoked else ""), row.entry.title,
                row.entry.declaring_unit.name, row.entry.recommending_unit.name]
               for i, row in enumerate(rows, start=1)], [1.2, 2.6, 5.4, 4, 3.6])
    else:
        paragraph(_("No prizes have been allocated yet."))
    if ov.award_units:
        heading(_("Awards by recommending unit"), 2)
        table([_("Recommending unit"), _("Awards"), _("Revoked")],
              [[r["label"], r["n"], r["revoked"]] for r in ov.award_units], [9, 3, 3])
    if ov.award_industries:
        heading(_("Awards by industry"), 2)
        table([_("Industry"), _("Awards"), _("Revoked")],
              [[r["label"], r["n"], r["revoked"]] for r in ov.award_industries], [9, 3, 3])

    heading(c["headings"]["timeline"])
    placeholder(c["placeholders"]["timeline"])
    table([_("Date"), _("Event")], [[item["when"], item["label"]] for item in c["timeline"]], [7, 8])
    end = doc.add_paragraph(_("Made on %(date)s from the platform's records.") % {"date": c["made_at"]})
    end.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return _save(doc)
