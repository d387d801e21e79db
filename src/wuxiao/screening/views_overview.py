"""The committee's overview of an edition (issue 4, item 9): counts with charts, and the city-wide summary XLSX."""


from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wuxiao.common.models import Industry
from wuxiao.common.permissions import require
from wuxiao.competitions.models import Edition
from wuxiao.documents.download import download
from wuxiao.documents.exporters import CityWideSummaryXlsx
from wuxiao.entries.enums import RECOMMENDED_STATES, EntryStatus
from wuxiao.entries.models import Entry


def _rows(queryset, key: str, label) -> list[dict]:
    """Aggregate rows of (label, entries past the draft stage, recommended ones), largest first."""
    counted = (queryset.values(key).annotate(total=Count("id"), recommended=Count("id", filter=Q(
        status__in=RECOMMENDED_STATES))).order_by("-total", key))
    return [{"label": label(row[key]), "total": row["total"], "recommended": row["recommended"]} for row in counted]


def overview_counts(edition: Edition) -> dict:
    """The overview's four tables, in five queries whatever the number of entries."""
    entries = Entry.objects.filter(edition=edition)
    filed = entries.exclude(status=EntryStatus.DRAFT)
    units = _rows(filed, "recommending_unit__name", str)
    categories = _rows(filed, "category__name", lambda name: name or _("no category"))
    divisions = _rows(filed.annotate(division=Substr("industry_id", 1, 2)), "division", str)
    names = dict(Industry.objects.filter(level=Industry.Level.DIVISION, code__in=[r["label"] for r in divisions])
                 .values_list("code", "name"))
    for row in divisions:
        code = row["label"]
        row["label"] = f"{code} {names[code]}" if code in names else (code or _("no industry"))
    by_status = dict(entries.values("status").annotate(n=Count("id")).values_list("status", "n"))
    statuses = [{"label": str(label), "total": by_status[value]}
                for value, label in EntryStatus.choices if by_status.get(value)]
    return {"units": units, "categories": categories, "divisions": divisions, "statuses": statuses,
            "total": sum(by_status.values()), "filed": sum(r["total"] for r in units)}


@login_required
@require_GET
def overview(request, slug):
    require(request.user, "screening.view_overview")
    edition = get_object_or_404(Edition, slug=slug)
    counts = overview_counts(edition)
    charts = {key: {"labels": [r["label"] for r in counts[key]], "values": [r["total"] for r in counts[key]]}
              for key in ("units", "categories", "divisions", "statuses")}
    return render(request, "screening/overview/overview.html", {"edition": edition, **counts, "charts": charts})


@login_required
@require_GET
def citywide_xlsx(request, slug):
    require(request.user, "screening.view_overview")
    edition = get_object_or_404(Edition, slug=slug)
    return download(CityWideSummaryXlsx(edition))
