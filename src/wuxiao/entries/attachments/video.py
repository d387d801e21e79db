"""The roadshow video (R24): PyAV reads the container's headers only (no frame is decoded), in a
child process (entries/video_probe.py says why)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from wuxiao.common.exceptions import Refused

from .limits import ASF_MAGIC, ASPECT_TOLERANCE, VIDEO_TYPES, Checked, video_formats
from .pptx import describe_ratio

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
        raise Refused(_("Roadshow material (the notice, Attachment 2, note 3): the video must be %(formats)s; please "
                        "convert it to MP4 (H.264) and upload it again.") % {"formats": names})
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
        raise Refused(_("Roadshow material (the notice, Attachment 2, note 3): the file has no video picture (only "
                        "sound, or nothing). Please upload the video itself."))
    width, height, seconds, codec = info["width"], info["height"], info["seconds"], info["codec"]
    details = {"width": width, "height": height, "seconds": round(seconds, 2) if seconds is not None else None,
               "codec": codec}
    problems = []
    if seconds is None:
        problems.append(_("The length of the video cannot be read from the file. Please export it again as MP4."))
    elif seconds > edition.video_max_minutes * 60 + 0.5:  # half a second for rounding of container times
        problems.append(_("Roadshow material (the notice, Attachment 2, note 3): the video lasts %(duration)s; at "
                          "most %(max)d minutes are allowed. Please shorten it.")
                        % {"duration": describe_duration(seconds), "max": edition.video_max_minutes})
    if (width, height) != (edition.video_width, edition.video_height):
        problems.append(_("Roadshow material (the notice, Attachment 2, note 3): the video is %(width)d×%(height)d "
                          "pixels; it must be %(req_width)d×%(req_height)d. Please export it at "
                          "%(req_width)d×%(req_height)d.")
                        % {"width": width, "height": height, "req_width": edition.video_width,
                           "req_height": edition.video_height})
    if not height or abs((width / height) / (16 / 9) - 1) > ASPECT_TOLERANCE:
        problems.append(_("Roadshow material (the notice, Attachment 2, note 3): the picture is %(ratio)s, not 16:9.")
                        % {"ratio": describe_ratio(width, height)})
    if problems:
        raise Refused(" ".join(str(p) for p in problems))
    return Checked(VIDEO_TYPES[ext], details)


def describe_duration(seconds: float) -> str:
    total = int(round(seconds))
    return _("%(minutes)d min %(seconds)02d s") % {"minutes": total // 60, "seconds": total % 60}
