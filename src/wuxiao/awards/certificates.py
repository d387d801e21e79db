"""The certificate of an award: its readable number, the masked names of the public verification page, the QR
code to that page, and the PDF (one A4 landscape page, rendered by WeasyPrint).

Pure helpers and the document itself; the rows and files are written by services_certificates.py."""

from __future__ import annotations

import base64
import re

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuxiao.documents.exporters import Exporter, safe_filename

# The tiers of the notice (R11) by the initials of their pinyin; another tier gets T<n> by its position.
TIER_CODES = {"特等奖": "TD", "一等奖": "YD", "二等奖": "ED", "三等奖": "SD"}
# ZZWX-2025-TD-003: the office's prefix, the year, the tier's code, the place within the tier.
NUMBER_RE = re.compile(r"^[A-Z0-9]{1,12}-\d{4}-[A-Z0-9]{1,4}-\d{3,5}$")
PREFIX_RE = re.compile(r"^[A-Z0-9]{1,12}$")
# What people type for a hyphen on a Chinese keyboard or copy from a document.
_DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "‐": "-", "‑": "-", "_": "-"})


def tier_code(name: str, position: int) -> str:
    """The tier's code in certificate numbers: TD, YD, ED, SD for the notice's tiers, else T<position + 1>."""
    return TIER_CODES.get((name or "").strip(), f"T{position + 1}")


def certificate_number(prefix: str, year: int, code: str, seq: int) -> str:
    return f"{prefix}-{year}-{code}-{seq:03d}"


def normalize_number(text: str) -> str:
    """A typed certificate number as stored: no spaces, upper case, every kind of dash a hyphen."""
    text = (text or "").translate(_DASHES)
    # Full-width letters and digits (ＺＺＷＸ２０２５) as their ASCII forms.
    text = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in text)
    return "".join(text.split()).upper()


def is_well_formed(number: str) -> bool:
    return bool(NUMBER_RE.match(number or ""))


def mask_name(name: str) -> str:
    """A completer's name as the public page shows it: 张三明 → 张*明, 张三 → 张*, 欧阳小明 → 欧**明."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def verify_url(token: str) -> str:
    """The absolute address of the certificate's public verification page (the QR code's content)."""
    return settings.SITE_URL + reverse("awards:verify", args=[token])


def qr_data_uri(url: str) -> str:
    """The QR code of `url` as an SVG data URI (segno), sharp at any print size."""
    import segno

    return segno.make_qr(url, error="m").svg_data_uri(scale=4, border=2)


def _data_uri(data: bytes) -> str:
    kind = "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
    return f"data:{kind};base64," + base64.b64encode(data).decode("ascii")


def seal_data_uri(award_settings) -> str:
    """The uploaded seal as a data URI for the PDF ("" without one); a batch reads it once for all certificates."""
    seal = award_settings.seal
    if not seal:
        return ""
    try:
        with seal.open("rb") as f:
            data = f.read()
    except OSError:
        return ""
    return _data_uri(data)


def chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


class CertificatePdf(Exporter):
    """The certificate of one award (one page). `context` comes from queries_certificates.certificate_context."""

    name, label, file_type = "certificate", _("Certificate (PDF)"), "pdf"

    def __init__(self, context: dict):
        self.data = context

    def filename(self) -> str:
        return safe_filename(f"{self.data['number']}-{self.data['title']}", limit=80) + ".pdf"

    def render(self) -> bytes:
        from wuxiao.documents import pdf

        return pdf.render_pdf("awards/certificates/pdf/certificate.html", self.data)

    def html(self) -> str:
        from wuxiao.documents import pdf

        return pdf.render_html("awards/certificates/pdf/certificate.html", self.data)
