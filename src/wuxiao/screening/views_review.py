"""The committee office's eligibility check (形式审查, issue 4 items 6–8): the queue and the entry's review page."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from wuxiao.common.exceptions import InvalidInput, Refused
from wuxiao.common.forms import show_refusal
from wuxiao.common.permissions import require
from wuxiao.competitions.models import Edition
from wuxiao.documents.download import download
from wuxiao.entries.enums import Action, EntryStatus
from wuxiao.entries.models import Entry
from wuxiao.entries.queries import recommendation_opinion
from wuxiao.entries.services import transition_entry

from . import checklist as checks
from . import services
from .exports import ReviewQueueXlsx
from .forms_bulk import ReviewBulkForm, back_query, keep_report, rule_choices, search_field, take_report
from .models import FlagKind
from .queries import (
    CORRECTION,
    CORRECTION_STATES,
    REVIEW_STATES,
    correction_due,
    flag_check_of,
    handed_over,
    review_entries,
    review_page,
)


class QueueFilter(forms.Form):
    q = search_field()
    unit = forms.TypedChoiceField(label=_("Recommending unit"), required=False, coerce=int, empty_value="")
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value="")
    status = forms.ChoiceField(label=_("Status"), required=False)
    flag = forms.ChoiceField(label=_("Flag"), required=False,
                             choices=[("", _("all"))] + list(FlagKind.choices))
    failing = forms.ChoiceField(label=_("Checklist"), required=False)

    def __init__(self, *args, edition, batches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("all"))] + [(b.unit_id, b.unit.name) for b in batches]
        self.fields["category"].choices = [("", _("all"))] + list(edition.categories.values_list("pk", "name"))
        self.fields["status"].choices = ([("", _("all"))] + [(s.value, s.label) for s in REVIEW_STATES]
                                         + [(CORRECTION, _("sent back for correction (限期补正)"))])
        self.fields["failing"].choices = ([("", _("all")), ("any", _("any item failing"))]
                                          + [(key, _("failing: %(item)s") % {"item": label})
                                             for key, label in checks.ITEMS.items()])


@login_required
@require_GET
def review_queue(request, slug):
    require(request.user, "screening.check_eligibility")
    edition = get_object_or_404(Edition, slug=slug)
    batches = handed_over(edition)
    return _render_queue(request, edition, batches, request.GET)


def _filters(form: QueueFilter) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if v not in ("", None)} if form.is_valid() else {}


def _render_queue(request, edition, batches, given, bulk_form=None, status=200):
    form = QueueFilter(given or None, edition=edition, batches=batches)
    rows = review_entries(edition, **_filters(form))
    page = review_page(rows, given.get("page"), edition)
    entries = page.object_list
    query = given.copy()
    query.pop("page", None)
    return render(request, "screening/review/queue.html", {
        "edition": edition, "batches": batches, "form": form, "page": page, "entries": entries,
        "items": checks.ITEMS, "query": query.urlencode(), "flag_check": flag_check_of(edition),
        **_bulk_context(request, edition, given, bulk_form),
    }, status=status)


# --- Search, export and bulk decisions of the queue (issue 9 items 13, 14) -----------------------

QUEUE_FILTERS = ("q", "unit", "category", "status", "flag", "failing", "page")


def _report_key(edition: Edition) -> str:
    return f"screening.bulk.review.{edition.pk}"


def _bulk_context(request, edition: Edition, given, bulk_form) -> dict:
    back = back_query(given.urlencode(), QUEUE_FILTERS)
    return {
        "bulk_form": bulk_form or ReviewBulkForm(edition=edition, initial={"back": back}),
        "bulk_selected": bulk_form.selected() if bulk_form is not None else set(),
        "bulk_action_url": reverse("screening:review_bulk", args=[edition.slug]),
        "bulk_statuses": (EntryStatus.RECOMMENDED,),  # the entries a decision may move
        "bulk_report": take_report(request, _report_key(edition)) if request.method == "GET" else None,
        "export_query": back_query(given.urlencode(), QUEUE_FILTERS[:-1]),
    }


@login_required
@require_POST
def review_bulk(request, slug):
    """Accept, declare ineligible or send back for correction the ticked entries in one step."""
    require(request.user, "screening.check_eligibility")
    edition = get_object_or_404(Edition, slug=slug)
    form = ReviewBulkForm(request.POST, edition=edition)
    if form.is_valid():
        reason, data = form.transition_input()
        try:
            results = services.decide_entries(actor=request.user, edition=edition,
                                              entry_ids=form.cleaned_data["entry_ids"],
                                              action=form.cleaned_data["action"], reason=reason, data=data)
        except InvalidInput as invalid:
            form.show_invalid(invalid)
        else:
            keep_report(request, _report_key(edition), form.cleaned_data["action"], results)
            query = back_query(form.cleaned_data["back"], QUEUE_FILTERS)
            url = reverse("screening:review", args=[edition.slug])
            return redirect(f"{url}?{query}#bulk-report" if query else f"{url}#bulk-report")
    given = QueryDict(back_query(form.data.get("back", ""), QUEUE_FILTERS))
    return _render_queue(request, edition, handed_over(edition), given, bulk_form=form, status=400)


@login_required
@require_GET
def review_export(request, slug):
    """The queue as filtered on the page (every page of it), as an Excel file with the checklist and flags."""
    require(request.user, "screening.check_eligibility")
    edition = get_object_or_404(Edition, slug=slug)
    form = QueueFilter(request.GET or None, edition=edition, batches=handed_over(edition))
    return download(ReviewQueueXlsx(edition, review_entries(edition, **_filters(form))))


# --- The entry's review page and the decisions ------------------------------------------------

class AcceptForm(forms.Form):
    """Accepting needs nothing when the checklist passes; when it fails, an explicit confirmation and a reason."""

    confirm_failed_checks = forms.BooleanField(
        label=_("I have seen that the checklist fails and accept the entry all the same"), required=False)
    reason = forms.CharField(label=_("Reason for accepting it all the same"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, failing=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not failing and not self.is_bound:  # nothing to confirm: the button alone
            self.fields.clear()


class IneligibleForm(forms.Form):
    rule = forms.ChoiceField(label=_("Rule not met"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = rule_choices(edition)


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("What must be corrected"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)
    due_date = forms.DateField(label=_("Correct by"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("The correction date cannot be in the past."))
        return due


DECISIONS = {
    "accept": (Action.ACCEPT, AcceptForm, _("The entry was accepted into the second round.")),
    "ineligible": (Action.DECLARE_INELIGIBLE, IneligibleForm, _("The entry was declared ineligible.")),
    "correction": (Action.REQUEST_CORRECTION, CorrectionForm,
                   _("The entry was sent back to the recommending unit for correction.")),
}


def _form(decision: str, entry: Entry, data=None):
    form_class = DECISIONS[decision][1]
    if form_class is IneligibleForm:
        return IneligibleForm(data, edition=entry.edition, prefix=decision)
    if form_class is AcceptForm:
        return AcceptForm(data, failing=getattr(entry, "checks_failing", ()), prefix=decision)
    return form_class(data, prefix=decision)


def _decision_input(action: str, form) -> tuple[str, dict]:
    """The transition's reason and data from a decision's form."""
    data = dict(form.cleaned_data)
    reason = data.pop("reason", "")
    if isinstance(data.get("due_date"), dt.date):
        data["due_date"] = data["due_date"].isoformat()
    if action == Action.ACCEPT:  # screening.transitions.checklist_passed_or_confirmed reads both
        data = {"confirm_failed_checks": bool(data.get("confirm_failed_checks")), "override_reason": reason}
    return reason, data


def _entry_of(edition: Edition, pk: int) -> Entry:
    entry = (checks.with_checklist_data(Entry.objects.filter(pk=pk, edition=edition)).first())
    if entry is None:  # unknown, or of another edition than the address says
        raise Http404
    return entry


def _render_entry(request, edition, entry, *, forms_=None, status=200):
    checks.annotate([entry], edition)
    forms_ = forms_ or {}
    decision_forms = {name: forms_.get(name) or _form(name, entry) for name in DECISIONS}
    explained = []
    for item in entry.checks:
        text = checks.EXPLANATIONS[item.key]
        if item.key == "r2_date":
            text = text % {"start": edition.window_start, "end": edition.window_end}
        explained.append({"item": item, "explanation": text})
    return render(request, "screening/review/entry.html", {
        "edition": edition, "entry": entry, "explained": explained, "flags": list(entry.flags.all()),
        "forms": decision_forms, "may_decide": entry.status == EntryStatus.RECOMMENDED,
        "correction_due": correction_due(entry) if entry.status in CORRECTION_STATES else None,
        "history": list(entry.transitions.select_related("actor").order_by("at", "id")),
        "opinion": recommendation_opinion(entry),
    }, status=status)


@login_required
@require_GET
def review_entry(request, slug, pk):
    require(request.user, "screening.check_eligibility")
    edition = get_object_or_404(Edition, slug=slug)
    return _render_entry(request, edition, _entry_of(edition, pk))


@login_required
@require_POST
def review_decide(request, slug, pk, decision):
    require(request.user, "screening.check_eligibility")
    edition = get_object_or_404(Edition, slug=slug)
    if decision not in DECISIONS:
        raise Http404
    entry = _entry_of(edition, pk)
    action, _form_class, success = DECISIONS[decision]
    form = _form(decision, entry, request.POST)
    if not form.is_valid():
        return _render_entry(request, edition, entry, forms_={decision: form}, status=400)
    reason, data = _decision_input(action, form)
    try:
        transition_entry(entry=entry, action=action, actor=request.user, reason=reason, data=data)
    except Refused as refused:
        entry.refresh_from_db(fields=["status"])
        if not refused.field and entry.status != EntryStatus.RECOMMENDED:  # a double click, or a colleague
            messages.warning(request, _("This entry has already been decided (now “%(status)s”); nothing was "
                                        "changed.") % {"status": EntryStatus(entry.status).label})
            return redirect("screening:review_entry", slug=edition.slug, pk=entry.pk)
        show_refusal(form, refused)
        return _render_entry(request, edition, entry, forms_={decision: form}, status=400)
    messages.success(request, success)
    return redirect("screening:review_entry", slug=edition.slug, pk=entry.pk)
