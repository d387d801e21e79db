"""The committee's view of the automatic flags: the list, the background recomputation, two entries side by side."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuxiao.common.permissions import require
from wuxiao.competitions.models import Edition
from wuxiao.entries.models import Entry

from . import flags as flag_services
from .models import Flag, FlagKind
from .queries import flag_check_of

PAGE_SIZE = 50



@login_required
@require_GET
def flag_list(request, slug):
    require(request.user, "screening.check_eligibility")
    edition = get_object_or_404(Edition, slug=slug)
    kind = request.GET.get("kind", "")
    rows = (Flag.objects.filter(edition=edition).select_related("entry__declaring_unit", "other__declaring_unit")
            .order_by("kind", "-score", "entry_id", "id"))
    if kind in FlagKind.values:
        rows = rows.filter(kind=kind)
    else:
        kind = ""
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "screening/flags.html", {
        "edition": edition, "page": page, "kind": kind, "kinds": FlagKind.choices,
        "flag_check": flag_check_of(edition),
    })


@login_required
@require_POST
def recompute(request, slug):
    require(request.user, "screening.check_eligibility")
    edition = get_object_or_404(Edition, slug=slug)
    flag_services.request_flags(actor=request.user, edition=edition)
    messages.success(request, _("The automatic checks are running in the background; reload the page in a moment."))
    return redirect("screening:flags", slug=edition.slug)


@login_required
@require_GET
def compare(request, pk, other_pk):
    require(request.user, "screening.check_eligibility")
    entry = get_object_or_404(Entry.objects.select_related("declaring_unit", "recommending_unit", "edition"), pk=pk)
    other = get_object_or_404(Entry.objects.select_related("declaring_unit", "recommending_unit"), pk=other_pk)
    if entry.edition_id != other.edition_id or entry.pk == other.pk:
        raise Http404
    found = list(Flag.objects.filter(entry=entry, other=other).order_by("kind"))
    matches = [match for flag in found if flag.kind == FlagKind.NEAR_DUPLICATE
               for match in flag.details.get("fields", [])]
    return render(request, "screening/compare.html", {
        "entry": entry, "other": other, "flags": found,
        "rows": flag_services.compare_fields(entry, other, matches=matches),
    })
