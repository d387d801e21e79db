"""The columns of the import template: one row per entry, one column per field of the entry form
(Attachment 2, R17–R25), the R22 forms and R4 answers as 是/否 columns, the completers (R18) in
groups of five columns at the end.

The template and the checks build the same list, in the site's language (Chinese): a workbook is
a file that travels between people, so its column names do not depend on who downloaded it.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..declaration import ZI_LIMITS, ZI_TARGETS
from ..forms import CompleterFormSet

# Completer groups in the template (the printed form has five rows); more can be added as columns.
TEMPLATE_COMPLETERS = 5
# As many groups as the form accepts (its formset's maximum).
MAX_COMPLETERS = CompleterFormSet.max_num
COMPLETER_FIELDS = ("name", "age", "post", "workplace", "phone")

TITLE, UNIT, CATEGORY, TEXT, INDUSTRY, DATE, YES_NO, FORM, EXCLUSION, COMPLETER = (
    "title", "unit", "category", "text", "industry", "date", "yes_no", "form", "exclusion", "completer")

IDENTIFIER_PREFIX = "wuxiao-entry-import:"

# One file: at most this many entries and megabytes; the sheet may store at most SCANNED_ROWS rows,
# empty ones included. A recommending unit recommends 20 (R6) of the entries it screens; the confirmation
# creates every draft in one transaction (tens of milliseconds each), which holds SQLite's write lock
# meanwhile: a few seconds at most, so larger collections go in several files.
MAX_ENTRIES = 200
MAX_FILE_MB = 10
SCANNED_ROWS = 5000
MAX_COLUMNS = 300


@dataclass(frozen=True)
class Column:
    key: str  # unique: a field's name, "form:<pk>", "exclusion:<pk>", "completer:<n>:<field>"
    header: str  # as in row 1 of the template
    kind: str
    field: str = ""  # the form's input (the API's name) it fills
    target: int | None = None  # the presentation form's or exclusion's pk; the completer's number
    required: bool = False
    width: int = 14
    prompt: str = ""  # what to fill in: shown when a cell is chosen, and on the explanation sheet
    as_text: bool = False  # numbers that are not numbers (phones, codes): the column is formatted as text


def normalized(header) -> str:
    """A header as compared: full-width forms folded (NFKC), without any space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(header or "")))


def identifier(edition) -> str:
    return IDENTIFIER_PREFIX + edition.slug


def _sentences(*parts: str) -> str:
    """Sentences one after the other: with a space between them, but none between Chinese ones."""
    return ("" if translation.get_language().startswith("zh") else " ").join(parts)


def _zi(name: str) -> str:
    if name in ZI_LIMITS:
        return _("At most %(n)d 字.") % {"n": ZI_LIMITS[name]}
    return _("About %(n)d 字.") % {"n": ZI_TARGETS[name]}


def completer_columns(n: int) -> list[Column]:
    """The five columns of completer `n` (1 is the first completer)."""
    labels = {"name": pgettext("import column", "name"), "age": pgettext("import column", "age"),
              "post": pgettext("import column", "post / title"), "workplace": pgettext("import column", "workplace"),
              "phone": pgettext("import column", "phone")}
    prompts = {"name": _("The first completer comes first."), "age": _("A whole number, e.g. 35."),
               "post": _("Post or title (trade or grade)."), "workplace": _("The completer's workplace."),
               "phone": _("A mobile number or a landline with area code.")}
    widths = {"name": 10, "age": 7, "post": 14, "workplace": 22, "phone": 15}
    return [Column(f"completer:{n}:{field}", pgettext("import column", "completer %(n)d %(field)s")
                   % {"n": n, "field": labels[field]}, COMPLETER, field=field, target=n, width=widths[field],
                   prompt=prompts[field] if n == 1 or field != "name" else "", as_text=field == "phone")
            for field in COMPLETER_FIELDS]


def columns_for(edition, completers: int = TEMPLATE_COMPLETERS) -> list[Column]:
    """The template's columns for `edition`, in order, with `completers` groups of completer columns."""
    with translation.override(settings.LANGUAGE_CODE):
        yes_no = _("Yes (是) or no (否).")
        columns = [
            Column("title", pgettext("import column", "title of the innovation"), TITLE, field="title", required=True,
                   width=28, prompt=_("Required. One row per entry; the same title twice for one unit is refused.")),
            Column("unit", pgettext("import column", "declaring unit (name or credit code)"), UNIT, required=True,
                   width=30, as_text=True,
                   prompt=_("Required. The declaring unit's name as registered on the platform, or its 18-character "
                            "Unified Social Credit Code.")),
            Column("category", pgettext("import column", "category"), CATEGORY, field="category_id", width=10,
                   prompt=_("Choose one: %(names)s.") % {"names": "、".join(c.name for c in edition.categories.all())}),
            Column("affiliation", pgettext("import column", "unit (individual)"), TEXT, field="affiliation", width=22,
                   prompt=_("Left empty: the declaring unit's name.")),
            Column("contact_name", pgettext("import column", "contact person"), TEXT, field="contact_name", width=10,
                   prompt=_("Left empty: the declaring unit's contact.")),
            Column("contact_mobile", pgettext("import column", "contact phone (mobile)"), TEXT,
                   field="contact_mobile", width=15, as_text=True, prompt=_("An 11-digit mobile number.")),
            Column("awards", pgettext("import column", "awards received"), TEXT, field="awards", width=24,
                   prompt=_("Plain text, brief and truthful.")),
            Column("summary", pgettext("import column", "summary"), TEXT, field="summary", width=40,
                   prompt=_sentences(_zi("summary"), _("In numbered points: field or type of work, the problem solved, "
                                                   "the innovation, the benefits, other remarks."))),
            Column("industry", pgettext("import column", "industry code (GB/T 4754)"), INDUSTRY,
                   field="industry_code", width=12, as_text=True,
                   prompt=_("The four-digit class code of GB/T 4754 “Industrial classification for national economic "
                            "activities”, e.g. 3421.")),
            Column("background", pgettext("import column", "background"), TEXT, field="background", width=30,
                   prompt=_zi("background")),
            Column("goals", pgettext("import column", "goals / key problems solved"), TEXT, field="goals", width=30,
                   prompt=_zi("goals")),
            Column("innovation_points", pgettext("import column", "innovation points"), TEXT,
                   field="innovation_points", width=40, prompt=_zi("innovation_points")),
            Column("benefits", pgettext("import column", "economic and social benefits"), TEXT, field="benefits",
                   width=40, prompt=_zi("benefits")),
        ]
        for form in edition.presentation_forms.all():
            columns.append(Column(f"form:{form.pk}", pgettext("import column", "presentation form: %(name)s")
                                  % {"name": form.name}, FORM, field="presentation_form_ids", target=form.pk,
                                  width=12, prompt=_sentences(yes_no, _("Several forms may be chosen."))))
        columns += [
            Column("completed_on", pgettext("import column", "completed or put into use on"), DATE,
                   field="completed_on", width=14,
                   prompt=_("A date such as 2024-05-01, between %(start)s and %(end)s.")
                   % {"start": edition.window_start.isoformat(), "end": edition.window_end.isoformat()}),
            Column("other_circumstances", pgettext("import column", "other circumstances"), TEXT,
                   field="other_circumstances", width=24, prompt=_("Anything else the committee should know.")),
            Column("confirms_scope", pgettext("import column", "confirms the scope"), YES_NO, field="confirms_scope",
                   width=12, prompt=_sentences(yes_no, _("Yes: the unit's trade union belongs to the competition's "
                                                         "city, and the completers are front-line workers."))),
            Column("confirms_recent", pgettext("import column", "confirms recent work"), YES_NO,
                   field="confirms_recent", width=12,
                   prompt=_sentences(yes_no, _("Yes: the innovation was achieved between %(start)s and %(end)s.")
                                     % {"start": edition.window_start.isoformat(),
                                        "end": edition.window_end.isoformat()})),
        ]
        for exclusion in edition.exclusions.all():
            columns.append(Column(f"exclusion:{exclusion.pk}", pgettext("import column", "exclusion %(n)d applies")
                                  % {"n": exclusion.number}, EXCLUSION, field="exclusion_answers",
                                  target=exclusion.pk, width=12,
                                  prompt=_sentences(yes_no, _("Yes if this case applies (then the entry is not "
                                                              "eligible): %(text)s") % {"text": exclusion.text})))
        columns += [
            Column("union_opinion", pgettext("import column", "opinion of the declaring unit's trade union"), TEXT,
                   field="union_opinion", width=24, prompt=_("The union's opinion, as on the stamped form.")),
            Column("union_opinion_by", pgettext("import column", "opinion given by"), TEXT, field="union_opinion_by",
                   width=12),
            Column("union_opinion_on", pgettext("import column", "opinion date"), DATE, field="union_opinion_on",
                   width=14, prompt=_("A date such as 2024-05-01.")),
        ]
        for n in range(1, completers + 1):
            columns += completer_columns(n)
    return columns


def known_columns(edition) -> tuple[list[Column], dict[str, Column]]:
    """The template's columns without completers, and every column a file may have by its normalized
    header (completers up to the form's maximum)."""
    fixed = columns_for(edition, completers=0)
    by_header = {normalized(c.header): c for c in fixed}
    with translation.override(settings.LANGUAGE_CODE):
        for n in range(1, MAX_COMPLETERS + 1):
            by_header.update({normalized(c.header): c for c in completer_columns(n)})
    return fixed, by_header
