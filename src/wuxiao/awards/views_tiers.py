"""The office's pages of the prize tiers (R11, R12): allocate from the approved final ranking, change an entry's
tier with its reason (during the announcement, linked to an objection), decide ties, leave prizes vacant, the
totals of prize money; one award with its history, revocation and the return of its prize money; the
prize-money sheet (奖金发放表)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuxiao.common.exceptions import Refused
from wuxiao.common.forms import show_refusal
from wuxiao.competitions.models import PrizeTier
from wuxiao.documents.download import download
from wuxiao.finals.queries import approved_ranking

from . import queries, services_revoke, services_tiers
from . import queries_tiers as tq
from .access import managed_edition
from .exports_money import MoneySheetXlsx
from .forms_tiers import MoneyReturnForm, ResolveTieForm, RevokeForm, SetTierForm, VacancyForm
from .models import ListStatus, Objection


def _tiers_qs(edition):
    return PrizeTier.objects.filter(edition=edition).order_by("position", "id")


def _objections_qs(award_list):
    return Objection.objects.filter(award_list=award_list).order_by("submitted_at", "id") if award_list \
        else Objection.objects.none()


def _forms(request, edition, award_list, rows, bound=None):
    """The page's three forms, the bound one (with its errors) in place of its blank copy."""
    initial = {"entry": request.GET.get("entry", ""), "objection": request.GET.get("objection", "")}
    made = {
        "set_form": SetTierForm(initial=initial, rows=rows, tiers=_tiers_qs(edition),
                                objections=_objections_qs(award_list)),
        "tie_form": ResolveTieForm(initial={"entry": request.GET.get("entry", "")}, rows=rows),
        "vacancy_form": VacancyForm(tiers=_tiers_qs(edition)),
    }
    made.update(bound or {})
    return made


def _page(request, edition, *, bound=None, status=200):
    award_list = queries.award_list(edition)
    rows = tq.list_rows(award_list) if award_list else []
    context = {"edition": edition, "award_list": award_list, "rows": rows,
               "approved": approved_ranking(edition),
               "draft": award_list is not None and award_list.status == ListStatus.DRAFT,
               "editable": award_list is not None and award_list.status != ListStatus.CONFIRMED,
               "ties": sum(1 for r in rows if r.tie),
               "totals": tq.tier_totals(award_list, [r for r in rows if r.tier_id]) if award_list else None,
               "vacancies": tq.vacancies(award_list) if award_list else [],
               "changes": tq.changes(award_list) if award_list else []}
    context.update(_forms(request, edition, award_list, rows, bound))
    return render(request, "awards/tiers/tiers.html", context, status=status)


def _list_or_refuse(edition):
    award_list = queries.award_list(edition)
    if award_list is None:
        raise Refused(_("The prize tiers have not been allocated yet."))
    return award_list


def _row_of(award_list, entry_id):
    row = tq.award_row(award_list, entry_id)
    if row is None:
        raise Refused(_("This entry is not in the award list."), field="entry")
    return row


@login_required
@require_GET
def tiers(request, slug):
    return _page(request, managed_edition(request.user, slug))


@login_required
@require_POST
def allocate(request, slug):
    edition = managed_edition(request.user, slug)
    try:
        award_list = services_tiers.allocate(actor=request.user, edition=edition)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The prize tiers have been allocated from the approved final ranking."))
        if award_list.reset_changes:
            messages.warning(request, _("%(n)d earlier changes no longer fit the ranking and were reset; they stay "
                                        "in the history below.") % {"n": award_list.reset_changes})
    return redirect("awards:tiers", slug=edition.slug)


@login_required
@require_POST
def set_tier(request, slug):
    edition = managed_edition(request.user, slug)
    award_list = queries.award_list(edition)
    rows = tq.list_rows(award_list) if award_list else []
    form = SetTierForm(request.POST, rows=rows, tiers=_tiers_qs(edition), objections=_objections_qs(award_list))
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = _row_of(_list_or_refuse(edition), data["entry"])
            services_tiers.set_tier(actor=request.user, row=row, tier=data["tier"], reason=data["reason"],
                                    objection=data["objection"], exceed=data["exceed"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The prize tier has been changed; the reason is recorded."))
            return redirect(reverse("awards:tiers", args=[edition.slug]) + f"#entry-{data['entry']}")
    return _page(request, edition, bound={"set_form": form}, status=400)


@login_required
@require_POST
def resolve_tie(request, slug):
    edition = managed_edition(request.user, slug)
    award_list = queries.award_list(edition)
    form = ResolveTieForm(request.POST, rows=tq.list_rows(award_list) if award_list else [])
    if form.is_valid():
        try:
            row = _row_of(_list_or_refuse(edition), form.cleaned_data["entry"])
            services_tiers.resolve_tie(actor=request.user, row=row, reason=form.cleaned_data["reason"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The decision on the tie has been recorded."))
            return redirect("awards:tiers", slug=edition.slug)
    return _page(request, edition, bound={"tie_form": form}, status=400)


@login_required
@require_POST
def set_vacancy(request, slug):
    edition = managed_edition(request.user, slug)
    form = VacancyForm(request.POST, tiers=_tiers_qs(edition))
    if form.is_valid():
        data = form.cleaned_data
        try:
            award_list = services_tiers.set_vacancy(actor=request.user, award_list=_list_or_refuse(edition),
                                                    tier=data["tier"], vacant=data["vacant"], reason=data["reason"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The vacancy has been recorded and the tiers allocated again."))
            if award_list.reset_changes:
                messages.warning(request, _("%(n)d earlier changes no longer fit the ranking and were reset; they "
                                            "stay in the history below.") % {"n": award_list.reset_changes})
            return redirect("awards:tiers", slug=edition.slug)
    return _page(request, edition, bound={"vacancy_form": form}, status=400)


# --- one award ------------------------------------------------------------------------------------

def _award_page(request, edition, entry_id, *, revoke_form=None, return_form=None, status=200):
    award_list = queries.award_list(edition)
    row = tq.award_row(award_list, entry_id) if award_list else None
    if row is None:
        raise Http404(_("This entry is not in the award list."))
    confirmed = award_list.status == ListStatus.CONFIRMED
    return render(request, "awards/tiers/award.html", {
        "edition": edition, "award_list": award_list, "row": row, "entry": row.entry,
        "certificate": tq.certificate_number(row),
        "changes": tq.changes(award_list, entry_id), "history": tq.entry_history(entry_id),
        "may_revoke": confirmed and row.tier_id is not None and not row.is_revoked,
        "revoke_form": revoke_form or RevokeForm(),
        "return_form": return_form or MoneyReturnForm(initial={"amount_yuan": row.amount_yuan}),
    }, status=status)


@login_required
@require_GET
def award(request, slug, entry_id):
    return _award_page(request, managed_edition(request.user, slug), entry_id)


def _row_or_404(edition, entry_id):
    award_list = queries.award_list(edition)
    row = tq.award_row(award_list, entry_id) if award_list else None
    if row is None:
        raise Http404(_("This entry is not in the award list."))
    return row


@login_required
@require_POST
def revoke(request, slug, entry_id):
    edition = managed_edition(request.user, slug)
    row = _row_or_404(edition, entry_id)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services_revoke.revoke(actor=request.user, row=row, reason=form.cleaned_data["reason"],
                                   decided_on=form.cleaned_data["decided_on"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The award has been revoked; its prize money is to be reclaimed."))
            return redirect("awards:award", slug=edition.slug, entry_id=entry_id)
    return _award_page(request, edition, entry_id, revoke_form=form, status=400)


@login_required
@require_POST
def money_return(request, slug, entry_id):
    edition = managed_edition(request.user, slug)
    row = _row_or_404(edition, entry_id)
    form = MoneyReturnForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services_revoke.record_money_return(actor=request.user, row=row, returned_on=data["returned_on"],
                                                amount_yuan=data["amount_yuan"], note=data["note"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The return of the prize money has been recorded."))
            return redirect("awards:award", slug=edition.slug, entry_id=entry_id)
    return _award_page(request, edition, entry_id, return_form=form, status=400)


@login_required
@require_GET
def money_sheet(request, slug):
    edition = managed_edition(request.user, slug)
    award_list = queries.award_list(edition)
    if award_list is None:
        raise Http404(_("The prize tiers have not been allocated yet."))
    return download(MoneySheetXlsx(award_list))
