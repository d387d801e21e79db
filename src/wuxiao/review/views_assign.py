"""The committee office's assignment pages (issue 10 items 4–6): runs, matrix, hand edits, pins, publishing,
re-assignment and the second pass. Reads in queries_assign, writes in services_assign."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuxiao.common.exceptions import Refused
from wuxiao.common.forms import show_refusal
from wuxiao.common.permissions import permission_required
from wuxiao.competitions.models import Edition

from . import assignment as engine
from . import queries_assign as q
from . import services_assign as services
from .forms_assign import EditForm, PairRuleForm, SecondPassForm, StartForm
from .queries import review_settings

MATRIX_PAGE = 100
EXPERT_PAGE = 50


def _edition(slug) -> Edition:
    return get_object_or_404(Edition, slug=slug)


def _problems(edition) -> list:
    """The constraints the current first pass breaks (engine.validate), shown before publishing."""
    pairs = services.first_pass_pairs(edition)
    if not pairs:
        return []
    return engine.validate(services.build_problem(edition), pairs)


@permission_required("review.manage")
def assignment(request, slug):
    edition = _edition(slug)
    form = StartForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                run = services.start_assignment(actor=request.user, edition=edition, seed=form.cleaned_data["seed"])
            except Refused as refused:
                show_refusal(form, refused)
                status = 409
            else:
                messages.success(request, _("The assignment run has been queued (seed %(seed)s); this page shows "
                                            "its progress.") % {"seed": run.seed})
                return redirect("review:assignment", slug=edition.slug)
        else:
            status = 400
    run = q.latest_run(edition)
    counts = q.assignment_counts(edition)
    context = {
        "edition": edition, "form": form, "run": run, "settings": review_settings(edition),
        "ready": services.conflict_check_ready(edition), "counts": counts,
        # Checked only while there is something to publish; published pairs that can no longer stand are listed
        # under re-assignment.
        "problems": _problems(edition) if counts["drafts"] else [], "needing": q.pairs_needing_reassignment(edition),
        "under_way": q.run_under_way(edition), "second_run": q.latest_run(edition, second_pass=True),
    }
    return render(request, "review/assign/overview.html", context, status=status)


@permission_required("review.manage")
@require_GET
def run_progress(request, slug, pk):
    """The run's block alone, polled by HTMX every 2 s while it runs; the whole page reloads when it ends."""
    edition = _edition(slug)
    run = q.run_of(edition, pk)
    if run is None:
        raise Http404
    response = render(request, "review/assign/_run.html", {"edition": edition, "run": run})
    if request.GET.get("poll") and run.status not in ("queued", "running"):
        response["HX-Refresh"] = "true"
    return response


@permission_required("review.manage")
@require_GET
def matrix(request, slug):
    """Entries as rows with their experts as chips and each pair's match quality (cards on a phone)."""
    edition = _edition(slug)
    text = request.GET.get("q", "").strip()[:100]
    category = request.GET.get("category", "")
    category = int(category) if category.isdigit() and len(category) < 10 else None
    short = request.GET.get("short") == "1"
    page = Paginator(q.matrix_entries(edition, q=text, category=category, short=short), MATRIX_PAGE).get_page(
        request.GET.get("page"))
    entries = q.decorate_entries(edition, list(page.object_list))
    return render(request, "review/assign/matrix.html", {
        "edition": edition, "page": page, "entries": entries, "q": text, "category": category, "short": short,
        "categories": list(edition.categories.values_list("pk", "name")), "settings": review_settings(edition)})


@permission_required("review.manage")
@require_GET
def experts(request, slug):
    """Each expert's load against [min, max] and their entries."""
    edition = _edition(slug)
    page = Paginator(q.expert_loads(edition), EXPERT_PAGE).get_page(request.GET.get("page"))
    return render(request, "review/assign/experts.html", {
        "edition": edition, "page": page, "experts": q.decorate_experts(edition, list(page.object_list))})


@permission_required("review.manage")
def edit(request, slug):
    """Add and/or remove an expert of one entry by hand; every constraint checked, a refusal beside its field."""
    edition = _edition(slug)
    experts = list(q.accepted_experts(edition))
    given = request.POST.get("entry") if request.method == "POST" else request.GET.get("entry")
    entry_id = int(given) if given and given.isdigit() and len(given) < 18 else None
    entries = q.decorate_entries(edition, list(q.matrix_entries(edition, q=str(entry_id)))) if entry_id else []
    # The experts that can be removed: the entry's own when it is known, else anyone of the pool.
    removable = ([p.expert for p in entries[0].active_pairs if p.review_pass == 1] if entries
                 else list(q.pool_experts(edition)))
    initial = {"entry": entry_id} if entry_id and request.method != "POST" else None
    form = EditForm(request.POST if request.method == "POST" else None, initial=initial, experts=experts,
                    removable=removable)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                warnings = services.edit_assignment(
                    actor=request.user, edition=edition, entry_id=data["entry"], add_expert_id=data["add_expert"],
                    remove_expert_id=data["remove_expert"], reason=data["reason"])
            except Refused as refused:
                show_refusal(form, refused)
                status = 409
            else:
                messages.success(request, _("Entry %(entry)s changed.") % {"entry": data["entry"]})
                for w in warnings:
                    messages.warning(request, str(w.message))
                return redirect(f"{request.path}?entry={data['entry']}")
        else:
            status = 400
    if status != 200 and entry_id:  # show the entry as it stands after the refusal
        entries = q.decorate_entries(edition, list(q.matrix_entries(edition, q=str(entry_id))))
    return render(request, "review/assign/edit.html", {"edition": edition, "form": form, "entries": entries},
                  status=status)


@permission_required("review.manage")
def rules(request, slug):
    """Pinned and forbidden pairs, with their reasons; a form to add one."""
    edition = _edition(slug)
    form = PairRuleForm(request.POST if request.method == "POST" else None,
                        experts=list(q.accepted_experts(edition)))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_pair_rule(actor=request.user, edition=edition, entry_id=data["entry"],
                                       expert_id=data["expert"], kind=data["kind"], reason=data["reason"])
            except Refused as refused:
                show_refusal(form, refused)
                status = 409
            else:
                messages.success(request, _("Saved. It applies to the next run and to every check."))
                return redirect("review:assignment_rules", slug=edition.slug)
        else:
            status = 400
    return render(request, "review/assign/rules.html",
                  {"edition": edition, "form": form, "rules": q.pair_rules(edition)}, status=status)


@permission_required("review.manage")
@require_POST
def rule_delete(request, slug, pk):
    edition = _edition(slug)
    try:
        services.delete_pair_rule(actor=request.user, edition=edition, rule_id=pk)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The rule has been lifted."))
    return redirect("review:assignment_rules", slug=edition.slug)


@permission_required("review.manage")
@require_POST
def publish(request, slug):
    edition = _edition(slug)
    try:
        count = services.publish_assignment(actor=request.user, edition=edition)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("%(count)d pairs published; the experts have been notified.") % {"count": count})
    return redirect("review:assignment", slug=edition.slug)


@permission_required("review.manage")
@require_POST
def reassign(request, slug):
    edition = _edition(slug)
    try:
        run = services.reassign_and_publish(actor=request.user, edition=edition)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("Re-assigned: %(removed)d pairs taken off, %(added)d new pairs published; "
                                    "%(kept)d pairs unchanged.") % run.result)
    return redirect("review:assignment", slug=edition.slug)


@permission_required("review.manage")
def second_pass(request, slug):
    """The entries nearest the finalist cut-off and a form to ask for extra reviews of chosen ones."""
    edition = _edition(slug)
    candidates = q.second_pass_candidates_for(edition, 20)
    initial = {"entries": ", ".join(str(c["entry_id"]) for c in candidates[:10])} if candidates else None
    form = SecondPassForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                run = services.assign_second_pass(actor=request.user, edition=edition,
                                                  entry_ids=form.cleaned_data["entries"],
                                                  extra=form.cleaned_data["extra"])
            except Refused as refused:
                show_refusal(form, refused)
                status = 409
            else:
                messages.success(request, _("%(count)d extra pairs added as drafts; publish them to notify the "
                                            "experts.") % {"count": run.result["pairs"]})
                return redirect("review:assignment", slug=edition.slug)
        else:
            status = 400
    return render(request, "review/assign/second_pass.html",
                  {"edition": edition, "form": form, "candidates": candidates,
                   "run": q.latest_run(edition, second_pass=True)}, status=status)
