from django import forms
from django.utils.translation import gettext_lazy as _

from wuxiao.common.uploads import LimitedUploadHandler

from .columns import MAX_FILE_MB

MB = 1024 * 1024


def too_large_message():
    return _("The file is larger than %(mb)d MB; a filled template is far smaller: split the entries into several "
             "files.") % {"mb": MAX_FILE_MB}


def import_upload_handler(request) -> LimitedUploadHandler:
    """How the upload page reads its body: a file above MAX_FILE_MB is refused before it is stored."""
    return LimitedUploadHandler(request, max_bytes=MAX_FILE_MB * MB, message=too_large_message())


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled template (.xlsx)"),
        error_messages={"required": _("Choose the filled template (.xlsx) to upload."),
                        "empty": _("The file is empty.")},
        widget=forms.ClearableFileInput(attrs={
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("The template of this edition, filled in and saved as .xlsx, at most "
                                          "%(mb)d MB.") % {"mb": MAX_FILE_MB}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_MB * MB:
            raise forms.ValidationError(too_large_message(), code="too_large")
        return upload
