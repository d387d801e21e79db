"""Scoring pages of the second round (issue 10 items 3, 7, 8): the rubric, the expert's workspace,
the entry with its score form, the 专家评分表 PDF, the office's progress and reminders.

An expert reaches an entry, its files and its score only through `review.review_entry` (a
published, active, non-conflicted assignment), checked on every request; anything else is 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuxiao.common.exceptions import InvalidInput, Refused
from wuxiao.common.forms import show_refusal
from wuxiao.common.permissions import allowed, permission_required
from wuxiao.common.ranges import ranged_file_response
from wuxiao.competitions.models import Edition
from wuxiao.documents.download import download
from wuxiao.entries.models import Attachment

from . import queries_scoring as q
from . import services_scoring as services
from .exports_scoring import ScoreSheetPdf
from .forms import ReasonForm
from .forms_scoring import ConflictForm, RubricForm, ScoreForm
from .models import Expert, Score, ScoreStatus
from .queries import expert_seat, review_settings, reviewer_assignment

# Shown in the browser rather than saved (the entries app's list, with nosniff).
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf", "video/mp4"}


def _edition(slug: str) -> Edition:
    return get_object_or_404(Edition, slug=slug)


# --- Rubric (office) ----------------------------------------------------------------------------

def _rubric_page(request, edition, form=None, reopen_form=None, status=200):
    settings = review_settings(edition)
    criteria = q.criteria_with_bands(edition)
    return render(request, "review/scoring/rubric.html", {
        "edition": edition, "settings": settings, "criteria": criteria, "locked": settings.rubric_locked_at is not None,
        "form": form or RubricForm(criteria=criteria, settings=settings),
        "reopen_form": reopen_form or ReasonForm(auto_id="reopen_%s"),
        "total_points": sum(c.max_points for c in criteria),
    }, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("review.manage")
def rubric(request, slug):
    edition = _edition(slug)
    if request.method == "GET":
        return _rubric_page(request, edition)
    settings = review_settings(edition)
    form = RubricForm(request.POST, criteria=q.criteria_with_bands(edition), settings=settings)
    if form.is_valid():
        try:
            changed = services.update_rubric(actor=request.user, edition=edition, criteria=form.parsed,
                                             comment_required=form.cleaned_data["comment_required"])
        except InvalidInput as invalid:
            for name, problems in invalid.errors.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("Rubric saved.") if changed else _("Nothing changed."))
            return redirect("review:rubric", edition.slug)
    return _rubric_page(request, edition, form=form, status=400)


@require_POST
@permission_required("review.manage")
def rubric_reopen(request, slug):
    edition = _edition(slug)
    form = ReasonForm(request.POST, auto_id="reopen_%s")
    if form.is_valid():
        try:
            services.reopen_rubric(actor=request.user, edition=edition, reason=form.cleaned_data["reason"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The rubric is open for changes until the next score is saved."))
            return redirect("review:rubric", edition.slug)
    return _rubric_page(request, edition, reopen_form=form, status=400)


# --- The expert's workspace -----------------------------------------------------------------------

@require_GET
@permission_required("review.view_workspace")
def workspace(request):
    seats = q.scoring_seats(request.user)
    if len(seats) == 1:
        return redirect("review:workspace_edition", seats[0].edition.slug)
    return render(request, "review/scoring/workspace_choose.html", {"seats": seats})


def _seat_or_404(user, edition) -> Expert:
    seat = expert_seat(user, edition)
    if seat is None:
        raise Http404
    return seat


@require_GET
@permission_required("review.view_workspace")
def workspace_edition(request, slug):
    edition = _edition(slug)
    seat = _seat_or_404(request.user, edition)
    assignments = q.workspace_assignments(seat)
    settings = review_settings(edition)
    return render(request, "review/scoring/workspace.html", {
        "edition": edition, "seat": seat, "assignments": assignments, "summary": q.summarise(assignments),
        "settings": settings, "overdue": q.overdue(edition),
    })


# --- The entry, its files and its score -------------------------------------------------------------

def _reviewer_entry(request, slug, entry_id):
    """(edition, entry, assignment) for the expert who may review it; 404 for anyone else, whatever the reason."""
    entry = q.expert_entry(entry_id)
    if entry is None or entry.edition.slug != slug or not allowed(request.user, "review.review_entry", entry):
        raise Http404
    assignment = reviewer_assignment(request.user, entry)
    if assignment is None:  # lost between the two reads
        raise Http404
    return entry.edition, entry, assignment


def _score_form(criteria, settings, score, data=None):
    initial = {f"points_{k}": ("" if v is None else f"{v.normalize():f}") for k, v in q.points_of(score).items()}
    if score is not None:
        initial["comment"] = score.comment
    return ScoreForm(data, criteria=criteria, comment_required=settings.comment_required, initial=initial)


def _entry_page(request, edition, entry, assignment, form=None, status=200, refusal=""):
    settings = review_settings(edition)
    criteria = q.criteria_with_bands(edition)
    score = q.score_of(assignment)
    anonymise = settings.anonymise
    return render(request, "review/scoring/entry.html", {
        "edition": edition, "entry": entry, "data": q.entry_data(entry, anonymise=anonymise), "anonymise": anonymise,
        "attachments": q.labelled_attachments(entry, anonymise), "score": score, "settings": settings,
        "submitted": score is not None and score.status == ScoreStatus.SUBMITTED,
        "points": q.points_of(score), "criteria": criteria,
        "form": form or _score_form(criteria, settings, score),
        "conflict_form": ConflictForm(), "refusal": refusal,
    }, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def expert_entry(request, slug, entry_id):
    """GET: the entry and the score form; POST: submit the score (locked afterwards)."""
    edition, entry, assignment = _reviewer_entry(request, slug, entry_id)
    if request.method == "GET":
        return _entry_page(request, edition, entry, assignment)
    settings = review_settings(edition)
    criteria = q.criteria_with_bands(edition)
    form = ScoreForm(request.POST, criteria=criteria, comment_required=settings.comment_required)
    form.is_valid()
    try:
        services.save_score(actor=request.user, assignment=assignment, points=form.points(),
                            comment=form.typed_comment(), confirm_no_conflict=form.typed_confirmation(), submit=True)
    except InvalidInput as invalid:
        for name, problems in invalid.errors.items():
            for problem in problems:
                form.add_error(name if name in form.fields else None, problem)
        return _entry_page(request, edition, entry, assignment, form=form, status=400)
    except Refused as refused:
        show_refusal(form, refused)
        return _entry_page(request, edition, entry, assignment, form=form, status=409, refusal=str(refused.message))
    messages.success(request, _("Score of entry %(n)s submitted.") % {"n": entry.pk})
    return redirect("review:workspace_edition", edition.slug)


@require_POST
@login_required
def score_save(request, slug, entry_id):
    """The draft as typed (HTMX): the fragment with "saved hh:mm", the total and each field's message."""
    edition, entry, assignment = _reviewer_entry(request, slug, entry_id)
    settings = review_settings(edition)
    criteria = q.criteria_with_bands(edition)
    form = ScoreForm(request.POST, criteria=criteria, comment_required=settings.comment_required)
    form.is_valid()
    errors, saved, score, message = {}, None, None, ""
    try:
        score = services.save_score(actor=request.user, assignment=assignment, points=form.points(),
                                    comment=form.typed_comment(), confirm_no_conflict=form.typed_confirmation())
        saved = timezone.localtime(score.saved_at)
    except InvalidInput as invalid:
        errors = invalid.errors
    except Refused as refused:
        message = str(refused.message)
    # 200 even when refused: HTMX swaps the answer in, so the message shows beside the field.
    return render(request, "review/scoring/_save_status.html", {
        "criteria": criteria, "errors": errors, "saved": saved, "score": score, "message": message,
        "error_names": [f"points_{c.pk}" for c in criteria] + ["comment", "confirm_no_conflict"],
    })


@require_http_methods(["GET", "POST"])
@login_required
def declare_conflict(request, slug, entry_id):
    edition, entry, assignment = _reviewer_entry(request, slug, entry_id)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conflicts = services.declare_conflict(actor=request.user, seat=assignment.expert, entry=entry,
                                                  reason=form.cleaned_data["reason"],
                                                  whole_unit=form.cleaned_data["scope"] == "unit")
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("Conflict of interest recorded for %(n)d entries: they are no longer in your "
                                        "workspace, and the committee office has been told.") % {"n": len(conflicts)})
            return redirect("review:workspace_edition", edition.slug)
    return render(request, "review/scoring/conflict.html", {"edition": edition, "entry": entry, "form": form},
                  status=400 if request.method == "POST" else 200)


@require_GET
@login_required
def expert_attachment(request, slug, entry_id, attachment_id):
    """A file of the entry for its reviewer, checked on every request (also each Range request of a video)."""
    edition, entry, _assignment = _reviewer_entry(request, slug, entry_id)
    attachment = get_object_or_404(Attachment, pk=attachment_id, entry=entry,
                                   kind__in=q.EXPERT_ATTACHMENT_KINDS)
    anonymise = review_settings(edition).anonymise
    label = dict((a.pk, name) for a, name in q.labelled_attachments(entry, anonymise)).get(attachment.pk,
                                                                                           attachment.original_name)
    filename = f"{entry.pk}-{label}" if anonymise else attachment.original_name
    storage = attachment.file.storage
    thumbnail = (attachment.details or {}).get("thumbnail") if request.GET.get("thumbnail") else None
    if thumbnail:
        response = FileResponse(storage.open(thumbnail, "rb"), content_type="image/jpeg")
    else:
        inline = bool(request.GET.get("inline")) and attachment.content_type in INLINE_TYPES
        response = ranged_file_response(request, storage, attachment.file.name,
                                        size=storage.size(attachment.file.name), as_attachment=not inline,
                                        filename=filename,
                                        content_type=attachment.content_type or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response


# --- 专家评分表 (PDF) -----------------------------------------------------------------------------

@require_GET
@permission_required("review.view_workspace")
def my_score_sheet(request, slug):
    edition = _edition(slug)
    seat = _seat_or_404(request.user, edition)
    return download(ScoreSheetPdf(seat))


@require_GET
@login_required
def score_sheet(request, slug, expert_id):
    edition = _edition(slug)
    seat = get_object_or_404(Expert, pk=expert_id, edition=edition)
    if not allowed(request.user, "review.view_score_sheet", seat):
        raise Http404
    return download(ScoreSheetPdf(seat))


# --- Progress and reminders (office) --------------------------------------------------------------

def _progress_page(request, edition, status=200):
    from .tasks_scoring import ensure_reminder_schedule

    settings = review_settings(edition)
    if settings.reminder_every_days:
        ensure_reminder_schedule(edition)
    experts, entries = q.progress(edition)
    assigned = sum(r.assigned for r in experts)
    submitted = sum(r.submitted for r in experts)
    return render(request, "review/scoring/progress.html", {
        "edition": edition, "settings": settings, "experts": experts, "entries": entries,
        "assigned": assigned, "submitted": submitted, "percent": round(100 * submitted / assigned) if assigned else 0,
        "outstanding_experts": sum(1 for r in experts if r.outstanding > 0), "overdue": q.overdue(edition),
    }, status=status)


@require_GET
@permission_required("review.manage")
def progress(request, slug):
    return _progress_page(request, _edition(slug))


@require_POST
@permission_required("review.manage")
def remind(request, slug):
    edition = _edition(slug)
    expert_id = request.POST.get("expert", "")
    ids = None
    if expert_id:
        if not expert_id.isdigit() or not Expert.objects.filter(pk=int(expert_id), edition=edition).exists():
            raise Http404
        ids = [int(expert_id)]
    sent = services.send_reminders(actor=request.user, edition=edition, expert_ids=ids)
    if sent:
        messages.success(request, _("Reminder sent to %(n)d experts.") % {"n": sent})
    else:
        messages.info(request, _("No expert with an account has scores outstanding: no reminder sent."))
    return redirect(reverse("review:progress", args=[edition.slug]) + "#experts")


@require_http_methods(["GET", "POST"])
@permission_required("review.manage")
def score_reopen(request, slug, score_id):
    edition = _edition(slug)
    score = get_object_or_404(Score.objects.select_related("expert", "entry"), pk=score_id, edition=edition)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_score(actor=request.user, score=score, reason=form.cleaned_data["reason"])
        except Refused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The score is reopened: its expert can change it and submit it again."))
            return redirect(reverse("review:progress", args=[edition.slug]) + "#entries")
    return render(request, "review/scoring/score_reopen.html", {
        "edition": edition, "score": score, "form": form, "items": list(score.items.select_related("criterion")),
    }, status=400 if request.method == "POST" else 200)

