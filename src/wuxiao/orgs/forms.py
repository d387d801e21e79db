from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxiao.common.validators import (
    CREDIT_CODE_MESSAGES,
    credit_code_problem,
    normalize_credit_code,
    normalize_mobile,
    validate_mobile,
)

from .models import (
    DECLARING_KINDS,
    RECOMMENDING_KINDS,
    CreditCodeStatus,
    Organisation,
    RegistrationStatus,
    UnitKind,
)
from .services import credit_code_status_for


ALL = pgettext_lazy("unit", "all")


def recommending_units():
    return Organisation.objects.recommending().active().order_by("kind", "name")


class ReasonForm(forms.Form):
    """The reason for rejecting a registration (required, kept for the unit to read)."""

    reason = forms.CharField(
        label=pgettext_lazy("unit", "Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Please give the reason for the rejection.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Please give the reason for the rejection."), code="required")
        return reason


class CreditCodeNoteForm(forms.Form):
    note = forms.CharField(
        label=pgettext_lazy("unit", "Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How the code was checked, e.g. against the business licence."),
        error_messages={"required": _("Please write a note on how the code was checked.")},
    )


class RegistrationFilterForm(forms.Form):
    unit = forms.ModelChoiceField(label=pgettext_lazy("unit", "Recommending unit"), required=False,
                                  queryset=Organisation.objects.none(), empty_label=ALL)
    status = forms.ChoiceField(label=pgettext_lazy("unit", "Registration"), required=False,
                               choices=[("", ALL), *RegistrationStatus.choices])
    q = forms.CharField(label=pgettext_lazy("unit", "Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("name or credit code")}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


KIND_FILTER_CHOICES = [
    ("", _("all kinds")),
    ("recommending", _("all recommending units")),
    ("declaring", _("all declaring units")),
    *UnitKind.choices,
]


class UnitFilterForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("unit", "Kind"), required=False, choices=KIND_FILTER_CHOICES)
    parent = forms.ModelChoiceField(label=pgettext_lazy("unit", "Recommending unit"), required=False,
                                    queryset=Organisation.objects.none(), empty_label=ALL)
    credit_code_status = forms.ChoiceField(label=_("Credit code check"), required=False,
                                           choices=[("", ALL), *CreditCodeStatus.choices])
    registration_status = forms.ChoiceField(label=pgettext_lazy("unit", "Registration"), required=False,
                                            choices=[("", ALL), *RegistrationStatus.choices])
    q = forms.CharField(label=pgettext_lazy("unit", "Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("name or credit code")}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = recommending_units()

    def filter(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        kind = data.get("kind")
        if kind == "recommending":
            qs = qs.filter(kind__in=RECOMMENDING_KINDS)
        elif kind == "declaring":
            qs = qs.filter(kind__in=DECLARING_KINDS)
        elif kind:
            qs = qs.filter(kind=kind)
        if data.get("parent"):
            qs = qs.filter(parent=data["parent"])
        if data.get("credit_code_status"):
            qs = qs.filter(credit_code_status=data["credit_code_status"])
        if data.get("registration_status"):
            qs = qs.filter(registration_status=data["registration_status"])
        if data.get("q"):
            qs = search_units(qs, data["q"])
        return qs


def search_units(qs, text: str):
    text = text.strip()
    code = normalize_credit_code(text)
    query = Q(name__icontains=text) | Q(union_name__icontains=text)
    if code:
        query |= Q(credit_code__icontains=code)
    return qs.filter(query)


class ServiceSavedForm(forms.ModelForm):
    """A model form that only validates: the service saves, so the instance is never touched here
    (a refused form must not change the unit shown beside it)."""

    def _post_clean(self):
        pass

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}


class CreditCodeFieldMixin:
    """Credit code: optional; when given, checked as at sign-up. A pilot-era code the check digit
    refuses can be accepted by ticking `credit_code_checked` (the committee has compared the licence)."""

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data.get("credit_code", ""))
        if not code:
            return ""
        problem = credit_code_problem(code)
        if problem in ("length", "charset"):
            raise forms.ValidationError(CREDIT_CODE_MESSAGES[problem], code=f"credit_code_{problem}")
        duplicates = Organisation.objects.filter(credit_code=code)
        if self.instance.pk:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise forms.ValidationError(_("Another unit already has this credit code."), code="credit_code_taken")
        return code

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("credit_code")
        if code and credit_code_problem(code) == "checksum" and code != self.instance.credit_code:
            if not cleaned.get("credit_code_checked"):
                self.add_error("credit_code", forms.ValidationError(CREDIT_CODE_MESSAGES["checksum"],
                                                                    code="credit_code_checksum"))
        return cleaned

    def credit_code_status(self) -> str | None:
        """The status for a newly entered code; None when the code did not change."""
        code = self.cleaned_data.get("credit_code", "")
        if self.instance.pk and code == self.instance.credit_code:
            return None
        return credit_code_status_for(code, confirmed_by_hand=bool(self.cleaned_data.get("credit_code_checked")))


class UnitForm(CreditCodeFieldMixin, ServiceSavedForm):
    """A unit as the committee office enters it (recommending units; declaring units when edited)."""

    credit_code = forms.CharField(
        label=_("Unified Social Credit Code"), required=False, max_length=40,
        help_text=_("18 characters; optional for a trade union."),
    )
    credit_code_checked = forms.BooleanField(
        label=_("The code fails the check digit, but I have compared it with the licence: it is correct"),
        required=False,
    )

    class Meta:
        model = Organisation
        fields = ["kind", "name", "parent", "union_name", "credit_code", "address", "contact_name",
                  "contact_mobile", "contact_email", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        declaring = bool(self.instance.pk and self.instance.is_declaring)
        kinds = DECLARING_KINDS if declaring else RECOMMENDING_KINDS
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        if declaring:
            self.fields["parent"].queryset = recommending_units()
            self.fields["parent"].required = True
        else:
            del self.fields["parent"]
        self.fields["name"].label = pgettext_lazy("unit", "Name")
        self.fields["is_active"].label = pgettext_lazy("unit", "Active")
        self.fields["union_name"].label = _("Trade union name (所属工会)")
        self.fields["contact_mobile"].validators = [validate_mobile]

    def clean_contact_mobile(self):
        value = self.cleaned_data.get("contact_mobile", "")
        return normalize_mobile(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        kind, name = cleaned.get("kind"), cleaned.get("name")
        if kind and name:
            same = Organisation.objects.filter(kind=kind, name=name)
            if self.instance.pk:
                same = same.exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error("name", _("A unit of this kind with this name already exists."))
        return cleaned

    def values(self) -> dict:
        values = super().values()
        status = self.credit_code_status()
        if status is not None:
            values["credit_code_status"] = status
        return values


class OwnUnitForm(ServiceSavedForm):
    """What declaring-unit staff may change themselves (name and credit code go through the committee)."""

    class Meta:
        model = Organisation
        fields = ["parent", "union_name", "address", "contact_name", "contact_mobile", "contact_email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union_name"].label = _("Trade union name (所属工会)")
        self.fields["union_name"].required = True
        self.fields["contact_name"].required = True
        self.fields["contact_mobile"].required = True
        self.fields["contact_mobile"].validators = [validate_mobile]
        if self.instance.registration_status in (RegistrationStatus.NEW, RegistrationStatus.REJECTED):
            self.fields["parent"].queryset = recommending_units()
            self.fields["parent"].required = True
        else:
            del self.fields["parent"]

    def clean_contact_mobile(self):
        return normalize_mobile(self.cleaned_data.get("contact_mobile", ""))
