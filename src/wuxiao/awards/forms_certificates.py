"""Forms of the certificates: the office's settings (prefix, issuing bodies, date, seal) and the public lookup by
certificate number."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wuxiao.common.uploads import LimitedUploadHandler

from . import certificates
from .services_certificates import SEAL_MAX_BYTES

MALFORMED_NUMBER = _("This is not a certificate number: a number looks like ZZWX-2025-TD-003 (prefix, year, "
                     "prize code and three digits, joined by hyphens).")


def seal_upload_handler(request) -> LimitedUploadHandler:
    """The settings form reads its body with the seal's limit: a larger file is refused before it is stored."""
    return LimitedUploadHandler(request, max_bytes=SEAL_MAX_BYTES, message=_("The seal image is larger than 5 MB."))


class CertificateSettingsForm(forms.Form):
    prefix = forms.CharField(label=_("Certificate number prefix"), max_length=12,
                             help_text=_("Capital letters and digits, e.g. ZZWX gives numbers such as "
                                         "ZZWX-2025-TD-003. Numbers already given do not change."),
                             error_messages={"required": _("Please give the prefix of the certificate numbers.")})
    issuers = forms.CharField(label=_("Issuing bodies on the certificate"), max_length=300, required=False,
                              help_text=_("Separated by spaces. Empty: the edition's issuing bodies."))
    date = forms.DateField(label=_("Date on the certificates"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           help_text=_("Empty: the date the award list was confirmed."),
                           error_messages={"invalid": _("Please give the date as year-month-day, e.g. 2025-06-30.")})
    seal = forms.FileField(label=_("Seal image"), required=False,
                           help_text=_("PNG (best with a transparent background) or JPEG, at most 5 MB. A new upload "
                                       "replaces the earlier one."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg,image/png,image/jpeg"}))
    remove_seal = forms.BooleanField(label=_("Remove the seal image"), required=False)

    def clean_prefix(self):
        prefix = certificates.normalize_number(self.cleaned_data["prefix"])
        if not certificates.PREFIX_RE.match(prefix):
            raise forms.ValidationError(_("The prefix may have 1 to 12 capital letters and digits, such as ZZWX."))
        return prefix

    def clean_issuers(self):
        return " ".join(self.cleaned_data["issuers"].split())


class VerifyLookupForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=60,
                             widget=forms.TextInput(attrs={"placeholder": "ZZWX-2025-TD-003",
                                                           "autocomplete": "off", "autocapitalize": "characters"}),
                             error_messages={"required": _("Please enter the certificate number."),
                                             "max_length": MALFORMED_NUMBER})

    def clean_number(self):
        number = certificates.normalize_number(self.cleaned_data["number"])
        if not certificates.is_well_formed(number):
            raise forms.ValidationError(MALFORMED_NUMBER)
        return number
