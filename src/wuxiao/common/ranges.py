"""A stored file sent whole or in part (HTTP Range, RFC 9110 §14): what a <video> needs to seek.

Django's FileResponse always sends the whole file. A browser playing a video asks for the part it
needs (`Range: bytes=START-END`) and can only seek when the answer is 206 with Content-Range; a
phone on a slow network would otherwise load the whole video before the part it wants to see.
One range per request (what browsers send); several ranges or an invalid header get the whole
file (RFC 9110 allows ignoring Range), a range past the end 416.
"""

import re

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

CHUNK = 64 * 1024
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """(first, last) byte positions of a single satisfiable range; None to send the whole file
    (no header, several ranges, not understood); False when the range lies outside the file."""
    match = RANGE.match((header or "").strip())
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            return False
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None  # syntactically invalid: ignored
    if start >= size:
        return False
    return start, end


def _read(file, start: int, length: int):
    try:
        file.seek(start)
        while length > 0:
            chunk = file.read(min(CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        file.close()


def ranged_file_response(request, storage, name: str, *, size: int, content_type: str, filename: str,
                         as_attachment: bool) -> HttpResponse:
    """The stored file `name`, or the byte range the request asks for (206); 416 outside the file."""
    wanted = parse_range(request.headers.get("Range", ""), size) if request.method in ("GET", "HEAD") else None
    if wanted is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif wanted is None:
        response = FileResponse(storage.open(name, "rb"), as_attachment=as_attachment, filename=filename,
                                content_type=content_type)
    else:
        start, end = wanted
        response = StreamingHttpResponse(_read(storage.open(name, "rb"), start, end - start + 1), status=206,
                                         content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["Accept-Ranges"] = "bytes"
    return response
