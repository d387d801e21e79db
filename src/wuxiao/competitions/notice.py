"""Turning the notice's text, as extracted from the PDF, back into readable paragraphs.

The extracted text breaks every printed line (about 28 字) and puts a blank line between lines,
so a paragraph is rebuilt by joining a full line that does not end a sentence with the next one.
"""

import re
from dataclasses import dataclass

# A line that starts something new: 一、 （一） （1） 1. 附件2 and the like.
_STARTS_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\d+[.、．](?!\d)|附件)")
# A person's name and post, as in the committee list: 田 播 市人力资源和社会保障局工会主席
_STARTS_NAME = re.compile(r"^[\u4e00-\u9fff]{1,3}\s+\S")
_SECTION = re.compile(r"^[一二三四五六七八九十]+、\S{1,16}$")
_ATTACHMENT = re.compile(r"^附件\s*\d+$")
_ENDS_SENTENCE = "。：；！？:;!?"
FULL_LINE = 24  # shorter lines were broken on purpose (titles, names, signatures)


@dataclass
class Paragraph:
    text: str
    kind: str = "p"  # "p", "section" (一、…) or "attachment" (附件2)


def _joiner(previous: str, line: str) -> str | None:
    """What to put between `previous` and `line` when they belong together, or None."""
    if not previous or previous[-1] in _ENDS_SENTENCE or previous.startswith("http"):
        return None
    if _STARTS_ITEM.match(line) or _STARTS_NAME.match(line):
        return None
    if previous.isdigit() and line.isdigit():
        return " "  # the numbered rows of an empty table
    if len(previous) == 1 and len(line) == 1:
        return ""  # a table heading printed one character per line: 获 / 奖 / 情 / 况
    if len(previous) >= FULL_LINE and not line.startswith("http") and not line.isdigit():
        return ""
    return None


def notice_paragraphs(text: str) -> list[Paragraph]:
    """The notice as paragraphs, with section headings and attachment titles marked."""
    lines: list[str] = []
    last = ""
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        joiner = _joiner(last, line) if lines else None
        if joiner is not None:
            lines[-1] += joiner + line
        else:
            lines.append(line)
        last = line
    paragraphs = []
    for line in lines:
        if _ATTACHMENT.match(line):
            paragraphs.append(Paragraph(line, "attachment"))
        elif _SECTION.match(line):
            paragraphs.append(Paragraph(line, "section"))
        else:
            paragraphs.append(Paragraph(line))
    return paragraphs
