"""The schedule's printed documents (R8): a session's running order and the judges' blank score sheets."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy

from wuxiao.documents import pdf
from wuxiao.documents.exporters import Exporter, safe_filename

from . import queries_schedule as q
from .models import FinalStage
from .queries import final_rubric


class RunningOrderPdf(Exporter):
    """出场顺序表: 序号, planned time, 作品名称, 申报单位, 类别."""

    name, label, file_type = "finals_running_order", gettext_lazy("Running order (PDF)"), "pdf"

    def __init__(self, session):
        self.session = session

    def filename(self) -> str:
        return safe_filename(f"{self.session.edition.title}-{self.session.name}-决赛路演出场顺序", 90) + ".pdf"

    def render(self) -> bytes:
        session = self.session
        return pdf.render_pdf("finals/schedule/pdf/order.html", {
            "session": session, "edition": session.edition, "slots": q.session_slots(session),
            "starts_at": timezone.localtime(session.starts_at), "judges": q.session_judges(session),
        })


class ScoreSheetsPdf(Exporter):
    """评分表: one blank sheet per judge, a row per presentation in order, a column per roadshow criterion."""

    name, label, file_type = "finals_score_sheets", gettext_lazy("Judges' score sheets (PDF)"), "pdf"

    def __init__(self, session):
        self.session = session

    def filename(self) -> str:
        return safe_filename(f"{self.session.edition.title}-{self.session.name}-决赛路演评分表", 90) + ".pdf"

    def render(self) -> bytes:
        session = self.session
        criteria = final_rubric(session.edition, FinalStage.ROADSHOW)
        return pdf.render_pdf("finals/schedule/pdf/sheets.html", {
            "session": session, "edition": session.edition, "slots": q.session_slots(session),
            "judges": q.session_judges(session), "criteria": criteria,
            "total_points": sum(c.max_points for c in criteria),
            "starts_at": timezone.localtime(session.starts_at),
        })
