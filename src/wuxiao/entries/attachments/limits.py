"""The limits of an entry's files (R24, R25), read from the edition, and what every check returns."""

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

from ..models import AttachmentKind

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
