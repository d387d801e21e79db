"""The committee office's eligibility check (形式审查, issue 4 items 6–8): the queue and the entry's review page."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from wuxiao.common.exceptions import Refused
from wuxiao.common.forms import show_refusal
from wuxiao.common.permissions import require
from wuxiao.competitions.models import Edition
from wuxiao.entries.enums import Action, EntryStatus
from wuxiao.entries.models import Entry
from wuxiao.entries.services import transition_entry

from . import checklist as checks
from .models import Batch, Flag, FlagKind
from .queries import correction_due, corrections_due, open_correction

PAGE_SIZE = 50
# The states an entry of a handed-over batch goes through in this check.
REVIEW_STATES = (EntryStatus.RECOMMENDED, EntryStatus.IN_REVIEW, EntryStatus.INELIGIBLE)
# The status filter's value for entries sent back for correction by a date (限期补正) and not yet
# recommended again: they stay in the queue, so that the office sees what it is waiting for.
CORRECTION = "correction"
CORRECTION_STATES = (EntryStatus.SUBMITTED, EntryStatus.RETURNED)


UNDER_CORRECTION = Q(status__in=CORRECTION_STATES) & open_correction()



def handed_over(edition: Edition) -> list[Batch]:
    """The batches handed to the committee, with the count of their entries in this check (`n`) and of
    those sent back for correction and not yet recommended again (`waiting`)."""
    batches = list(Batch.objects.filter(edition=edition, submitted_at__isnull=False).select_related("unit")
                   .annotate(n=Count("unit__recommended_entries",
                                     filter=Q(unit__recommended_entries__edition=edition,
                                              unit__recommended_entries__status__in=REVIEW_STATES)))
                   .order_by("submitted_at", "pk"))
    waiting = dict(Entry.objects.filter(UNDER_CORRECTION, edition=edition,
                                        recommending_unit_id__in=[b.unit_id for b in batches])
                   .order_by().values_list("recommending_unit_id").annotate(w=Count("pk")))
    for batch in batches:
        batch.waiting = waiting.get(batch.unit_id, 0)
    return batches


def review_entries(edition: Edition, *, unit="", category="", status="", flag="", failing=""):
    """The entries of the handed-over batches, filtered (the checklist filter in SQL, see checklist.filter_failing)."""
    units = Batch.objects.filter(edition=edition, submitted_at__isnull=False).values("unit_id")
    qs = Entry.objects.filter(Q(status__in=REVIEW_STATES) | UNDER_CORRECTION, edition=edition,
                              recommending_unit_id__in=units)
    if unit:
        qs = qs.filter(recommending_unit_id=unit)
    if category:
        qs = qs.filter(category_id=category)
    if status == CORRECTION:
        qs = qs.filter(UNDER_CORRECTION)
    elif status:
        qs = qs.filter(status=status)
    if flag:
        qs = qs.filter(pk__in=Flag.objects.filter(edition=edition, kind=flag).values("entry_id"))
    if failing:
        qs = checks.filter_failing(qs, edition, failing)
    return qs.order_by("recommending_unit__name", "recommendation_rank", "pk")


def review_page(rows, number, edition: Edition):
    """A page of `rows` (review_entries): the ids are paged, a light sort, and only the page's entries
    are then loaded with the checklist data, annotated and marked (sorting whole rows with their long
    texts made late pages several times slower)."""
    page = Paginator(rows.values_list("pk", flat=True), PAGE_SIZE).get_page(number)
    ids = list(page.object_list)
    loaded = {e.pk: e for e in checks.with_checklist_data(Entry.objects.filter(pk__in=ids))}
    page.object_list = mark_corrections(checks.annotate([loaded[pk] for pk in ids], edition))
    return page


def mark_corrections(entries: list[Entry]) -> list[Entry]:
    """Set `correction_due` (date or None) and `correction_overdue` on entries of the queue (one query)."""
    due = corrections_due(e.pk for e in entries if e.status in CORRECTION_STATES)
    today = timezone.localdate()
    for entry in entries:
        entry.correction_due = due.get(entry.pk)
        entry.correction_overdue = entry.correction_due is not None and entry.correction_due < today
    return entries


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
        "items": checks.ITEMS, "query": query.urlencode(),
    })


# --- The entry's review page and the decisions ------------------------------------------------

class AcceptForm(forms.Form):
    pass


class IneligibleForm(forms.Form):
    rule = forms.ChoiceField(label=_("Rule not met"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        rules_ = [("", "—"), ("R1", _("R1: scope (Zhengzhou unions, front-line workers)")),
                  ("R2", _("R2: achieved in the last three years")), ("R3", _("R3: category")),
                  ("R4", _("R4: exclusions"))]
        rules_ += [(f"R4.{x.number}", f"R4.{x.number}: {x.text}") for x in edition.exclusions.order_by("number")]
        self.fields["rule"].choices = rules_


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
