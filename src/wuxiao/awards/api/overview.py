"""Awards API: the competition as a whole (issue 12, items 7–9): the dashboard's figures, the summary report
(竞赛总结) in Word and PDF, and the background job that builds the awarded entries' ZIP. The committee office
only (awards.manage), with the same reads and services as the pages; a refusal is 409 with its message."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status

from wuxiao.api_common import ErrorOut, RefusedOut
from wuxiao.documents.download import download

from .. import queries_overview as oq
from .. import services_bundle
from ..report import SummaryReportDocx, SummaryReportPdf
from .common import managed_edition

router = Router(tags=["awards: overview"])

FORBIDDEN = _("Only the committee office may see the competition overview and export its documents.")


class AwardOverviewCountOut(Schema):
    label: str
    filed: int
    recommended: int
    finalists: int
    awarded: int


class AwardOverviewUnitOut(AwardOverviewCountOut):
    recommending_unit_id: int
    kind: str


class AwardOverviewStatusOut(Schema):
    key: str
    label: str
    n: int


class AwardOverviewStageOut(AwardOverviewStatusOut):
    percent: float


class AwardOverviewBinOut(Schema):
    label: str
    low: Decimal
    high: Decimal
    n: int


class AwardOverviewScoresOut(Schema):
    n: int
    min: Decimal | None
    max: Decimal | None
    mean: Decimal | None
    bins: list[AwardOverviewBinOut]


class AwardOverviewTierOut(Schema):
    label: str
    n: int
    revoked: int
    money: int


class AwardOverviewGroupOut(Schema):
    label: str
    n: int
    revoked: int


class AwardOverviewOut(Schema):
    edition: str
    total: int
    awarded: int
    revoked: int
    list_status: str
    statuses: list[AwardOverviewStatusOut]
    funnel: list[AwardOverviewStageOut]
    units: list[AwardOverviewUnitOut]
    industries: list[AwardOverviewCountOut]
    categories: list[AwardOverviewCountOut]
    review_scores: AwardOverviewScoresOut
    final_scores: AwardOverviewScoresOut
    tiers: list[AwardOverviewTierOut]
    award_units: list[AwardOverviewGroupOut]
    award_industries: list[AwardOverviewGroupOut]


class AwardBundleJobOut(Schema):
    id: int
    kind: str
    status: str
    done: int
    total: int


def _edition(request: HttpRequest, slug: str):
    return managed_edition(request, slug, FORBIDDEN)


def _scores(histogram: dict) -> dict:
    return {"n": histogram["n"], "min": histogram["min"], "max": histogram["max"], "mean": histogram["mean"],
            "bins": [{"label": b["label"], "low": b["from"], "high": b["to"], "n": b["n"]} for b in histogram["bins"]]}


@router.get("/{slug}/overview", response={200: AwardOverviewOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            url_name="awards_overview", summary="The competition's figures: entries by unit, industry, category and "
            "status, the funnel, score distributions, awards by tier, unit and industry")
def overview(request: HttpRequest, slug: str):
    edition = _edition(request, slug)
    figures = oq.overview(edition).as_dict()
    figures["review_scores"] = _scores(figures["review_scores"])
    figures["final_scores"] = _scores(figures["final_scores"])
    return {"edition": edition.slug, **figures}


REPORT_RESPONSES = {200: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.get("/{slug}/report.docx", response=REPORT_RESPONSES, url_name="awards_report_docx",
            summary="The competition summary (竞赛总结) as a Word document, for the office to add its words")
def report_docx(request: HttpRequest, slug: str):
    return download(SummaryReportDocx(_edition(request, slug)))


@router.get("/{slug}/report.pdf", response=REPORT_RESPONSES, url_name="awards_report_pdf",
            summary="The competition summary (竞赛总结) as PDF")
def report_pdf(request: HttpRequest, slug: str):
    return download(SummaryReportPdf(_edition(request, slug)))


@router.post("/{slug}/bundle", response={202: AwardBundleJobOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                          409: RefusedOut},
             url_name="awards_bundle", summary="Build the ZIP of the awarded entries' forms and material in the "
             "background (the award list must be confirmed); answers the job")
def bundle(request: HttpRequest, slug: str):
    job = services_bundle.request_bundle(actor=request.auth, edition=_edition(request, slug))
    return Status(202, {"id": job.pk, "kind": job.kind, "status": job.status, "done": job.done, "total": job.total})
