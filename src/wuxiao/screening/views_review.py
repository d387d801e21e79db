"""The committee office's eligibility check (形式审查, issue 4 items 6–8): the queue and the entry's review page."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from wuxiao.common.exceptions import Refused
from wuxiao.common.forms import show_refusal
from wuxiao.common.permissions import require
from wuxiao.competitions.citations import rule_choices
from wuxiao.competitions.models import Edition
from wuxiao.entries.enums import Action, EntryStatus
from wuxiao.entries.models import Entry
from wuxiao.entries.services import transition_entry

from . import checklist as checks
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
    form = QueueFilter(request.GET or None, edition=edition, batches=batches)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = review_entries(edition, **{k: v for k, v in filters.items() if v not in ("", None)})
    page = review_page(rows, request.GET.get("page"), edition)
    entries = page.object_list
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "screening/review/queue.html", {
        "edition": edition, "batches": batches, "form": form, "page": page, "entries": entries,
        "items": checks.ITEMS, "query": query.urlencode(), "flag_check": flag_check_of(edition),
    })


# --- The entry's review page and the decisions ------------------------------------------------

class AcceptForm(forms.Form):
    pass


class IneligibleForm(forms.Form):
    rule = forms.ChoiceField(label=_("Rule not met"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", "—"), *rule_choices(edition)]


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
    return form_class(data, prefix=decision)


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
        "history": entry.transitions.select_related("actor").order_by("at", "id"),
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
    data = dict(form.cleaned_data)
    reason = data.pop("reason", "")
    if isinstance(data.get("due_date"), dt.date):
        data["due_date"] = data["due_date"].isoformat()
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
