"""The final round's schedule pages (R8): settings and rubric, sessions with their panels and running order
(by group or a recorded draw), publishing the order, the PDFs, and the finalist's own slot."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuxiao.common.exceptions import Refused
from wuxiao.common.forms import show_refusal
from wuxiao.common.permissions import allowed, require
from wuxiao.competitions.models import Edition
from wuxiao.documents.download import download
from wuxiao.entries.models import Entry

from . import queries_schedule as q
from . import services_schedule as services
from .access import managed_edition
from .exports_schedule import RunningOrderPdf, ScoreSheetsPdf
from .forms_schedule import CriterionForm, FinalistsForm, FinalSettingsForm, JudgeForm, SessionForm
from .models import FinalCriterion, FinalSettings, FinalStage, SessionJudge, Slot
from .queries import final_rubric, final_settings


def _edition(request, slug) -> Edition:
    return managed_edition(request.user, slug)


def _session(request, pk):
    require(request.user, "finals.manage")
    session = q.session_or_none(pk)
    if session is None:
        raise Http404
    return session


# --- settings and rubric ---------------------------------------------------------------------------

def _settings_page(request, edition, *, form=None, criterion_forms=None, status=200):
    settings = final_settings(edition)
    criterion_forms = criterion_forms or {}
    stages = []
    for stage in (FinalStage.ROADSHOW, FinalStage.SITE):
        criteria = final_rubric(edition, stage)
        stages.append({"stage": stage, "label": FinalStage(stage).label, "criteria": criteria,
                       "total": sum(c.max_points for c in criteria), "locked": q.rubric_has_scores(edition, stage),
                       "form": criterion_forms.get(stage) or CriterionForm(prefix=stage)})
    return render(request, "finals/schedule/settings.html", {
        "edition": edition, "form": form or FinalSettingsForm(instance=settings), "stages": stages,
        "slot_minutes": q.slot_minutes(edition, settings),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request, slug):
    edition = _edition(request, slug)
    if request.method == "GET":
        return _settings_page(request, edition)
    # The form checks a copy: a valid form writes into its instance, and the service compares with the stored row.
    form = FinalSettingsForm(request.POST, instance=FinalSettings.objects.get(pk=final_settings(edition).pk))
    if form.is_valid():
        services.update_final_settings(actor=request.user, edition=edition,
                                       values={f: form.cleaned_data[f] for f in form.Meta.fields})
        messages.success(request, _("The settings of the final round have been saved."))
        return redirect("finals:settings", slug=edition.slug)
    return _settings_page(request, edition, form=form, status=400)


@login_required
@require_POST
def criterion_add(request, slug, stage):
    edition = _edition(request, slug)
    if stage not in FinalStage.values:
        raise Http404
    form = CriterionForm(request.POST, prefix=stage)
    if form.is_valid():
        try:
            services.save_criterion(actor=request.user, edition=edition, stage=stage, **form.cleaned_data)
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The criterion has been added."))
            return redirect("finals:settings", slug=edition.slug)
    return _settings_page(request, edition, criterion_forms={stage: form}, status=400)


def _criterion(request, pk) -> FinalCriterion:
    require(request.user, "finals.manage")
    return get_object_or_404(FinalCriterion.objects.select_related("edition"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request, pk):
    criterion = _criterion(request, pk)
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_criterion(actor=request.user, edition=criterion.edition, stage=criterion.stage,
                                    criterion=criterion, **form.cleaned_data)
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The criterion has been changed."))
            return redirect("finals:settings", slug=criterion.edition.slug)
    criterion.refresh_from_db()
    return render(request, "finals/schedule/criterion.html", {"criterion": criterion, "form": form,
                                                              "edition": criterion.edition},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def criterion_delete(request, pk):
    criterion = _criterion(request, pk)
    try:
        services.delete_criterion(actor=request.user, criterion=criterion)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The criterion has been deleted."))
    return redirect("finals:settings", slug=criterion.edition.slug)


@login_required
@require_POST
def criterion_move(request, pk):
    criterion = _criterion(request, pk)
    try:
        services.move_criterion(actor=request.user, criterion=criterion, up=request.POST.get("direction") == "up")
    except Refused as refused:
        messages.error(request, str(refused.message))
    return redirect("finals:settings", slug=criterion.edition.slug)


@login_required
@require_POST
def rubric_default(request, slug, stage):
    edition = _edition(request, slug)
    if stage not in FinalStage.values:
        raise Http404
    try:
        services.use_default_rubric(actor=request.user, edition=edition, stage=stage)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The default rubric has been filled in; you may change it."))
    return redirect("finals:settings", slug=edition.slug)


# --- sessions --------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def sessions(request, slug):
    edition = _edition(request, slug)
    form = SessionForm(request.POST or None, edition=edition)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                session = services.create_session(actor=request.user, edition=edition, **form.cleaned_data)
            except Refused as refused:
                show_refusal(form, refused)
            else:
                messages.success(request, _("The session has been created: now seat its judges and add finalists."))
                return redirect("finals:session", pk=session.pk)
        status = 400
    return render(request, "finals/schedule/sessions.html", {
        "edition": edition, "sessions": list(q.sessions(edition)), "form": form,
        "unslotted": len(q.unslotted_finalists(edition)), "n_finalists": q.finalists(edition).count(),
    }, status=status)


def _session_page(request, session, *, edit_form=None, judge_form=None, finalists_form=None, status=200,
                  check=None):
    edition = session.edition
    candidates = q.unslotted_finalists(edition, session)
    return render(request, "finals/schedule/session.html", {
        "edition": edition, "session": session, "slots": q.session_slots(session),
        "judges": q.session_judges(session), "published": session.order_published_at is not None,
        "edit_form": edit_form or SessionForm(instance=session, edition=edition),
        "judge_form": judge_form or JudgeForm(experts=q.available_experts(session)),
        "finalists_form": finalists_form or FinalistsForm(candidates=candidates),
        "candidates": candidates, "check": check,
        "slot_minutes": q.slot_minutes(edition, final_settings(edition)),
    }, status=status)


@login_required
@require_GET
def session(request, pk):
    found = _session(request, pk)
    check = q.draw_check(found) if request.GET.get("verify") == "1" else None
    return _session_page(request, found, check=check)


@login_required
@require_POST
def session_edit(request, pk):
    found = _session(request, pk)
    form = SessionForm(request.POST, instance=q.session_or_none(pk), edition=found.edition)
    if form.is_valid():
        try:
            services.update_session(actor=request.user, session=found, values=form.cleaned_data)
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The session has been saved."))
            return redirect("finals:session", pk=found.pk)
    return _session_page(request, q.session_or_none(pk), edit_form=form, status=400)


@login_required
@require_POST
def session_delete(request, pk):
    found = _session(request, pk)
    try:
        services.delete_session(actor=request.user, session=found)
    except Refused as refused:
        messages.error(request, str(refused.message))
        return redirect("finals:session", pk=found.pk)
    messages.success(request, _("The session has been deleted."))
    return redirect("finals:sessions", slug=found.edition.slug)


@login_required
@require_POST
def judge_add(request, pk):
    found = _session(request, pk)
    form = JudgeForm(request.POST, experts=q.available_experts(found))
    if form.is_valid():
        try:
            services.add_judge(actor=request.user, session=found, expert=form.cleaned_data["expert"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The judge has been seated."))
            return redirect("finals:session", pk=found.pk)
    return _session_page(request, found, judge_form=form, status=400)


@login_required
@require_POST
def judge_remove(request, pk, judge_pk):
    found = _session(request, pk)
    judge = get_object_or_404(SessionJudge.objects.select_related("expert", "session"), pk=judge_pk, session=found)
    try:
        services.remove_judge(actor=request.user, judge=judge)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The judge has been taken off the panel."))
    return redirect("finals:session", pk=found.pk)


@login_required
@require_POST
def finalists_add(request, pk):
    found = _session(request, pk)
    form = FinalistsForm(request.POST, candidates=q.unslotted_finalists(found.edition, found))
    if form.is_valid():
        try:
            services.add_finalists(actor=request.user, session=found, entry_ids=form.cleaned_data["entries"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The finalists have been added to the session."))
            return redirect("finals:session", pk=found.pk)
    return _session_page(request, found, finalists_form=form, status=400)


@login_required
@require_POST
def slot_remove(request, pk, slot_pk):
    found = _session(request, pk)
    slot = get_object_or_404(Slot.objects.select_related("session"), pk=slot_pk, session=found)
    try:
        services.remove_slot(actor=request.user, slot=slot)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The finalist has been taken out of the session."))
    return redirect("finals:session", pk=found.pk)


@login_required
@require_POST
def order_group(request, pk):
    found = _session(request, pk)
    try:
        services.order_by_group(actor=request.user, session=found)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The running order is now by group: category, industry, title."))
    return redirect("finals:session", pk=found.pk)


@login_required
@require_POST
def draw(request, pk):
    found = _session(request, pk)
    try:
        services.run_draw(actor=request.user, session=found)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The order has been drawn with the seed %(seed)s; the seed, the time and the "
                                    "result are recorded.") % {"seed": found.draw_seed})
    return redirect("finals:session", pk=found.pk)


@login_required
@require_POST
def publish(request, pk):
    found = _session(request, pk)
    try:
        services.publish_order(actor=request.user, session=found)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The running order has been published; the declaring units have been "
                                    "notified of their slots."))
    return redirect("finals:session", pk=found.pk)


@login_required
@require_GET
def order_pdf(request, pk):
    return download(RunningOrderPdf(_session(request, pk)))


@login_required
@require_GET
def sheets_pdf(request, pk):
    return download(ScoreSheetsPdf(_session(request, pk)))


# --- the finalist's unit ----------------------------------------------------------------------------

@login_required
@require_GET
def my_finals(request):
    entries = q.unit_finalists(request.user)
    rows = []
    for entry in entries:
        slot = next(iter(entry.roadshow_slots.all()), None)
        visible = slot if slot is not None and slot.session.order_published_at is not None else None
        current = {m.kind: m for m in entry.roadshow_materials.all() if m.replaced_at is None}
        rows.append({"entry": entry, "slot": visible, "material": current,
                     "can_upload": allowed(request.user, "finals.upload_material", entry)})
    return render(request, "finals/schedule/my_finals.html", {"rows": rows})


@login_required
@require_GET
def my_slot(request, entry_id):
    entry = get_object_or_404(Entry.objects.select_related("edition", "declaring_unit", "category"), pk=entry_id)
    require(request.user, "finals.view_slot", entry)
    slot = q.slot_of(entry)
    published = slot is not None and slot.session.order_published_at is not None
    settings = final_settings(entry.edition)
    return render(request, "finals/schedule/my_slot.html", {
        "entry": entry, "slot": slot if published else None, "session": slot.session if published else None,
        "settings": settings, "now": timezone.now(),
        "can_upload": allowed(request.user, "finals.upload_material", entry),
    })
