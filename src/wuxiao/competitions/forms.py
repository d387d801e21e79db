"""Forms for the edition's pages: its settings, its lists (R3, R4, R7, R11, R13, R22) and copying it."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import router
from django.db.models.deletion import Collector, ProtectedError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxiao.common.validators import validate_phone

from .models import CommitteeMember, Criterion, Edition, Exclusion, PrizeTier
from .services import EDITABLE_FIELDS, LIST_KINDS

POSITIVE_MESSAGE = _("Enter a whole number greater than zero.")
DATETIME_INPUT = "%Y-%m-%dT%H:%M"

# Settings shown together on the edit page, each group under a heading.
FIELD_GROUPS = (
    (_("Edition"), ("title", "year", "is_practice", "document_number", "issuers")),
    (_("Dates (Beijing time)"), ("notice_date", "declaration_opens_at", "declaration_deadline",
                                 "recommendation_deadline", "window_start", "window_end")),
    (_("Numbers"), ("recommendation_quota", "roadshow_minutes", "site_visit_top_n")),
    (_("Roadshow material"), ("ppt_max_mb", "ppt_aspect", "video_max_minutes", "video_max_mb",
                                    "video_width", "video_height", "video_formats")),
    (_("Contact"), ("contact_name", "contact_phone", "contact_email", "contact_address")),
    (_("Texts of the notice"), ("scope_text", "procedure_text", "notice_text")),
)
POSITIVE_FIELDS = ("year", "recommendation_quota", "roadshow_minutes", "site_visit_top_n", "ppt_max_mb",
                   "video_max_minutes", "video_max_mb", "video_width", "video_height")


class DateTimeLocalInput(forms.DateTimeInput):
    """A browser date-and-time picker, to the minute, in the site's time zone (Beijing)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_INPUT)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _positive(value) -> None:
    if value is not None and value < 1:
        raise ValidationError(POSITIVE_MESSAGE, code="positive")


def _require_positive(field: forms.Field) -> None:
    """One clear message for 0 and negative numbers instead of Django's "at least 0"."""
    field.validators = [v for v in field.validators if not isinstance(v, MinValueValidator)] + [_positive]
    field.widget.attrs["min"] = 1


class FieldGroup:
    """A part of a form that "includes/form_fields.html" renders like a whole form."""

    def __init__(self, form, title, names, first: bool):
        self.form, self.title, self.names, self.first = form, title, names, first

    def visible_fields(self):
        return [self.form[name] for name in self.names]

    def hidden_fields(self):
        return []

    def non_field_errors(self):
        return self.form.non_field_errors() if self.first else []


class EditionForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = EDITABLE_FIELDS
        widgets = {
            "notice_date": DateInput(),
            "window_start": DateInput(),
            "window_end": DateInput(),
            "declaration_opens_at": DateTimeLocalInput(),
            "declaration_deadline": DateTimeLocalInput(),
            "recommendation_deadline": DateTimeLocalInput(),
            "issuers": forms.Textarea(attrs={"rows": 2}),
            "scope_text": forms.Textarea(attrs={"rows": 6}),
            "procedure_text": forms.Textarea(attrs={"rows": 6}),
            "notice_text": forms.Textarea(attrs={"rows": 12}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in POSITIVE_FIELDS:
            _require_positive(self.fields[name])
        self.fields["contact_phone"].validators.append(validate_phone)
        self.fields["contact_phone"].widget.attrs["inputmode"] = "tel"
        # The notice is kept exactly as entered; a browser sends its lines with CR LF.
        self.fields["notice_text"].strip = False

    def _clean_text(self, name: str) -> str:
        return self.cleaned_data[name].replace("\r\n", "\n")

    def clean_scope_text(self):
        return self._clean_text("scope_text")

    def clean_procedure_text(self):
        return self._clean_text("procedure_text")

    def clean_notice_text(self):
        return self._clean_text("notice_text")

    def groups(self) -> list[FieldGroup]:
        return [FieldGroup(self, title, names, i == 0) for i, (title, names) in enumerate(FIELD_GROUPS)]

    def clean_declaration_deadline(self):
        # The deadline is kept to the minute (R15): a stray second from a pasted value is dropped.
        value = self.cleaned_data["declaration_deadline"]
        return value.replace(second=0, microsecond=0) if value else value

    def clean_ppt_aspect(self):
        value = self.cleaned_data["ppt_aspect"].replace("：", ":").replace(" ", "")
        if not re.fullmatch(r"[1-9]\d*:[1-9]\d*", value):
            raise ValidationError(_("Enter an aspect ratio such as 16:9."), code="aspect")
        return value

    def clean_video_formats(self):
        parts = [p.strip().lstrip(".").lower() for p in re.split(r"[,，、\s]+", self.cleaned_data["video_formats"])]
        parts = [p for p in parts if p]
        if not parts or not all(re.fullmatch(r"[a-z0-9]{2,5}", p) for p in parts):
            raise ValidationError(_("Enter file extensions separated by commas, e.g. mp4,wmv."), code="formats")
        return ",".join(dict.fromkeys(parts))

    def clean(self):
        data = super().clean()
        opens, deadline = data.get("declaration_opens_at"), data.get("declaration_deadline")
        recommendation = data.get("recommendation_deadline")
        if opens and deadline and deadline <= opens:
            self.add_error("declaration_deadline",
                           ValidationError(_("The deadline must be after the opening of declaration."),
                                           code="deadline_before_opening"))
        if deadline and recommendation and recommendation < deadline:
            self.add_error("recommendation_deadline",
                           ValidationError(_("The recommendation deadline cannot be before the declaration "
                                             "deadline."), code="recommendation_before_deadline"))
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and start >= end:
            self.add_error("window_end", ValidationError(_("The end of the window must be after its start."),
                                                         code="window"))
        return data


class EditionItemFormSet(forms.BaseInlineFormSet):
    """One of the edition's lists: rows can be added, removed and put in another order."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "ORDER" in form.fields:
            form.fields["ORDER"].label = pgettext_lazy("row position", "Order")
            form.fields["ORDER"].widget.attrs.update({"min": 1, "class": "order-input"})
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = pgettext_lazy("row", "Remove")

    def clean(self):
        super().clean()
        # A row that entries still point to (a category in use) cannot go: say so instead of failing.
        for form in self.deleted_forms:
            obj = form.instance
            if obj.pk is None:
                continue
            collector = Collector(using=router.db_for_write(type(obj)))
            try:
                collector.collect([obj])
            except ProtectedError:
                raise ValidationError(_("“%(item)s” is in use and cannot be removed."), code="in_use",
                                      params={"item": obj}) from None

    def rows_and_deleted(self) -> tuple[list, list]:
        """The rows to keep in the chosen order (new ones unsaved) and the rows to remove."""
        # ordered_forms leaves out removed rows and empty extra rows, and sorts by "Order".
        return [f.instance for f in self.ordered_forms], [f.instance for f in self.deleted_forms if f.instance.pk]


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "max_points", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _require_positive(self.fields["max_points"])


class PrizeTierForm(forms.ModelForm):
    class Meta:
        model = PrizeTier
        fields = ["name", "count", "amount_yuan"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _require_positive(self.fields["count"])
        _require_positive(self.fields["amount_yuan"])


class ExclusionForm(forms.ModelForm):
    class Meta:
        model = Exclusion
        fields = ["number", "text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _require_positive(self.fields["number"])


class CommitteeMemberForm(forms.ModelForm):
    class Meta:
        model = CommitteeMember
        fields = ["body", "function", "name", "post"]


# kind → (title, form or field names, min rows)
LIST_PAGES = {
    "categories": (_("Categories"), ["name"], 1),
    "presentation-forms": (_("Presentation forms"), ["name"], 1),
    "exclusions": (_("Exclusions"), ExclusionForm, 0),
    "criteria": (_("Review criteria"), CriterionForm, 1),
    "prizes": (_("Prize tiers"), PrizeTierForm, 1),
    "committee": (_("Committee members"), CommitteeMemberForm, 0),
}
assert set(LIST_PAGES) == set(LIST_KINDS)


def list_formset_class(kind: str):
    """The inline formset class for one of the edition's lists."""
    _title, form_or_fields, min_num = LIST_PAGES[kind]
    options = {"form": form_or_fields} if isinstance(form_or_fields, type) else {"fields": form_or_fields}
    return forms.inlineformset_factory(
        Edition, LIST_KINDS[kind], formset=EditionItemFormSet, extra=2, can_delete=True, can_order=True,
        min_num=min_num, validate_min=bool(min_num), **options,
    )


class CopyEditionForm(forms.Form):
    slug = forms.SlugField(
        label=_("short name (in addresses)"), max_length=50,
        help_text=_("Letters, digits and hyphens, e.g. zhengzhou-2026."),
        error_messages={"invalid": _("Use only letters, digits and hyphens, e.g. zhengzhou-2026.")},
    )
    title = forms.CharField(label=_("title"), max_length=200)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    shift_days = forms.IntegerField(
        label=_("shift all dates by (days)"), initial=365, min_value=-3660, max_value=3660,
        help_text=_("365 moves every date and deadline one year later; 0 keeps them."),
    )
    is_practice = forms.BooleanField(label=_("practice copy (演示)"), required=False)

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if Edition.objects.filter(slug=slug).exists():
            raise ValidationError(_("Another edition already uses this short name."), code="slug_taken")
        return slug
