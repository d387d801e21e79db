"""The recommending unit's screening pages (R5, R6, R23, R26) and the committee's quota and deadline exceptions."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from wuxiao.accounts.models import Role
from wuxiao.common.exceptions import InvalidInput, Refused
from wuxiao.common.forms import show_refusal
from wuxiao.common.permissions import require
from wuxiao.common.uploads import receives_file, refuse_in_form
from wuxiao.competitions.models import Edition
from wuxiao.documents.download import download
from wuxiao.documents.exporters import FilledSummaryPdf, FilledSummaryXlsx
from wuxiao.documents.forms import scan_upload_handler
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Entry
from wuxiao.entries.queries import recommendation_opinion
from wuxiao.entries.services import allowed_actions
from wuxiao.entries.transitions import TRANSITIONS, registry
from wuxiao.entries.views_lists import with_list_columns
from wuxiao.orgs.models import Organisation

from . import queries, services
from . import rules as screening_rules  # noqa: F401  (registers the screening.* permissions)
from .exports import UnitQueueXlsx
from .forms import (
    ACTION_FORMS,
    DeadlineExtensionForm,
    QuotaExceptionForm,
    RanksForm,
    ReopenForm,
    SheetForm,
    SubmitBatchForm,
)
from .forms_bulk import UnitBulkForm, UnitSearchForm, back_query, keep_report, take_report
from .models import Batch, DeadlineExtension, QuotaException
from .queries import UNDECIDED_STATES, summary_sheet_rows, undecided_entries

# The groups of the work queue, in the order a unit works through them.
QUEUE_GROUPS = (EntryStatus.SUBMITTED, EntryStatus.RETURNED, EntryStatus.RECOMMENDED, EntryStatus.NOT_RECOMMENDED)
ACTION_SLUGS = {"return": "return", "recommend": "recommend", "not-recommend": "not_recommend",
                "unrecommend": "unrecommend"}
SUCCESS = {
    "return": gettext_lazy("The entry was returned to the declaring unit for revision."),
    "recommend": gettext_lazy("The entry was recommended."),
    "not_recommend": gettext_lazy("The entry was marked as not recommended."),
    "unrecommend": gettext_lazy("The recommendation was taken back."),
}




def _edition_and_unit(request, slug: str, unit_pk: int, perm: str) -> tuple[Edition, Organisation]:
    edition = get_object_or_404(Edition, slug=slug)
    unit = get_object_or_404(Organisation, pk=unit_pk)
    require(request.user, perm, unit)
    if not unit.is_recommending:
        raise Http404
    return edition, unit


# --- The work queue ------------------------------------------------------------------------

@login_required
@require_GET
def queue(request):
    """A recommending unit's staff go to their unit's queue; the committee sees every unit's batch."""
    edition = Edition.objects.current()
    units = [u for u in request.user.units_with_role(Role.RECOMMENDER) if u.is_recommending]
    if not units and not request.user.has_perm("screening.reopen_batch"):
        raise PermissionDenied
    if edition is None:
        return render(request, "screening/no_edition.html")
    if len(units) == 1:
        return redirect("screening:unit", slug=edition.slug, unit_pk=units[0].pk)
    if units:
        return render(request, "screening/choose.html", {"edition": edition, "units": units})
    batches = {b.unit_id: b for b in Batch.objects.filter(edition=edition)}
    extensions = services.deadline_extensions_by_unit(edition)
    rows = []
    for unit in Organisation.objects.recommending().order_by("name"):
        extension = extensions.get(unit.pk)
        rows.append({"unit": unit, "batch": batches.get(unit.pk), "extension": extension,
                     "deadline": services.effective_deadline(edition, extension)})
    return render(request, "screening/batches.html", {"edition": edition, "rows": rows})


def _unit_context(request, edition: Edition, unit: Organisation, **forms) -> dict:
    batch = services.batch_of(edition, unit)
    entries = list(with_list_columns(Entry.objects.filter(edition=edition, recommending_unit=unit)
                                     .exclude(status=EntryStatus.DRAFT))
                   .order_by("recommendation_rank", "-submitted_at", "id"))
    search = _search_form(request, forms.get("bulk_form"))
    shown = _shown(edition, unit, search.filters(), entries)
    groups = [(EntryStatus(s), [e for e in shown if e.status == s]) for s in QUEUE_GROUPS]
    groups = [(s, rows) for s, rows in groups if rows or shown is entries]  # a search lists only what it found
    later = [e for e in shown if e.status not in QUEUE_GROUPS]
    recommended = [e for e in entries if e.status == EntryStatus.RECOMMENDED]
    extra = services.extra_quota_of(edition, unit)
    extension = services.deadline_extension_of(edition, unit)
    deadline = services.effective_deadline(edition, extension)
    deadline_passed = timezone.now() >= deadline
    undecided = [e for e in entries if e.status in UNDECIDED_STATES]
    sheet_rows, frozen = summary_sheet_rows(edition, unit)
    may_screen = request.user.has_perm("screening.screen_unit", unit)
    may_reopen = request.user.has_perm("screening.reopen_batch", unit)
    open_ = not batch.is_locked
    initial = {"version": batch.version}
    context = {
        "edition": edition, "unit": unit, "batch": batch, "groups": groups, "later": later,
        "recommended": recommended, "undecided": undecided, "sheet_rows": sheet_rows, "frozen_sheet": frozen,
        "quota": edition.recommendation_quota, "extra": extra, "quota_total": edition.recommendation_quota + extra,
        "used": services.used_quota_of(edition, unit),
        "deadline": deadline, "deadline_passed": deadline_passed, "extension": extension,
        "may_screen": may_screen, "may_reopen": may_reopen,
        "may_extend": request.user.has_perm("screening.grant_deadline_extension", unit),
        "exceptions": QuotaException.objects.filter(edition=edition, unit=unit).order_by("granted_at"),
    }
    if may_screen and open_ and not deadline_passed:  # a closed batch offers no forms that would be refused
        context["ranks_form"] = forms.get("ranks_form") or RanksForm(initial=initial, entries=recommended)
        context["sheet_form"] = forms.get("sheet_form") or SheetForm(initial=initial)
        context["submit_form"] = forms.get("submit_form") or SubmitBatchForm(initial=initial, undecided=undecided)
    if may_reopen and not open_:
        context["reopen_form"] = forms.get("reopen_form") or ReopenForm(initial=initial)
    context.update(_bulk_context(request, edition, unit, search, may_bulk=may_screen and open_ and not deadline_passed,
                                 bulk_form=forms.pop("bulk_form", None)))
    # A refused form is shown again whatever the batch's state now, with its message and what was typed.
    context.update({name: form for name, form in forms.items() if form is not None})
    return context


@login_required
@require_GET
def unit(request, slug, unit_pk):
    edition, unit = _edition_and_unit(request, slug, unit_pk, "screening.view_batch")
    return render(request, "screening/unit.html", _unit_context(request, edition, unit))


def _back_to_unit(edition: Edition, unit: Organisation):
    return redirect("screening:unit", slug=edition.slug, unit_pk=unit.pk)


def _refused(request, edition, unit, name: str, form, refused: Refused):
    show_refusal(form, refused)
    return render(request, "screening/unit.html", _unit_context(request, edition, unit, **{name: form}), status=409)


@login_required
@require_POST
def ranks(request, slug, unit_pk):
    edition, unit = _edition_and_unit(request, slug, unit_pk, "screening.screen_unit")
    form = RanksForm(request.POST, entries=services.recommended_entries(edition, unit))
    if form.is_valid():
        try:
            services.reorder_ranks(actor=request.user, edition=edition, unit=unit, ranks=form.ranks(),
                                   version=form.cleaned_data["version"])
        except Refused as refused:
            return _refused(request, edition, unit, "ranks_form", form, refused)
        messages.success(request, _("The merit ranks were saved."))
        return _back_to_unit(edition, unit)
    return render(request, "screening/unit.html", _unit_context(request, edition, unit, ranks_form=form))


@login_required
@require_POST
@receives_file(scan_upload_handler)
def sheet(request, slug, unit_pk):
    edition, unit = _edition_and_unit(request, slug, unit_pk, "screening.screen_unit")
    form = SheetForm(request.POST, request.FILES)
    refuse_in_form(request, form, "scan")
    if form.is_valid():
        try:
            services.upload_summary_sheet(actor=request.user, edition=edition, unit=unit,
                                          upload=form.cleaned_data["scan"], version=form.cleaned_data["version"])
        except Refused as refused:
            return _refused(request, edition, unit, "sheet_form", form, refused)
        messages.success(request, _("The stamped summary sheet has been uploaded."))
        return _back_to_unit(edition, unit)
    return render(request, "screening/unit.html", _unit_context(request, edition, unit, sheet_form=form))


@login_required
@require_POST
def submit(request, slug, unit_pk):
    edition, unit = _edition_and_unit(request, slug, unit_pk, "screening.screen_unit")
    form = SubmitBatchForm(request.POST)
    if form.is_valid():
        marked = form.not_recommended_ids()
        try:
            services.submit_batch(actor=request.user, edition=edition, unit=unit, version=form.cleaned_data["version"],
                                  not_recommend=marked, reason=form.cleaned_data["reason"])
        except Refused as refused:
            form.show_undecided(undecided_entries(edition, unit))
            return _refused(request, edition, unit, "submit_form", form, refused)
        messages.success(request, _("The batch has been handed to the committee."))
        if marked:
            messages.info(request, ngettext(
                "%(count)d entry was marked as not recommended; its declaring unit has been told.",
                "%(count)d entries were marked as not recommended; their declaring units have been told.",
                len(marked)) % {"count": len(marked)})
        return _back_to_unit(edition, unit)
    return render(request, "screening/unit.html", _unit_context(request, edition, unit, submit_form=form))


@login_required
@require_POST
def reopen(request, slug, unit_pk):
    edition, unit = _edition_and_unit(request, slug, unit_pk, "screening.reopen_batch")
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_batch(actor=request.user, edition=edition, unit=unit, reason=form.cleaned_data["reason"],
                                  version=form.cleaned_data["version"])
        except Refused as refused:
            return _refused(request, edition, unit, "reopen_form", form, refused)
        messages.success(request, _("The batch has been reopened; the unit can change it again."))
        return _back_to_unit(edition, unit)
    return render(request, "screening/unit.html", _unit_context(request, edition, unit, reopen_form=form))


# --- The summary sheet (R26) -----------------------------------------------------------------

@login_required
@require_GET
def summary_xlsx(request, slug, unit_pk):
    edition, unit = _edition_and_unit(request, slug, unit_pk, "screening.view_batch")
    return download(FilledSummaryXlsx(edition, unit))


@login_required
@require_GET
def summary_pdf(request, slug, unit_pk):
    edition, unit = _edition_and_unit(request, slug, unit_pk, "screening.view_batch")
    return download(FilledSummaryPdf(edition, unit))


@login_required
@require_GET
def sheet_download(request, slug, unit_pk):
    edition, unit = _edition_and_unit(request, slug, unit_pk, "screening.view_batch")
    batch = Batch.objects.filter(edition=edition, unit=unit).exclude(stamped_sheet="").first()
    if batch is None:
        raise Http404
    return FileResponse(batch.stamped_sheet.open("rb"), as_attachment=True, filename=batch.stamped_sheet_name or "scan")


# --- One entry -----------------------------------------------------------------------------

def _screenable(request, pk: int) -> Entry:
    entry = get_object_or_404(Entry.objects.select_related("edition", "declaring_unit", "recommending_unit",
                                                           "category"), pk=pk)
    require(request.user, "entries.screen", entry)
    if entry.status == EntryStatus.DRAFT:
        raise PermissionDenied  # a draft is the declaring unit's own
    return entry


def _entry_page(request, entry: Entry, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    possible = {t.action for t in allowed_actions(entry, request.user)}
    forms = [(slug, action, TRANSITIONS[action].label, bound.get(action) or ACTION_FORMS[action]())
             for slug, action in ACTION_SLUGS.items() if action in possible or action in bound]
    extra = services.extra_quota_of(entry.edition, entry.recommending_unit)
    return render(request, "screening/entry.html", {
        "entry": entry, "forms": forms, "lock": registry.lock_of(entry, request.user),
        "opinion": recommendation_opinion(entry),
        "history": list(entry.transitions.select_related("actor")),
        "batch": services.batch_of(entry.edition, entry.recommending_unit),
        "quota": entry.edition.recommendation_quota, "extra": extra,
        "quota_total": entry.edition.recommendation_quota + extra,
        "used": services.used_quota_of(entry.edition, entry.recommending_unit),
    }, status=status)


@login_required
@require_GET
def entry(request, pk):
    return _entry_page(request, _screenable(request, pk))


@login_required
@require_POST
def entry_action(request, pk, action):
    if action not in ACTION_SLUGS:
        raise Http404
    entry = _screenable(request, pk)
    name = ACTION_SLUGS[action]
    form = ACTION_FORMS[name](request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason" and v not in (None, "")}
        try:
            services.screen_entry(actor=request.user, entry=entry, action=name,
                                  reason=form.cleaned_data.get("reason", ""), data=data)
        except Refused as refused:
            show_refusal(form, refused)
            entry.refresh_from_db()
            return _entry_page(request, entry, {name: form}, status=409)
        messages.success(request, SUCCESS[name])
        return redirect("screening:unit", slug=entry.edition.slug, unit_pk=entry.recommending_unit_id)
    return _entry_page(request, entry, {name: form})


# --- Quota and deadline exceptions (committee, R6) --------------------------------------------

@login_required
def quota_exceptions_current(request):
    require(request.user, "screening.grant_quota_exception")
    edition = Edition.objects.current()
    if edition is None:
        raise Http404
    return redirect("screening:quota_exceptions", slug=edition.slug)


def _exceptions_page(request, edition: Edition, quota_form=None, deadline_form=None):
    exceptions = (QuotaException.objects.filter(edition=edition).select_related("unit", "granted_by")
                  .order_by("-granted_at", "-id"))
    extensions = (DeadlineExtension.objects.filter(edition=edition).select_related("unit", "granted_by")
                  .order_by("-granted_at", "-id"))
    return render(request, "screening/quota_exceptions.html", {
        "edition": edition, "form": quota_form if quota_form is not None else QuotaExceptionForm(),
        "deadline_form": deadline_form if deadline_form is not None else DeadlineExtensionForm(),
        "exceptions": exceptions, "extensions": extensions,
    })


@login_required
def quota_exceptions(request, slug):
    require(request.user, "screening.grant_quota_exception")
    edition = get_object_or_404(Edition, slug=slug)
    form = QuotaExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.grant_quota_exception(actor=request.user, edition=edition, unit=data["unit"],
                                           extra=data["extra"], reason=data["reason"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("%(unit)s may now recommend %(extra)d more entries.")
                             % {"unit": data["unit"].name, "extra": data["extra"]})
            return redirect("screening:quota_exceptions", slug=edition.slug)
    return _exceptions_page(request, edition, quota_form=form)


@login_required
@require_POST
def deadline_extension(request, slug):
    require(request.user, "screening.grant_deadline_extension")
    edition = get_object_or_404(Edition, slug=slug)
    form = DeadlineExtensionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.grant_deadline_extension(actor=request.user, edition=edition, unit=data["unit"],
                                              until=data["until"], reason=data["reason"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The recommendation deadline of %(unit)s has been extended to %(until)s.")
                             % {"unit": data["unit"].name,
                                "until": timezone.localtime(data["until"]).strftime("%Y-%m-%d %H:%M")})
            return redirect("screening:quota_exceptions", slug=edition.slug)
    return _exceptions_page(request, edition, deadline_form=form)


# --- Search, export and bulk actions of the unit's queue (issue 9 items 13, 14) -------------------

UNIT_FILTERS = ("q", "status")


def _search_form(request, bulk_form=None) -> UnitSearchForm:
    """The queue's search, from the address; after a refused bulk action, from the page it was sent from."""
    if request.method == "GET":
        return UnitSearchForm(request.GET or None)
    back = QueryDict(back_query(bulk_form.data.get("back", ""), UNIT_FILTERS)) if bulk_form is not None else None
    return UnitSearchForm(back or None)


def _shown(edition: Edition, unit: Organisation, filters: dict, entries: list[Entry]) -> list[Entry]:
    """The entries of the queue the search finds (one query for their ids), or all of them."""
    if not filters:
        return entries
    found = set(queries.unit_queue(edition, unit, **filters).values_list("pk", flat=True))
    return [e for e in entries if e.pk in found]


def _report_key(unit: Organisation) -> str:
    return f"screening.bulk.unit.{unit.pk}"


def _bulk_context(request, edition: Edition, unit: Organisation, search: UnitSearchForm, *, may_bulk: bool,
                  bulk_form) -> dict:
    filters = search.filters()
    query = QueryDict(mutable=True)
    query.update(filters)
    context = {"search_form": search, "searching": bool(filters), "search_query": query.urlencode(),
               "bulk_report": take_report(request, _report_key(unit)) if request.method == "GET" else None}
    if may_bulk or bulk_form is not None:
        context["bulk_form"] = bulk_form or UnitBulkForm(initial={"back": query.urlencode()})
        context["bulk_selected"] = bulk_form.selected() if bulk_form is not None else set()
        context["bulk_action_url"] = reverse("screening:unit_bulk", args=[edition.slug, unit.pk])
        context["bulk_statuses"] = (EntryStatus.SUBMITTED, EntryStatus.RETURNED)  # the rows a bulk action may move
    return context


@login_required
@require_POST
def unit_bulk(request, slug, unit_pk):
    """Return, recommend or not recommend the ticked entries in one step; the queue then reports each one."""
    edition, unit = _edition_and_unit(request, slug, unit_pk, "screening.screen_unit")
    form = UnitBulkForm(request.POST)
    if form.is_valid():
        reason, data = form.transition_input()
        try:
            results = services.screen_entries(actor=request.user, edition=edition, unit=unit,
                                              entry_ids=form.cleaned_data["entry_ids"],
                                              action=form.cleaned_data["action"], reason=reason, data=data)
        except InvalidInput as invalid:
            form.show_invalid(invalid)
        else:
            keep_report(request, _report_key(unit), form.cleaned_data["action"], results)
            url = reverse("screening:unit", args=[edition.slug, unit.pk])
            query = back_query(form.cleaned_data["back"], UNIT_FILTERS)
            return redirect(f"{url}?{query}#bulk-report" if query else f"{url}#bulk-report")
    return render(request, "screening/unit.html", _unit_context(request, edition, unit, bulk_form=form), status=400)


@login_required
@require_GET
def unit_export(request, slug, unit_pk):
    """The queue as the search shows it, as an Excel file."""
    edition, unit = _edition_and_unit(request, slug, unit_pk, "screening.view_batch")
    filters = UnitSearchForm(request.GET or None).filters()
    return download(UnitQueueXlsx(edition, unit, queries.unit_queue(edition, unit, **filters)))
