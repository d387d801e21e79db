"""Pictures and PDFs: a PDF by its signature; a picture by its magic bytes, then its size from its
header (refused above the pixel limits before any decoding), then decoded at a reduced size."""

import io
import struct

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wuxiao.common.exceptions import Refused

from .limits import IMAGE_EXTENSIONS, JPEG, PDF, PNG, WEBP, Checked

# --- Images and PDF -----------------------------------------------------------------------

def image_type(head: bytes) -> str | None:
    if head[:3] == b"\xff\xd8\xff":
        return JPEG
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def check_image(source, ext: str, head: bytes, *, thumbnail: bool = False) -> Checked:
    """A JPEG, PNG or WebP picture (a path or an open file) whose name, content and size agree.

    Its width and height are read from the header and checked against IMAGE_MAX_PIXELS and
    IMAGE_MAX_SIDE before any pixel is decoded (a small file can claim 13000×13000 pixels, which
    take gigabytes once decoded). Then the picture is decoded at a reduced size, which proves it
    is the picture it claims to be; with `thumbnail`, the small JPEG made on the way is kept.
    """
    if ext not in IMAGE_EXTENSIONS:
        raise Refused(_("A photo must be a JPEG, PNG or WebP picture (.jpg, .png or .webp)."))
    content_type = image_type(head)
    if content_type is None:
        raise Refused(_("The file's content is not a JPEG, PNG or WebP picture although its name ends "
                                  "in %(ext)s. Please upload the picture itself.") % {"ext": ext})
    if content_type != IMAGE_EXTENSIONS[ext]:
        raise Refused(_("The file's name ends in %(ext)s but its content is a %(format)s picture. Please "
                                  "upload the original file, or save it again as %(ext)s.")
                                % {"ext": ext, "format": IMAGE_FORMAT_NAMES[content_type]})
    width, height = _header_size(source, content_type)
    check_dimensions(width, height)
    small = _reduced_copy(source)
    return Checked(content_type, {"width": width, "height": height}, thumbnail=small if thumbnail else None)


IMAGE_FORMAT_NAMES = {JPEG: "JPEG", PNG: "PNG", WEBP: "WebP"}
DAMAGED_IMAGE = _("The picture is damaged and cannot be opened. Please save it again and upload the new file.")
# What Pillow raises for a file it cannot read as the format it claims.
PILLOW_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)


def _rewind(source) -> None:
    if hasattr(source, "seek"):
        source.seek(0)


def _header_size(source, content_type: str) -> tuple[int, int]:
    """Width and height from the header, by Pillow's reader for the format: no pixel is decoded.

    The reader's class is used rather than Image.open, which refuses a picture above twice
    MAX_IMAGE_PIXELS without saying its size, so the message could not name it.
    """
    from PIL import JpegImagePlugin, PngImagePlugin, WebPImagePlugin

    reader = {JPEG: JpegImagePlugin.JpegImageFile, PNG: PngImagePlugin.PngImageFile,
              WEBP: WebPImagePlugin.WebPImageFile}[content_type]
    _rewind(source)
    try:
        with reader(source) as img:
            return img.size
    except PILLOW_ERRORS:
        raise Refused(DAMAGED_IMAGE) from None
    finally:
        _rewind(source)


def check_dimensions(width: int, height: int) -> None:
    """Refuse a picture with more pixels, or a longer side, than the settings allow."""
    max_pixels, max_side = settings.IMAGE_MAX_PIXELS, settings.IMAGE_MAX_SIDE
    if width * height > max_pixels or max(width, height) > max_side:
        raise Refused(
            _("The picture is %(width)d×%(height)d pixels (%(pixels)s pixels); at most %(max_pixels)s pixels and "
              "%(max_side)d pixels on the longer side are allowed. Please reduce its size (for a scan, 300 dpi is "
              "enough) and upload it again.")
            % {"width": width, "height": height, "pixels": pixel_count(width * height),
               "max_pixels": pixel_count(max_pixels), "max_side": max_side})


def pixel_count(pixels: int) -> str:
    """A number of pixels as each language counts a camera's: 4000 万 in Chinese, 40 million in English."""
    if (get_language() or "").startswith("zh"):
        return f"{pixels / 10_000:.0f} 万"
    return f"{pixels / 1_000_000:.3g} million"


# --- Thumbnails ----------------------------------------------------------------------------

THUMBNAIL_SIZE = (480, 480)


def _reduced_copy(source) -> bytes:
    """Verify and decode the picture at a reduced size into a small JPEG; Refused if either fails.

    Call it only once the size is checked: a PNG or WebP is decoded whole (a JPEG at 1/8 scale).
    """
    from PIL import Image, ImageOps

    _rewind(source)
    try:
        with Image.open(source) as img:
            img.verify()  # the structure (for a PNG, every chunk's checksum), before decoding
        _rewind(source)
        with Image.open(source) as img:
            img.draft("RGB", THUMBNAIL_SIZE)  # JPEG: decode at a reduced scale, cheap in memory
            img.thumbnail(THUMBNAIL_SIZE)
            img = ImageOps.exif_transpose(img)  # on the small copy: turning the full picture would copy it
            if img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            out = io.BytesIO()
            img.save(out, "JPEG", quality=80)
            return out.getvalue()
    except (*PILLOW_ERRORS, Image.DecompressionBombError):
        raise Refused(DAMAGED_IMAGE) from None
    finally:
        _rewind(source)


def check_pdf(ext: str, head: bytes) -> Checked:
    if ext != ".pdf":
        raise Refused(_("The document must be a PDF file (.pdf). Please print or export it as PDF."))
    if not head.startswith(b"%PDF-"):
        raise Refused(_("The file's content is not a PDF although its name ends in .pdf. Please export "
                                  "the document as PDF again."))
    return Checked(PDF)
