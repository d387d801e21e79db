"""Receiving an attachment: an upload handler that streams to a temporary file, and the upload form.

Django's default handlers keep small files in memory; this one writes every chunk (64 KB) to a
temporary file as it arrives, so a request of 800 MB costs the server a few chunks of memory.
It refuses a request larger than the biggest file allowed for its kind before reading the
file, and stops as soon as the file passes the limit; the temporary file is removed then.
"""

from django import forms
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from .attachments import MB, max_mb
from .models import AttachmentKind

# Room for the multipart envelope and the small fields (CSRF token, next) around the file.
ENVELOPE_BYTES = 64 * 1024
DRAIN_CHUNK = 64 * 1024


def too_large_message(kind: str, limit_mb: int):
    return _("The file is too large: a %(kind)s may be at most %(max)d MB.") % {
        "kind": AttachmentKind(kind).label, "max": limit_mb}


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Stream the one file of an attachment upload to disk, refusing it as soon as it is too large.

    After parsing, `refused` holds the message when the upload was cut short (None otherwise).
    """

    chunk_size = 64 * 1024

    def __init__(self, request=None, *, kind: str, edition):
        super().__init__(request)
        self.kind = kind
        self.limit_mb = max_mb(kind, edition)
        self.max_bytes = self.limit_mb * MB
        self.refused = None

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > self.max_bytes + ENVELOPE_BYTES:
            # Decided from the request's length alone: nothing is stored. The body is read and
            # dropped chunk by chunk, so that the browser can read the answer (a server that
            # closes early leaves it with a network error instead of the message).
            self.refused = too_large_message(self.kind, self.limit_mb)
            while input_data.read(DRAIN_CHUNK):
                pass
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_bytes:
            self.refused = too_large_message(self.kind, self.limit_mb)
            self.upload_interrupted()
            # connection_reset=False: Django reads the rest of the body in chunks and drops it.
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)


class AttachmentUploadForm(forms.Form):
    file = forms.FileField(label=_("Choose a file"), allow_empty_file=False, error_messages={
        "required": _("Please choose a file."),
        "empty": _("The file is empty."),
        "invalid": _("No file was received; please choose the file again."),
    })
