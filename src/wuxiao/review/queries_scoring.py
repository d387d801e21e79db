"""Reads of the scoring part of the second round (issue 10 items 3, 7, 8): the rubric with its
guidance, the expert's workspace, the entry as an expert sees it, and the office's progress.

Every read of an entry for an expert goes through `queries.visible_assignments` (published,
active, not conflicted); lists are a fixed number of queries whatever their length.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, Max, OuterRef, Prefetch
from django.utils import timezone

from wuxiao.common.models import AuditLog
from wuxiao.competitions.models import Criterion
from wuxiao.entries.models import Attachment, AttachmentKind, Entry

from .models import Conflict, Expert, ExpertStatus, ReviewAssignment, Score, ScoreItem, ScoreStatus
from .queries import expert_seats, review_settings, visible_assignments

# Points are given in half points (0, 0.5, 1 … max): fine enough for a jury, coarse enough to agree on.
STEP = Decimal("0.5")
REMIND_ACTION = "review.remind_expert"


def criteria_with_bands(edition) -> list[Criterion]:
    """The edition's criteria (R7) in the committee's order, each with its guidance bands. Two queries."""
    from .models import CriterionBand

    return list(edition.criteria.prefetch_related(
        Prefetch("bands", queryset=CriterionBand.objects.order_by("-high", "position", "id"))))


def rubric_locked(edition) -> bool:
    return review_settings(edition).rubric_locked_at is not None


# --- The expert's workspace --------------------------------------------------------------------

def scoring_seats(user) -> list[Expert]:
    """`user`'s accepted seats, with their edition, newest edition first."""
    return list(expert_seats(user).select_related("edition").order_by("-edition__year", "-edition_id"))


@dataclass
class WorkspaceSummary:
    total: int = 0
    submitted: int = 0
    drafts: int = 0

    @property
    def todo(self) -> int:
        return self.total - self.submitted - self.drafts

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.total) if self.total else 0


def workspace_assignments(seat: Expert) -> list[ReviewAssignment]:
    """The entries `seat` reviews (visible only), with the entry, its category and the score. One query."""
    return list(visible_assignments(seat)
                .select_related("entry", "entry__category", "score")
                .only("id", "entry_id", "expert_id", "published_at", "entry__id", "entry__title",
                      "entry__category__name", "score__id", "score__status", "score__total", "score__saved_at",
                      "score__submitted_at")
                .order_by("entry_id"))


def score_status(assignment: ReviewAssignment) -> str:
    """"submitted", "draft" or "" (not started) for an assignment fetched with its score."""
    try:
        score = assignment.score
    except Score.DoesNotExist:
        score = None
    return score.status if score is not None else ""


def summarise(assignments) -> WorkspaceSummary:
    summary = WorkspaceSummary(total=len(assignments))
    for a in assignments:
        status = score_status(a)
        if status == ScoreStatus.SUBMITTED:
            summary.submitted += 1
        elif status == ScoreStatus.DRAFT:
            summary.drafts += 1
    return summary


def overdue(edition, now=None) -> bool:
    deadline = review_settings(edition).scoring_deadline
    return bool(deadline and (now or timezone.now()) > deadline)


# --- The entry as an expert sees it ------------------------------------------------------------

def expert_entry(entry_id: int) -> Entry | None:
    """The entry with what the expert's page shows, or None."""
    return (Entry.objects.select_related("edition", "category", "industry", "declaring_unit", "recommending_unit")
            .prefetch_related("presentation_forms", "completers",
                              Prefetch("attachments", queryset=Attachment.objects.order_by("kind", "uploaded_at", "id")))
            .filter(pk=entry_id).first())


# What an expert may see of an attachment: photos, documents, the roadshow PPT and video. The
# stamped entry form and the other circumstances' material name the unit: never shown to experts.
EXPERT_ATTACHMENT_KINDS = (AttachmentKind.PHOTO, AttachmentKind.DOCUMENT, AttachmentKind.PPT, AttachmentKind.VIDEO)


def expert_attachments(entry: Entry) -> list[Attachment]:
    return [a for a in entry.attachments.all() if a.kind in EXPERT_ATTACHMENT_KINDS]


def attachment_label(attachment: Attachment, index: int, anonymise: bool) -> str:
    """The name an expert sees: the original file name, or, anonymised, the kind and its number."""
    if not anonymise:
        return attachment.original_name
    suffix = attachment.original_name.rsplit(".", 1)[-1].lower() if "." in attachment.original_name else ""
    return f"{AttachmentKind(attachment.kind).label} {index}" + (f".{suffix}" if suffix else "")


def labelled_attachments(entry: Entry, anonymise: bool) -> list[tuple[Attachment, str]]:
    counts: dict[str, int] = {}
    found = []
    for attachment in expert_attachments(entry):
        counts[attachment.kind] = counts.get(attachment.kind, 0) + 1
        found.append((attachment, attachment_label(attachment, counts[attachment.kind], anonymise)))
    return found


def entry_data(entry: Entry, *, anonymise: bool) -> dict:
    """The entry as the expert's page, API and score sheet show it: without the declaring and
    recommending units, completers, contacts, the union's opinion and the awards when anonymised."""
    data = {
        "id": entry.pk,
        "title": entry.title,
        "category": entry.category.name if entry.category_id else "",
        "industry": f"{entry.industry_id} {entry.industry.name}" if entry.industry_id else "",
        "summary": entry.summary,
        "background": entry.background,
        "goals": entry.goals,
        "innovation_points": entry.innovation_points,
        "benefits": entry.benefits,
        "completed_on": entry.completed_on,
        "presentation_forms": [f.name for f in entry.presentation_forms.all()],
        "anonymised": anonymise,
    }
    if not anonymise:
        data.update({
            "declaring_unit": entry.declaring_unit.name,
            "recommending_unit": entry.recommending_unit.name,
            "affiliation": entry.affiliation,
            "completers": [{"name": c.name, "post": c.post, "workplace": c.workplace} for c in entry.completers.all()],
            "contact_name": entry.contact_name,
            "contact_mobile": entry.contact_mobile,
            "awards": entry.awards,
            "union_opinion": entry.union_opinion,
        })
    return data


# --- Scores --------------------------------------------------------------------------------------

def score_of(assignment: ReviewAssignment) -> Score | None:
    return Score.objects.filter(assignment=assignment).prefetch_related("items").first()


def points_of(score: Score | None) -> dict[int, Decimal | None]:
    """Points per criterion id of a score (its prefetched items)."""
    if score is None:
        return {}
    return {item.criterion_id: item.points for item in score.items.all()}


# --- The office's progress -----------------------------------------------------------------------

@dataclass
class ExpertProgress:
    expert: Expert
    assigned: int = 0
    submitted: int = 0
    drafts: int = 0
    last_reminded: dt.datetime | None = None
    overdue: bool = False

    @property
    def outstanding(self) -> int:
        return self.assigned - self.submitted

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


@dataclass
class EntryProgress:
    entry_id: int
    title: str
    assigned: int = 0
    submitted: int = 0
    drafts: int = 0
    # (score id, expert name) of the submitted scores: the office reopens one from here.
    submitted_scores: list = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.assigned > 0 and self.submitted >= self.assigned


def _visible_pairs(edition):
    """(expert id, entry id, score status or None) of every visible assignment of `edition`. One query."""
    conflicted = Conflict.objects.filter(expert_id=OuterRef("expert_id"), entry_id=OuterRef("entry_id"),
                                         lifted_at__isnull=True)
    return (ReviewAssignment.objects
            .filter(edition=edition, published_at__isnull=False, removed_at__isnull=True,
                    expert__status=ExpertStatus.ACCEPTED)
            .exclude(Exists(conflicted))
            .values_list("expert_id", "entry_id", "entry__title", "score__status", "score__id"))


def progress(edition, now=None) -> tuple[list[ExpertProgress], list[EntryProgress]]:
    """Per expert (assigned, submitted, drafts, overdue, last reminder) and per entry (scores in of k).
    Three queries whatever the size."""
    now = now or timezone.now()
    late = overdue(edition, now)
    experts = {e.pk: ExpertProgress(expert=e) for e in
               Expert.objects.filter(edition=edition, status=ExpertStatus.ACCEPTED).order_by("name", "id")}
    entries: dict[int, EntryProgress] = {}
    for expert_id, entry_id, title, status, score_id in _visible_pairs(edition):
        row = experts.get(expert_id)
        entry = entries.setdefault(entry_id, EntryProgress(entry_id=entry_id, title=title))
        entry.assigned += 1
        if row is not None:
            row.assigned += 1
        if status == ScoreStatus.SUBMITTED:
            entry.submitted += 1
            entry.submitted_scores.append((score_id, row.expert.name if row is not None else ""))
            if row is not None:
                row.submitted += 1
        elif status == ScoreStatus.DRAFT:
            entry.drafts += 1
            if row is not None:
                row.drafts += 1
    reminded = (AuditLog.objects.filter(edition=edition, action=REMIND_ACTION, object_type="review.expert")
                .values("object_id").annotate(last=Max("at")).values_list("object_id", "last"))
    for object_id, last in reminded:
        row = experts.get(int(object_id)) if str(object_id).isdigit() else None
        if row is not None:
            row.last_reminded = last
    for row in experts.values():
        row.overdue = late and row.outstanding > 0
    return list(experts.values()), sorted(entries.values(), key=lambda e: (e.complete, e.submitted, e.entry_id))


def outstanding_experts(edition, expert_ids=None) -> list[tuple[Expert, int]]:
    """Accepted experts with scores still to submit, and how many: the people a reminder goes to."""
    rows, _entries = progress(edition)
    wanted = set(expert_ids) if expert_ids is not None else None
    return [(r.expert, r.outstanding) for r in rows
            if r.outstanding > 0 and (wanted is None or r.expert.pk in wanted)]


def score_sheet_rows(seat: Expert, *, submitted_only: bool = True) -> list[tuple[ReviewAssignment, Score]]:
    """The scores of `seat` the 专家评分表 prints: submitted ones (visible assignments only). Three queries."""
    scores = (Score.objects.filter(expert=seat, assignment__in=visible_assignments(seat))
              .select_related("entry", "entry__category", "entry__declaring_unit", "assignment")
              .prefetch_related(Prefetch("items", queryset=ScoreItem.objects.order_by("criterion__position",
                                                                                     "criterion_id")))
              .order_by("entry_id"))
    if submitted_only:
        scores = scores.filter(status=ScoreStatus.SUBMITTED)
    return [(s.assignment, s) for s in scores]
