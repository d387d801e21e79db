"""Pictures and PDFs are what they claim to be, and a picture's size is refused from its header (issue 8, items 8, 9)."""

import io
import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageFile

import wuxiao
from wuxiao.entries.models import AttachmentKind

from ..upload_helpers import png_claiming
from .test_attachments_checks import PDF, jpeg_bytes, png_bytes, webp_bytes

TOO_MANY_PIXELS = ("图片为 13000×13000 像素（16900 万像素），超出上限：最多 4000 万像素，长边最多 20000 像素。"
                   "请缩小图片后重新上传（扫描件用 300 dpi 即可）。")
DAMAGED = "图片已损坏，无法打开。请重新保存后上传。"


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if any picture's pixels are decoded."""

    def load(self):
        raise AssertionError(f"{self.size} pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


def test_pillow_guard_is_set_to_the_same_limit(settings):
    assert Image.MAX_IMAGE_PIXELS == settings.IMAGE_MAX_PIXELS == 40_000_000


@pytest.mark.parametrize("kind", [AttachmentKind.PHOTO, AttachmentKind.STAMPED_FORM])
def test_a_small_file_claiming_13000_by_13000_pixels_is_refused_from_its_header(check, no_decoding, kind):
    data = png_claiming(13000, 13000)
    assert len(data) < 1024

    assert check(kind, "扫描.png", data) == TOO_MANY_PIXELS


def test_the_longer_side_has_its_own_limit(check, no_decoding, settings):
    settings.IMAGE_MAX_SIDE = 3000

    assert check(AttachmentKind.PHOTO, "长图.png", png_claiming(3001, 10)) == (
        "图片为 3001×10 像素（3 万像素），超出上限：最多 4000 万像素，长边最多 3000 像素。"
        "请缩小图片后重新上传（扫描件用 300 dpi 即可）。")


def test_pictures_within_the_limits_pass_with_their_size_and_a_thumbnail(check, settings):
    settings.IMAGE_MAX_PIXELS = 64 * 48

    result = check(AttachmentKind.PHOTO, "现场.jpg", jpeg_bytes((64, 48)))

    assert result.details == {"width": 64, "height": 48}
    assert Image.open(io.BytesIO(result.thumbnail)).format == "JPEG"


def test_a_stamped_form_picture_is_decoded_but_keeps_no_thumbnail(check):
    result = check(AttachmentKind.STAMPED_FORM, "盖章申报表.png", png_bytes())

    assert result.content_type == "image/png" and result.thumbnail is None


@pytest.mark.parametrize(("name", "data", "message"), [
    ("现场.jpg", png_bytes(), "文件扩展名为 .jpg，但内容是 PNG 图片。请上传原始文件，或重新另存为 .jpg。"),
    ("现场.png", jpeg_bytes(), "文件扩展名为 .png，但内容是 JPEG 图片。请上传原始文件，或重新另存为 .png。"),
    ("现场.webp", png_bytes(), "文件扩展名为 .webp，但内容是 PNG 图片。请上传原始文件，或重新另存为 .webp。"),
    # the header of a picture, then nothing a decoder can read
    ("现场.jpg", jpeg_bytes((640, 480))[:400], DAMAGED),
    ("现场.png", png_claiming(40, 30, rows=0)[:-12], DAMAGED),
    ("现场.webp", webp_bytes()[:30], DAMAGED),
    ("现场.png", b"\x89PNG\r\n\x1a\n" + b"not a picture at all" * 10, DAMAGED),
])
def test_a_picture_must_decode_as_the_type_its_name_claims(check, name, data, message):
    assert check(AttachmentKind.PHOTO, name, data) == message


def test_a_png_whose_data_is_corrupted_is_refused(check):
    data = bytearray(png_bytes((200, 200)))
    data[60:80] = b"\xff" * 20  # inside IDAT: its checksum no longer matches

    assert check(AttachmentKind.STAMPED_FORM, "盖章申报表.png", bytes(data)) == DAMAGED


def test_a_png_with_a_wrong_checksum_is_refused_by_pillows_verify(check):
    data = bytearray(png_bytes())
    start = data.index(b"IDAT")
    end = start + 4 + struct.unpack(">I", data[start - 4:start])[0]
    data[end:end + 4] = b"\x00\x00\x00\x00"  # the data chunk's checksum: the pixels alone would still decode
    with Image.open(io.BytesIO(bytes(data))) as img:
        img.load()

    assert check(AttachmentKind.PHOTO, "现场.png", bytes(data)) == DAMAGED


@pytest.mark.parametrize("kind", [AttachmentKind.DOCUMENT, AttachmentKind.OTHER, AttachmentKind.STAMPED_FORM])
def test_a_pdf_must_start_with_the_pdf_signature(check, kind):
    assert check(kind, "说明.pdf", PDF).content_type == "application/pdf"
    assert check(kind, "说明.pdf", b"<html>%PDF-1.4</html>" + PDF) == (
        "文件内容不是 PDF（虽然扩展名为 .pdf）。请重新导出为 PDF。")


PEAK_SCRIPT = """
import json, resource, sys
import django
django.setup()
from wuxiao.common.exceptions import Refused
from wuxiao.entries.attachments import check_image
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    check_image(sys.argv[1], ".png", open(sys.argv[1], "rb").read(16), thumbnail=True)
    answer = "accepted"
except Refused as refused:
    answer = str(refused.message)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"before_kb": before, "after_kb": after, "answer": answer}))
"""


def test_a_complete_13000_by_13000_png_costs_no_memory_to_refuse(tmp_path):
    """The real bomb (a zlib stream of zeros, about 500 KB) in its own process: peak memory stays flat."""
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_claiming(13000, 13000, rows=13000))
    src = str(Path(wuxiao.__file__).resolve().parents[1])  # the code under test, wherever pytest imports it from
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "wuxiao.settings", "DATA_DIR": str(tmp_path / "data"),
           "PYTHONPATH": os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p)}

    done = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, str(bomb)], capture_output=True, text=True, env=env,
                          check=True, timeout=120)

    peak = json.loads(done.stdout.strip().splitlines()[-1])
    assert peak["answer"].startswith("图片为 13000×13000 像素")
    # Decoding would take 13000×13000×3 bytes (483 MB) at least; the header costs nothing visible.
    assert (peak["after_kb"] - peak["before_kb"]) < 20 * 1024, peak
