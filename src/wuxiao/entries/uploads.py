"""Receiving an attachment: the upload handler of a kind (its limit, its message) and the upload form.

The handler (common.uploads) writes every chunk (64 KB) to a temporary file as it arrives, so a
request of 800 MB costs the server a few chunks of memory. It refuses a request larger than the
biggest file allowed for its kind from its Content-Length, before any of the file is read, and
stops as soon as the file passes the limit; the temporary file is removed then.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from wuxiao.common.request_keys import RequestKeyField
from wuxiao.common.uploads import LimitedUploadHandler

from .attachments import MB, max_mb
from .models import AttachmentKind


def too_large_message(kind: str, limit_mb: int):
    return _("The file is too large: a %(kind)s may be at most %(max)d MB.") % {
        "kind": AttachmentKind(kind).label, "max": limit_mb}


class LimitedTemporaryFileUploadHandler(LimitedUploadHandler):
    """The handler for one attachment of `kind` in `edition`."""

    def __init__(self, request=None, *, kind: str, edition):
        limit_mb = max_mb(kind, edition)
        super().__init__(request, max_bytes=limit_mb * MB, message=too_large_message(kind, limit_mb))


class AttachmentUploadForm(forms.Form):
    file = forms.FileField(label=_("Choose a file"), allow_empty_file=False, error_messages={
        "required": _("Please choose a file."),
        "empty": _("The file is empty."),
        "invalid": _("No file was received; please choose the file again."),
    })
    request_key = RequestKeyField()
