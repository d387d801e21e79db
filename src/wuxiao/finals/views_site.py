"""Site visits (实地考察, R9; issue 11 item 9): the office's proposal of the top N with the border ties to decide,
each visit's schedule, the day's route (printable, PDF), the lock; the visiting expert's list and the phone page
that scores a visit on site with photos, kept in the phone's outbox while offline."""

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuxiao.common.exceptions import Refused
from wuxiao.common.forms import show_refusal
from wuxiao.common.permissions import allowed, permission_required
from wuxiao.common.uploads import LimitedUploadHandler, receives_file, upload_refusal
from wuxiao.competitions.models import Edition
from wuxiao.documents.download import download
from wuxiao.entries.models import Entry

from . import queries
from . import queries_site as sq
from . import services_site as services
from .access import managed_edition
from .exports_ranking import RoutePdf
from .forms_site import LockForm, ScheduleForm, SelectForm, WithdrawForm
from .models import SitePhoto, SiteScore, SiteVisit


def _edition(request, slug) -> Edition:
    return managed_edition(request.user, slug)


def _visit(edition, pk) -> SiteVisit:
    return get_object_or_404(SiteVisit.objects.select_related("entry__declaring_unit", "edition"),
                             edition=edition, pk=pk)


# --- the office: proposal and selection ----------------------------------------------------------

def _visits_page(request, edition, *, select_form=None, status=200):
    found = sq.proposal(edition)
    return render(request, "finals/site/visits.html", {
        "edition": edition, "proposal": found, "visits": list(sq.visits(edition)),
        "withdrawn": list(sq.visits(edition, cancelled=True)), "days": sq.visit_days(edition),
        "select_form": select_form or SelectForm(initial={"entry": request.GET.get("entry", "")}),
        "to_create": sum(1 for c in found.candidates if c.proposed and c.visit is None),
        # The border still open: places left there and tied entries not decided yet.
        "border_open": (found.seats_at_border > sum(1 for c in found.border if c.visit is not None)
                        and [c for c in found.border if c.visit is None]),
    }, status=status)


@login_required
@require_GET
def visits(request, slug):
    return _visits_page(request, _edition(request, slug))


@login_required
@require_POST
def visits_create(request, slug):
    edition = _edition(request, slug)
    try:
        made = services.create_proposed_visits(actor=request.user, edition=edition)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("%(n)d visits created for the proposed entries.") % {"n": len(made)})
    return redirect("finals:visits", slug=edition.slug)


@login_required
@require_POST
def visits_select(request, slug):
    edition = _edition(request, slug)
    form = SelectForm(request.POST)
    if form.is_valid():
        entry = Entry.objects.filter(pk=form.cleaned_data["entry"], edition=edition).first()
        try:
            if entry is None:
                raise Refused(_("Only a finalist of this edition can be visited."), field="entry")
            services.select_visit(actor=request.user, edition=edition, entry=entry,
                                  reason=form.cleaned_data["reason"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The entry will be visited; the reason is recorded."))
            return redirect("finals:visits", slug=edition.slug)
    return _visits_page(request, edition, select_form=form, status=400)


# --- the office: one visit -----------------------------------------------------------------------

def _visit_page(request, edition, visit, *, schedule_form=None, lock_form=None, withdraw_form=None, status=200):
    experts = sq.pool_experts(edition)
    if schedule_form is None:
        schedule_form = ScheduleForm(experts_queryset=experts, initial={
            "visit_date": visit.visit_date, "start_time": visit.start_time, "address": visit.address,
            "contact_name": visit.contact_name, "contact_phone": visit.contact_phone, "notes": visit.notes,
            "experts": [s.expert_id for s in sq.seats(visit)]})
    seats = sq.seats(visit)
    scores = {s.expert_id: s for s in sq.visit_scores(visit)}
    criteria = queries.final_rubric(edition, "site")
    rows = [{"seat": seat, "score": scores.get(seat.expert_id),
             "points": [(c, scores[seat.expert_id].items.get(str(c.pk)) if seat.expert_id in scores else None)
                        for c in criteria]} for seat in seats]
    return render(request, "finals/site/visit.html", {
        "edition": edition, "visit": visit, "schedule_form": schedule_form,
        "lock_form": lock_form or LockForm(), "withdraw_form": withdraw_form or WithdrawForm(),
        "rows": rows, "criteria": criteria, "photos": sq.visit_photos(visit),
        "missing": sum(1 for r in rows if r["score"] is None), "n_scores": len(scores),
    }, status=status)


@login_required
def visit_detail(request, slug, pk):
    edition = _edition(request, slug)
    visit = _visit(edition, pk)
    if request.method != "POST":
        return _visit_page(request, edition, visit)
    form = ScheduleForm(request.POST, experts_queryset=sq.pool_experts(edition))
    if form.is_valid():
        data = form.cleaned_data
        chosen = {e.pk: e for e in data["experts"]}
        # Seats follow the order the boxes were ticked in the form (the pool's order).
        ordered = [chosen[int(pk)] for pk in request.POST.getlist("experts") if pk.isdigit() and int(pk) in chosen]
        try:
            services.schedule_visit(actor=request.user, visit=visit, visit_date=data["visit_date"],
                                    start_time=data["start_time"], address=data["address"],
                                    contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                                    notes=data["notes"], experts=list(dict.fromkeys(ordered)))
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The visit's schedule has been saved."))
            return redirect("finals:visit_detail", slug=edition.slug, pk=visit.pk)
    return _visit_page(request, edition, visit, schedule_form=form, status=400)


@login_required
@require_POST
def visit_withdraw(request, slug, pk):
    edition = _edition(request, slug)
    visit = _visit(edition, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_visit(actor=request.user, visit=visit, reason=form.cleaned_data["reason"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The visit has been withdrawn; the reason is recorded."))
            return redirect("finals:visits", slug=edition.slug)
    return _visit_page(request, edition, visit, withdraw_form=form, status=400)


@login_required
@require_POST
def visit_lock(request, slug, pk):
    edition = _edition(request, slug)
    visit = _visit(edition, pk)
    form = LockForm(request.POST)
    if form.is_valid():
        try:
            visit = services.lock_visit(actor=request.user, visit=visit, reason=form.cleaned_data["reason"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The visit's scores are locked: its site-visit score is %(result)s.")
                             % {"result": visit.result})
            return redirect("finals:visit_detail", slug=edition.slug, pk=visit.pk)
    return _visit_page(request, edition, visit, lock_form=form, status=400)


# --- the day's route ------------------------------------------------------------------------------

def _day(request, edition) -> dt.date | None:
    raw = request.GET.get("date", "")
    try:
        day = parse_date(raw) if raw else None
    except ValueError:
        day = None
    if day is None:
        days = sq.visit_days(edition)
        today = timezone.localdate()
        day = next((d for d in days if d >= today), days[0] if days else None)
    return day


@login_required
@require_GET
def visit_route(request, slug):
    edition = _edition(request, slug)
    day = _day(request, edition)
    return render(request, "finals/site/route.html", {
        "edition": edition, "day": day, "stops": sq.day_route(edition, day) if day else [],
        "days": sq.visit_days(edition), "bad_date": bool(request.GET.get("date")) and day is None,
    })


@login_required
@require_GET
def visit_route_pdf(request, slug):
    edition = _edition(request, slug)
    day = _day(request, edition)
    if day is None:
        raise Http404(_("No visit has a date yet."))
    return download(RoutePdf(edition, day, sq.day_route(edition, day)))


@login_required
@require_POST
def visit_move(request, slug, pk):
    edition = _edition(request, slug)
    visit = _visit(edition, pk)
    try:
        services.move_stop(actor=request.user, visit=visit, up=request.POST.get("direction") == "up")
    except Refused as refused:
        messages.error(request, str(refused.message))
    day = visit.visit_date.isoformat() if visit.visit_date else ""
    return redirect(reverse("finals:visit_route", args=[edition.slug]) + f"?date={day}")


# --- the visiting expert ---------------------------------------------------------------------------

@permission_required("finals.view_expert_home")
@require_GET
def my_visits(request):
    found = list(queries.visits_of_expert(request.user).select_related("entry__declaring_unit", "edition"))
    scored = set(SiteScore.objects.filter(visit__in=found, expert__user=request.user)
                 .values_list("visit_id", flat=True))
    return render(request, "finals/site/mine.html", {"visits": found, "scored": scored})


def _expert_visit(request, pk) -> SiteVisit:
    visit = get_object_or_404(SiteVisit.objects.select_related("entry__declaring_unit", "edition"), pk=pk,
                              cancelled_at__isnull=True)
    if not allowed(request.user, "finals.visit_site", visit):
        raise Http404  # a visit is not shown to anyone who does not visit it
    return visit


def _score_json(score: SiteScore | None, visit: SiteVisit) -> dict:
    return {"stored": score is not None, "locked": visit.locked_at is not None,
            "total": str(score.total) if score else None, "items": score.items if score else {},
            "comment": score.comment if score else ""}


@login_required
@require_GET
def visit_score(request, pk):
    visit = _expert_visit(request, pk)
    expert = sq.expert_of(request.user, visit)
    score = SiteScore.objects.filter(visit=visit, expert=expert).first()
    criteria = queries.final_rubric(visit.edition, "site")
    values = score.items if score else {}
    return render(request, "finals/site/score.html", {
        "visit": visit, "criteria": [(c, values.get(str(c.pk), "")) for c in criteria], "score": score,
        "photos": SitePhoto.objects.filter(visit=visit, expert=expert).order_by("uploaded_at"),
        "state": _score_json(score, visit),
        "urls": {"score": reverse("finals:visit_score_submit", args=[visit.pk]),
                 "photo": reverse("finals:visit_photo_submit", args=[visit.pk]),
                 "state": reverse("finals:visit_score_state", args=[visit.pk])},
    })


@login_required
@require_GET
def visit_score_state(request, pk):
    visit = _expert_visit(request, pk)
    score = SiteScore.objects.filter(visit=visit, expert=sq.expert_of(request.user, visit)).first()
    return JsonResponse(_score_json(score, visit))


def _refused_json(refused: Refused) -> JsonResponse:
    return JsonResponse({"message": str(refused.message), "field": refused.field}, status=409)


@login_required
@require_POST
def visit_score_submit(request, pk):
    """The phone's outbox posts here (JSON with the idempotency key); answers JSON."""
    visit = _expert_visit(request, pk)
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"message": _("The request could not be read; reload the page.")}, status=400)
    if not isinstance(body, dict) or not isinstance(body.get("items", {}), dict):
        return JsonResponse({"message": _("The request could not be read; reload the page.")}, status=400)
    typed = body.get("typed_at")
    typed_at = parse_datetime(typed) if isinstance(typed, str) else None
    if typed_at is not None and (timezone.is_naive(typed_at) or typed_at > timezone.now() + dt.timedelta(days=1)):
        typed_at = None
    try:
        score, created = services.submit_site_score(
            user=request.user, visit=visit, items=body.get("items") or {}, comment=str(body.get("comment") or ""),
            idempotency_key=body.get("idempotency_key") or request.headers.get("Idempotency-Key"), typed_at=typed_at)
    except Refused as refused:
        return _refused_json(refused)
    visit.refresh_from_db(fields=["locked_at"])
    return JsonResponse({**_score_json(score, visit), "created": created}, status=201 if created else 200)


def _photo_handler(request):
    return LimitedUploadHandler(request, max_bytes=services.PHOTO_MAX_BYTES, message=services.PHOTO_TOO_LARGE)


@login_required
@require_POST
@receives_file(_photo_handler)
def visit_photo_submit(request, pk):
    """The phone's outbox posts a photo here (multipart, with the idempotency key); answers JSON."""
    visit = _expert_visit(request, pk)
    refused = upload_refusal(request)
    if refused:
        return JsonResponse({"message": str(refused), "field": "photo"}, status=413)
    try:
        photo, created = services.add_site_photo(
            user=request.user, visit=visit, upload=request.FILES.get("photo"),
            idempotency_key=request.POST.get("idempotency_key") or request.headers.get("Idempotency-Key"),
            caption=request.POST.get("caption", ""))
    except Refused as refused:
        return _refused_json(refused)
    return JsonResponse({"id": photo.pk, "name": photo.original_name, "created": created,
                         "url": reverse("finals:visit_photo", args=[photo.pk])}, status=201 if created else 200)


@login_required
@require_GET
def visit_photo(request, pk):
    """A photo of a visit, for the office and the visit's experts."""
    photo = get_object_or_404(SitePhoto.objects.select_related("visit"), pk=pk)
    if not (allowed(request.user, "finals.manage") or allowed(request.user, "finals.visit_site", photo.visit)):
        raise Http404
    try:
        handle = photo.image.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(handle, filename=photo.original_name or "photo.jpg")
