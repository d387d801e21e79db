"""Entry lists: the recommending unit's entries (read-only here) and the committee's, with filters;
the committee's view of the units' drafts (counts and completeness only).

The rows come from queries.py, which the REST API uses too, so pages and API see the same rows.
"""

from collections.abc import Iterator

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from wuxiao.accounts.models import Role
from wuxiao.accounts.rules import is_committee
from wuxiao.common.models import Industry
from wuxiao.common.permissions import require
from wuxiao.common.spreadsheet import csv_lines
from wuxiao.competitions.models import Category, Edition
from wuxiao.orgs.models import Organisation

from .enums import EntryStatus
from .models import Entry
from .queries import (
    DEFAULT_SORT,
    PAGE_SIZE,
    SEARCH_MAX,
    draft_progress,
    filter_entries,
    rows_in_order,
    sort_entries,
    status_counts,
    visible_entries,
    with_list_columns,
)

SORT_CHOICES = [
    ("-submitted", pgettext_lazy("entry list", "newest submissions first")),
    ("submitted", pgettext_lazy("entry list", "oldest submissions first")),
    ("title", pgettext_lazy("entry list", "title A–Z")),
    ("-title", pgettext_lazy("entry list", "title Z–A")),
]
ALL = pgettext_lazy("entry list", "all")


def division_choices() -> list:
    """GB/T 4754 divisions (大类) grouped by section (门类), for a select."""
    groups: dict[str, list] = {}
    for division in Industry.objects.filter(level=Industry.Level.DIVISION).select_related("parent").order_by("code"):
        section = division.parent
        label = f"{section.code} {section.name}" if section else ""
        groups.setdefault(label, []).append((division.code, f"{division.code} {division.name}"))
    return [("", ALL), *groups.items()]


def editions() -> QuerySet[Edition]:
    return Edition.objects.order_by("-year", "-id")


def entry_view_url(pk: int) -> str | None:
    """The entry's read-only page, when the form pages provide one."""
    try:
        return reverse("entries:view", args=[pk])
    except NoReverseMatch:
        return None


class EntryFilterForm(forms.Form):
    edition = forms.ModelChoiceField(label=pgettext_lazy("entry list", "Edition"), queryset=Edition.objects.none(),
                                     required=False, empty_label=None)
    status = forms.ChoiceField(label=pgettext_lazy("entry list", "Status"), required=False)
    category = forms.ModelChoiceField(label=pgettext_lazy("entry list", "Category"),
                                      queryset=Category.objects.none(), required=False, empty_label=ALL)
    unit = forms.CharField(
        label=pgettext_lazy("entry list", "Declaring unit"), required=False, max_length=SEARCH_MAX,
        widget=forms.TextInput(attrs={"placeholder": pgettext_lazy("entry list", "part of the name")}))
    recommending_unit = forms.ModelChoiceField(label=pgettext_lazy("entry list", "Recommending unit"),
                                               queryset=Organisation.objects.none(), required=False, empty_label=ALL)
    industry = forms.ChoiceField(label=pgettext_lazy("entry list", "Industry division (GB/T 4754)"), required=False)
    q = forms.CharField(
        label=pgettext_lazy("entry list", "Title"), required=False, max_length=SEARCH_MAX,
        widget=forms.TextInput(attrs={"placeholder": pgettext_lazy("entry list", "part of the title")}))
    sort = forms.ChoiceField(label=pgettext_lazy("entry list", "Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, data, *, edition: Edition | None, committee: bool):
        super().__init__(data)
        self.fields["edition"].queryset = editions()
        self.fields["category"].queryset = (edition.categories.order_by("position", "id") if edition
                                            else Category.objects.none())
        # A draft is its declaring unit's own until it is submitted: no list of another unit shows it.
        self.fields["status"].choices = [("", ALL), *[c for c in EntryStatus.choices if c[0] != EntryStatus.DRAFT]]
        self.fields["industry"].choices = division_choices()
        if committee:
            self.fields["recommending_unit"].queryset = Organisation.objects.recommending().order_by("name", "id")
        else:
            del self.fields["recommending_unit"]

    def value(self, name: str, default=None):
        """The cleaned value of a filter, or `default` when it is absent or invalid (shown as an error)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or default


def _edition_of(request) -> Edition | None:
    """The edition asked for in the query string, else the current one."""
    raw = request.GET.get("edition", "")
    if raw.isdigit():
        chosen = Edition.objects.filter(pk=int(raw)).first()
        if chosen is not None:
            return chosen
    return Edition.objects.current()


def _list_context(request) -> dict:
    """The filtered, sorted rows of the user's list and what the page shows around them."""
    user = request.user
    committee = bool(is_committee(user))
    edition = _edition_of(request)
    data = request.GET.copy()
    if edition is not None:
        data["edition"] = str(edition.pk)
    form = EntryFilterForm(data, edition=edition, committee=committee)
    form.is_valid()
    base = visible_entries(user, own_drafts=False)
    base = base.filter(edition=edition) if edition is not None else base.none()
    category, rec_unit = form.value("category"), form.value("recommending_unit")
    filters = {"category_id": category.pk if category else None, "unit": form.value("unit", ""),
               "recommending_unit_id": rec_unit.pk if rec_unit else None,
               "division": form.value("industry", ""), "q": form.value("q", "")}
    status = form.value("status", "")
    counts = status_counts(filter_entries(base, **filters))
    rows = sort_entries(filter_entries(base, status=status, **filters), form.value("sort", DEFAULT_SORT))
    return {"form": form, "edition": edition, "committee": committee, "rows": rows, "status": status,
            "counts": [(choice, counts.get(choice.value, 0)) for choice in EntryStatus
                       if choice != EntryStatus.DRAFT],
            "total": sum(n for s, n in counts.items() if s != EntryStatus.DRAFT)}


@login_required
def entry_list(request):
    require(request.user, "entries.list_entries")
    context = _list_context(request)
    page = Paginator(context.pop("rows").values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = rows_in_order(list(page.object_list))
    return render(request, "entries/lists/entry_list.html", {
        **context, "page": page, "link_entries": entry_view_url(0) is not None,
        "units": [] if context["committee"] else request.user.units_with_role(Role.RECOMMENDER),
    })


def csv_header() -> list:
    return [
        pgettext_lazy("entry list", "Title"), pgettext_lazy("entry list", "Category"),
        pgettext_lazy("entry list", "Declaring unit"), pgettext_lazy("entry list", "Recommending unit"),
        pgettext_lazy("entry list", "Industry"), pgettext_lazy("entry list", "First completer"),
        pgettext_lazy("entry list", "Status"), pgettext_lazy("entry list", "Submitted (Beijing time)"),
        pgettext_lazy("entry list", "Attachments"), pgettext_lazy("entry list", "Credit commitment stamped"),
    ]


def csv_row(entry: Entry) -> list:
    submitted = timezone.localtime(entry.submitted_at).strftime("%Y-%m-%d %H:%M:%S") if entry.submitted_at else ""
    return [entry.title, entry.category.name if entry.category else "", entry.declaring_unit.name,
            entry.recommending_unit.name, str(entry.industry) if entry.industry else "", entry.first_completer or "",
            entry.get_status_display(), submitted, entry.attachment_count,
            pgettext_lazy("entry list", "yes") if entry.commitment_stamped else pgettext_lazy("entry list", "no")]


def _csv_rows(rows) -> Iterator[list]:
    yield csv_header()
    for entry in rows.iterator(chunk_size=500):
        yield csv_row(entry)


@login_required
def entry_list_csv(request):
    require(request.user, "entries.list_entries")
    context = _list_context(request)
    edition = context["edition"]
    name = f"entries-{edition.slug if edition else 'none'}-{timezone.localtime():%Y%m%d-%H%M}.csv"
    rows = with_list_columns(context["rows"])
    response = StreamingHttpResponse(csv_lines(_csv_rows(rows)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def draft_list(request):
    """The office's reminder list: which declaring units have drafts, and how complete they are."""
    require(request.user, "entries.view_draft_progress")
    edition = _edition_of(request)
    entries = Entry.objects.filter(edition=edition) if edition is not None else Entry.objects.none()
    rows = draft_progress(entries)
    return render(request, "entries/lists/draft_list.html", {
        "edition": edition, "editions": editions(), "rows": rows, "total": sum(row["drafts"] for row in rows)})
