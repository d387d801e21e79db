"""The checks an entry's files must pass before they are stored (R24, R25), by kind of file.

Every check reads the file from a path on disk, a few bytes or the headers at a time: a PDF by
its signature, a picture by its header before any decoding (images.py), a PPTX with python-pptx on
a copy without its media (pptx.py), a video's container headers with PyAV in a child process
(video.py). `check_file` (checks.py) is the entry point; a failure raises
common.exceptions.Refused with a message that names the rule and says how to fix the file.
"""

from .checks import check_file
from .images import check_dimensions, check_image, check_pdf, image_type
from .limits import (
    DOCUMENT_MAX_MB,
    IMAGE_EXTENSIONS,
    JPEG,
    MB,
    PDF,
    PHOTO_MAX_COUNT,
    PHOTO_MAX_MB,
    PNG,
    PPTX,
    STAMPED_FORM_MAX_MB,
    VIDEO_TYPES,
    WEBP,
    Checked,
    accept_attribute,
    clean_name,
    extension,
    human_size,
    max_bytes,
    max_mb,
    video_formats,
)
from .pptx import check_pptx, describe_ratio, first_slide_problems, parse_aspect
from .video import check_video, describe_duration, probe_video

__all__ = [
    "DOCUMENT_MAX_MB", "IMAGE_EXTENSIONS", "JPEG", "MB", "PDF", "PHOTO_MAX_COUNT", "PHOTO_MAX_MB", "PNG", "PPTX",
    "STAMPED_FORM_MAX_MB", "VIDEO_TYPES", "WEBP", "Checked", "accept_attribute", "check_dimensions", "check_file",
    "check_image", "check_pdf", "check_pptx", "check_video", "clean_name", "describe_duration", "describe_ratio",
    "extension", "first_slide_problems", "human_size", "image_type", "max_bytes", "max_mb", "parse_aspect",
    "probe_video", "video_formats",
]
