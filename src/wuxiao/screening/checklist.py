"""The committee office's checklist of one recommended entry (形式审查, issue 4 item 6).

`with_checklist_data` fetches a page of entries with everything the checklist and the flags need
in a fixed number of queries; `checklist` then works on the prefetched data only (no query per
entry). The queue's checklist filter (`filter_failing`) does not run `checklist` over every entry:
five items are SQL conditions (`failing_conditions`, tested to agree with `checklist`), and the
"complete" item runs the declaration's own check over light rows (`incomplete_ids`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from wuxiao.entries.declaration import EDITABLE_FIELDS, REQUIRED_TEXT, form_problems, submission_problems
from wuxiao.entries.models import Attachment, AttachmentKind, Completer, CreditCommitment, Entry, ExclusionAnswer

from .models import Flag

# The items of the checklist, in the order the page shows them.
ITEMS = {
    "complete": _("All fields of the entry form are complete"),
    "exclusions": _("Every case not included in the competition is declared as not applying"),
    "r2_date": _("The completion date is within the edition's three-year window"),
    "stamped_form": _("The stamped entry form (scan) is uploaded"),
    "commitment": _("The declaring unit's stamped credit commitment is uploaded"),
    "attachments": _("The PPT and video passed their checks"),
}
# What the check looks at, shown on the entry's review page.
EXPLANATIONS = {
    "complete": _("Every field of the entry form (the notice, Attachment 2) a submission needs, checked again as the "
                  "entry stands now."),
    "exclusions": _("The declaring unit answered each case not included in the competition, and none applies."),
    "r2_date": _("The innovation was completed or put into use between %(start)s and %(end)s."),
    "stamped_form": _("A scan of the entry form with the declaring unit's stamp (PDF or picture)."),
    "commitment": _("A scan of Attachment 4 with the declaring unit's stamp, once per unit and edition."),
    "attachments": _("A PPT or video, if any, was read and measured when uploaded; both are optional."),
}
# Attachment details recorded by the upload checks (entries/attachments.py).
CHECKED_DETAIL = {AttachmentKind.PPT: "slides", AttachmentKind.VIDEO: "width"}


@dataclass
class Item:
    key: str
    ok: bool
    problems: list[str] = field(default_factory=list)

    @property
    def label(self):
        return ITEMS[self.key]


def with_checklist_data(queryset: QuerySet[Entry]) -> QuerySet[Entry]:
    """The entries with what the checklist and the flags read, prefetched."""
    return (queryset.select_related("edition", "declaring_unit", "recommending_unit", "category")
            .prefetch_related("completers", "exclusion_answers", "presentation_forms", "attachments",
                              "edition__exclusions",
                              Prefetch("flags", queryset=Flag.objects.select_related("other").order_by("kind", "id"))))


def stamped_units(edition, unit_ids) -> set[int]:
    """The declaring units among `unit_ids` with a stamped credit commitment (R27) for the edition."""
    return set(CreditCommitment.objects.filter(edition=edition, unit_id__in=set(unit_ids)).exclude(scan="")
               .values_list("unit_id", flat=True))


def _measured(value) -> bool:
    """A measurement recorded by the upload check: a positive number (as `failing_conditions` tests it in SQL)."""
    return isinstance(value, (int, float)) and value > 0


def checklist(entry: Entry, *, stamped: set[int]) -> list[Item]:
    """The checklist of `entry` (loaded by with_checklist_data); `stamped` from stamped_units."""
    problems = submission_problems(entry)
    edition = entry.edition
    answers = {a.exclusion_id: a.applies for a in entry.exclusion_answers.all()}
    exclusion_problems = []
    for exclusion in edition.exclusions.all():
        if exclusion.pk not in answers:
            exclusion_problems.append(_("Case %(n)d not included in the competition is "
                                        "not answered.") % {"n": exclusion.number})
        elif answers[exclusion.pk]:
            exclusion_problems.append(_("Case %(n)d not included in the competition applies: %(text)s")
                                      % {"n": exclusion.number, "text": exclusion.text})
    day = entry.completed_on
    in_window = day is not None and edition.window_start <= day <= edition.window_end
    kinds = Counter(a.kind for a in entry.attachments.all())
    unchecked = [str(AttachmentKind(a.kind).label) for a in entry.attachments.all()
                 if a.kind in CHECKED_DETAIL and not _measured((a.details or {}).get(CHECKED_DETAIL[a.kind]))]
    return [
        Item("complete", not problems, [str(p.message) for p in problems]),
        Item("exclusions", not exclusion_problems, [str(p) for p in exclusion_problems]),
        Item("r2_date", in_window, [] if in_window else [str(_("No completion date.")) if day is None
                                                         else str(_("Completed on %(day)s.") % {"day": day})]),
        Item("stamped_form", kinds[AttachmentKind.STAMPED_FORM] > 0),
        Item("commitment", entry.declaring_unit_id in stamped),
        Item("attachments", not unchecked, unchecked),
    ]


def flag_counts(entry: Entry) -> list[tuple[str, str, int]]:
    """(kind, label, count) of the entry's prefetched flags."""
    counts = Counter(f.kind for f in entry.flags.all())
    labels = {f.kind: f.get_kind_display() for f in entry.flags.all()}
    return [(kind, labels[kind], n) for kind, n in sorted(counts.items())]


def annotate(entries: list[Entry], edition) -> list[Entry]:
    """Set `checks`, `checks_failing` and `flag_counts` on each entry of the list (loaded by with_checklist_data)."""
    stamped = stamped_units(edition, [e.declaring_unit_id for e in entries])
    for entry in entries:
        entry.checks = checklist(entry, stamped=stamped)
        entry.checks_failing = [item.key for item in entry.checks if not item.ok]
        entry.flag_counts = flag_counts(entry)
    return entries


# --- The queue's checklist filter, without loading every entry ---------------------------------

def _answers(edition) -> QuerySet[ExclusionAnswer]:
    """The outer entry's answers to the R4 exclusions of `edition`."""
    return ExclusionAnswer.objects.filter(entry_id=OuterRef("pk"), exclusion__edition_id=edition.pk)


def with_answered(queryset: QuerySet[Entry], edition) -> QuerySet[Entry]:
    """`queryset` with `checklist_answered`, the number of R4 exclusions of `edition` each entry answered,
    which the "exclusions" condition of `failing_conditions` reads."""
    if "checklist_answered" in queryset.query.annotations:
        return queryset
    counted = _answers(edition).order_by().values("entry_id").annotate(n=Count("exclusion_id", distinct=True))
    return queryset.annotate(checklist_answered=Coalesce(
        Subquery(counted.values("n")[:1], output_field=IntegerField()), Value(0)))


def failing_conditions(edition) -> dict[str, Q]:
    """For each item but "complete", the SQL condition under which an entry of `edition` fails it,
    on a queryset prepared by `with_answered`.

    Each says in SQL what `checklist` says in Python (tests/screening/test_review_filter.py checks
    that both agree entry by entry).
    """
    unchecked = Q()
    for kind, key in CHECKED_DETAIL.items():
        # Not `~Q(details__key__gt=0)`: a missing key makes that NULL, and NOT NULL is not true.
        measured = Attachment.objects.filter(kind=kind, **{f"details__{key}__gt": 0}).values("pk")
        unchecked |= Q(kind=kind) & ~Q(pk__in=measured)
    return {
        "exclusions": (Q(Exists(_answers(edition).filter(applies=True)))
                       | Q(checklist_answered__lt=edition.exclusions.count())),
        "r2_date": (Q(completed_on__isnull=True) | Q(completed_on__lt=edition.window_start)
                    | Q(completed_on__gt=edition.window_end)),
        "stamped_form": ~Q(Exists(Attachment.objects.filter(entry_id=OuterRef("pk"),
                                                            kind=AttachmentKind.STAMPED_FORM))),
        "commitment": ~Q(Exists(CreditCommitment.objects.filter(edition_id=edition.pk,
                                                                unit_id=OuterRef("declaring_unit_id"))
                                .exclude(scan=""))),
        "attachments": Q(Exists(Attachment.objects.filter(unchecked, entry_id=OuterRef("pk")))),
    }


def incomplete_ids(queryset: QuerySet[Entry], edition) -> set[int]:
    """The entries of `queryset` that fail the "complete" item (entries.declaration.submission_problems).

    Its checks of related rows are SQL conditions: no presentation form (R22), an R4 exclusion
    unanswered or applying (the "exclusions" item). The rest of the declaration's check
    (`form_problems`) runs over the remaining entries, loaded with only the fields it reads.
    """
    queryset = with_answered(queryset.order_by().select_related(None).prefetch_related(None), edition)
    related = ~Q(Exists(Entry.presentation_forms.through.objects.filter(entry_id=OuterRef("pk")))) | \
        failing_conditions(edition)["exclusions"]
    out = set(queryset.filter(related).values_list("pk", flat=True))
    fields = {"pk", "edition_id", "category_id", "industry_id", *REQUIRED_TEXT, *EDITABLE_FIELDS}
    rows = queryset.exclude(related).only(*fields).prefetch_related(
        Prefetch("completers", queryset=Completer.objects.only("entry_id", "position", "name", "post", "workplace",
                                                                "phone", "age")))
    for entry in rows:
        entry.edition = edition  # one shared edition, not one per row
        if form_problems(entry):
            out.add(entry.pk)
    return out


def filter_failing(queryset: QuerySet[Entry], edition, failing: str) -> QuerySet[Entry]:
    """The entries of `queryset` failing the checklist item `failing` ("any": at least one item)."""
    conditions = failing_conditions(edition)
    queryset = with_answered(queryset, edition)
    if failing in conditions:
        return queryset.filter(conditions[failing])
    if failing == "complete":
        return queryset.filter(pk__in=incomplete_ids(queryset, edition))
    if failing == "any":
        any_sql = Q()
        for condition in conditions.values():
            any_sql |= condition
        # The Python check only for the entries that pass every SQL item (no condition is ever NULL).
        return queryset.filter(any_sql | Q(pk__in=incomplete_ids(queryset.exclude(any_sql), edition)))
    raise ValueError(failing)
