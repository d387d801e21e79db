"""Reading a filled import template and checking every row by the entry form's own rules.

A row becomes the input the API's entry PATCH takes (title, category_id, completers …) and is
validated by entries.forms.validate_api_input, i.e. by EntryForm and the completers' formset: the
import accepts and refuses what the form does, with the form's messages. On top of a draft's
rules, a row needs its title and declaring unit, may not exceed the 字数 limits (R20, R21) and may
not repeat an entry of the same unit. Nothing here writes.
"""

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from wuxiao.accounts.models import Role
from wuxiao.common.exceptions import InvalidInput
from wuxiao.common.permissions import allowed
from wuxiao.common.spreadsheet import read_xlsx
from wuxiao.common.validators import count_zi, normalize_credit_code
from wuxiao.competitions.models import Edition
from wuxiao.orgs.models import Membership, Organisation, RegistrationStatus

from ..declaration import ZI_LIMITS
from ..forms import validate_api_input
from ..models import Entry
from .columns import (
    CATEGORY,
    COMPLETER,
    COMPLETER_FIELDS,
    DATE,
    EXCLUSION,
    FORM,
    IDENTIFIER_PREFIX,
    INDUSTRY,
    MAX_COLUMNS,
    MAX_ENTRIES,
    SCANNED_ROWS,
    TEXT,
    TITLE,
    UNIT,
    YES_NO,
    Column,
    completer_columns,
    known_columns,
    normalized,
)

YES_WORDS = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "对"}
NO_WORDS = {"否", "n", "no", "false", "0", "×", "✗", "✘", "不是"}
_INVALID = object()  # a yes/no cell that is neither
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


@dataclass
class RowResult:
    """One row of the file: what it would create, or why it cannot."""

    row: int  # Excel's row number
    title: str = ""
    unit: Organisation | None = None
    unit_text: str = ""
    category: str = ""
    completers: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    kwargs: dict | None = None  # declaration.save_entry's arguments, once the row passed the form
    errors: list[dict] = field(default_factory=list)  # {"column", "letter", "message"}
    warnings: list[str] = field(default_factory=list)

    def error(self, column: Column | None, message, letter: str = "") -> None:
        self.errors.append({"column": column.header if column else "", "letter": letter, "message": str(message)})

    def preview(self) -> dict:
        return {"row": self.row, "title": self.title, "unit": self.unit.name if self.unit else self.unit_text,
                "unit_id": self.unit.pk if self.unit else None, "category": self.category,
                "completers": self.completers, "forms": self.forms, "errors": self.errors,
                "warnings": self.warnings}


@dataclass
class CheckResult:
    problems: list[str] = field(default_factory=list)  # about the file as a whole: nothing is read further
    rows: list[RowResult] = field(default_factory=list)
    title_column: tuple[Column, str] | None = None  # the title's column and letter, where duplicates are shown

    @property
    def error_count(self) -> int:
        return len(self.problems) + sum(len(r.errors) for r in self.rows)

    def preview(self) -> dict:
        return {"problems": self.problems, "rows": [r.preview() for r in self.rows]}


def check_file(upload, *, edition, actor) -> CheckResult:
    """Read the workbook `upload` and check it for an import into `edition` by `actor`.

    Raises Refused (beside "file") when it is not a readable XLSX within the limits.
    """
    content = read_xlsx(upload, max_rows=SCANNED_ROWS, max_columns=MAX_COLUMNS)
    with translation.override(settings.LANGUAGE_CODE):
        # The headers are compared in the template's language; the messages are the reader's.
        fixed, by_header = known_columns(edition)
    result = CheckResult()
    if content.identifier and content.identifier.startswith(IDENTIFIER_PREFIX) and (
            content.identifier.removeprefix(IDENTIFIER_PREFIX) != edition.slug):
        result.problems.append(_("This file was made from the template of another edition (%(other)s); download "
                                 "the template of “%(edition)s”, copy the rows into it and upload it again.")
                               % {"other": content.identifier.removeprefix(IDENTIFIER_PREFIX), "edition": edition})
        return result
    if not content.rows:
        result.problems.append(_("The first sheet is empty: fill in the template, one row per entry from row 2."))
        return result
    positions = _header(content, fixed, by_header, result)
    data = [(number, values) for number, values in content.rows[1:] if any(v is not None for v in values)]
    if not result.problems and not data:
        result.problems.append(_("The file has no entries: fill in one row per entry from row 2."))
    if len(data) > MAX_ENTRIES:
        result.problems.append(_("The file has %(count)d entries; at most %(max)d can be imported at once: split "
                                 "it into several files.") % {"count": len(data), "max": MAX_ENTRIES})
    if result.problems:
        return result
    result.rows = _check_rows(data, positions, edition=edition, actor=actor)
    result.title_column = next((c, get_column_letter(i + 1)) for i, c in positions.items() if c.kind == TITLE)
    return result


def recheck_duplicates(result: CheckResult, edition) -> None:
    """Look again for entries already on the platform with a row's title and unit (at confirmation, under lock)."""
    if result.title_column and not result.error_count:
        _check_duplicates(result.rows, edition, *result.title_column)


def _header(content, fixed: list[Column], by_header: dict[str, Column], result: CheckResult) -> dict[int, Column]:
    """The columns of row 1 by position; what is wrong with them goes to `result.problems`."""
    number, header = content.rows[0]
    filled = {i for _n, values in content.rows[1:] for i, v in enumerate(values) if v is not None}
    positions: dict[int, Column] = {}
    seen: dict[str, int] = {}
    unknown, nameless = [], []
    for index, value in enumerate(header):
        letter = get_column_letter(index + 1)
        if value is None or not str(value).strip():
            if index in filled:
                nameless.append(letter)
            continue
        column = by_header.get(normalized(value))
        if column is None:
            unknown.append(_("“%(name)s” (column %(letter)s)") % {"name": str(value).strip(), "letter": letter})
        elif column.key in seen:
            result.problems.append(_("The column “%(name)s” appears twice (columns %(first)s and %(second)s); "
                                     "keep one.") % {"name": column.header,
                                                     "first": get_column_letter(seen[column.key] + 1),
                                                     "second": letter})
        else:
            positions[index] = column
            seen[column.key] = index
    if unknown:
        result.problems.append(_("Row 1 has columns that the template of this edition does not have: %(columns)s. "
                                 "Use the template downloaded for this edition and keep its column names as they "
                                 "are.") % {"columns": "、".join(unknown)})
    if nameless:
        result.problems.append(_("Column %(letters)s has entries but no column name in row 1.")
                               % {"letters": "、".join(nameless)})
    missing = [c.header for c in fixed if c.key not in seen]
    groups: dict[int, set[str]] = defaultdict(set)
    for column in positions.values():
        if column.kind == COMPLETER:
            groups[column.target].add(column.field)
    groups.setdefault(1, set())
    with translation.override(settings.LANGUAGE_CODE):
        for n in sorted(groups):
            missing += [c.header for c in completer_columns(n) if c.field not in groups[n]]
    if missing:
        result.problems.append(_("Row 1 lacks the columns %(columns)s. Use the template downloaded for this edition "
                                 "and keep all of its columns, even those left empty.")
                               % {"columns": "、".join(f"“{m}”" for m in missing)})
    return positions


# --- The rows ----------------------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _yes_no(value):
    """True, False, None (empty) or _INVALID."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    word = _fold(_text(value)).lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    return _INVALID


def _date(value) -> str:
    """ISO text of a date cell or of a date typed as 2024-05-01, 2024/5/1, 2024.5.1 or 2024年5月1日;
    anything else as typed (the form says what is wrong)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _text(value)
    match = _DATE.fullmatch(_fold(text))
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups())).isoformat()
        except ValueError:
            pass
    return text


def _industry(value) -> str:
    """A code typed as a number loses its leading zero (0111 → 111): put it back."""
    text = _fold(_text(value)).upper()
    if isinstance(value, (int, float)) and text.isdigit() and len(text) in (1, 3):
        text = "0" + text
    return text


def _title_key(title: str) -> str:
    return " ".join(_fold(title).split()).casefold()


def _check_rows(data, positions: dict[int, Column], *, edition, actor) -> list[RowResult]:
    # Every row is checked by the form of an entry of this edition; its R4 exclusions are read once.
    blank = Entry(edition=Edition.objects.prefetch_related("exclusions").get(pk=edition.pk))
    categories = {_fold(c.name): c for c in edition.categories.all()}
    forms = {f.pk: f.name for f in edition.presentation_forms.all()}
    letters = {column.key: get_column_letter(index + 1) for index, column in positions.items()}
    by_key = {column.key: column for column in positions.values()}
    units = _units({_text(values[i]) for _n, values in data for i, c in positions.items()
                    if c.kind == UNIT and i < len(values)})
    results = []
    for number, values in data:
        row = RowResult(row=number)
        sent: dict = {}
        answered_forms, form_ids, completers = False, [], defaultdict(dict)
        for index, column in positions.items():
            value = values[index] if index < len(values) else None
            letter = letters[column.key]
            if column.kind in (TITLE, TEXT):
                if _text(value):
                    sent[column.field] = _text(value)
            elif column.kind == UNIT:
                row.unit_text = _text(value)
            elif column.kind == CATEGORY and _text(value):
                category = categories.get(_fold(_text(value)))
                if category is None:
                    row.error(column, _("“%(value)s” is not a category of this edition: choose one of %(names)s.")
                              % {"value": _text(value), "names": "、".join(categories)}, letter)
                else:
                    sent["category_id"] = category.pk
                    row.category = category.name
            elif column.kind == INDUSTRY and _text(value):
                sent["industry_code"] = _industry(value)
            elif column.kind == DATE and _text(value):
                sent[column.field] = _date(value)
            elif column.kind in (YES_NO, FORM, EXCLUSION):
                answer = _yes_no(value)
                if answer is _INVALID:
                    row.error(column, _("Write “是” or “否” (or leave the cell empty), not “%(value)s”.")
                              % {"value": _text(value)}, letter)
                elif answer is None:
                    continue
                elif column.kind == YES_NO:
                    sent[column.field] = answer
                elif column.kind == FORM:
                    answered_forms = True
                    if answer:
                        form_ids.append(column.target)
                        row.forms.append(forms[column.target])
                else:
                    sent.setdefault("exclusion_answers", {})[column.target] = answer
            elif column.kind == COMPLETER and _text(value):
                completers[column.target][column.field] = _text(value)
        if answered_forms:
            sent["presentation_form_ids"] = form_ids
        groups = sorted(n for n, cells in completers.items() if cells)
        if groups:
            sent["completers"] = [{name: completers[n].get(name) for name in COMPLETER_FIELDS} for n in groups]
            row.completers = [completers[n].get("name", "") for n in groups]
        row.title = sent.get("title", "")
        if not row.title:
            row.error(by_key["title"], _("Give the title of the entry."), letters["title"])
        _check_unit(row, units, actor, by_key["unit"], letters["unit"])
        _check_form(row, sent, blank, groups, by_key, letters)
        results.append(row)
    _check_duplicates(results, edition, by_key["title"], letters["title"])
    _warn(results, edition)
    return results


def _units(texts: set[str]) -> dict[str, list[Organisation]]:
    """The declaring units each text may name (by credit code or by name), in one query."""
    texts = {t for t in texts if t}
    codes = {normalize_credit_code(t) for t in texts}
    names = set()
    for text in texts:
        folded = _fold(text)
        names |= {text, folded, folded.replace("(", "（").replace(")", "）")}
    found = list(Organisation.objects.declaring().filter(Q(credit_code__in=codes) | Q(name__in=names))
                 .select_related("parent"))
    matches = {}
    for text in texts:
        code, name = normalize_credit_code(text), normalized(text)
        by_code = [u for u in found if u.credit_code and u.credit_code == code]
        matches[text] = by_code or [u for u in found if normalized(u.name) == name]
    return matches


def _check_unit(row: RowResult, units, actor, column: Column, letter: str) -> None:
    text = row.unit_text
    if not text:
        row.error(column, _("Give the declaring unit: its name as registered on the platform, or its Unified Social "
                            "Credit Code."), letter)
        return
    found = units.get(text, [])
    if not found:
        row.error(column, _("No declaring unit “%(unit)s” is registered on the platform: check the name (as "
                            "registered) or give the unit's Unified Social Credit Code; a unit that is not registered "
                            "yet registers itself first.") % {"unit": text}, letter)
        return
    if len(found) > 1:
        row.error(column, _("Several declaring units are called “%(unit)s”: give the unit's Unified Social Credit "
                            "Code instead.") % {"unit": text}, letter)
        return
    unit = found[0]
    if not allowed(actor, "entries.import_for_unit", unit):
        row.error(column, _("“%(unit)s” is not a declaring unit of your recommending unit: you can import entries "
                            "only for your own declaring units.") % {"unit": unit.name}, letter)
        return
    if not unit.is_active:
        row.error(column, _("The declaring unit “%(unit)s” is no longer active on the platform.")
                  % {"unit": unit.name}, letter)
    elif unit.registration_status == RegistrationStatus.REJECTED:
        row.error(column, _("The registration of “%(unit)s” was rejected: the unit corrects its data first, then "
                            "its entries can be imported.") % {"unit": unit.name}, letter)
    elif unit.parent_id is None:
        row.error(column, _("“%(unit)s” has not chosen its recommending unit yet: it does so in its unit data "
                            "first.") % {"unit": unit.name}, letter)
    else:
        row.unit = unit


def _check_form(row: RowResult, sent: dict, blank: Entry, groups: list[int], by_key: dict[str, Column],
                letters: dict[str, str]) -> None:
    """The entry form's rules (validate_api_input), then the 字数 limits (R20, R21)."""

    def column_of(key: str) -> Column | None:
        if key.startswith("exclusion_answers."):
            return by_key.get(f"exclusion:{key.split('.')[1]}")
        if key.startswith("completers."):
            _prefix, index, name = (key.split(".") + ["", ""])[:3]
            return by_key.get(f"completer:{groups[int(index)]}:{name or 'name'}")
        if key == "completers":
            return by_key.get("completer:1:name")
        if key == "presentation_form_ids":
            return next((c for c in by_key.values() if c.kind == FORM), None)
        return next((c for c in by_key.values() if c.field == key and c.kind != COMPLETER), None)

    try:
        row.kwargs = validate_api_input(sent, blank)
    except InvalidInput as invalid:
        for key, messages in invalid.errors.items():
            column = column_of(key)
            for message in messages:
                row.error(column, message, letters.get(column.key, "") if column else "")
    for name, limit in ZI_LIMITS.items():
        n = count_zi(sent.get(name, ""))
        if n > limit:
            column = by_key[name]
            row.error(column, _("%(field)s has %(count)d 字; at most %(limit)d are allowed.")
                      % {"field": column.header, "count": n, "limit": limit}, letters[name])
    if row.errors:
        row.kwargs = None


def _check_duplicates(rows: list[RowResult], edition, column: Column, letter: str) -> None:
    """The same title for the same unit: already on the platform, or twice in the file."""
    keyed = defaultdict(list)
    for row in rows:
        if row.unit and row.title:
            keyed[(row.unit.pk, _title_key(row.title))].append(row)
    existing = {(unit_id, _title_key(title)) for unit_id, title in Entry.objects.filter(
        edition=edition, declaring_unit_id__in={unit_id for unit_id, _t in keyed}).values_list("declaring_unit_id",
                                                                                              "title")}
    for key, same in keyed.items():
        if key in existing:
            for row in same:
                row.error(column, _("“%(unit)s” already has an entry called “%(title)s” in this edition (perhaps a "
                                    "draft): it is not imported twice.") % {"unit": row.unit.name, "title": row.title},
                          letter)
        if len(same) > 1:
            numbers = "、".join(str(r.row) for r in same)
            for row in same:
                row.error(column, _("Rows %(rows)s are the same entry (same title, same declaring unit): keep one.")
                          % {"rows": numbers}, letter)
    for row in rows:
        if row.errors:
            row.kwargs = None


def _warn(rows: list[RowResult], edition) -> None:
    """What does not stop the import but the importer should know."""
    unit_ids = {row.unit.pk for row in rows if row.unit}
    staffed = set(Membership.objects.filter(organisation_id__in=unit_ids, role=Role.DECLARER, is_active=True,
                                            user__is_active=True).values_list("organisation_id", flat=True))
    for row in rows:
        if row.errors:
            continue
        if row.unit.pk not in staffed:
            row.warnings.append(_("“%(unit)s” has no staff account on the platform yet: the draft waits until its "
                                  "staff register or are invited, then they complete and submit it.")
                                % {"unit": row.unit.name})
        completed_on = (row.kwargs or {}).get("fields", {}).get("completed_on")
        if completed_on and not edition.window_start <= completed_on <= edition.window_end:
            row.warnings.append(_("The completion date %(date)s is outside %(start)s to %(end)s: the entry cannot be "
                                  "submitted unless it is corrected.") % {
                "date": completed_on.isoformat(), "start": edition.window_start.isoformat(),
                "end": edition.window_end.isoformat()})
