"""The checks an entry's files must pass before they are stored (R24, R25).

Every check reads the file from a path on disk, a few bytes or the headers at a time: a PDF by
its signature; a picture by its magic bytes, then its size from its header (refused above the
pixel limits before any decoding), then decoded at a reduced size; a PPTX with python-pptx (on a copy without its media, so
that a 100 MB presentation is not loaded whole), a video with PyAV reading the container's
headers only (no frame is decoded) in a child process (video_probe.py). A failure raises
common.exceptions.Refused with a message that names the rule and says how to fix the file.
"""

import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wuxiao.common.exceptions import Refused

from .models import AttachmentKind

MB = 1024 * 1024
PHOTO_MAX_MB = 10
PHOTO_MAX_COUNT = 12
DOCUMENT_MAX_MB = 50
STAMPED_FORM_MAX_MB = 20
ASPECT_TOLERANCE = 0.01  # R24 "16:9": 1 % either way (PowerPoint's own sizes are not exact)

# A PPTX's XML parts are small; media and embedded objects are left out of the copy python-pptx reads.
PPTX_MEDIA_PREFIXES = ("ppt/media/", "ppt/embeddings/")
PPTX_MAX_XML_BYTES = 200 * MB  # uncompressed, all XML parts together: more is a zip bomb

JPEG, PNG, WEBP, PDF = "image/jpeg", "image/png", "image/webp", "application/pdf"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
IMAGE_EXTENSIONS = {".jpg": JPEG, ".jpeg": JPEG, ".jpe": JPEG, ".png": PNG, ".webp": WEBP}
VIDEO_TYPES = {".mp4": "video/mp4", ".wmv": "video/x-ms-wmv"}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office files (.ppt, .doc, .xls)
ASF_MAGIC = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")  # WMV / ASF header object

NS = {
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
ANIMATION_PRESETS = {"entr", "exit", "emph", "path"}
ANIMATION_TAGS = ("anim", "animClr", "animEffect", "animMotion", "animRot", "animScale")


@dataclass
class Checked:
    """What the checks established about an accepted file (and a photo's thumbnail, a small JPEG)."""

    content_type: str
    details: dict = field(default_factory=dict)
    thumbnail: bytes | None = None


# --- Limits -------------------------------------------------------------------------------

def max_bytes(kind: str, edition) -> int:
    """The largest file allowed for `kind` in `edition`."""
    return max_mb(kind, edition) * MB


def max_mb(kind: str, edition) -> int:
    return {
        AttachmentKind.PHOTO: PHOTO_MAX_MB,
        AttachmentKind.DOCUMENT: DOCUMENT_MAX_MB,
        AttachmentKind.OTHER: DOCUMENT_MAX_MB,
        AttachmentKind.PPT: edition.ppt_max_mb,
        AttachmentKind.VIDEO: edition.video_max_mb,
        AttachmentKind.STAMPED_FORM: STAMPED_FORM_MAX_MB,
    }[kind]


def video_formats(edition) -> list[str]:
    """The edition's video extensions (R24), e.g. [".mp4", ".wmv"]."""
    return ["." + f.strip().lower().lstrip(".") for f in edition.video_formats.split(",") if f.strip()]


def accept_attribute(kind: str, edition) -> str:
    """The <input accept> list for a kind (a hint to the browser; the server checks again)."""
    return {
        AttachmentKind.PHOTO: ".jpg,.jpeg,.png,.webp,image/jpeg,image/png,image/webp",
        AttachmentKind.DOCUMENT: ".pdf,application/pdf",
        AttachmentKind.OTHER: ".pdf,application/pdf",
        AttachmentKind.PPT: ".pptx," + PPTX,
        AttachmentKind.VIDEO: ",".join(video_formats(edition)),
        AttachmentKind.STAMPED_FORM: ".pdf,.jpg,.jpeg,.png,.webp,application/pdf,image/jpeg,image/png,image/webp",
    }[kind]


def human_size(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.1f} MB"
    return f"{max(size, 1) / 1024:.0f} KB" if size else "0 KB"


def clean_name(name: str) -> str:
    """The file's own name without any folder a browser sent, control characters or excess length."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip() or "file"
    if len(name) > 200:
        suffix = Path(name).suffix[:10]
        name = name[: 200 - len(suffix)] + suffix
    return name


def extension(name: str) -> str:
    return Path(name).suffix.lower()


# --- The entry point ------------------------------------------------------------------------

def check_file(*, kind: str, path: str, name: str, size: int, edition) -> Checked:
    """Check the file at `path` (uploaded as `name`, `size` bytes) for `kind`; raise Refused."""
    if size == 0:
        raise Refused(_("The file is empty."))
    limit = max_mb(kind, edition)
    if size > limit * MB:
        raise Refused(_size_message(kind, size, limit))
    head = _head(path)
    if _is_program(head):
        raise Refused(_("This file is a program, not a document, picture or video; programs cannot "
                                  "be uploaded."))
    ext = extension(name)
    if kind == AttachmentKind.PHOTO:
        return check_image(path, ext, head, thumbnail=True)
    if kind in (AttachmentKind.DOCUMENT, AttachmentKind.OTHER):
        return check_pdf(ext, head)
    if kind == AttachmentKind.STAMPED_FORM:
        if ext == ".pdf":
            return check_pdf(ext, head)
        if ext in IMAGE_EXTENSIONS:
            return check_image(path, ext, head)
        raise Refused(_("The stamped entry form must be a PDF or a picture (JPEG, PNG or WebP)."))
    if kind == AttachmentKind.PPT:
        return check_pptx(path, ext, head, edition)
    if kind == AttachmentKind.VIDEO:
        return check_video(path, ext, head, edition)
    raise Refused(_("Unknown kind of attachment."))


def _size_message(kind, size, limit):
    if kind == AttachmentKind.PPT:
        return _("R24: the PPT is %(size)s; at most %(max)d MB is allowed. Please compress its pictures and "
                 "media (File → Compress Media) and upload it again.") % {"size": human_size(size), "max": limit}
    if kind == AttachmentKind.VIDEO:
        return _("R24: the video is %(size)s; at most %(max)d MB is allowed. Please export it again with a "
                 "lower bit rate.") % {"size": human_size(size), "max": limit}
    return _("The file is %(size)s; at most %(max)d MB is allowed for a %(kind)s.") % {
        "size": human_size(size), "max": limit, "kind": AttachmentKind(kind).label}


def _head(path: str, n: int = 1024) -> bytes:
    with open(path, "rb") as f:
        return f.read(n)


def _is_program(head: bytes) -> bool:
    # Windows (MZ), Linux (ELF), macOS (Mach-O) executables and scripts.
    return head[:2] == b"MZ" or head[:4] in (b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe",
                                             b"\xca\xfe\xba\xbe") or head[:2] == b"#!"


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


# --- PPTX (R24) ----------------------------------------------------------------------------

def check_pptx(path: str, ext: str, head: bytes, edition) -> Checked:
    if ext == ".ppt" or head[:8] == OLE_MAGIC:
        raise Refused(_("R24: this is an old-format .ppt file. Please save it as .pptx (PowerPoint 2010 "
                                  "or WPS: File → Save As → .pptx) and upload it again."))
    if ext != ".pptx":
        raise Refused(_("R24: the roadshow PPT must be a .pptx file (PowerPoint 2010 or WPS)."))
    if head[:4] != b"PK\x03\x04":
        raise Refused(_("The file's content is not a PowerPoint presentation although its name ends "
                                  "in .pptx."))
    with _lean_pptx(path) as lean:
        from pptx import Presentation

        try:
            prs = Presentation(lean)
        except Exception:  # python-pptx raises KeyError, ValueError, lxml errors… for a broken package
            raise Refused(_("The file is not a PowerPoint presentation or it is damaged. Please open it "
                                      "in PowerPoint or WPS, save it again as .pptx and upload the new file.")) \
                from None
        width, height = int(prs.slide_width or 0), int(prs.slide_height or 0)
        details = {"slide_width": width, "slide_height": height, "slides": len(prs.slides)}
        problems = []
        aspect_w, aspect_h = parse_aspect(edition.ppt_aspect)
        if not height or abs((width / height) / (aspect_w / aspect_h) - 1) > ASPECT_TOLERANCE:
            problems.append(
                _("R24: the slides are %(ratio)s, not %(aspect)s. Please choose Design → Slide Size → "
                  "Widescreen (%(aspect)s) and upload the file again.")
                % {"ratio": describe_ratio(width, height), "aspect": edition.ppt_aspect})
        if not len(prs.slides):
            problems.append(_("The presentation has no slides."))
        else:
            problems.extend(first_slide_problems(prs.slides[0]))
    if problems:
        raise Refused(" ".join(str(p) for p in problems))
    return Checked(PPTX, details)


@contextmanager
def _lean_pptx(path: str) -> Iterator[str]:
    """A copy of the package with its media emptied, for python-pptx, which loads every part into memory."""
    with tempfile.TemporaryDirectory(prefix="wuxiao-pptx-") as tmp:
        lean = str(Path(tmp) / "lean.pptx")
        try:
            with zipfile.ZipFile(path) as src:
                infos = src.infolist()
                xml_bytes = sum(i.file_size for i in infos if not i.filename.startswith(PPTX_MEDIA_PREFIXES))
                if xml_bytes > PPTX_MAX_XML_BYTES:
                    raise Refused(_("The presentation's structure is abnormally large. Please save it "
                                              "again as .pptx in PowerPoint or WPS."))
                with zipfile.ZipFile(lean, "w", zipfile.ZIP_DEFLATED) as dst:
                    for info in infos:
                        if info.filename.startswith(PPTX_MEDIA_PREFIXES):
                            dst.writestr(info.filename, b"")
                        else:
                            with src.open(info) as member, dst.open(info.filename, "w") as copy:
                                shutil.copyfileobj(member, copy, 256 * 1024)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError,
                ValueError, OSError):
            raise Refused(_("The file is damaged and cannot be opened as a .pptx (the zip archive is "
                                      "broken). Please open it in PowerPoint or WPS, save it again as .pptx and "
                                      "upload the new file.")) from None
        yield lean


def parse_aspect(text: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in text.replace("：", ":").split(":"))
        return (w, h) if w > 0 and h > 0 else (16, 9)
    except ValueError:
        return 16, 9


def describe_ratio(width: int, height: int) -> str:
    """4:3, 16:9, 16:10… or the decimal ratio when it is none of the usual ones."""
    if not height:
        return "?"
    ratio = width / height
    for w, h in ((16, 9), (4, 3), (16, 10), (3, 2), (1, 1), (9, 16), (3, 4)):
        if abs(ratio / (w / h) - 1) <= ASPECT_TOLERANCE:
            return f"{w}:{h}"
    return f"{ratio:.2f}:1"


def _xpath(node, expression: str, namespaces=NS) -> list:
    # python-pptx's elements override xpath() with their own namespace map; use lxml's own.
    from lxml import etree

    return etree._Element.xpath(node, expression, namespaces=namespaces)


def first_slide_problems(slide) -> list:
    """R24: the first slide prepares the screen, so it has no animation and no sound."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    root = slide._element
    problems = []
    presets = _xpath(root, "p:timing//p:cTn/@presetClass", namespaces=NS)
    effects = _xpath(root, " | ".join(f"p:timing//p:{tag}" for tag in ANIMATION_TAGS), namespaces=NS)
    if effects or ANIMATION_PRESETS.intersection(presets):
        problems.append(_("R24: the first slide has animations; the first slide must have no animation. Please "
                          "delete them (Animations → None) and upload the file again."))
    transitions = _xpath(root, ".//p:transition", namespaces=NS)  # also inside mc:AlternateContent
    if any(isinstance(c.tag, str) and not c.tag.endswith(("}sndAc", "}extLst")) for t in transitions for c in t):
        problems.append(_("R24: the first slide has a transition effect, which is an animation; please set "
                          "Transitions → None for the first slide."))
    if _xpath(root, ".//p:transition/p:sndAc/p:stSnd", namespaces=NS):
        problems.append(_("R24: the first slide has a transition sound; please delete it (Transitions → Sound: "
                          "No Sound)."))
    # Audio placed on the slide: a shape with an audio file, audio played by the timeline, or an
    # audio relationship other than the transition's sound.
    transition_sounds = set(_xpath(root, ".//p:transition//p:snd/@r:embed", namespaces=NS))
    audio_rels = [rel for rel in slide.part.rels.values() if rel.rId not in transition_sounds and (
        rel.reltype == RT.AUDIO
        or (rel.reltype == RT.MEDIA and not rel.is_external and rel.target_part.content_type.startswith("audio/")))]
    audio_shapes = _xpath(root, ".//p:nvPr/a:audioFile | .//p:nvPr/a:wavAudioFile | .//p:nvPr/a:audioCd"
                              " | p:timing//p:audio", namespaces=NS)
    if audio_rels or audio_shapes:
        problems.append(_("R24: the first slide has a sound (audio); please delete it. Background music may "
                          "start on the second slide."))
    return problems


# --- Video (R24) ---------------------------------------------------------------------------

def container_matches(ext: str, head: bytes) -> bool:
    if ext == ".mp4":
        return head[4:8] == b"ftyp"
    if ext == ".wmv":
        return head[:16] == ASF_MAGIC
    return False


PROBE_TIMEOUT = 60  # seconds; reading headers takes well under one
CONTAINER_NAMES = {".mp4": "mp4", ".wmv": "asf"}  # FFmpeg's demuxer names


def probe_video(path: str) -> dict:
    """The container's headers, read by PyAV in a child process (video_probe.py says why)."""
    src = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p)}
    try:
        done = subprocess.run([sys.executable, "-m", "wuxiao.entries.video_probe", path], capture_output=True,
                              timeout=PROBE_TIMEOUT, env=env, check=False)
        return json.loads(done.stdout or b"{}")
    except (subprocess.TimeoutExpired, ValueError, OSError):
        return {"readable": False}


def check_video(path: str, ext: str, head: bytes, edition) -> Checked:
    formats = video_formats(edition)
    names = "、".join(f.lstrip(".").upper() for f in formats)
    if ext not in formats:
        raise Refused(_("R24: the video must be %(formats)s; please convert it to MP4 (H.264) and upload "
                                  "it again.") % {"formats": names})
    if ext not in VIDEO_TYPES or not container_matches(ext, head):
        raise Refused(_("The file's content is not a %(format)s video although its name ends in "
                                  "%(ext)s. Please upload the video itself.")
                                % {"format": ext.lstrip(".").upper(), "ext": ext})
    info = probe_video(path)
    if not info.get("readable"):
        raise Refused(_("The video cannot be read: it is damaged or not a video. Please export it "
                                  "again as MP4 (H.264)."))
    if CONTAINER_NAMES[ext] not in info.get("format", "").split(","):
        raise Refused(_("The file's content is not a %(format)s video although its name ends in "
                                  "%(ext)s. Please upload the video itself.")
                                % {"format": ext.lstrip(".").upper(), "ext": ext})
    if not info.get("video"):
        raise Refused(_("R24: the file has no video picture (only sound, or nothing). Please upload "
                                  "the video itself."))
    width, height, seconds, codec = info["width"], info["height"], info["seconds"], info["codec"]
    details = {"width": width, "height": height, "seconds": round(seconds, 2) if seconds is not None else None,
               "codec": codec}
    problems = []
    if seconds is None:
        problems.append(_("The length of the video cannot be read from the file. Please export it again as MP4."))
    elif seconds > edition.video_max_minutes * 60 + 0.5:  # half a second for rounding of container times
        problems.append(_("R24: the video lasts %(duration)s; at most %(max)d minutes are allowed. Please shorten "
                          "it.") % {"duration": describe_duration(seconds), "max": edition.video_max_minutes})
    if (width, height) != (edition.video_width, edition.video_height):
        problems.append(_("R24: the video is %(width)d×%(height)d pixels; it must be %(req_width)d×%(req_height)d. "
                          "Please export it at %(req_width)d×%(req_height)d.")
                        % {"width": width, "height": height, "req_width": edition.video_width,
                           "req_height": edition.video_height})
    if not height or abs((width / height) / (16 / 9) - 1) > ASPECT_TOLERANCE:
        problems.append(_("R24: the picture is %(ratio)s, not 16:9.") % {"ratio": describe_ratio(width, height)})
    if problems:
        raise Refused(" ".join(str(p) for p in problems))
    return Checked(VIDEO_TYPES[ext], details)


def describe_duration(seconds: float) -> str:
    total = int(round(seconds))
    return _("%(minutes)d min %(seconds)02d s") % {"minutes": total // 60, "seconds": total % 60}
