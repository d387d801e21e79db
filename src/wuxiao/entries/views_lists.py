"""Entry lists: the recommending unit's entries (read-only here) and the committee's, with filters.

One query builds a page of rows, whatever its length: the related units, category and industry
are joined, the first completer, the number of attachments and whether the unit's credit
commitment (R27) is stamped are correlated subqueries evaluated for the page's rows only.
The REST API (api.py) lists entries with the same functions, so pages and API see the same rows.
"""

import csv
from collections.abc import Iterator

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from wuxiao.accounts.models import Role
from wuxiao.accounts.rules import is_committee
from wuxiao.common.models import Industry
from wuxiao.competitions.models import Category, Edition
from wuxiao.orgs.models import Organisation

from .enums import EntryStatus
from .models import Attachment, Completer, CreditCommitment, Entry

PAGE_SIZE = 50
SEARCH_MAX = 100


# Large texts of the form that no list shows: left out of the list's SELECT.
LONG_TEXTS = ("awards", "summary", "background", "goals", "innovation_points", "benefits", "other_circumstances",
              "union_opinion")

SORTS = {
    "-submitted": (F("submitted_at").desc(nulls_last=True), "-id"),
    "submitted": (F("submitted_at").asc(nulls_last=True), "id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
}
SORT_CHOICES = [
    ("-submitted", pgettext_lazy("entry list", "newest submissions first")),
    ("submitted", pgettext_lazy("entry list", "oldest submissions first")),
    ("title", pgettext_lazy("entry list", "title A–Z")),
    ("-title", pgettext_lazy("entry list", "title Z–A")),
]
DEFAULT_SORT = "-submitted"
ALL = pgettext_lazy("entry list", "all")


def visible_entries(user, *, own_drafts: bool = True) -> QuerySet[Entry]:
    """The entries `user` may see in a list: entries.view_entry as one query, drafts for their own unit only.

    The committee sees every entry; a recommending unit the entries of its declaring units once
    submitted (a draft is the declaring unit's own); a declaring unit its own entries, drafts
    included, unless `own_drafts` is False (the recommending unit's page shows no unit's drafts).
    """
    entries = Entry.objects.all()
    if is_committee(user):
        return entries
    scope = Q(recommending_unit_id__in=user.unit_ids_with_role(Role.RECOMMENDER)) & ~Q(status=EntryStatus.DRAFT)
    declaring = user.unit_ids_with_role(Role.DECLARER)
    if declaring:
        scope |= Q(declaring_unit_id__in=declaring) & (Q() if own_drafts else ~Q(status=EntryStatus.DRAFT))
    return entries.filter(scope)


LIST_RELATED = ("edition", "category", "declaring_unit", "recommending_unit", "industry")


def commitment_stamped() -> Exists:
    """Whether the entry's declaring unit has stamped its credit commitment (R27) for the entry's edition."""
    return Exists(CreditCommitment.objects.filter(edition=OuterRef("edition"), unit=OuterRef("declaring_unit"))
                  .exclude(scan=""))


def with_list_columns(entries: QuerySet[Entry], *, defer_texts: bool = True) -> QuerySet[Entry]:
    """The list's columns in the same query: joined names, first completer, attachment count, R27 stamp."""
    first_completer = Completer.objects.filter(entry=OuterRef("pk")).order_by("position", "id").values("name")[:1]
    attachments = (Attachment.objects.filter(entry=OuterRef("pk")).order_by().values("entry")
                   .annotate(n=Count("pk")).values("n"))
    entries = entries.select_related(*LIST_RELATED)
    if defer_texts:
        entries = entries.defer(*LONG_TEXTS)
    return (entries
            .annotate(first_completer=Subquery(first_completer),
                      attachment_count=Coalesce(Subquery(attachments, output_field=IntegerField()), Value(0)),
                      commitment_stamped=commitment_stamped()))


def rows_in_order(ids: list[int]) -> list[Entry]:
    """The entries `ids`, with the list's columns, in the order given.

    A page is chosen by its ids first, then only its rows get the columns: SQLite computes a
    row's subqueries before it sorts, so annotating the whole filtered set before LIMIT would
    cost subqueries for every matching entry instead of the fifty shown.
    """
    rows = {entry.pk: entry for entry in with_list_columns(Entry.objects.filter(pk__in=ids))}
    return [rows[pk] for pk in ids if pk in rows]


def filter_entries(entries: QuerySet[Entry], *, status: str = "", category_id: int | None = None, unit: str = "",
                   recommending_unit_id: int | None = None, division: str = "", q: str = "",
                   hide_drafts: bool = False) -> QuerySet[Entry]:
    """Narrow `entries` by the list's filters; `hide_drafts`: drafts only when asked for by status."""
    if status:
        entries = entries.filter(status=status)
    elif hide_drafts:
        entries = entries.exclude(status=EntryStatus.DRAFT)
    if category_id:
        entries = entries.filter(category_id=category_id)
    if unit.strip():
        entries = entries.filter(declaring_unit__name__icontains=unit.strip())
    if recommending_unit_id:
        entries = entries.filter(recommending_unit_id=recommending_unit_id)
    if division:
        # industry_id is the four-digit class code; its first two digits are the division (大类).
        entries = entries.filter(industry__code__startswith=division)
    if q.strip():
        entries = entries.filter(title__icontains=q.strip())
    return entries


def sort_entries(entries: QuerySet[Entry], sort: str) -> QuerySet[Entry]:
    return entries.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


def status_counts(entries: QuerySet[Entry]) -> dict[str, int]:
    """The number of entries per status, in one query."""
    return dict(entries.order_by().values_list("status").annotate(n=Count("id")))


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
        if committee:
            self.fields["status"].choices = [("", pgettext_lazy("entry list", "all (without drafts)")),
                                             *EntryStatus.choices]
        else:
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
    rows = sort_entries(filter_entries(base, status=status, hide_drafts=committee, **filters),
                        form.value("sort", DEFAULT_SORT))
    return {"form": form, "edition": edition, "committee": committee, "rows": rows, "status": status,
            "counts": [(choice, counts.get(choice.value, 0)) for choice in EntryStatus
                       if committee or choice != EntryStatus.DRAFT],
            "total": sum(n for s, n in counts.items() if s != EntryStatus.DRAFT)}


@login_required
def entry_list(request):
    if not request.user.has_perm("entries.list_entries"):
        raise PermissionDenied
    context = _list_context(request)
    page = Paginator(context.pop("rows").values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = rows_in_order(list(page.object_list))
    return render(request, "entries/lists/entry_list.html", {
        **context, "page": page, "link_entries": entry_view_url(0) is not None,
        "units": [] if context["committee"] else request.user.units_with_role(Role.RECOMMENDER),
    })


class _Echo:
    def write(self, value):
        return value


def csv_header() -> list:
    return [
        pgettext_lazy("entry list", "Title"), pgettext_lazy("entry list", "Category"),
        pgettext_lazy("entry list", "Declaring unit"), pgettext_lazy("entry list", "Recommending unit"),
        pgettext_lazy("entry list", "Industry"), pgettext_lazy("entry list", "First completer"),
        pgettext_lazy("entry list", "Status"), pgettext_lazy("entry list", "Submitted (Beijing time)"),
        pgettext_lazy("entry list", "Attachments"), pgettext_lazy("entry list", "Credit commitment stamped (R27)"),
    ]


def csv_row(entry: Entry) -> list:
    submitted = timezone.localtime(entry.submitted_at).strftime("%Y-%m-%d %H:%M:%S") if entry.submitted_at else ""
    return [entry.title, entry.category.name if entry.category else "", entry.declaring_unit.name,
            entry.recommending_unit.name, str(entry.industry) if entry.industry else "", entry.first_completer or "",
            entry.get_status_display(), submitted, entry.attachment_count,
            pgettext_lazy("entry list", "yes") if entry.commitment_stamped else pgettext_lazy("entry list", "no")]


def _csv_lines(rows) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # UTF-8 BOM: Excel on Windows then reads the Chinese correctly
    yield writer.writerow([str(cell) for cell in csv_header()])
    for entry in rows.iterator(chunk_size=500):
        yield writer.writerow([str(cell) for cell in csv_row(entry)])


@login_required
def entry_list_csv(request):
    if not request.user.has_perm("entries.list_entries"):
        raise PermissionDenied
    context = _list_context(request)
    edition = context["edition"]
    name = f"entries-{edition.slug if edition else 'none'}-{timezone.localtime():%Y%m%d-%H%M}.csv"
    rows = with_list_columns(context["rows"])
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
