"""The declaring unit's pages: its entries, the entry form (Attachment 2), autosave, submission, the read-only view.

The pages call declaration.py (create, save, delete) and services.transition_entry (submit):
a draft is saved as typed, what stops a submission is listed with links to the fields.
"""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuxiao.accounts.models import Role
from wuxiao.common.exceptions import Refused
from wuxiao.common.forms import show_refusal
from wuxiao.common.models import Industry
from wuxiao.common.permissions import require
from wuxiao.common.validators import count_zi
from wuxiao.competitions.models import Edition

from . import declaration
from .declaration import ZI_LIMITS, ZI_TARGETS, may_declare
from .enums import Action
from .forms import COMPLETER_PREFIX, ZI_HELP, EntryForm, NewEntryForm, WithdrawForm, completer_formset
from .models import Entry, EntryImport, EntryTransition
from .queries import recommendation_opinion, return_step
from .services import allowed_actions, transition_entry
from .transitions import registry

ATTACHMENTS_PANEL = "entries/attachments/_panel.html"
INDUSTRY_LEVELS = [Industry.Level.SECTION, Industry.Level.DIVISION, Industry.Level.GROUP, Industry.Level.CLASS]
SEARCH_LIMIT = 30


# --- helpers ---------------------------------------------------------------------------------

def _declaring_units(user):
    from wuxiao.orgs.models import Organisation

    return Organisation.objects.filter(pk__in=user.unit_ids_with_role(Role.DECLARER)).order_by("name")


def _open_editions():
    """Editions a new entry can belong to: the current one and any whose declaration is open now."""
    now = timezone.now()
    return Edition.objects.filter(Q(is_current=True) | Q(declaration_opens_at__lte=now,
                                                         declaration_deadline__gt=now)).order_by("-year", "-id")


def _entry(pk: int) -> Entry:
    return get_object_or_404(
        Entry.objects.select_related("edition", "category", "declaring_unit", "recommending_unit",
                                     "industry__parent__parent__parent"), pk=pk)


def _declarer_entry(request, pk: int) -> Entry:
    entry = _entry(pk)
    if not may_declare(request.user, entry):
        raise PermissionDenied
    return entry


def _attachments_template() -> str | None:
    """The attachments panel, once the attachments part of the site provides it."""
    try:
        get_template(ATTACHMENTS_PANEL)
    except TemplateDoesNotExist:
        return None
    return ATTACHMENTS_PANEL


def _pdf_url(entry: Entry) -> str | None:
    try:
        return reverse("documents:entry_pdf", args=[entry.pk])
    except NoReverseMatch:
        return None


def industry_path(industry: Industry | None) -> list[Industry]:
    """The class and its ancestors, section first (门类 › 大类 › 中类 › 小类)."""
    chain = []
    while industry is not None:
        chain.append(industry)
        industry = industry.parent
    return chain[::-1]


def _picker_levels(industry: Industry | None) -> list[dict]:
    """The four cascading lists of the industry picker, each with its options and the chosen code."""
    chain = industry_path(industry)
    levels, parent = [], None
    for depth, level in enumerate(INDUSTRY_LEVELS):
        chosen = chain[depth].code if depth < len(chain) else ""
        if depth == 0 or parent:
            options = list(Industry.objects.filter(level=level, parent_id=parent or None).only("code", "name"))
        else:
            options = []
        levels.append({"level": level, "label": Industry.Level(level).label, "options": options, "chosen": chosen})
        parent = chosen
    return levels


def _saved_message(entry: Entry) -> str:
    return _("Saved automatically at %(time)s") % {"time": timezone.localtime(entry.updated_at).strftime("%H:%M:%S")}


def _problem_map(problems) -> dict[str, list[str]]:
    by_field = defaultdict(list)
    for problem in problems or []:
        by_field[problem.field].append(_("Fill this in before submitting.") if problem.missing else
                                       str(problem.message))
    return dict(by_field)


def _render_form(request, entry: Entry, form: EntryForm, formset, *, problems=None, mode: str = "",
                 status: int = 200):
    """The form page. `mode` "error" after a refused submission, "warning" after a save, "" otherwise."""
    problems = declaration.submission_problems(entry) if problems is None else problems
    if formset.is_bound:
        formset.sort_for_display()
    by_field = _problem_map(problems) if mode else {}
    for name in form.fields:
        bound = form[name]
        bound.problems = by_field.get(name, [])
        bound.zi_limit = ZI_LIMITS.get(name)
        bound.zi_target = ZI_TARGETS.get(name)
        if bound.zi_limit or bound.zi_target:
            bound.zi_count = count_zi(str(bound.value() or ""))
            bound.zi_over = bool(bound.zi_limit and bound.zi_count > bound.zi_limit)
            low, high = declaration.SOFT_RANGE
            bound.zi_soft = bool(bound.zi_target and bound.zi_count and not low <= bound.zi_count <= high)
    industry = entry.industry if form["industry"].value() == (entry.industry_id or "") else (
        Industry.objects.filter(pk=form["industry"].value() or "").select_related("parent__parent__parent").first())
    deadline_passed = timezone.now() >= entry.edition.declaration_deadline
    return render(request, "entries/form/edit.html", {
        "entry": entry, "form": form, "formset": formset, "problems": problems, "problem_mode": mode,
        "problems_by_field": by_field, "warnings": declaration.submission_warnings(entry),
        "industry_chain": industry_path(industry), "picker_levels": _picker_levels(industry),
        "window": declaration.completion_date_window(entry), "deadline_passed": deadline_passed,
        "attachments_template": _attachments_template(), "pdf_url": _pdf_url(entry), "zi_help": ZI_HELP,
        "soft_range": declaration.SOFT_RANGE, "completer_prefix": COMPLETER_PREFIX,
        "returned": return_step(entry),
    }, status=status)


def _save_posted(request, entry: Entry):
    """Save every valid field of the posted form (a draft is kept as typed); the invalid ones keep their value."""
    form = EntryForm(request.POST, entry=entry)
    formset = completer_formset(entry, data=request.POST)
    form.is_valid()
    kwargs = form.save_arguments()
    if formset.is_valid():
        kwargs["completers"] = formset.rows()
    entry = declaration.save_entry(actor=request.user, entry=entry, **kwargs)
    return form, formset, entry


def _already_submitted(request, entry: Entry):
    messages.info(request, _("This entry has been submitted and can no longer be changed; it can be edited again "
                             "if it is returned for revision."))
    return redirect("entries:view", pk=entry.pk)


# --- pages -----------------------------------------------------------------------------------

@login_required
@require_GET
def my_entries(request):
    units = _declaring_units(request.user)
    if not units:
        raise PermissionDenied
    submitted_once = EntryTransition.objects.filter(entry=OuterRef("pk"))
    imported = EntryImport.entries.through.objects.filter(entry=OuterRef("pk"))
    entries = (Entry.objects.filter(declaring_unit__in=units)
               .select_related("edition", "category", "declaring_unit")
               .annotate(was_submitted=Exists(submitted_once), was_imported=Exists(imported))
               .order_by("-edition__year", "-edition_id", "-updated_at", "-id"))
    editions = _open_editions()
    form = NewEntryForm(units=units, editions=editions)
    return render(request, "entries/my_entries.html", {
        "entries": entries, "units": units, "form": form, "can_create": editions.exists(),
        "several_units": len(units) > 1,
    })


@login_required
@require_POST
def create(request):
    units = _declaring_units(request.user)
    if not units:
        raise PermissionDenied
    form = NewEntryForm(request.POST, units=units, editions=_open_editions())
    if not form.is_valid():
        messages.error(request, _("Choose one of your units and an edition open for declaration."))
        return redirect("entries:mine")
    try:
        entry = declaration.create_entry(actor=request.user, unit=form.cleaned_data["unit"],
                                         edition=form.cleaned_data["edition"], title=form.cleaned_data["title"],
                                         request_key=form.cleaned_data["request_key"])
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("entries:mine")
    messages.success(request, _("A new draft entry was started; it is saved as you type."))
    return redirect("entries:edit", pk=entry.pk)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    entry = _declarer_entry(request, pk)
    if not entry.is_editable:
        return _already_submitted(request, entry)
    if request.method == "GET":
        mode = "warning" if request.GET.get("saved") else ""
        return _render_form(request, entry, EntryForm(entry=entry), completer_formset(entry), mode=mode)
    try:
        form, formset, entry = _save_posted(request, entry)
    except Refused:
        return _already_submitted(request, entry)
    if "add_completer" in request.POST:
        formset = completer_formset(entry, data=request.POST, extra_row=True)
        return _render_form(request, entry, form, formset)
    if form.errors or not formset.is_valid():
        messages.warning(request, _("The draft was saved, except the fields marked below: correct them and save "
                                    "again."))
        return _render_form(request, entry, form, formset, mode="warning")
    messages.success(request, _("The draft was saved."))
    return redirect(reverse("entries:edit", args=[entry.pk]) + "?saved=1")


@require_POST
def autosave(request, pk: int):
    """Called by the page's script: answers JSON, and 401 (not a login page) when the session has expired."""
    if not request.user.is_authenticated:
        return JsonResponse({"ok": False, "expired": True,
                             "message": _("Your session has expired: log in in a new window, then save again.")},
                            status=401)
    entry = _entry(pk)
    if not may_declare(request.user, entry):
        return JsonResponse({"ok": False, "message": _("You may not change this entry.")}, status=403)
    if not entry.is_editable:
        return JsonResponse({"ok": False, "message": _("This entry has been submitted and can no longer be "
                                                       "changed.")}, status=409)
    try:
        form, formset, entry = _save_posted(request, entry)
    except Refused as refused:
        return JsonResponse({"ok": False, "message": str(refused.message)}, status=409)
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    for row in formset.forms if formset.is_bound else []:
        for name, errs in row.errors.items():
            errors[row[name].html_name] = [str(e) for e in errs]
    return JsonResponse({"ok": True, "message": _saved_message(entry), "version": entry.updated_at.isoformat(),
                         "errors": errors})


@login_required
@require_POST
def submit(request, pk: int):
    entry = _declarer_entry(request, pk)
    if not entry.is_editable:
        return _already_submitted(request, entry)
    form = formset = None
    if f"{COMPLETER_PREFIX}-TOTAL_FORMS" in request.POST:
        # The button sends the whole form: what was typed is saved first, and kept even if
        # the submission is refused (two steps, two transactions, on purpose).
        try:
            form, formset, entry = _save_posted(request, entry)
        except Refused:
            return _already_submitted(request, entry)
        if form.errors or not formset.is_valid():
            messages.error(request, _("The entry was not submitted: correct the fields marked below."))
            return _render_form(request, entry, form, formset, mode="error")
    problems = declaration.submission_problems(entry)
    if problems and entry.edition.is_declaration_open():
        messages.error(request, _("The entry was not submitted: complete the points listed below."))
        return _render_form(request, entry, form or EntryForm(entry=entry), formset or completer_formset(entry),
                            problems=problems, mode="error")
    try:
        transition_entry(entry=entry, action=Action.SUBMIT, actor=request.user)
    except Refused as refused:
        entry.refresh_from_db()
        if not entry.is_editable:
            return _already_submitted(request, entry)
        messages.error(request, refused.message)
        return redirect("entries:edit", pk=entry.pk)
    messages.success(request, _("The entry was submitted. Your recommending unit screens it next."))
    return redirect("entries:view", pk=entry.pk)


@login_required
@require_POST
def delete(request, pk: int):
    entry = _declarer_entry(request, pk)
    try:
        declaration.delete_draft(actor=request.user, entry=entry)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("entries:mine")
    messages.success(request, _("The draft “%(title)s” was deleted.") % {"title": entry.title or "—"})
    return redirect("entries:mine")


def _view_page(request, entry: Entry, *, withdraw_form: WithdrawForm | None = None, status: int = 200):
    """The entry's read-only page; for its declaring unit, the withdraw form while no one has decided on it."""
    answers = {a.exclusion_id: a for a in entry.exclusion_answers.all()}
    is_declarer = may_declare(request.user, entry)
    can_withdraw = is_declarer and Action.WITHDRAW in {t.action for t in allowed_actions(entry, request.user)}
    if can_withdraw or withdraw_form is not None:
        withdraw_form = withdraw_form or WithdrawForm()
    deadline = registry.deadline_for(entry, entry.edition.declaration_deadline)
    return render(request, "entries/form/view.html", {
        "entry": entry,
        "completers": list(entry.completers.all()),
        "presentation_forms": list(entry.presentation_forms.all()),
        "exclusions": [(x, answers.get(x.pk)) for x in entry.edition.exclusions.all()],
        "history": list(entry.transitions.select_related("actor")),
        "industry_chain": industry_path(entry.industry),
        "can_edit": entry.is_editable and is_declarer,
        "is_declarer": is_declarer,
        "attachments_template": _attachments_template(),
        "pdf_url": _pdf_url(entry),
        "opinion": recommendation_opinion(entry),
        "lock": registry.lock_of(entry, request.user),
        "withdraw_form": withdraw_form,
        "declaration_deadline": deadline,
        "declaration_passed": timezone.now() >= deadline,
    }, status=status)


@login_required
@require_GET
def view(request, pk: int):
    entry = _entry(pk)
    require(request.user, "entries.view_entry", entry)
    return _view_page(request, entry)


@login_required
@require_POST
def withdraw(request, pk: int):
    """The declaring unit takes back a submitted entry no one has decided on yet, with a reason (told to the
    recommending unit); it is a draft again."""
    entry = _declarer_entry(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _view_page(request, entry, withdraw_form=form)
    try:
        transition_entry(entry=entry, action=Action.WITHDRAW, actor=request.user, reason=form.cleaned_data["reason"])
    except Refused as refused:
        show_refusal(form, refused)
        return _view_page(request, _entry(pk), withdraw_form=form, status=409)
    deadline = registry.deadline_for(entry, entry.edition.declaration_deadline)
    if timezone.now() >= deadline:
        messages.warning(request, _("The entry was withdrawn and is a draft again; your recommending unit has been "
                                    "told. The declaration deadline has passed, so it cannot be submitted again."))
    else:
        messages.success(request, _("The entry was withdrawn and is a draft again; your recommending unit has been "
                                    "told. Revise it and submit it again by %(deadline)s.")
                         % {"deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")})
    return redirect("entries:edit", pk=entry.pk)


# --- the industry picker (GB/T 4754, R21) ------------------------------------------------------

@login_required
@require_GET
def industry_options(request):
    """The <option>s one level below `parent` (the sections when it is empty)."""
    parent = request.GET.get("parent", "").strip().upper()[:4]
    options = Industry.objects.filter(parent_id=parent) if parent else Industry.objects.filter(parent__isnull=True)
    return render(request, "entries/form/_industry_options.html", {"options": options.only("code", "name")})


@login_required
@require_GET
def industry_search(request):
    """The classes whose code starts with `q`, or whose name or whose ancestors' names contain it."""
    q = request.GET.get("q", "").strip()[:50]
    results = []
    if q:
        upper = q.upper()
        results = list(
            Industry.objects.filter(level=Industry.Level.CLASS)
            .filter(Q(code__startswith=q) | Q(name__icontains=q) | Q(parent__name__icontains=q)
                    | Q(parent__parent__name__icontains=q) | Q(parent__parent__parent__code=upper)
                    | Q(parent__parent__parent__name__icontains=q))
            .select_related("parent__parent__parent").order_by("code")[:SEARCH_LIMIT + 1])
    more = len(results) > SEARCH_LIMIT
    return render(request, "entries/form/_industry_results.html", {
        "q": q, "results": [(c, industry_path(c)) for c in results[:SEARCH_LIMIT]], "more": more})
