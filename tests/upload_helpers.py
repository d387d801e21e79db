"""Files for the upload tests: pictures whose header claims more pixels than they hold, multipart bodies."""

import io
import struct
import zlib

from django.http.multipartparser import MultiPartParser
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int, *, rows: int = 16) -> bytes:
    """A valid-looking RGB PNG of `width`×`height` whose data holds only `rows` rows of zeros.

    A few KB that a decoder would expand to width×height×3 bytes; the header alone says how many.
    With rows=height it is a complete picture (the zlib stream of zeros compresses about 1000:1).
    """
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + 3 * width)
    data = b"".join(compressor.compress(row) for _ in range(rows)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def parse(handler, fields: dict):
    """Parse `fields` as a browser's multipart body with `handler`: (POST, FILES, the body stream, its length)."""
    body = encode_multipart(BOUNDARY, fields)
    stream = io.BytesIO(body)
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    post, files = MultiPartParser(meta, stream, [handler]).parse()
    return post, files, stream, len(body)
