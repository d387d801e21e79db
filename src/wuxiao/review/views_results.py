"""The committee office's results of the second round (R7; issue 10, items 9–11): official and calibrated
scores side by side with the flags, the finalist list (proposed, edited with reasons, approved), exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuxiao.common.exceptions import Refused
from wuxiao.common.forms import show_refusal
from wuxiao.common.permissions import require
from wuxiao.competitions.models import Edition
from wuxiao.documents.download import download

from . import present_results as words
from . import queries_results as rq
from . import services_results as services
from .aggregation import FlagKind
from .exports_results import FinalistListPdf, FinalistListXlsx, ResultsXlsx, list_title
from .forms_results import ApproveForm, ChangeRowForm
from .models import AggregationRule, Expert, FinalistListStatus

PAGE_SIZE = 100


def _edition(request, slug) -> Edition:
    require(request.user, "review.manage")
    return get_object_or_404(Edition, slug=slug)


def _rule_words(settings) -> dict:
    return {"rule": AggregationRule(settings.aggregation_rule).label, "top": settings.finalist_count,
            "cutoff": settings.finalist_cutoff, "by_category": settings.finalists_by_category}


@login_required
@require_GET
def results(request, slug):
    edition = _edition(request, slug)
    found = rq.edition_results(edition)
    with_z = request.GET.get("z") == "1"
    only_flagged = request.GET.get("flagged") == "1"
    ids = found.ranked_ids()
    if only_flagged:
        ids = [i for i in ids if found.flags_by_entry.get(i)]
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    entries = rq.entries_by_id(page.object_list)
    rows = [words.entry_row(found, i, entries.get(i)) for i in page.object_list]
    for row in rows:
        row["proposed"] = row["id"] in found.proposed
    experts = words.expert_rows(found)
    chart = [{"name": e["name"], "bias": round(e["bias"], 2), "low": round(e["ci_low"], 2),
              "high": round(e["ci_high"], 2)} for e in experts if e["judged"]]
    chart.sort(key=lambda e: e["bias"])
    agg = found.aggregation
    # The panel's agreement is said in words above; the other panel-wide flags (ties at the cut-off) here.
    panel_flags = [words.flag_words(f.kind, f.params) for f in agg.flags
                   if f.entry_id is None and f.expert_id is None and f.kind != FlagKind.PANEL_LOW_AGREEMENT]
    if found.proposal is not None:
        panel_flags += [words.flag_words(f.kind, f.params) for f in found.proposal.flags if f.entry_id is None]
    query = {"z": "1" if with_z else "", "flagged": "1" if only_flagged else ""}
    return render(request, "review/results/results.html", {
        "edition": edition, "results": found, "rows": rows, "page": page, "experts": experts,
        "chart": {"experts": chart, "labels": {"bias": _("leniency (points)"), "interval": _("interval (95 per cent)")}},
        "alpha_words": words.alpha_words(agg.alpha), "alpha": agg.alpha, "alpha_calibrated": agg.alpha_calibrated,
        "sigma": agg.sigma, "panel_flags": panel_flags, "with_z": with_z, "only_flagged": only_flagged,
        "query": query, "n_entries": len(agg.official), "n_scored": sum(1 for s in agg.official.values() if s.n_scores),
        "n_scores": found.n_scores, "n_flagged": sum(1 for v in found.flags_by_entry.values() if v),
        "n_proposed": len(found.proposed), "rule": _rule_words(found.settings), "criteria": found.criteria,
        "finalist_list": rq.current_finalist_list(edition),
    })


@login_required
@require_GET
def results_xlsx(request, slug):
    edition = _edition(request, slug)
    return download(ResultsXlsx(rq.edition_results(edition)))


LIST_PAGE_SIZE = 250


def _finalists_page(request, edition, *, change_form=None, approve_form=None, status=200):
    finalist_list = rq.current_finalist_list(edition)
    rows, names, stale, missing, outstanding, page, changed = [], {}, False, [], None, None, []
    counts = {"total": 0, "selected": 0}
    if finalist_list is not None:
        names = dict(Expert.objects.filter(edition=edition).values_list("pk", "name"))
        page = Paginator(rq.finalist_rows(finalist_list), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
        for row in page.object_list:
            row.flag_words = words.stored_flags(row.flags, names)
            rows.append(row)
        counts = rq.finalist_counts(finalist_list)
        changed = rq.changed_rows(finalist_list)
        if finalist_list.status == FinalistListStatus.DRAFT:
            fingerprint = rq.scores_fingerprint(edition)
            stale = fingerprint != {k: finalist_list.parameters.get(k) for k in ("scores", "last_saved")}
            missing = rq.missing_from_list(finalist_list)
            outstanding = rq.outstanding_scores(edition)
    if change_form is None:
        initial = {"entry": request.GET.get("entry", ""), "selected": request.GET.get("selected", "1")}
        change_form = ChangeRowForm(initial=initial)
    settings = rq.queries.review_settings(edition)
    return render(request, "review/results/finalists.html", {
        "edition": edition, "list": finalist_list, "rows": rows, "page": page, "counts": counts,
        "title": list_title(finalist_list) if finalist_list else _("Proposed finalist list"),
        "selected_count": counts["selected"], "changed": changed,
        "change_form": change_form, "approve_form": approve_form or ApproveForm(), "stale": stale,
        "missing": missing, "outstanding": outstanding, "rule": _rule_words(settings),
        "approved": finalist_list is not None and finalist_list.status == FinalistListStatus.APPROVED,
        "progress": rq.approval_progress(finalist_list) if finalist_list is not None else None,
    }, status=status)


@login_required
@require_GET
def finalists(request, slug):
    edition = _edition(request, slug)
    return _finalists_page(request, edition)


@login_required
@require_POST
def finalists_propose(request, slug):
    edition = _edition(request, slug)
    try:
        finalist_list = services.propose_finalist_list(actor=request.user, edition=edition)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The finalist list has been proposed by the edition's rule: %(count)d entries "
                                    "proposed.") % {"count": finalist_list.parameters.get("proposed", 0)})
    return redirect("review:finalists", slug=edition.slug)


@login_required
@require_POST
def finalists_change(request, slug):
    edition = _edition(request, slug)
    form = ChangeRowForm(request.POST)
    finalist_list = rq.current_finalist_list(edition)
    if form.is_valid():
        if finalist_list is None:
            form.add_error(None, _("No finalist list has been proposed yet."))
        else:
            try:
                services.change_finalist_row(actor=request.user, finalist_list=finalist_list,
                                             entry_id=form.cleaned_data["entry"],
                                             selected=form.cleaned_data["selected"],
                                             reason=form.cleaned_data["reason"])
            except Refused as refused:
                show_refusal(form, refused)
            else:
                messages.success(request, _("The finalist list has been changed; the reason is recorded."))
                entry_id = form.cleaned_data["entry"]
                position = rq.row_position(finalist_list, entry_id) or 0
                return redirect(reverse("review:finalists", args=[edition.slug])
                                + f"?page={position // LIST_PAGE_SIZE + 1}#entry-{entry_id}")
    return _finalists_page(request, edition, change_form=form, status=400)


@login_required
@require_POST
def finalists_approve(request, slug):
    edition = _edition(request, slug)
    form = ApproveForm(request.POST)
    finalist_list = rq.current_finalist_list(edition)
    if form.is_valid():
        if finalist_list is None:
            form.add_error(None, _("No finalist list has been proposed yet."))
        else:
            try:
                services.approve_finalist_list(actor=request.user, finalist_list=finalist_list,
                                               note=form.cleaned_data["note"])
            except Refused as refused:
                show_refusal(form, refused)
            else:
                messages.success(request, _("The finalist list has been approved; every entry of the second round "
                                            "is being moved to finalist or not finalist and the units are notified."))
                return redirect("review:finalists", slug=edition.slug)
    return _finalists_page(request, edition, approve_form=form, status=400)


def _list_or_404(edition):
    from django.http import Http404

    finalist_list = rq.current_finalist_list(edition)
    if finalist_list is None:
        raise Http404(_("No finalist list has been proposed yet."))
    return finalist_list


@login_required
@require_GET
def finalists_xlsx(request, slug):
    edition = _edition(request, slug)
    return download(FinalistListXlsx(_list_or_404(edition)))


@login_required
@require_GET
def finalists_pdf(request, slug):
    edition = _edition(request, slug)
    return download(FinalistListPdf(_list_or_404(edition)))


@login_required
@require_GET
def finalists_progress(request, slug):
    edition = _edition(request, slug)
    finalist_list = rq.approved_finalist_list(edition)
    progress = rq.approval_progress(finalist_list) if finalist_list is not None else None
    if progress is None:
        from django.http import Http404

        raise Http404
    return render(request, "review/results/_approval_progress.html", {"edition": edition, "progress": progress})


@login_required
@require_POST
def finalists_resume(request, slug):
    edition = _edition(request, slug)
    finalist_list = rq.approved_finalist_list(edition)
    try:
        if finalist_list is None:
            raise Refused(_("No finalist list has been approved yet."))
        services.resume_finalist_moves(actor=request.user, finalist_list=finalist_list)
    except Refused as refused:
        messages.error(request, str(refused.message))
    return redirect("review:finalists", slug=edition.slug)
