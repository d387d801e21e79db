"""Reading a request's files with a size limit that is known before the body is read.

Django parses a multipart body the first time anything reads request.POST or request.FILES,
which is often the CSRF check before the view runs, and its default handlers write a file of
any size to a temporary file. So:

- By default (settings.FILE_UPLOAD_HANDLERS) a view receives no file: a multipart body larger
  than DATA_UPLOAD_MAX_MEMORY_SIZE is refused from its Content-Length, and file parts are read
  past without being kept.
- A view that receives a file sets a `LimitedUploadHandler` with its own limit before anything
  reads the body (`receives_file` for a page). A request whose Content-Length already exceeds it is refused from that number:
  the file part is skipped (no temporary file, no chunk reaches the handler) while the small
  fields (the CSRF token, what the user typed) are still parsed, and `handler.refused` holds
  the message to show. A file that grows past the limit while streaming is stopped and its
  temporary file removed.

The rest of the body is read and dropped rather than left unread, so that a browser gets the
answer (a server that closes early leaves it with a network error instead of the message).
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload, TemporaryFileUploadHandler
from django.views.decorators.csrf import csrf_exempt, csrf_protect

# Room for the multipart envelope and the small fields (CSRF token, next, a title) around the file.
ENVELOPE_BYTES = 64 * 1024


class NoFileUploadHandler(FileUploadHandler):
    """The default handler: for views that receive no file."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE + ENVELOPE_BYTES:
            raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
        return None

    def new_file(self, *args, **kwargs):
        raise SkipFile

    def receive_data_chunk(self, raw_data, start):  # pragma: no cover - every file is skipped
        return None

    def file_complete(self, file_size):  # pragma: no cover - every file is skipped
        return None


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Stream a request's file to a temporary file, refusing it once it is larger than `max_bytes`.

    After parsing, `refused` holds `message` when the file was refused (None otherwise).
    """

    chunk_size = 64 * 1024

    def __init__(self, request=None, *, max_bytes: int, message):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.message = message
        self.refused = None

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > self.max_bytes + ENVELOPE_BYTES:
            self.refused = self.message  # decided from the length alone: new_file skips the file
        return None

    def new_file(self, *args, **kwargs):
        if self.refused:
            raise SkipFile
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_bytes:
            self.refused = self.message
            self.upload_interrupted()
            # connection_reset=False: Django reads the rest of the body in chunks and drops it.
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)


def receives_file(make_handler):
    """Decorate a view that receives a file: `make_handler(request)` gives its LimitedUploadHandler.

    The limit must be set before the CSRF check reads the body: the view is exempt from the
    middleware's check and checked here once the handler is in place (Django docs, "Modifying
    upload handlers on the fly"). The view reads the refusal with `upload_refusal(request)`.
    """

    def decorate(view):
        protected = csrf_protect(view)

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                request.upload_handlers = [make_handler(request)]
            return protected(request, *args, **kwargs)

        return csrf_exempt(wrapper)

    return decorate


def upload_refusal(request):
    """The refusal of the request's limited handler once its body is parsed; None if nothing was refused."""
    return next((h.refused for h in request.upload_handlers if isinstance(h, LimitedUploadHandler)), None)


def refuse_in_form(request, form, field: str) -> None:
    """Show the upload's refusal, if there is one, beside `field` (instead of "please choose a file")."""
    refused = upload_refusal(request)
    if refused:
        form.errors.pop(field, None)
        form.add_error(field, refused)
