"""The declaring unit's forms: the entry form of Attachment 2 (R17–R25) and starting a new entry.

Drafts are saved as typed (declaration.save_entry). A field that cannot be stored as typed
(a date that is not a date, a mobile that is not a mobile, a completer's age out of range) is
refused beside the field and keeps its old stored value, while everything else is saved; limits
on 字 and completeness are checked when the entry is submitted (declaration.submission_problems).
"""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.common.exceptions import InvalidInput
from wuxiao.common.models import Industry
from wuxiao.common.request_keys import RequestKeyField
from wuxiao.common.validators import validate_mobile, validate_phone

from .declaration import COMPLETER_AGE, EDITABLE_FIELDS
from .models import Completer, Entry

# Control characters that Word or a web page may paste along (everything of category Cc but
# tab and newline), plus the byte-order mark and the zero-width space.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\u200b]")

# Far above any 字数 limit of the form (those are checked on submission), enough to refuse a flood.
TEXT_MAX = 20000

TEXTAREA_ROWS = {"awards": 3, "summary": 8, "background": 4, "goals": 4, "innovation_points": 8, "benefits": 8,
                 "other_circumstances": 3, "union_opinion": 3}

# The notice's guidance for each part of the form (Attachment 2, R19–R25).
GUIDANCE = {
    "awards": _("Plain text, brief and truthful."),
    "summary": _("Plain text, at most 500 字. Describe in numbered points: 1. field / type of work where "
                 "it applies; 2. the practical problem solved; 3. the innovation; 4. the economic and social "
                 "benefits achieved; 5. other remarks."),
    "industry": _("Part 1 of the description: the industry and its sub-category in GB/T 4754 "
                  "“Industrial classification for national economic activities”. Search by code or name, or "
                  "choose section › division › group › class."),
    "background": _("Part 2, about 100 字: the state of research at home and abroad, and the obstacles "
                    "and pain points of the field."),
    "goals": _("Part 3, about 100 字: the practical problem solved, the technical innovation or invention "
               "and its application; practicality proven in practice, with sufficient and valid data and "
               "evidence."),
    "innovation_points": _("Part 4, at most 500 字, in numbered points. Originality: original value, a new "
                           "or markedly different solution, technique or method; technical difficulty: fills a "
                           "domestic gap or leads the industry. Timeliness: meets new or growing needs of the "
                           "enterprise or the market. Practicality: deployed systematically in the organisation; "
                           "easy to implement with the organisation's people, money, technology, equipment and "
                           "materials."),
    "benefits": _("Part 5, at most 500 字, in numbered points. Economic benefits: 1. compared with existing "
                  "or similar projects; 2. financial and market results compared with competitors or "
                  "benchmarks. Social benefits: 1. improvements to the environment, resources, public welfare, "
                  "employment, consumer rights, law and ethics; 2. benefits to staff, shareholders, suppliers "
                  "and other stakeholders."),
    "presentation_forms": _("The presentation forms are the forms of the roadshow; choose one or more."),
    "other_circumstances": _("Anything else the committee should know; attach material on it below if needed."),
    "union_opinion": _("The opinion of the declaring enterprise's trade union; the printed form is stamped "
                       "by the union."),
    "contact_mobile": _("A mobile number, e.g. 13812345678."),
}

ZI_HELP = _("字数 are counted as Word's word count does: every Chinese character and full-width punctuation "
            "mark counts 1, and every run of letters or digits (an English word, “2024”, “30%”) counts 1; "
            "spaces do not count.")


def clean_text(value: str) -> str:
    """Plain text as stored: Windows line ends made \\n, pasted control characters removed (tabs kept)."""
    return _CONTROL.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n"))


class PlainTextField(forms.CharField):
    """Text as the user typed or pasted it, without control characters (emoji and markup are kept)."""

    def to_python(self, value):
        return clean_text(super().to_python(value))


def _label(name: str):
    return Entry._meta.get_field(name).verbose_name


def _not_in_future(day: dt.date | None) -> dt.date | None:
    if day is not None and day > timezone.localdate():
        raise ValidationError(_("This date is in the future: give the actual date."), code="future")
    return day


YES_NO = [("1", _("Yes")), ("0", _("No"))]


class EntryForm(forms.Form):
    """Every field of the entry form, in the order of Attachment 2; nothing is required in a draft."""

    title = PlainTextField(label=_label("title"), max_length=200, required=False)
    category = forms.ModelChoiceField(label=_("category"), queryset=None, required=False,
                                      widget=forms.RadioSelect, empty_label=None,
                                      error_messages={"invalid_choice": _("Choose a category of this edition (the "
                                                                          "notice, Attachment 2, note 2).")})
    affiliation = PlainTextField(label=_label("affiliation"), max_length=200, required=False)
    contact_name = PlainTextField(label=_label("contact_name"), max_length=50, required=False)
    contact_mobile = PlainTextField(label=_("contact phone (mobile number)"), max_length=20, required=False,
                                    validators=[validate_mobile],
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    awards = PlainTextField(label=_label("awards"), required=False, max_length=TEXT_MAX,
                            widget=forms.Textarea)
    summary = PlainTextField(label=_label("summary"), required=False, max_length=TEXT_MAX,
                             widget=forms.Textarea)
    industry = forms.CharField(label=_label("industry"), max_length=4, required=False)
    background = PlainTextField(label=_label("background"), required=False, max_length=TEXT_MAX,
                                widget=forms.Textarea)
    goals = PlainTextField(label=_label("goals"), required=False, max_length=TEXT_MAX,
                           widget=forms.Textarea)
    innovation_points = PlainTextField(label=_label("innovation_points"), required=False, max_length=TEXT_MAX,
                                       widget=forms.Textarea)
    benefits = PlainTextField(label=_label("benefits"), required=False, max_length=TEXT_MAX,
                              widget=forms.Textarea)
    presentation_forms = forms.ModelMultipleChoiceField(label=_label("presentation_forms"), queryset=None,
                                                        required=False, widget=forms.CheckboxSelectMultiple)
    completed_on = forms.DateField(label=_label("completed_on"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    other_circumstances = PlainTextField(label=_label("other_circumstances"), required=False, max_length=TEXT_MAX,
                                         widget=forms.Textarea)
    confirms_scope = forms.BooleanField(
        label=_("The declaring unit's trade union belongs to Zhengzhou, and the completers are front-line workers of "
                "organs, enterprises or institutions (the notice, Attachment 1, section 2 “Scope”)."), required=False)
    confirms_recent = forms.BooleanField(label=_label("confirms_recent"), required=False)
    union_opinion = PlainTextField(label=_label("union_opinion"), required=False, max_length=TEXT_MAX,
                                   widget=forms.Textarea)
    union_opinion_by = PlainTextField(label=_label("union_opinion_by"), max_length=50, required=False)
    union_opinion_on = forms.DateField(label=_label("union_opinion_on"), required=False,
                                       widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, entry: Entry, **kwargs):
        if "initial" not in kwargs and not args:
            kwargs["initial"] = initial_of(entry)
        super().__init__(*args, **kwargs)
        self.entry = entry
        edition = entry.edition
        self.fields["category"].queryset = edition.categories.all()
        self.fields["presentation_forms"].queryset = edition.presentation_forms.all()
        start, end = edition.window_start, edition.window_end
        self.fields["confirms_recent"].label = _(
            "The innovation was achieved in the last three years, between %(start)s and %(end)s (the notice, "
            "Attachment 1, section 2 “Scope”).") % {
            "start": start.isoformat(), "end": end.isoformat()}
        self.fields["completed_on"].help_text = _(
            "The date the innovation was completed or put into use; this edition accepts %(start)s to %(end)s "
            "(the notice, Attachment 1, section 2 “Scope”).") % {"start": start.isoformat(), "end": end.isoformat()}
        self.exclusions = list(edition.exclusions.all())
        for exclusion in self.exclusions:
            self.fields[f"exclusion_{exclusion.pk}"] = forms.ChoiceField(
                label=f"{exclusion.number}. {exclusion.text}", choices=YES_NO, required=False,
                widget=forms.RadioSelect)
        self.fields["industry"].widget.attrs.update({"class": "industry-code no-js-only", "data-industry-code": "",
                                                     "autocomplete": "off"})
        for name, rows in TEXTAREA_ROWS.items():
            self.fields[name].widget.attrs["rows"] = rows
        for name, text in GUIDANCE.items():
            self.fields[name].help_text = text

    def clean_industry(self):
        code = self.cleaned_data["industry"].strip().upper()
        # The row itself, so that saving and the API's answer show it without reading it again.
        self.industry_row = Industry.objects.filter(pk=code).first() if code else None
        if code and self.industry_row is None:
            raise ValidationError(_("“%(code)s” is not a code of GB/T 4754; choose the industry in the list.")
                                  % {"code": code}, code="industry")
        return code

    def clean_completed_on(self):
        return _not_in_future(self.cleaned_data["completed_on"])

    def clean_union_opinion_on(self):
        return _not_in_future(self.cleaned_data["union_opinion_on"])

    def exclusion_fields(self):
        return [(x, self[f"exclusion_{x.pk}"]) for x in self.exclusions]

    def save_arguments(self) -> dict:
        """The keyword arguments of declaration.save_entry for every field that was valid."""
        data = self.cleaned_data
        # A text or date field missing from the request (not merely empty) keeps its stored value.
        kwargs: dict = {"fields": {name: data[name] for name in EDITABLE_FIELDS if name in data
                                   and (name in self.data or isinstance(self.fields[name], forms.BooleanField))}}
        # The rows the fields have read (the edition's category and forms, the industry): save_entry takes them
        # over instead of reading them again.
        read = {}
        if "category" in data:
            kwargs["category_id"] = data["category"].pk if data["category"] else 0
            read["category"] = data["category"]
        if "presentation_forms" in data:
            kwargs["presentation_form_ids"] = [p.pk for p in data["presentation_forms"]]
            read["presentation_forms"] = list(data["presentation_forms"])
        if "industry" in data:
            kwargs["industry_code"] = data["industry"]
            read["industry"] = getattr(self, "industry_row", None)
        kwargs["read"] = read
        answers = {}
        for exclusion in self.exclusions:
            name = f"exclusion_{exclusion.pk}"
            if name in data:
                answers[exclusion.pk] = {"1": True, "0": False}.get(data[name])
        kwargs["exclusion_answers"] = answers
        return kwargs


def initial_of(entry: Entry) -> dict:
    initial = {name: getattr(entry, name) for name in EDITABLE_FIELDS}
    initial["category"] = entry.category_id
    initial["industry"] = entry.industry_id or ""
    if entry.pk:
        initial["presentation_forms"] = [p.pk for p in entry.presentation_forms.all()]
        for answer in entry.exclusion_answers.all():
            initial[f"exclusion_{answer.exclusion_id}"] = "1" if answer.applies else "0"
    return initial


def _age_message():
    return _("The age should be between %(min)d and %(max)d.") % {"min": COMPLETER_AGE[0], "max": COMPLETER_AGE[1]}


class CompleterForm(forms.Form):
    """One row of the main completers' table (R18)."""

    name = PlainTextField(label=Completer._meta.get_field("name").verbose_name, max_length=50, required=False)
    age = forms.IntegerField(label=Completer._meta.get_field("age").verbose_name, required=False,
                             widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    post = PlainTextField(label=Completer._meta.get_field("post").verbose_name, max_length=100, required=False)
    workplace = PlainTextField(label=Completer._meta.get_field("workplace").verbose_name, max_length=200,
                               required=False)
    phone = PlainTextField(label=Completer._meta.get_field("phone").verbose_name, max_length=30, required=False,
                           validators=[validate_phone], widget=forms.TextInput(attrs={"inputmode": "tel"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["age"].error_messages["invalid"] = _age_message()

    def clean_age(self):
        age = self.cleaned_data["age"]
        if age is not None and not (COMPLETER_AGE[0] <= age <= COMPLETER_AGE[1]):
            raise ValidationError(_age_message(), code="age")
        return age

    def clean(self):
        data = super().clean()
        if not self.is_blank() and data.get("age") is None and "age" not in self.errors:
            self.add_error("age", _("Give the completer's age."))
        return data

    def is_blank(self) -> bool:
        return not any(str(self.cleaned_data.get(k) or "").strip() for k in ("name", "age", "post", "workplace",
                                                                            "phone"))


class BaseCompleterFormSet(forms.BaseFormSet):
    def sort_for_display(self) -> None:
        """Show posted rows in the order the page gave them (their names keep their indices)."""

        def key(pair):
            index, form = pair
            try:
                return (int(form["ORDER"].value()), index)
            except (TypeError, ValueError):
                return (10**6, index)

        self.forms[:] = [form for _index, form in sorted(enumerate(self.forms), key=key)]

    def rows(self) -> list[dict]:
        """The filled rows in the order the page gives (ORDER, then position); deleted and blank rows dropped."""
        keyed = []
        for index, form in enumerate(self.forms):
            if self.can_delete and form.cleaned_data.get("DELETE"):
                continue
            if form.is_blank():
                continue
            order = form.cleaned_data.get("ORDER")
            row = {k: form.cleaned_data.get(k) for k in ("name", "age", "post", "workplace", "phone")}
            keyed.append((order if order is not None else 10**6, index, row))
        return [row for _order, _index, row in sorted(keyed, key=lambda k: (k[0], k[1]))]


CompleterFormSet = forms.formset_factory(CompleterForm, formset=BaseCompleterFormSet, extra=0, can_order=True,
                                         can_delete=True, max_num=30, validate_max=True)
COMPLETER_PREFIX = "completers"


def completer_formset(entry: Entry, data=None, extra_row: bool = False) -> BaseCompleterFormSet:
    """The completers' rows: the stored ones, or a first blank row (and one more when asked)."""
    if data is not None:
        formset = CompleterFormSet(data, prefix=COMPLETER_PREFIX)
        if extra_row and formset.is_valid():
            rows = formset.rows()
            return CompleterFormSet(prefix=COMPLETER_PREFIX, initial=_with_order(rows + [{}]))
        return formset
    rows = [{k: getattr(c, k) for k in ("name", "age", "post", "workplace", "phone")}
            for c in entry.completers.all()] if entry.pk else []
    if not rows or extra_row:
        rows.append({})
    return CompleterFormSet(prefix=COMPLETER_PREFIX, initial=_with_order(rows))


def _with_order(rows: list[dict]) -> list[dict]:
    return [{**row, "ORDER": i} for i, row in enumerate(rows, start=1)]


class NewEntryForm(forms.Form):
    """Start an entry: which of the user's declaring units, which open edition, and a working title."""

    unit = forms.ModelChoiceField(label=_("declaring unit"), queryset=None, empty_label=None)
    edition = forms.ModelChoiceField(label=_("edition"), queryset=None, empty_label=None)
    title = PlainTextField(label=_label("title"), max_length=200, required=False)
    # A double click on "start" sends the form twice with this key: one draft is started, not two.
    request_key = RequestKeyField()

    def __init__(self, *args, units, editions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["edition"].queryset = editions
        if units.count() == 1:
            self.fields["unit"].widget = forms.HiddenInput()
            self.fields["unit"].initial = units.first().pk
        if editions.count() == 1:
            self.fields["edition"].widget = forms.HiddenInput()
            self.fields["edition"].initial = editions.first().pk
        self.fields["title"].widget.attrs["placeholder"] = _("Title of the innovation (can be filled in later)")


class WithdrawForm(forms.Form):
    """Withdraw a submitted entry no one has decided on yet: why (required, told to the recommending unit)."""

    reason = PlainTextField(
        label=_("Reason for withdrawing"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your recommending unit is told that the entry was withdrawn, and why."),
        error_messages={"required": _("Please give the reason for withdrawing the entry.")})

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(self.fields["reason"].error_messages["required"], code="required")
        return reason


def validate_withdraw_input(sent: dict) -> str:
    """The API's withdraw, checked by the page's form: the reason, or InvalidInput (422) beside `reason`."""
    form = WithdrawForm({"reason": "" if sent.get("reason") is None else str(sent["reason"])})
    if not form.is_valid():
        errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        raise InvalidInput(errors)
    return form.cleaned_data["reason"]


# --- The API's input, through the same forms ---------------------------------------------------
# The REST API's PATCH of an entry sends JSON; it is turned into the page's form data and
# validated by EntryForm and the completers' formset, so page and API accept and refuse the same
# input with the same messages (no second set of rules). The API's names of the inputs that the
# page names differently:
API_NAMES = {"category": "category_id", "industry": "industry_code", "presentation_forms": "presentation_form_ids"}
FORM_NAMES = {api: page for page, api in API_NAMES.items()}


def api_form_data(sent: dict, entry: Entry) -> dict:
    """The page's form data (as a browser would post it) for the fields sent to the API."""
    data: dict = {}
    for name, value in sent.items():
        if name in ("completers", "exclusion_answers"):
            continue
        page = FORM_NAMES.get(name, name)
        if isinstance(value, bool):
            if value:
                data[page] = "on"
        elif isinstance(value, list):
            data[page] = [str(v) for v in value]
        elif isinstance(value, dt.date):
            data[page] = value.isoformat()
        else:
            data[page] = "" if value is None else str(value)
    for pk, applies in (sent.get("exclusion_answers") or {}).items():
        data[f"exclusion_{pk}"] = {True: "1", False: "0"}.get(applies, "")
    rows = sent.get("completers") or []
    if "completers" in sent:
        data.update({f"{COMPLETER_PREFIX}-TOTAL_FORMS": str(len(rows)), f"{COMPLETER_PREFIX}-INITIAL_FORMS": "0"})
        for i, row in enumerate(rows):
            for key in ("name", "age", "post", "workplace", "phone"):
                value = row.get(key)
                data[f"{COMPLETER_PREFIX}-{i}-{key}"] = "" if value is None else str(value)
            data[f"{COMPLETER_PREFIX}-{i}-ORDER"] = str(i + 1)
    return data


def validate_api_input(sent: dict, entry: Entry) -> dict:
    """The keyword arguments of declaration.save_entry for the fields sent, validated by the page's
    forms; raises InvalidInput with every message, by the API's input names, when any is wrong."""
    data = api_form_data(sent, entry)
    form = EntryForm(data, entry=entry)
    errors: dict[str, list[str]] = {}
    known = {x.pk for x in form.exclusions}
    for pk in (sent.get("exclusion_answers") or {}):
        if pk not in known:
            errors[f"exclusion_answers.{pk}"] = [str(_("This edition has no exclusion with this number."))]
    labels: dict[str, str] = {}
    form.is_valid()
    for name, messages in form.errors.items():
        key = f"exclusion_answers.{name.removeprefix('exclusion_')}" if name.startswith("exclusion_") else (
            API_NAMES.get(name, name))
        errors[key] = [str(m) for m in messages]
        labels[key] = str(form.fields[name].label) if name in form.fields else key
    kwargs = form.save_arguments()
    kwargs["fields"] = {name: value for name, value in kwargs["fields"].items() if name in sent}
    for optional, row in (("category_id", "category"), ("presentation_form_ids", "presentation_forms"),
                          ("industry_code", "industry")):
        if optional not in sent:
            kwargs.pop(optional, None)
            kwargs["read"].pop(row, None)
    if "exclusion_answers" not in sent:
        kwargs.pop("exclusion_answers", None)
    if "completers" in sent:
        formset = completer_formset(entry, data=data)
        if formset.is_valid():
            kwargs["completers"] = formset.rows()
        else:
            for i, row_errors in enumerate(formset.errors):
                for name, messages in row_errors.items():
                    errors[f"completers.{i}.{name}"] = [str(m) for m in messages]
                    field = CompleterForm.base_fields[name].label if name in CompleterForm.base_fields else name
                    labels[f"completers.{i}.{name}"] = str(_("Completer %(n)d: %(field)s")
                                                           % {"n": i + 1, "field": field})
            if formset.non_form_errors():
                errors["completers"] = [str(m) for m in formset.non_form_errors()]
    if errors:
        # The page shows each message beside its field; a caller of the API reads which field it is.
        raise InvalidInput(errors, "；".join(f"{labels.get(key, key)}：{' '.join(messages)}"
                                            for key, messages in errors.items()))
    return kwargs
