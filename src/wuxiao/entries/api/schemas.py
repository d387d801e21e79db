"""The entries API's schemas: what it reads and answers."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Schema

from wuxiao.api_common import Count, Id

from ..enums import EntryStatus
from ..queries import (
    DEFAULT_SORT,
    SEARCH_MAX,
    SORTS,
    recommendation_opinion,
)
from ..transitions import registry


class NamedOut(Schema):
    id: int
    name: str


class IndustryOut(Schema):
    code: str
    name: str


class ProblemOut(Schema):
    field: str = Field(..., description="The form field the problem belongs to (an anchor of the page).")
    message: str
    missing: bool = Field(..., description="True: `message` is the label of a required field left empty.")


class SubmitRefusedOut(Schema):
    detail: str
    problems: list[ProblemOut]


class ProblemsOut(Schema):
    ready: bool = Field(..., description="True when nothing stops the submission but, maybe, the deadline.")
    declaration_open: bool
    problems: list[ProblemOut]
    warnings: list[ProblemOut] = Field(..., description="Soft targets that do not block the submission.")


class CompleterOut(Schema):
    position: int
    name: str
    age: int | None
    post: str
    workplace: str
    phone: str


class ExclusionAnswerOut(Schema):
    exclusion_id: int
    number: int
    text: str
    applies: bool | None = Field(..., description="null: not answered yet.")


class AttachmentOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    size: int
    content_type: str
    uploaded_at: dt.datetime
    download_url: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.original_name

    @staticmethod
    def resolve_uploaded_at(obj) -> dt.datetime:
        return timezone.localtime(obj.uploaded_at)

    @staticmethod
    def resolve_download_url(obj) -> str:
        return reverse("api:entry_attachment_file", kwargs={"entry_id": obj.entry_id, "attachment_id": obj.pk})


class DetailOut(Schema):
    key: str = Field(..., description="The recorded data's key (rank, opinion, rule, due_date …).")
    label: str
    value: str = Field(..., description="In words, as the entry's page shows it.")


class TransitionOut(Schema):
    action: str
    action_label: str
    from_status: str
    to_status: str
    by: str | None
    at: dt.datetime
    reason: str
    details: list[DetailOut] = Field(..., description="What the step recorded besides the reason, in words.")


class OpinionOut(Schema):
    text: str
    unit: str = Field(..., description="The recommending unit's name.")
    given_on: dt.date = Field(..., description="The day of the recommendation (Beijing time).")
    by: str = Field(..., description="Who recorded it.")


class WithdrawIn(Schema):
    reason: str | None = Field(None, description="Why the entry is withdrawn (required; the recommending unit "
                                                 "is told).")


class EntrySummaryOut(Schema):
    id: int
    title: str
    edition: str = Field(..., description="The edition's short name (slug).")
    status: str
    status_label: str
    is_editable: bool
    category: NamedOut | None
    declaring_unit: NamedOut
    recommending_unit: NamedOut
    industry: IndustryOut | None
    first_completer: str | None
    submitted_at: dt.datetime | None = Field(..., description="Beijing time.")
    attachment_count: int
    commitment_stamped: bool = Field(..., description="The declaring unit's credit commitment (R27) is stamped.")
    updated_at: dt.datetime

    @staticmethod
    def resolve_edition(obj) -> str:
        return obj.edition.slug

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_category(obj):
        return {"id": obj.category.pk, "name": obj.category.name} if obj.category else None

    @staticmethod
    def resolve_declaring_unit(obj):
        return {"id": obj.declaring_unit.pk, "name": obj.declaring_unit.name}

    @staticmethod
    def resolve_recommending_unit(obj):
        return {"id": obj.recommending_unit.pk, "name": obj.recommending_unit.name}

    @staticmethod
    def resolve_industry(obj):
        return {"code": obj.industry.code, "name": obj.industry.name} if obj.industry else None

    @staticmethod
    def resolve_submitted_at(obj):
        return timezone.localtime(obj.submitted_at) if obj.submitted_at else None

    @staticmethod
    def resolve_updated_at(obj):
        return timezone.localtime(obj.updated_at)


class EntryOut(EntrySummaryOut):
    affiliation: str
    contact_name: str
    contact_mobile: str
    completers: list[CompleterOut] = Field(..., description="In order; the first is the first completer (R18).")
    awards: str
    summary: str
    industry_code: str | None
    background: str
    goals: str
    innovation_points: str
    benefits: str
    presentation_forms: list[NamedOut]
    completed_on: dt.date | None
    other_circumstances: str
    union_opinion: str
    union_opinion_by: str
    union_opinion_on: dt.date | None
    confirms_scope: bool
    confirms_recent: bool
    exclusion_answers: list[ExclusionAnswerOut] = Field(..., description="One per exclusion of R4 in the edition.")
    recommendation_opinion: OpinionOut | None = Field(
        ..., description="推荐单位意见 (R23): given with the recommendation; null while the entry is not recommended.")
    attachments: list[AttachmentOut]
    history: list[TransitionOut]
    created_at: dt.datetime

    @staticmethod
    def resolve_first_completer(obj):
        completers = obj.completers.all()
        return completers[0].name if completers else None

    @staticmethod
    def resolve_attachment_count(obj):
        return len(obj.attachments.all())

    @staticmethod
    def resolve_completers(obj):
        return list(obj.completers.all())

    @staticmethod
    def resolve_industry_code(obj):
        return obj.industry_id

    @staticmethod
    def resolve_presentation_forms(obj):
        return [{"id": f.pk, "name": f.name} for f in obj.presentation_forms.all()]

    @staticmethod
    def resolve_exclusion_answers(obj):
        answers = {a.exclusion_id: a.applies for a in obj.exclusion_answers.all()}
        return [{"exclusion_id": x.pk, "number": x.number, "text": x.text, "applies": answers.get(x.pk)}
                for x in obj.edition.exclusions.all()]

    @staticmethod
    def resolve_attachments(obj):
        return list(obj.attachments.all())

    @staticmethod
    def resolve_recommendation_opinion(obj):
        opinion = recommendation_opinion(obj)
        if opinion is None:
            return None
        return {"text": opinion.text, "unit": opinion.unit, "given_on": opinion.given_on, "by": opinion.by}

    @staticmethod
    def resolve_history(obj):
        return [{"action": t.action, "action_label": str(t.get_action_display()), "from_status": t.from_status,
                 "to_status": t.to_status, "by": t.actor.name if t.actor else None, "at": timezone.localtime(t.at),
                 "reason": t.reason,
                 "details": [{"key": d.key, "label": d.label, "value": d.value}
                             for d in registry.details_of(t.data)]}
                for t in obj.transitions.all()]

    @staticmethod
    def resolve_created_at(obj):
        return timezone.localtime(obj.created_at)


class EntryFilters(Schema):
    edition: str | None = Field(None, max_length=50, description="The edition's short name; default: current.")
    status: EntryStatus | None = Field(None, description="Drafts are listed for the committee only when asked for.")
    category: Id | None = Field(None, description="Id of the category (R3).")
    unit: str | None = Field(None, max_length=SEARCH_MAX, description="Part of the declaring unit's name.")
    recommending_unit: Id | None = Field(None, description="Id of the recommending unit.")
    industry: str | None = Field(None, pattern=r"^\d{2}$", description="GB/T 4754 division (大类), two digits.")
    q: str | None = Field(None, max_length=SEARCH_MAX, description="Part of the title.")
    sort: str = Field(DEFAULT_SORT, pattern="^(" + "|".join(SORTS) + ")$")


class EntryCreateIn(Schema):
    edition: str | None = Field(None, description="The edition's short name; default: current.")
    unit_id: Id | None = Field(None, description="Your declaring unit; needed only if you work for several.")
    title: str = ""


class CompleterIn(Schema):
    name: str = ""
    age: Count | str | None = Field(None, description="Whole years (R18); checked as the page checks it.")
    post: str = ""
    workplace: str = ""
    phone: str = ""


class EntryPatchIn(Schema):
    """Only the fields sent are changed; a draft is saved as it is, the rules are checked on submission."""

    title: str | None = None
    affiliation: str | None = None
    contact_name: str | None = None
    contact_mobile: str | None = None
    awards: str | None = None
    summary: str | None = None
    background: str | None = None
    goals: str | None = None
    innovation_points: str | None = None
    benefits: str | None = None
    completed_on: str | None = Field(None, description="YYYY-MM-DD; not in the future.")
    other_circumstances: str | None = None
    union_opinion: str | None = None
    union_opinion_by: str | None = None
    union_opinion_on: str | None = Field(None, description="YYYY-MM-DD; not in the future.")
    confirms_scope: bool | None = None
    confirms_recent: bool | None = None
    completers: list[CompleterIn] | None = Field(None, description="The whole list, in order (R18).")
    exclusion_answers: dict[Id, bool | None] | None = Field(
        None, description="Exclusion id → true (applies) / false (does not apply), R4.")
    presentation_form_ids: list[Id] | None = Field(None, description="R22, several.")
    industry_code: str | None = Field(None, description="GB/T 4754 class, four digits; empty clears.")
    category_id: Id | None = Field(None, description="R3; null clears.")
