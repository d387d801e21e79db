"""The committee office's pages for an edition: list, settings, lists, copy, current edition."""

import datetime as dt

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxiao.common.exceptions import Refused
from wuxiao.common.permissions import permission_required

from . import services
from .forms import FIELD_GROUPS, LIST_PAGES, CopyEditionForm, EditionForm, list_formset_class
from .models import Edition

LIST_PREFETCH = ("categories", "presentation_forms", "exclusions", "criteria", "prize_tiers", "committee_members")



@permission_required("competitions.manage_edition")
def edition_list(request):
    editions = Edition.objects.annotate(entry_count=Count("entries")).order_by("-year", "-id")
    return render(request, "competitions/edition_list.html", {"editions": editions, "now": timezone.now()})


def _detail_sections(edition: Edition) -> list[tuple[str, list[tuple[str, object]]]]:
    def row(name):
        field = Edition._meta.get_field(name)
        value = getattr(edition, name)
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        elif isinstance(value, dt.datetime):
            value = date_format(timezone.localtime(value), "DATETIME_FORMAT")
        elif isinstance(value, dt.date):
            value = date_format(value, "DATE_FORMAT")
        return field.verbose_name, value

    return [(title, [row(name) for name in names if name != "notice_text"]) for title, names in FIELD_GROUPS]


@permission_required("competitions.manage_edition")
def edition_detail(request, slug):
    edition = get_object_or_404(Edition.objects.prefetch_related(*LIST_PREFETCH), slug=slug)
    return render(request, "competitions/edition_detail.html", {
        "edition": edition,
        "sections": _detail_sections(edition),
        "list_pages": [(kind, title) for kind, (title, _form, _min) in LIST_PAGES.items()],
        "criteria_total": sum(c.max_points for c in edition.criteria.all()),
        "entry_count": edition.entries.count(),
        "now": timezone.now(),
    })


@permission_required("competitions.manage_edition")
def edition_edit(request, slug):
    edition = get_object_or_404(Edition, slug=slug)
    form = EditionForm(request.POST or None, instance=edition)
    if request.method == "POST" and form.is_valid():
        changed = services.update_edition(edition=edition, actor=request.user,
                                          values={name: form.cleaned_data[name] for name in form.fields})
        if changed:
            messages.success(request, _("The edition's settings were saved."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("competitions:edition_detail", slug=edition.slug)
    return render(request, "competitions/edition_form.html", {"edition": edition, "form": form})


@permission_required("competitions.manage_edition")
def edition_lists(request, slug, kind="categories"):
    if kind not in LIST_PAGES:
        raise Http404
    edition = get_object_or_404(Edition, slug=slug)
    formset_class = list_formset_class(kind)
    formset = formset_class(request.POST or None, instance=edition, prefix=kind)
    refused = ""
    if request.method == "POST" and formset.is_valid():
        rows, deleted = formset.rows_and_deleted()
        try:
            changed = services.update_edition_list(edition=edition, actor=request.user, kind=kind, rows=rows,
                                                   deleted=deleted)
        except Refused as exc:  # a later stage holds the list (the rubric once scoring has begun)
            refused = exc.message
        else:
            if changed:
                messages.success(request, _("The list was saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("competitions:edition_lists", slug=edition.slug, kind=kind)
    title = LIST_PAGES[kind][0]
    saved = list(formset.queryset)
    context = {
        "edition": edition, "formset": formset, "kind": kind, "title": title, "refused": refused,
        "list_pages": [(k, t) for k, (t, _form, _min) in LIST_PAGES.items()],
    }
    if kind == "criteria":
        context["criteria_total"] = sum(c.max_points for c in saved)
    if kind == "prizes":
        context["prize_count"] = sum(t.count for t in saved)
        context["prize_money"] = sum(t.count * t.amount_yuan for t in saved)
    return render(request, "competitions/edition_lists.html", context)


def _next_year_guess(value: str, source_year: int) -> str:
    return value.replace(str(source_year), str(source_year + 1))


@permission_required("competitions.manage_edition")
def edition_copy(request, slug):
    source = get_object_or_404(Edition, slug=slug)
    initial = {
        "slug": _next_year_guess(source.slug, source.year),
        "title": _next_year_guess(source.title, source.year),
        "year": source.year + 1,
        "shift_days": 365,
        "is_practice": source.is_practice,
    }
    form = CopyEditionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        copy = services.copy_edition(
            source=source, actor=request.user, slug=data["slug"], title=data["title"], year=data["year"],
            shift=dt.timedelta(days=data["shift_days"]), is_practice=data["is_practice"],
        )
        messages.success(request, _("The edition was copied. Check its dates and lists before it opens."))
        return redirect("competitions:edition_detail", slug=copy.slug)
    return render(request, "competitions/edition_copy.html", {"source": source, "form": form})


@permission_required("competitions.manage_edition")
@require_POST
def edition_set_current(request, slug):
    edition = get_object_or_404(Edition, slug=slug)
    services.set_current_edition(edition=edition, actor=request.user)
    messages.success(request, _("“%(edition)s” is now shown on the public page.") % {"edition": edition})
    return redirect("competitions:edition_list")
