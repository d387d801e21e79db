"""The notice's own words for the rules the code names R1–R27 (competition.md).

A user never reads "R4.3": data keeps the code (an ineligibility finding stores `rule="R4.3"`),
and every page, message and document shows `rule_label(...)` instead, e.g.
不列入竞赛范围的情形第（三）项：已经列入政府有关部门科技计划项目的创新作品.
bin/cite-notice uses the same citations for the messages in the code.
"""

import re

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

# The rules an ineligibility finding may name (screening.transitions.ineligibility_rule), in words.
RULES = {
    "R1": gettext_lazy("Scope: Zhengzhou trade unions, front-line workers (the notice, Attachment 1, section 2)"),
    "R2": gettext_lazy("Recent work: achieved in the last three years (the notice, Attachment 1, section 2)"),
    "R3": gettext_lazy("Category: one of the five (the notice, Attachment 2, note 2)"),
    "R4": gettext_lazy("A case not included in the competition (the notice, Attachment 1, section 2)"),
}
_ITEM = re.compile(r"^R4\.(\d{1,2})$")
_NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    """`n` as the notice numbers its items: 三 in Chinese (up to 十), 3 otherwise."""
    if (get_language() or "").startswith("zh") and 1 <= n <= len(_NUMERALS):
        return _NUMERALS[n - 1]
    return str(n)


def exclusion_label(number: int, text: str = "") -> str:
    """不列入竞赛范围的情形第（三）项, with the case's text when given."""
    label = _("Case (%(number)s) not included in the competition") % {"number": numeral(number)}
    return _("%(label)s: %(text)s") % {"label": label, "text": text} if text else label


def rule_label(code: str, text: str = "") -> str:
    """A stored rule code (R1–R4, R4.n) in words; `text` is the exclusion's text when known.

    An unknown value is shown as it was stored: it is the user's own input, not a code of ours.
    """
    code = (code or "").strip()
    match = _ITEM.match(code)
    if match:
        return exclusion_label(int(match.group(1)), text)
    return str(RULES.get(code, code))


def rule_choices(edition) -> list[tuple[str, str]]:
    """The rules an ineligibility finding may name in `edition`, for a select: (stored code, words)."""
    choices = [(code, str(label)) for code, label in RULES.items()]
    choices += [(f"R4.{x.number}", exclusion_label(x.number, x.text)) for x in edition.exclusions.order_by("number")]
    return choices
