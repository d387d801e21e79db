"""The final ranking (R10; issue 11 item 10): computed from the locked roadshow and site-visit scores, rows moved
with a reason, approved once (then read-only); the score sheets and the ranking as XLSX and PDF.

Approval is refused while a site visit's scores are unlocked or the scores changed since the ranking was
computed (compute again); ties the office has not reordered need a note saying how they were decided.
Roadshow scores still unlocked are only warned about: a finalist absent on the day may never have one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuxiao.common.exceptions import Refused
from wuxiao.common.forms import show_refusal
from wuxiao.competitions.models import Edition
from wuxiao.documents.download import download

from . import queries
from . import queries_ranking as rq
from . import services_ranking as services
from .access import managed_edition
from .exports_ranking import (
    RankingPdf,
    RankingXlsx,
    RoadshowSheetPdf,
    RoadshowSheetXlsx,
    SiteSheetPdf,
    SiteSheetXlsx,
    ranking_title,
)
from .forms_ranking import ApproveRankingForm, MoveRowForm
from .models import RankingStatus, UnvisitedRule


def _edition(request, slug) -> Edition:
    return managed_edition(request.user, slug)


def _ranking_page(request, edition, *, move_form=None, approve_form=None, status=200):
    ranking = rq.current_ranking(edition)
    rows = rq.ranking_rows(ranking) if ranking else []
    settings = queries.final_settings(edition)
    draft = ranking is not None and ranking.status == RankingStatus.DRAFT
    return render(request, "finals/ranking/ranking.html", {
        "edition": edition, "ranking": ranking, "rows": rows, "draft": draft,
        "title": ranking_title(ranking) if ranking else _("Final ranking"),
        "settings": settings, "after": settings.unvisited_rule == UnvisitedRule.AFTER,
        "open": rq.open_items(edition), "stale": draft and rq.is_stale(ranking),
        "ties": sum(1 for r in rows if r.tie), "changed": [r for r in rows if r.change_reason],
        "move_form": move_form or MoveRowForm(initial={"entry": request.GET.get("entry", "")}),
        "approve_form": approve_form or ApproveRankingForm(),
        "approved": queries.approved_ranking(edition),
    }, status=status)


@login_required
@require_GET
def ranking(request, slug):
    return _ranking_page(request, _edition(request, slug))


@login_required
@require_POST
def ranking_compute(request, slug):
    edition = _edition(request, slug)
    try:
        computed = services.compute_ranking(actor=request.user, edition=edition)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The final ranking has been computed: %(n)d entries.")
                         % {"n": computed.parameters.get("entries", 0)})
    return redirect("finals:ranking", slug=edition.slug)


def _draft(edition):
    ranking = rq.current_ranking(edition)
    if ranking is None:
        raise Refused(_("No final ranking has been computed yet."))
    return ranking


@login_required
@require_POST
def ranking_move(request, slug):
    edition = _edition(request, slug)
    form = MoveRowForm(request.POST)
    if form.is_valid():
        try:
            services.move_row(actor=request.user, ranking=_draft(edition), entry_id=form.cleaned_data["entry"],
                              position=form.cleaned_data["position"], reason=form.cleaned_data["reason"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The entry has been moved; the reason is recorded."))
            return redirect(reverse("finals:ranking", args=[edition.slug]) + f"#entry-{form.cleaned_data['entry']}")
    return _ranking_page(request, edition, move_form=form, status=400)


@login_required
@require_POST
def ranking_approve(request, slug):
    edition = _edition(request, slug)
    form = ApproveRankingForm(request.POST)
    if form.is_valid():
        try:
            services.approve_ranking(actor=request.user, ranking=_draft(edition), note=form.cleaned_data["note"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The final ranking has been approved."))
            return redirect("finals:ranking", slug=edition.slug)
    return _ranking_page(request, edition, approve_form=form, status=400)


def _ranking_or_404(edition, request):
    pk = request.GET.get("id", "")
    found = rq.ranking_or_none(edition, int(pk)) if pk.isdigit() and len(pk) < 19 else rq.current_ranking(edition)
    if found is None:
        raise Http404(_("No final ranking has been computed yet."))
    return found


@login_required
@require_GET
def ranking_export(request, slug, kind, fmt):
    edition = _edition(request, slug)
    exporters = {("roadshow", "xlsx"): RoadshowSheetXlsx, ("roadshow", "pdf"): RoadshowSheetPdf,
                 ("site", "xlsx"): SiteSheetXlsx, ("site", "pdf"): SiteSheetPdf}
    if (kind, fmt) in exporters:
        return download(exporters[(kind, fmt)](edition))
    if kind == "ranking" and fmt in ("xlsx", "pdf"):
        found = _ranking_or_404(edition, request)
        return download(RankingXlsx(found) if fmt == "xlsx" else RankingPdf(found))
    raise Http404
