"""Forms of the expert pool, the second-round settings and the conflicts; the API and the Excel import
validate through the same forms, so that they accept and refuse the same input with the same messages."""

import re

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxiao.accounts.models import User
from wuxiao.common.models import Industry
from wuxiao.common.validators import credit_code_problem, normalize_credit_code, normalize_mobile, validate_mobile

from .forms import ReasonForm
from .models import ExpertTitle, ReviewSettings

_SEPARATORS = re.compile(r"[,，、;；\s]+")
# A section letter, a division/group/class number, or both as committees often write them (C34 = 34).
_FIELD = re.compile(r"^(?:([A-Za-z])|([A-Za-z])?(\d{2,4}))(?:[:：](\d+))?$")


def parse_fields(text: str) -> list[tuple[str, int]]:
    """Fields of expertise written as "C34:3, 4420:2, 3421" (GB/T 4754 codes at any level, each with the
    depth 1–3, 2 when omitted) → (code, depth) pairs; ValidationError naming each bad one."""
    tokens = [t for t in _SEPARATORS.split((text or "").strip()) if t]
    if not tokens:
        raise ValidationError(_("Give at least one field of expertise as a GB/T 4754 industry code, e.g. C34:3."),
                              code="required")
    pairs, bad, depths = {}, [], []
    for token in tokens:
        match = _FIELD.match(token)
        if match is None:
            bad.append(token)
            continue
        code, depth = (match.group(1) or match.group(3)).upper(), int(match.group(4) or 2)
        if not 1 <= depth <= 3:
            depths.append(token)
            continue
        pairs[code] = depth
    known = set(Industry.objects.filter(code__in=list(pairs)).values_list("code", flat=True))
    unknown = [code for code in pairs if code not in known]
    errors = []
    if bad:
        errors.append(ValidationError(_("Not an industry code: %(values)s. Write GB/T 4754 codes such as C, 34, 342 "
                                        "or 3421, each optionally with the depth after a colon (3421:3).")
                                      % {"values": "、".join(bad)}, code="format"))
    if depths:
        errors.append(ValidationError(_("The depth must be 1, 2 or 3: %(values)s.") % {"values": "、".join(depths)},
                                      code="depth"))
    if unknown:
        errors.append(ValidationError(_("Unknown GB/T 4754-2017 industry code: %(codes)s.")
                                      % {"codes": "、".join(unknown)}, code="unknown"))
    if errors:
        raise ValidationError(errors)
    return list(pairs.items())


def fields_text(expert) -> str:
    """The expert's fields as the form writes them (C34:3, 4420:2)."""
    return ", ".join(f"{f.industry_id}:{f.depth}" for f in expert.fields.all())


class ExpertForm(forms.Form):
    """One expert of the pool; `edition` (None in the import) refuses a mobile number already in its pool."""

    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=50)
    organisation_name = forms.CharField(label=_("organisation"), max_length=200)
    credit_code = forms.CharField(label=_("credit code of the organisation"), max_length=30, required=False,
                                  help_text=_("Optional: recognises the unit registered on the platform."))
    title = forms.ChoiceField(label=_("professional title"), choices=ExpertTitle.choices)
    fields_text = forms.CharField(
        label=_("fields of expertise (GB/T 4754 codes)"), max_length=500,
        error_messages={"required": _("Give at least one field of expertise as a GB/T 4754 industry code, "
                                      "e.g. C34:3.")},
        help_text=_("Industry codes at any level separated by commas, each with your depth 1–3 after a colon "
                    "(3 = expert, 1 = acquainted), e.g. C34:3, 4420:2."))
    mobile = forms.CharField(label=_("mobile number"), max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    email = forms.EmailField(label=_("e-mail"), required=False,
                             help_text=_("The invitation is sent to this address."))
    load_min = forms.IntegerField(label=_("entries at least (this expert)"), min_value=0, max_value=10000,
                                  required=False, help_text=_("Empty: the edition's setting."))
    load_max = forms.IntegerField(label=_("entries at most (this expert)"), min_value=0, max_value=10000,
                                  required=False, help_text=_("Empty: the edition's setting."))

    def __init__(self, *args, edition=None, expert=None, **kwargs):
        self.edition, self.expert = edition, expert
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Give the expert's name."), code="required")
        return name

    def clean_organisation_name(self):
        return self.cleaned_data["organisation_name"].strip()

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data.get("credit_code", ""))
        if code and credit_code_problem(code) in ("length", "charset"):
            raise ValidationError(_("A Unified Social Credit Code has 18 digits and capital letters."), code="code")
        return code

    def clean_fields_text(self):
        return parse_fields(self.cleaned_data["fields_text"])

    def clean_mobile(self):
        value = self.cleaned_data["mobile"]
        validate_mobile(value)
        mobile = normalize_mobile(value)
        if self.edition is not None:
            from .models import Expert

            others = Expert.objects.filter(edition=self.edition, mobile=mobile)
            if self.expert is not None:
                others = others.exclude(pk=self.expert.pk)
            other = others.first()
            if other is not None:
                raise ValidationError(_("%(name)s already has this mobile number in the expert pool; one expert, "
                                        "one mobile number.") % {"name": other.name}, code="duplicate")
        return mobile

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("load_min"), cleaned.get("load_max")
        if low is not None and high is not None and low > high:
            self.add_error("load_max", _("The most entries cannot be fewer than the least (%(low)d).") % {"low": low})
        return cleaned

    def values(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in ("name", "organisation_name", "title", "mobile", "email",
                                                       "load_min", "load_max")}


SETTINGS_FIELDS = ["reviews_per_entry", "load_min", "load_max", "require_senior", "max_per_organisation", "seed",
                   "conflict_recommending_unit", "anonymise", "comment_required", "scoring_deadline",
                   "reminder_every_days", "aggregation_rule", "finalist_count", "finalist_cutoff",
                   "finalists_by_category"]


class SettingsForm(forms.ModelForm):
    """The edition's second-round settings, but the rubric's lock (scoring) and the reminder's clock."""

    class Meta:
        model = ReviewSettings
        fields = SETTINGS_FIELDS
        widgets = {"scoring_deadline": forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                           format="%Y-%m-%dT%H:%M")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scoring_deadline"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def clean_reviews_per_entry(self):
        value = self.cleaned_data["reviews_per_entry"]
        if value < 1:
            raise ValidationError(_("Each entry needs at least one expert."), code="min")
        if value > 50:
            raise ValidationError(_("At most 50 experts per entry."), code="max")
        return value

    def clean_max_per_organisation(self):
        value = self.cleaned_data.get("max_per_organisation")
        if value is not None and value < 1:
            raise ValidationError(_("Leave it empty for no limit, or give at least 1."), code="min")
        return value

    def clean_reminder_every_days(self):
        value = self.cleaned_data.get("reminder_every_days")
        if value is not None and value < 1:
            raise ValidationError(_("Leave it empty for reminders on demand only, or give at least 1 day."),
                                  code="min")
        return value

    def clean_finalist_count(self):
        value = self.cleaned_data.get("finalist_count")
        if value is not None and value < 1:
            raise ValidationError(_("Leave it empty or give at least 1."), code="min")
        return value

    def clean_finalist_cutoff(self):
        value = self.cleaned_data.get("finalist_cutoff")
        if value is not None and not 0 <= value <= 100:
            raise ValidationError(_("The cut-off is an official score between 0 and 100."), code="range")
        return value

    def clean(self):
        cleaned = super().clean()
        low, high, k = cleaned.get("load_min"), cleaned.get("load_max"), cleaned.get("reviews_per_entry")
        if low is not None and high is not None:
            if low > high:
                self.add_error("load_max", _("The most entries per expert cannot be fewer than the least (%(low)d).")
                               % {"low": low})
            elif high < 1:
                self.add_error("load_max", _("Each expert must be able to review at least one entry."))
        if (k is not None and cleaned.get("max_per_organisation") is not None
                and cleaned["max_per_organisation"] > k):
            self.add_error("max_per_organisation", _("This cannot exceed the experts per entry (%(k)d).") % {"k": k})
        if "finalist_count" in cleaned and "finalist_cutoff" in cleaned and cleaned.get(
                "finalist_count") is None and cleaned.get("finalist_cutoff") is None:
            self.add_error("finalist_count", _("Give the number of finalists or the cut-off score."))
        return cleaned


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Filled expert list (.xlsx)"),
                           error_messages={"required": _("Choose the filled template (.xlsx) to upload."),
                                           "empty": _("The file is empty.")},
                           widget=forms.ClearableFileInput(attrs={
                               "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}))

    def clean_file(self):
        from .import_pool import MAX_FILE_MB

        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_MB * 1024 * 1024:
            raise ValidationError(_("The file is larger than %(mb)d MB; an expert list is far smaller.")
                                  % {"mb": MAX_FILE_MB}, code="too_large")
        return upload


class ConflictForm(ReasonForm):
    """The office sets a conflict: one expert × one entry (its number) or × every entry of a unit."""

    expert = forms.TypedChoiceField(label=_("expert"), coerce=int)
    entry = forms.IntegerField(label=_("entry number"), required=False, min_value=1)
    unit = forms.CharField(label=_("or a unit (its full name)"), max_length=200, required=False,
                           help_text=_("Every entry of this declaring or recommending unit in the second round."))
    field_order = ["expert", "entry", "unit", "reason"]

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Expert

        self.edition = edition
        self.fields["expert"].choices = [("", "—")] + [
            (e.pk, str(e)) for e in Expert.objects.filter(edition=edition).order_by("name", "id")]

    def clean(self):
        cleaned = super().clean()
        from wuxiao.orgs.models import Organisation

        from .queries_pool import review_entries

        entry_id, unit_name = cleaned.get("entry"), (cleaned.get("unit") or "").strip()
        if bool(entry_id) == bool(unit_name):
            if "entry" not in self.errors:
                self.add_error("entry", _("Give either an entry number or a unit, not both."))
            return cleaned
        cleaned["entry_obj"] = cleaned["unit_obj"] = None
        if entry_id:
            cleaned["entry_obj"] = review_entries(self.edition).filter(pk=entry_id).first()
            if cleaned["entry_obj"] is None:
                self.add_error("entry", _("No entry with this number is in this edition's second round."))
        else:
            cleaned["unit_obj"] = Organisation.objects.filter(name=unit_name).first()
            if cleaned["unit_obj"] is None:
                self.add_error("unit", _("No unit registered on the platform has this exact name."))
        return cleaned


class GroupForm(forms.Form):
    name = forms.CharField(label=_("name of the group"), max_length=200)
    member_names = forms.CharField(label=_("member organisations (one per line)"),
                                   widget=forms.Textarea(attrs={"rows": 5}))


class AcceptForm(forms.Form):
    """A new account on the invitation page: the username is the expert's mobile number."""

    password1 = forms.CharField(label=_("password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("At least 8 characters with letters, digits and symbols (such as - _ ! "
                                            "@ #); not too common."))
    password2 = forms.CharField(label=_("password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, expert, **kwargs):
        self.expert = expert
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p2:
            try:
                validate_password(p2, User(username=self.expert.mobile, email=self.expert.email,
                                           display_name=self.expert.name))
            except ValidationError as error:
                self.add_error("password2", error)
        return cleaned
