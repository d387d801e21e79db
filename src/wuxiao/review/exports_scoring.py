"""The 专家评分表 (an expert's score sheet, PDF) for signature: one page per submitted score (item 7)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.documents import pdf
from wuxiao.documents.exporters import Exporter, safe_filename

from .queries import review_settings
from .queries_scoring import criteria_with_bands, score_sheet_rows


class ScoreSheetPdf(Exporter):
    """Every submitted score of one expert (only entries they still see): header, one row per criterion
    (指标, 评分要点, 分值, 得分), total, comment, the no-conflict statement, signature and date.
    Anonymised as the expert's page is."""

    name, label, file_type = "score_sheet", _("Expert's score sheet (PDF)"), "pdf"

    def __init__(self, expert):
        self.expert = expert
        self.edition = expert.edition

    def filename(self) -> str:
        return safe_filename(f"{self.edition.title}-复赛专家评分表-{self.expert.name}") + ".pdf"

    def context(self) -> dict:
        settings = review_settings(self.edition)
        criteria = criteria_with_bands(self.edition)
        sheets = []
        for assignment, score in score_sheet_rows(self.expert):
            entry = assignment.entry
            points = {item.criterion_id: item.points for item in score.items.all()}
            sheets.append({
                "entry": {"id": entry.pk, "title": entry.title,
                          "category": entry.category.name if entry.category_id else ""},
                "declaring_unit": "" if settings.anonymise else entry.declaring_unit.name,
                "rows": [{"criterion": c, "bands": list(c.bands.all()), "points": points.get(c.pk)} for c in criteria],
                "score": score,
            })
        return {"edition": self.edition, "expert": self.expert, "sheets": sheets,
                "max_total": sum(c.max_points for c in criteria), "printed_at": timezone.localtime()}

    def render(self) -> bytes:
        return pdf.render_pdf("review/scoring/pdf/score_sheet.html", self.context())
