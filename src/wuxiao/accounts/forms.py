import unicodedata

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxiao.common.validators import (
    CREDIT_CODE_MESSAGES,
    credit_code_problem,
    is_mobile,
    normalize_credit_code,
    normalize_mobile,
    validate_mobile,
)
from wuxiao.orgs.models import DECLARING_KINDS, RECOMMENDING_KINDS, Organisation, UnitKind

from . import services
from .models import Role, User

DUPLICATE_MOBILE = _(
    "An account with this mobile number already exists. Log in with it (forgotten passwords can be "
    "reset), or ask your unit's existing account holder."
)


def _clean_name(value: str) -> str:
    """NFKC and single spaces, so that a name pasted from Word compares equal to a typed one."""
    return " ".join(unicodedata.normalize("NFKC", value or "").split())


def _mobile_taken(mobile: str) -> bool:
    return User.objects.filter(Q(mobile=mobile) | Q(username=mobile)).exists()


def grouped_unit_choices(queryset) -> list:
    """Select choices grouped by unit kind, in the order of UnitKind; districts in region-code order."""
    groups: dict[str, list] = {}
    for unit in sorted(queryset, key=lambda u: (u.region_code == "", u.region_code, u.name)):
        groups.setdefault(unit.kind, []).append((unit.pk, unit.name))
    choices = [("", "---------")]
    for kind in UnitKind:
        if kind.value in groups:
            choices.append((kind.label, groups[kind.value]))
    return choices


class PasswordPairMixin:
    """Two password fields; Django's validators run on the second, with the user they would protect."""

    def _check_passwords(self, user: User) -> None:
        p1, p2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p2:
            try:
                password_validation.validate_password(p2, user)
            except ValidationError as error:
                self.add_error("password2", error)


def _clean_new_mobile(value: str) -> str:
    """A valid mobile number that no account uses yet, normalised to 11 digits."""
    validate_mobile(value)
    mobile = normalize_mobile(value)
    if _mobile_taken(mobile):
        raise ValidationError(DUPLICATE_MOBILE, code="duplicate")
    return mobile


def password_fields():
    return (
        forms.CharField(label=_("password"), strip=False,
                        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                        help_text=_("At least 8 characters with letters, digits and symbols (such as - _ ! @ #); "
                                    "not too common.")),
        forms.CharField(label=_("password again"), strip=False,
                        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})),
    )


class LoginForm(AuthenticationForm):
    """Username or mobile, throttled per account and address (the view passes `ip`)."""

    username = forms.CharField(label=_("mobile number or username"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    error_messages = {
        "invalid_login": _("The login name or the password is wrong. Mobile number or username, "
                           "and the password is case-sensitive."),
        "inactive": _("This account has been deactivated."),
    }

    def __init__(self, request=None, *args, ip: str | None = None, device_cookie: str = "", **kwargs):
        self.ip = ip
        self.device_cookie = device_cookie
        self.retry_after = 0  # seconds, when throttled
        super().__init__(request, *args, **kwargs)

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = services.authenticate_login(request=self.request, login=username,
                                                              password=password, ip=self.ip,
                                                              device_cookie=self.device_cookie)
            except services.LoginThrottled as throttled:
                self.retry_after = throttled.seconds
                raise ValidationError(throttled.message, code="throttled") from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class SignupForm(PasswordPairMixin, forms.Form):
    """申报单位注册: the unit, its recommending unit and the contact person who gets the account."""

    name = forms.CharField(label=_("name of the unit"), max_length=200,
                           help_text=_("The full name as on the business licence."))
    kind = forms.ChoiceField(label=_("kind of unit"), choices=[(k.value, k.label) for k in DECLARING_KINDS])
    union_name = forms.CharField(label=_("trade union of the unit (所属工会)"), max_length=200)
    credit_code = forms.CharField(label=_("Unified Social Credit Code"), max_length=40,
                                  help_text=_("18 characters, as on the business licence."))
    credit_code_manual = forms.BooleanField(
        label=_("I confirm this code matches our business licence; ask the committee office to confirm it by hand"),
        required=False,
    )
    address = forms.CharField(label=_("address"), max_length=300)
    recommending_unit = forms.ChoiceField(
        label=_("recommending unit"),
        help_text=_("The trade union that screens and recommends your entries: your district, county or "
                    "development-zone federation, your industry union, or the city federation for "
                    "directly affiliated unions."),
    )
    contact_name = forms.CharField(label=_("contact person"), max_length=50)
    mobile = forms.CharField(label=_("mobile number"), max_length=20,
                             help_text=_("Your login name. 11 digits, e.g. 13812345678."),
                             widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    email = forms.EmailField(label=_("e-mail"), required=False,
                             help_text=_("Optional, but needed to reset a forgotten password."))
    password1, password2 = password_fields()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.recommending_units = Organisation.objects.recommending().active()
        self.fields["recommending_unit"].choices = grouped_unit_choices(self.recommending_units)
        # The manual-confirmation box is offered only for a code that fails nothing but the
        # check character (real pilot-era codes of 2014–2015 do).
        if not (self.is_bound and credit_code_problem(self.data.get("credit_code", "")) == "checksum"):
            del self.fields["credit_code_manual"]

    def clean_name(self):
        name = _clean_name(self.cleaned_data["name"])
        if Organisation.objects.declaring().filter(name__iexact=name).exists():
            raise ValidationError(_(
                "A unit with this name is already registered. Log in with its account, or ask the "
                "unit's existing account holder to invite you."), code="duplicate")
        return name

    def clean_union_name(self):
        return _clean_name(self.cleaned_data["union_name"])

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        problem = credit_code_problem(code)
        if problem and not (problem == "checksum" and self.data.get("credit_code_manual")):
            raise ValidationError(CREDIT_CODE_MESSAGES[problem], code=f"credit_code_{problem}")
        if Organisation.objects.filter(credit_code=code).exists():
            raise ValidationError(_(
                "A unit with this Unified Social Credit Code is already registered. Log in with its "
                "account, or ask the unit's existing account holder."), code="duplicate")
        return code

    def clean_recommending_unit(self):
        unit = self.recommending_units.filter(pk=self.cleaned_data["recommending_unit"]).first()
        if unit is None:
            raise ValidationError(_("Choose a recommending unit from the list."), code="invalid_choice")
        return unit

    def clean_contact_name(self):
        return _clean_name(self.cleaned_data["contact_name"])

    def clean_mobile(self):
        return _clean_new_mobile(self.cleaned_data["mobile"])

    def clean(self):
        cleaned = super().clean()
        self._check_passwords(User(username=cleaned.get("mobile") or "", email=cleaned.get("email") or "",
                                   display_name=cleaned.get("contact_name") or ""))
        return cleaned

    @property
    def credit_code_pending(self) -> bool:
        return credit_code_problem(self.cleaned_data["credit_code"]) == "checksum"


class InvitationForm(forms.Form):
    """The committee office invites staff of a recommending unit, or its own staff and experts."""

    organisation = forms.ChoiceField(label=_("unit"))
    role = forms.ChoiceField(label=_("role"), choices=[
        (Role.RECOMMENDER.value, Role.RECOMMENDER.label),
        (Role.COMMITTEE.value, Role.COMMITTEE.label),
        (Role.EXPERT.value, Role.EXPERT.label),
    ], help_text=_("Recommending-unit staff for a recommending unit; committee office or expert for "
                   "the committee office."))
    name = forms.CharField(label=_("name of the person"), max_length=50, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False,
                             help_text=_("When given, the link is sent to this address."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = Organisation.objects.active().filter(kind__in=(*RECOMMENDING_KINDS, UnitKind.COMMITTEE))
        self.fields["organisation"].choices = grouped_unit_choices(self.units)

    def clean_organisation(self):
        unit = self.units.filter(pk=self.cleaned_data["organisation"]).first()
        if unit is None:
            raise ValidationError(_("Choose a unit from the list."), code="invalid_choice")
        return unit

    def clean(self):
        cleaned = super().clean()
        unit, role = cleaned.get("organisation"), cleaned.get("role")
        if unit and role:
            if unit.is_recommending and role != Role.RECOMMENDER:
                self.add_error("role", _("A recommending unit's people can only be recommending-unit staff."))
            elif unit.is_committee and role == Role.RECOMMENDER:
                self.add_error("role", _("The committee office's people are committee office staff or experts."))
        return cleaned


class AcceptInvitationForm(PasswordPairMixin, forms.Form):
    """A new account from an invitation."""

    display_name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=50)
    mobile = forms.CharField(label=_("mobile number"), max_length=20,
                             widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    username = forms.CharField(label=_("username"), max_length=150, required=False,
                               validators=[UnicodeUsernameValidator()],
                               help_text=_("Optional; when empty, your mobile number is your username. "
                                           "You can always log in with the mobile number."))
    email = forms.EmailField(label=_("e-mail"), help_text=_("Needed to reset a forgotten password."))
    password1, password2 = password_fields()

    def clean_display_name(self):
        return _clean_name(self.cleaned_data["display_name"])

    def clean_mobile(self):
        return _clean_new_mobile(self.cleaned_data["mobile"])

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not username:
            return ""
        if User.objects.filter(Q(username__iexact=username) | Q(mobile=username)).exists():
            raise ValidationError(_("This username is taken; choose another or leave it empty."),
                                  code="duplicate")
        return username

    def clean(self):
        cleaned = super().clean()
        username, mobile = cleaned.get("username"), cleaned.get("mobile")
        # A username that looks like a mobile number would make "log in by mobile" ambiguous.
        if username and is_mobile(username) and normalize_mobile(username) != mobile:
            self.add_error("username", _("A username cannot be someone else's mobile number."))
        self._check_passwords(User(username=username or mobile or "", email=cleaned.get("email") or "",
                                   display_name=cleaned.get("display_name") or ""))
        return cleaned
