"""The committee office's checklist of one recommended entry (形式审查, issue 4 item 6).

`load_entries` fetches a page of entries with everything the checklist and the flags need in a
fixed number of queries; `checklist` then works on the prefetched data only (no query per entry).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from wuxiao.entries.declaration import submission_problems
from wuxiao.entries.models import AttachmentKind, CreditCommitment, Entry

from .models import Flag

# The items of the checklist, in the order the page shows them.
ITEMS = {
    "complete": _("All fields of the entry form are complete"),
    "exclusions": _("Every exclusion of R4 is declared as not applying"),
    "r2_date": _("The completion date is within the window of R2"),
    "stamped_form": _("The stamped entry form (scan) is uploaded"),
    "commitment": _("The declaring unit's stamped credit commitment (R27) is uploaded"),
    "attachments": _("The PPT and video passed their checks (R24)"),
}
# What the check looks at, shown on the entry's review page.
EXPLANATIONS = {
    "complete": _("Every field a submission needs (R17–R25), checked again as the entry stands now."),
    "exclusions": _("The declaring unit answered each case of R4 and none applies."),
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


def checklist(entry: Entry, *, stamped: set[int]) -> list[Item]:
    """The checklist of `entry` (loaded by with_checklist_data); `stamped` from stamped_units."""
    problems = submission_problems(entry)
    edition = entry.edition
    answers = {a.exclusion_id: a.applies for a in entry.exclusion_answers.all()}
    exclusion_problems = []
    for exclusion in edition.exclusions.all():
        if exclusion.pk not in answers:
            exclusion_problems.append(_("Exclusion %(n)d of R4 is not answered.") % {"n": exclusion.number})
        elif answers[exclusion.pk]:
            exclusion_problems.append(_("R4.%(n)d applies: %(text)s") % {"n": exclusion.number, "text": exclusion.text})
    day = entry.completed_on
    in_window = day is not None and edition.window_start <= day <= edition.window_end
    kinds = Counter(a.kind for a in entry.attachments.all())
    unchecked = [str(AttachmentKind(a.kind).label) for a in entry.attachments.all()
                 if a.kind in CHECKED_DETAIL and not (a.details or {}).get(CHECKED_DETAIL[a.kind])]
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
