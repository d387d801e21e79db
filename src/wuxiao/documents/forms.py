from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wuxiao.common.exceptions import Refused
from wuxiao.common.uploads import LimitedUploadHandler
from wuxiao.entries.attachments import JPEG, MB, PDF, PNG, check_image, image_type
from wuxiao.entries.enums import EntryStatus
from wuxiao.orgs.models import Organisation

SCAN_MAX_MB = 20
# What a stamped scan may be (the name alone can lie): content type → the names it may carry.
SCAN_KINDS = {PDF: ("pdf", {".pdf"}), JPEG: ("jpeg", {".jpg", ".jpeg"}), PNG: ("png", {".png"})}


def scan_kind(upload) -> str | None:
    """'pdf', 'jpeg' or 'png' by the file's first bytes (the attachments' detection), or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    content_type = PDF if head.startswith(b"%PDF-") else image_type(head)
    return SCAN_KINDS[content_type][0] if content_type in SCAN_KINDS else None


def too_large_message():
    return _("The file is larger than %(mb)s MB; please scan at a lower resolution.") % {"mb": SCAN_MAX_MB}


def scan_upload_handler(request) -> LimitedUploadHandler:
    """How a form with a stamped scan reads its body: refused above SCAN_MAX_MB before the file is stored."""
    return LimitedUploadHandler(request, max_bytes=SCAN_MAX_MB * MB, message=too_large_message())


def check_scan(upload) -> None:
    """A stamped scan (R27, Attachment 2): PDF, JPEG or PNG, at most 20 MB, content matching the name.

    A picture must also be within the pixel limits and decode as the format it claims.
    """
    if upload.size > SCAN_MAX_MB * MB:
        raise ValidationError(too_large_message(), code="too_large")
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = scan_kind(upload)
    if kind is None:
        raise ValidationError(_("Only a PDF, JPEG or PNG file can be uploaded as the stamped scan."), code="type")
    suffix = PurePosixPath(upload.name or "").suffix.lower()
    if suffix not in next(names for name, names in SCAN_KINDS.values() if name == kind):
        raise ValidationError(
            _("The file's name (%(suffix)s) does not match its content (%(kind)s); please upload the original file."),
            code="mismatch", params={"suffix": suffix or "—", "kind": kind.upper()})
    if kind != "pdf":
        try:
            check_image(upload, suffix, upload.read(16))
        except Refused as refused:
            raise ValidationError(refused.message, code="image") from None


class CommitmentForm(forms.Form):
    legal_representative = forms.CharField(
        label=_("Legal representative"), max_length=50, required=False,
        help_text=_("Optional: printed under the signature line."))
    scan = forms.FileField(
        label=_("Signed and stamped scan"), required=False,
        help_text=_("PDF, JPEG or PNG, at most 20 MB. A new upload replaces the earlier one."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}))

    def clean_legal_representative(self):
        return " ".join(self.cleaned_data["legal_representative"].split())

    def clean_scan(self):
        upload = self.cleaned_data.get("scan")
        if upload:
            check_scan(upload)
        return upload


STAMPED_CHOICES = [("", _("all")), ("yes", _("stamped commitment received")), ("no", _("no stamped commitment"))]


class CommitmentFilterForm(forms.Form):
    stamped = forms.ChoiceField(label=_("Credit commitment"), choices=STAMPED_CHOICES, required=False)
    recommending_unit = forms.ModelChoiceField(label=_("Recommending unit"), required=False,
                                               queryset=Organisation.objects.recommending().order_by("name"))
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("unit name or credit code")}))


class ExportForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("all (drafts marked as such)"))] + list(EntryStatus.choices))
    category = forms.ModelChoiceField(label=_("Category"), required=False, queryset=None)
    recommending_unit = forms.ModelChoiceField(label=_("Recommending unit"), required=False,
                                               queryset=Organisation.objects.recommending().order_by("name"))

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = edition.categories.all()

    def filters(self) -> dict:
        """The choice as plain data, stored on the job."""
        data = self.cleaned_data
        return {key: value for key, value in {
            "status": data.get("status") or "",
            "category": data["category"].pk if data.get("category") else None,
            "recommending_unit": data["recommending_unit"].pk if data.get("recommending_unit") else None,
        }.items() if value}
