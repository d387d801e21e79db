"""No user reads an internal rule code such as "R24" (issue 9, item 10).

competition.md numbers the notice's rules R1–R27 for code, tests and audit data; users read the
notice's own words (通知附件2备注说明第3条). Checked in the catalogues (every English msgid and
Chinese msgstr), in the code's messages (bin/cite-notice --check) and on the pages of the demo,
for every role, in Chinese and in English.
"""

import csv
import io
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src" / "wuxiao"

# A code of competition.md: R1 … R27, R4.3, standing alone. Not part of a longer word or number
# (R2D2, R&D, PR1, R100, 1R2), and Chinese text may touch it ("不属于R4所列"): Python's \b would
# miss that, so the edges are spelled out in ASCII.
RULE_CODE = re.compile(r"(?<![A-Za-z0-9_&])R(?:[1-9]|1\d|2[0-7])(?:\.\d{1,2})?(?![0-9A-Za-z_&])")


@pytest.mark.parametrize("text,found", [
    ("（R24）", "R24"), ("不属于R4所列情形", "R4"), ("R4.3 applies", "R4.3"), ("R1–R4", "R1"), ("R27", "R27"),
    ("R&D", None), ("R28", None), ("R100", None), ("PR1", None), ("R2D2", None), ("#R1x", None), ("GB/T 4754", None),
])
def test_the_pattern(text, found):
    match = RULE_CODE.search(text)
    assert (match.group(0) if match else None) == found


def _entries(po: Path):
    """(msgctxt, msgid, msgstr) of a catalogue written with --no-wrap."""
    for block in po.read_text().split("\n\n"):
        fields = {}
        for line in block.split("\n"):
            m = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d\]) (".*")$', line)
            if m:
                fields[m.group(1)] = eval(m.group(2))  # noqa: S307  (a quoted .po string)
        if fields.get("msgid"):
            yield fields


def test_catalogues_have_no_rule_code():
    found = []
    for po in sorted(SRC.rglob("zh_Hans/LC_MESSAGES/django.po")):
        for fields in _entries(po):
            for key, text in fields.items():
                if key != "msgctxt" and RULE_CODE.search(text):
                    found.append(f"{po.relative_to(REPO)}: {key} {text!r}")
    assert not found, "Rule codes in messages (run bin/cite-notice):\n" + "\n".join(found)


def test_messages_in_the_code_have_no_rule_code():
    """bin/cite-notice finds nothing to rewrite in src/ (messages not yet in a catalogue included)."""
    result = subprocess.run([sys.executable, str(REPO / "bin" / "cite-notice"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


class _Visible(HTMLParser):
    """The text a user sees: text outside script and style, and the attributes that are shown."""

    SHOWN = ("title", "placeholder", "aria-label", "alt", "data-label", "data-confirm")

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts.extend(value for name, value in attrs if name in self.SHOWN and value)
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.parts.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return "\n".join(parser.parts)


def _codes_in(text: str) -> list[str]:
    return [text[max(0, m.start() - 40):m.end() + 40].replace("\n", " ") for m in RULE_CODE.finditer(text)]


def _docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def _journey_pages():
    """(who, url) of the key pages of every role in the demo: the declarer's form and entries, the
    recommending unit's screening, the office's eligibility check, settings and audit log, the public pages."""
    from wuxiao.demo.data import HANDED_OVER, PRACTICE_SLUG, REAL_SLUG, TITLES
    from wuxiao.entries.enums import EntryStatus
    from wuxiao.entries.models import Entry
    from wuxiao.orgs.models import Organisation

    def entry(status):
        return Entry.objects.get(edition__slug=PRACTICE_SLUG, title=TITLES[status]).pk

    jinshui = Organisation.objects.get(name="金水区总工会").pk
    handed = [Entry.objects.get(edition__slug=PRACTICE_SLUG, title=t) for t in HANDED_OVER]
    pages = [
        (None, "/"),
        (None, reverse("public:edition", args=[PRACTICE_SLUG])),
        (None, reverse("public:edition", args=[REAL_SLUG])),
        (None, reverse("public:notice", args=[REAL_SLUG])),
        ("yuhang", reverse("accounts:dashboard")),
        ("yuhang", reverse("entries:mine")),
        ("yuhang", reverse("entries:edit", args=[entry(EntryStatus.DRAFT)])),
        ("yuhang", reverse("entries:edit", args=[entry(EntryStatus.RETURNED)])),
        ("yuhang", reverse("entries:view", args=[entry(EntryStatus.INELIGIBLE)])),
        ("yuhang", reverse("entries:view", args=[entry(EntryStatus.REVOKED)])),
        ("yuhang", reverse("entries:attachments", args=[entry(EntryStatus.DRAFT)])),
        ("yuhang", reverse("notifications:list")),
        ("yuhang", reverse("documents:my_commitment")),
        ("yuhang", reverse("documents:entry_docx", args=[entry(EntryStatus.SUBMITTED)])),
        ("jinshui", reverse("accounts:dashboard")),
        ("jinshui", reverse("screening:queue")),
        ("jinshui", reverse("screening:unit", args=[PRACTICE_SLUG, jinshui])),
        ("jinshui", reverse("screening:entry", args=[entry(EntryStatus.SUBMITTED)])),
        ("jinshui", reverse("entries:view", args=[entry(EntryStatus.SUBMITTED)])),
        ("jinshui", reverse("notifications:list")),
        ("nenghua", reverse("screening:unit", args=[PRACTICE_SLUG, handed[0].recommending_unit_id])),
        ("office", reverse("accounts:dashboard")),
        ("office", reverse("screening:review", args=[PRACTICE_SLUG])),
        *[("office", reverse("screening:review_entry", args=[PRACTICE_SLUG, e.pk])) for e in handed],
        ("office", reverse("screening:quota_exceptions", args=[PRACTICE_SLUG])),
        ("office", reverse("screening:flags", args=[PRACTICE_SLUG])),
        ("office", reverse("screening:overview", args=[PRACTICE_SLUG])),
        ("office", reverse("entries:list")),
        ("office", reverse("entries:view", args=[entry(EntryStatus.INELIGIBLE)])),
        ("office", reverse("common:audit_log")),
        ("office", reverse("common:audit_log") + "?export=csv"),
        ("office", reverse("competitions:edition_detail", args=[PRACTICE_SLUG])),
        ("office", reverse("competitions:edition_edit", args=[PRACTICE_SLUG])),
        *[("office", reverse("competitions:edition_lists", args=[PRACTICE_SLUG, kind]))
          for kind in ("categories", "presentation-forms", "exclusions", "criteria", "prizes", "committee")],
        ("office", reverse("notifications:templates")),
        ("office", reverse("notifications:template_edit", args=["entry.declare_ineligible"])),
        ("office", reverse("orgs:registrations")),
    ]
    return pages


def _text_of(response) -> str:
    content_type = response.get("Content-Type", "")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if "wordprocessingml" in content_type:
        return _docx_text(content)
    text = content.decode("utf-8-sig")
    if "text/csv" in content_type:  # the audit export: its last column is the data as recorded, codes and all
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][-1] in ("记录的数据（原始）", "Recorded data")
        return "\n".join(",".join(row[:-1]) for row in rows)
    return visible_text(text) if "html" in content_type else text


def _read_pages(language: str, clients: dict, found: list) -> None:
    """Read every page of the journey in `language`; add what shows a rule code to `found`."""
    from wuxiao.accounts.models import User

    for who, url in _journey_pages():
        key = (who, language)
        if key not in clients:
            clients[key] = Client()
            if who:
                clients[key].force_login(User.objects.get(username=who))
            if language != "zh-hans":
                clients[key].post(reverse("set_language"), {"language": language, "next": "/"})
        response = clients[key].get(url, follow=True)
        assert response.status_code == 200, (who, url, response.status_code)
        found += [f"[{language}] {who or 'public'} {url}: …{snippet}…" for snippet in _codes_in(_text_of(response))]


@pytest.mark.django_db
def test_the_demo_journey_shows_no_rule_code():
    """The demo's entries in every state, their history, an ineligibility under R4.3, a revoked award
    and the office's audit log: every page in Chinese, and the key ones in English, read in words."""
    from wuxiao.demo.data import load_demo

    load_demo()
    found, clients = [], {}
    with translation.override(settings.LANGUAGE_CODE):  # the English requests leave no language active behind
        for language in ("zh-hans", "en"):
            _read_pages(language, clients, found)
    assert not found, "Rule codes shown to users:\n" + "\n".join(found)
