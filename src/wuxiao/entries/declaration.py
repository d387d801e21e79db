"""The declaration stage (申报): creating and saving an entry, and what a submission needs (R1–R4, R17–R25).

Drafts are saved whatever their content, so that nothing typed is ever lost; the rules are
checked when the entry is submitted (`submission_problems`, used by the SUBMIT transition).
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.accounts.models import Role
from wuxiao.common import audit, request_keys
from wuxiao.common.exceptions import InvalidInput, Refused
from wuxiao.common.permissions import allowed
from wuxiao.common.validators import count_zi, is_mobile, normalize_mobile, validate_phone
from wuxiao.competitions.models import Category, PresentationForm
from wuxiao.orgs.models import RegistrationStatus

from .enums import EntryStatus
from .models import Completer, Entry, ExclusionAnswer

# 字数 limits of the form (R20, R21) and the soft targets ("about 100 字") that only warn.
ZI_LIMITS = {"summary": 500, "innovation_points": 500, "benefits": 500}
ZI_TARGETS = {"background": 100, "goals": 100}
SOFT_RANGE = (50, 200)  # "about 100 字": outside this range the form warns
COMPLETER_AGE = (16, 80)

# The fields of the form that a submission needs, in the order of Attachment 2.
REQUIRED_TEXT = ["title", "affiliation", "contact_name", "contact_mobile", "summary", "background", "goals",
                 "innovation_points", "benefits", "union_opinion", "union_opinion_by"]
EDITABLE_FIELDS = ["title", "affiliation", "contact_name", "contact_mobile", "awards", "summary", "background",
                   "goals", "innovation_points", "benefits", "completed_on", "other_circumstances",
                   "union_opinion", "union_opinion_by", "union_opinion_on", "confirms_scope", "confirms_recent"]



@dataclass(frozen=True)
class Problem:
    """One thing that stops a submission: the form field it belongs to (an anchor) and why."""

    field: str
    message: str
    missing: bool = False  # True: `message` is the label of a field left empty


def may_declare(user, entry: Entry) -> bool:
    return user.has_perm("entries.declare", entry) and entry.declaring_unit_id in user.unit_ids_with_role(Role.DECLARER)


@transaction.atomic
def create_entry(*, actor, unit, edition, title: str = "", request_key: str = "", via_import=None) -> Entry:
    """Start a draft entry of `unit` in `edition`, prefilled with the unit and the actor as contact.

    With a `request_key` (common.request_keys), a repeat of the request (a double click, a retried
    call) returns the draft the first one started instead of a second draft. With `via_import` (an
    EntryImport), the actor is the recommending unit or the committee office importing the unit's
    entries collected offline (entries.import_for_unit): the draft is the unit's own, its contact the unit's.
    """
    if via_import is not None:
        if not allowed(actor, "entries.import_for_unit", unit):
            raise PermissionDenied
    elif unit.pk not in actor.unit_ids_with_role(Role.DECLARER):
        raise PermissionDenied
    if request_key:
        earlier = request_keys.claim(actor=actor, key=request_key, scope=f"entry.create:{unit.pk}:{edition.pk}")
        if earlier is not None:
            return request_keys.replayed(earlier, Entry.objects.all())
    if unit.registration_status == RegistrationStatus.REJECTED:
        raise Refused(_("Your unit's registration was rejected by the recommending unit; correct the "
                                   "unit's data first."))
    if unit.parent_id is None:
        raise Refused(_("Your unit has no recommending unit; choose one in the unit's data first."))
    if timezone.now() >= edition.declaration_deadline:
        raise Refused(_("The declaration deadline (the notice, Attachment 1, section 7 “Deadline and contact”) has "
                        "passed; no new entry can be started."))
    contact_name, contact_mobile = (unit.contact_name, unit.contact_mobile) if via_import is not None else (
        actor.display_name or unit.contact_name, actor.mobile or unit.contact_mobile)
    entry = Entry.objects.create(
        edition=edition, declaring_unit=unit, recommending_unit_id=unit.parent_id, title=title.strip(),
        affiliation=unit.name, contact_name=contact_name, contact_mobile=contact_mobile, created_by=actor)
    audit.record(actor=actor, action="entry.create", obj=entry, edition=edition,
                 data={"import": via_import.pk} if via_import is not None else None)
    if request_key:
        request_keys.settle(actor=actor, key=request_key, obj=entry)
    entry.just_created = True  # its related rows are none yet (the API answers without reading them)
    return entry


@transaction.atomic
def save_entry(*, actor, entry: Entry, fields: dict, completers: list[dict] | None = None,
               exclusion_answers: dict[int, bool] | None = None, presentation_form_ids: list[int] | None = None,
               industry_code: str | None = None, category_id: int | None = None, via_import=None,
               read: dict | None = None) -> Entry:
    """Save a draft's form as it is (no completeness check); refused once the entry is no longer editable.

    With `via_import`, the importer fills in a draft it has just started for the unit (create_entry), nothing else.
    `read`: rows the caller's form has already read for these arguments ("category", "presentation_forms",
    "industry"); each is taken only when it is the one named and of the entry's edition, else read here.
    """
    read = read or {}
    # Only the entry's row: its edition's categories and forms are checked below by the edition's key.
    locked = Entry.objects.select_for_update(of=("self",)).get(pk=entry.pk)
    if via_import is not None:
        if not (locked.created_by_id == actor.pk and locked.status == EntryStatus.DRAFT
                and locked.edition_id == via_import.edition_id and not locked.transitions.exists()
                and allowed(actor, "entries.import_for_unit", locked.declaring_unit)):
            raise PermissionDenied
    elif not may_declare(actor, locked):
        raise PermissionDenied
    if not locked.is_editable:
        raise Refused(_("This entry has been submitted and can no longer be changed; it can be edited "
                                   "again if it is returned for revision."))
    # Only the columns that can change are written (`updated_at` with them); each value as the database gives
    # it back (`to_python`), so that the entry can take them over without reading its row again.
    changed = {"updated_at"}
    for name in EDITABLE_FIELDS:
        if name in fields:
            setattr(locked, name, Entry._meta.get_field(name).to_python(fields[name]))
            changed.add(name)
    if locked.contact_mobile and is_mobile(locked.contact_mobile):
        locked.contact_mobile = normalize_mobile(locked.contact_mobile)
        changed.add("contact_mobile")
    if industry_code is not None:
        industry = read.get("industry")
        if industry_code and industry is not None and industry.pk == industry_code:
            locked.industry = industry
        else:
            locked.industry_id = industry_code or None
        changed.add("industry")
    if category_id is not None:
        category = read.get("category")
        if not (category is not None and category.pk == category_id and category.edition_id == locked.edition_id):
            category = (Category.objects.filter(edition_id=locked.edition_id, pk=category_id).first()
                        if category_id else None)
        if category_id and category is None:
            raise InvalidInput({"category": [str(_("Choose a category of this edition (the notice, Attachment 2, note "
                                                   "2)."))]})
        locked.category = category
        changed.add("category")
    locked.save(update_fields=sorted(changed))
    if presentation_form_ids is not None:
        forms = read.get("presentation_forms")
        if not (forms is not None and sorted(f.pk for f in forms) == sorted(set(presentation_form_ids))
                and all(f.edition_id == locked.edition_id for f in forms)):
            forms = PresentationForm.objects.filter(edition_id=locked.edition_id, pk__in=presentation_form_ids)
        locked.presentation_forms.set(forms)
    if completers is not None:
        locked.completers.all().delete()
        Completer.objects.bulk_create(
            Completer(entry=locked, position=i, **{k: row.get(k) for k in ("name", "age", "post", "workplace", "phone")})
            for i, row in enumerate(completers))
    if exclusion_answers is not None:
        # The edition's exclusions as the caller read them (the API reads them once for its form, this and its answer).
        valid = {exclusion.pk for exclusion in entry.edition.exclusions.all()}
        locked.exclusion_answers.filter(exclusion_id__in=valid).delete()
        ExclusionAnswer.objects.bulk_create(
            ExclusionAnswer(entry=locked, exclusion_id=pk, applies=bool(applies))
            for pk, applies in exclusion_answers.items() if pk in valid and applies is not None)
    _take_saved(entry, locked)
    return entry


def _take_saved(entry: Entry, locked: Entry) -> None:
    """What `entry.refresh_from_db()` would read, taken from the row just saved under the lock (no query):
    every column; a related object whose key changed is the locked row's (a category just chosen) or dropped;
    the entry's own prefetched rows forgotten."""
    entry._prefetched_objects_cache = {}
    for field in Entry._meta.concrete_fields:
        value, before = getattr(locked, field.attname), entry.__dict__.get(field.attname)
        setattr(entry, field.attname, value)
        if not field.is_relation or (before == value and field.is_cached(entry)):
            continue  # the same related row as before (the edition with what the caller read of it)
        if field.is_cached(locked):
            field.set_cached_value(entry, field.get_cached_value(locked))
        elif field.is_cached(entry):
            field.delete_cached_value(entry)
    for rel in Entry._meta.related_objects:
        if rel.is_cached(entry):
            rel.delete_cached_value(entry)


@transaction.atomic
def delete_draft(*, actor, entry: Entry) -> None:
    """Delete a draft that was never submitted (audited)."""
    locked = Entry.objects.select_for_update().get(pk=entry.pk)
    if not may_declare(actor, locked):
        raise PermissionDenied
    if locked.status != EntryStatus.DRAFT or locked.transitions.exists():
        raise Refused(_("Only a draft that was never submitted can be deleted."))
    audit.record(actor=actor, action="entry.delete", obj=locked, edition=locked.edition)
    locked.delete()


def submission_rows() -> tuple:
    """The related rows `submission_problems` reads, as lookups for prefetch_related_objects (the submit guard
    reads them so under the lock, and the API's answer takes them over instead of reading them again)."""
    return ("completers", "presentation_forms", Prefetch("exclusion_answers", queryset=ExclusionAnswer.objects.order_by()),
            "edition__exclusions")


def submission_problems(entry: Entry) -> list[Problem]:
    """Everything that stops `entry` from being submitted, each with the field it belongs to."""
    return _problems(entry, relations=True)


def form_problems(entry: Entry) -> list[Problem]:
    """The problems of `submission_problems` found in the entry's own fields and its completers,
    leaving out its presentation forms (R22) and R4 answers: for callers that check those in SQL."""
    return _problems(entry, relations=False)


def _problems(entry: Entry, *, relations: bool) -> list[Problem]:
    p: list[Problem] = []
    labels = {f.name: f.verbose_name for f in Entry._meta.fields}
    for name in REQUIRED_TEXT:
        if not str(getattr(entry, name) or "").strip():
            p.append(Problem(name, labels[name], missing=True))
    if entry.category_id is None:
        p.append(Problem("category", labels["category"], missing=True))
    if entry.contact_mobile and not is_mobile(entry.contact_mobile):
        p.append(Problem("contact_mobile", _("The contact's phone must be a mobile number (the entry form, Attachment "
                                             "2 of the notice).")))
    for name, limit in ZI_LIMITS.items():
        text = getattr(entry, name) or ""
        if len(text) <= limit:
            continue  # each 字 is at least one character: nothing to count
        n = count_zi(text)
        if n > limit:
            p.append(Problem(name, _("%(field)s has %(count)d 字; at most %(limit)d are allowed.")
                             % {"field": labels[name], "count": n, "limit": limit}))
    if entry.industry_id is None:
        p.append(Problem("industry", _("Choose the industry classification (GB/T 4754).")))
    elif len(entry.industry_id) != 4:
        p.append(Problem("industry", _("Choose the industry down to its class (four-digit code).")))
    p += _date_problems(entry)
    p += _completer_problems(entry)
    if relations and not entry.presentation_forms.exists():
        p.append(Problem("presentation_forms", _("Choose at least one presentation form (the entry form, Attachment 2 "
                                                 "of the notice).")))
    p += _eligibility_problems(entry, relations=relations)
    if not entry.union_opinion_on:
        p.append(Problem("union_opinion_on", _("Give the date of the trade union's opinion (the entry form, "
                                               "Attachment 2 of the notice).")))
    return p


def _date_problems(entry: Entry) -> list[Problem]:
    edition, day = entry.edition, entry.completed_on
    if day is None:
        return [Problem("completed_on", _("Give the date the innovation was completed or put into use (the notice, "
                                          "Attachment 1, section 2 “Scope”)."))]
    if day > timezone.localdate():
        return [Problem("completed_on", _("The completion date cannot be in the future."))]
    if not (edition.window_start <= day <= edition.window_end):
        return [Problem("completed_on", _("Only innovations completed between %(start)s and %(end)s qualify (the "
                                          "notice, Attachment 1, section 2 “Scope”).")
                        % {"start": edition.window_start, "end": edition.window_end})]
    return []


def _completer_problems(entry: Entry) -> list[Problem]:
    rows = list(entry.completers.all())
    if not rows:
        return [Problem("completers", _("Name at least the first completer (the entry form, Attachment 2 of the "
                                        "notice)."))]
    p = []
    for i, c in enumerate(rows, start=1):
        if not all(str(v or "").strip() for v in (c.name, c.post, c.workplace, c.phone)) or c.age is None:
            p.append(Problem("completers", _("Completer %(n)d: every column must be filled in (the entry form, "
                                             "Attachment 2 of the notice).") % {"n": i}))
        elif not (COMPLETER_AGE[0] <= c.age <= COMPLETER_AGE[1]):
            p.append(Problem("completers", _("Completer %(n)d: an age between %(min)d and %(max)d is expected.")
                             % {"n": i, "min": COMPLETER_AGE[0], "max": COMPLETER_AGE[1]}))
        else:
            try:
                validate_phone(c.phone)
            except ValidationError:
                p.append(Problem("completers", _("Completer %(n)d: the phone number is not valid.") % {"n": i}))
    return p


def _eligibility_problems(entry: Entry, *, relations: bool = True) -> list[Problem]:
    p = []
    answers = {a.exclusion_id: a.applies for a in entry.exclusion_answers.all()} if relations else {}
    for exclusion in entry.edition.exclusions.all() if relations else ():
        if exclusion.pk not in answers:
            p.append(Problem("eligibility", _("Answer case %(n)d not included in the "
                                              "competition.") % {"n": exclusion.number}))
        elif answers[exclusion.pk]:
            p.append(Problem("eligibility", _("Not eligible (case %(n)d not included in the competition): %(text)s.")
                             % {"n": exclusion.number, "text": exclusion.text}))
    if not entry.confirms_scope:
        p.append(Problem("eligibility", _("Confirm that the unit's trade union belongs to Zhengzhou and the "
                                          "completers are front-line workers (the notice, Attachment 1, section 2 "
                                          "“Scope”).")))
    if not entry.confirms_recent:
        p.append(Problem("eligibility", _("Confirm that the innovation was achieved in the last three years (the "
                                          "notice, Attachment 1, section 2 “Scope”).")))
    return p


def submission_warnings(entry: Entry) -> list[Problem]:
    """Soft targets that do not block a submission ("about 100 字", R21)."""
    labels = {f.name: f.verbose_name for f in Entry._meta.fields}
    warnings = []
    for name, target in ZI_TARGETS.items():
        n = count_zi(getattr(entry, name))
        if n and not (SOFT_RANGE[0] <= n <= SOFT_RANGE[1]):
            warnings.append(Problem(name, _("%(field)s: about %(target)d 字 are asked for (now %(count)d).")
                                    % {"field": labels[name], "target": target, "count": n}))
    return warnings


def completion_date_window(entry: Entry) -> tuple[dt.date, dt.date]:
    return entry.edition.window_start, min(entry.edition.window_end, timezone.localdate())
