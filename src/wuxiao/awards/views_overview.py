"""The competition as a whole (issue 12, items 7–9): the office's dashboard of every stage, the summary report
(竞赛总结) in Word and PDF, and the ZIP of the awarded entries' forms and material for the provincial round."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from wuxiao.common.exceptions import Refused
from wuxiao.documents.download import download

from . import queries_overview as oq
from . import services_bundle
from .access import managed_edition
from .models import ListStatus
from .report import SummaryReportDocx, SummaryReportPdf

REPORTS = {"docx": SummaryReportDocx, "pdf": SummaryReportPdf}


def _series(rows: list[dict], value: str = "filed") -> dict:
    return {"labels": [r["label"] for r in rows], "values": [r[value] for r in rows]}


def chart_data(ov: oq.Overview) -> dict:
    """What the page's ECharts draw, by the key of each chart."""
    return {
        "funnel": _series(ov.funnel, "n"),
        "statuses": _series(ov.statuses, "n"),
        "units": _series(ov.units),
        "industries": _series(ov.industries),
        "categories": _series(ov.categories),
        "review_scores": {"labels": ov.review_scores["labels"], "values": ov.review_scores["values"]},
        "final_scores": {"labels": ov.final_scores["labels"], "values": ov.final_scores["values"]},
        "tiers": _series(ov.tiers, "n"),
        "award_units": _series(ov.award_units, "n"),
        "award_industries": _series(ov.award_industries, "n"),
    }


@login_required
@require_GET
def overview(request, slug):
    edition = managed_edition(request.user, slug)
    ov = oq.overview(edition)
    confirmed = ov.award_list is not None and ov.award_list.status == ListStatus.CONFIRMED
    return render(request, "awards/overview/overview.html", {
        "edition": edition, "ov": ov, "charts": chart_data(ov), "confirmed": confirmed,
        "can_bundle": confirmed and ov.awarded > 0})


@login_required
@require_GET
def report(request, slug, fmt):
    edition = managed_edition(request.user, slug)
    if fmt not in REPORTS:
        raise Http404
    return download(REPORTS[fmt](edition))


@login_required
@require_POST
def bundle(request, slug):
    edition = managed_edition(request.user, slug)
    try:
        job = services_bundle.request_bundle(actor=request.user, edition=edition)
    except Refused as refused:
        messages.error(request, str(refused.message))
        return redirect("awards:overview", slug=edition.slug)
    return redirect(reverse("awards:job", args=[job.pk]))
