"""The office's pages of the announcement (公示; issue 12 items 2 and 3): the period's settings and calendar, the
publication, the named objections and their answers, the confirmation of the list. The rules are the services'
(services_announce.py); the public's pages are views_public.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuxiao.common.exceptions import Refused
from wuxiao.common.forms import show_refusal

from . import queries_announce as aq
from . import services_announce as services
from .access import managed_edition
from .forms_announce import (
    AnnouncementSettingsForm,
    AnswerObjectionForm,
    CalendarDayForm,
    ConfirmListForm,
    UnmarkDayForm,
)
from .models import ListStatus
from .queries import award_list, award_settings


def _tiers_url(slug, objection_pk=None) -> str | None:
    """The tiers page (another part of the stage), where the list is changed with an objection's reason."""
    try:
        url = reverse("awards:tiers", args=[slug])
    except NoReverseMatch:
        return None
    return f"{url}?objection={objection_pk}" if objection_pk else url


def _page(request, edition, *, settings_form=None, day_form=None, confirm_form=None, status=200):
    lst = award_list(edition)
    settings = award_settings(edition)
    draft = lst is not None and lst.status == ListStatus.DRAFT
    announced = lst is not None and lst.status == ListStatus.ANNOUNCED
    return render(request, "awards/announce/announcement.html", {
        "edition": edition, "list": lst, "settings": settings, "draft": draft, "announced": announced,
        "confirmed": lst is not None and lst.status == ListStatus.CONFIRMED,
        "preview": aq.period_if_published(edition), "period": aq.published_period(lst) if lst else None,
        "days": aq.calendar_days(edition), "ties": aq.undecided_ties(lst) if lst else 0,
        "counts": aq.objection_counts(lst), "period_over": bool(lst) and aq.period_over(lst),
        "settings_form": settings_form or AnnouncementSettingsForm(instance=settings),
        "day_form": day_form or CalendarDayForm(), "confirm_form": confirm_form or ConfirmListForm(),
        "tiers_url": _tiers_url(edition.slug),
    }, status=status)


@login_required
@require_GET
def announcement(request, slug):
    return _page(request, managed_edition(request.user, slug))


@login_required
@require_POST
def announcement_settings(request, slug):
    edition = managed_edition(request.user, slug)
    form = AnnouncementSettingsForm(request.POST, instance=award_settings(edition))
    if form.is_valid():
        try:
            services.update_announcement_settings(
                actor=request.user, edition=edition, working_days=form.cleaned_data["announcement_working_days"],
                objection_contact=form.cleaned_data["objection_contact"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The announcement settings have been saved."))
            return redirect("awards:announcement", slug=edition.slug)
    return _page(request, edition, settings_form=form, status=400)


@login_required
@require_POST
def calendar_mark(request, slug):
    edition = managed_edition(request.user, slug)
    form = CalendarDayForm(request.POST)
    if form.is_valid():
        try:
            services.mark_day(actor=request.user, edition=edition, **form.cleaned_data)
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The day has been marked."))
            return redirect(reverse("awards:announcement", args=[edition.slug]) + "#calendar-heading")
    return _page(request, edition, day_form=form, status=400)


@login_required
@require_POST
def calendar_unmark(request, slug):
    edition = managed_edition(request.user, slug)
    form = UnmarkDayForm(request.POST)
    try:
        if not form.is_valid():
            raise Refused(_("This day is not marked."))
        services.unmark_day(actor=request.user, edition=edition, date=form.cleaned_data["date"])
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The mark has been removed."))
    return redirect(reverse("awards:announcement", args=[edition.slug]) + "#calendar-heading")


@login_required
@require_POST
def announce(request, slug):
    edition = managed_edition(request.user, slug)
    try:
        lst = services.announce(actor=request.user, edition=edition)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The list has been published for the announcement period, from %(start)s to "
                                    "%(end)s.") % {"start": lst.period_start, "end": lst.period_end})
    return redirect("awards:announcement", slug=edition.slug)


@login_required
@require_POST
def confirm(request, slug):
    edition = managed_edition(request.user, slug)
    form = ConfirmListForm(request.POST)
    if form.is_valid():
        try:
            services.confirm(actor=request.user, edition=edition, note=form.cleaned_data["note"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The list has been confirmed: the results are public."))
            return redirect("awards:announcement", slug=edition.slug)
    return _page(request, edition, confirm_form=form, status=400)


@login_required
@require_GET
def objections(request, slug):
    edition = managed_edition(request.user, slug)
    lst = award_list(edition)
    return render(request, "awards/announce/objections.html", {
        "edition": edition, "list": lst, "objections": aq.objections(lst) if lst else [],
        "counts": aq.objection_counts(lst)})


def _objection(edition, pk):
    found = aq.objection_or_none(award_list(edition), pk)
    if found is None:
        raise Http404
    return found


@login_required
@require_http_methods(["GET", "POST"])
def objection(request, slug, pk):
    edition = managed_edition(request.user, slug)
    found = _objection(edition, pk)
    status = 200
    if request.method == "POST":
        form = AnswerObjectionForm(request.POST)
        if form.is_valid():
            try:
                services.answer_objection(actor=request.user, objection=found, **form.cleaned_data)
            except Refused as refused:
                show_refusal(form, refused)
            else:
                messages.success(request, _("The answer to objection %(number)s has been recorded.")
                                 % {"number": found.number})
                return redirect("awards:objection", slug=edition.slug, pk=found.pk)
        status = 400
    else:
        form = AnswerObjectionForm(initial={"finding": found.finding, "answer": found.answer,
                                            "outcome": found.outcome} if found.answered_at else None)
    lst = found.award_list
    return render(request, "awards/announce/objection.html", {
        "edition": edition, "objection": found, "form": form, "list": lst,
        "may_answer": lst.status == ListStatus.ANNOUNCED, "tiers_url": _tiers_url(edition.slug, found.pk),
    }, status=status)


@login_required
@require_GET
def objection_file(request, slug, pk, which):
    edition = managed_edition(request.user, slug)
    found = _objection(edition, pk)
    stored, name = {"letter": (found.letter, found.letter_name),
                    "evidence": (found.evidence_file, found.evidence_file_name)}.get(which, (None, ""))
    if not stored:
        raise Http404
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name or stored.name.rsplit("/", 1)[-1])
