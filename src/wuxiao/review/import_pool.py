"""The expert list as committees keep it, in Excel: the template, and reading a filled one row by row.

Each row passes the same checks as the page's form (forms_pool.ExpertForm: mobile, e-mail, title,
loads, fields of expertise as GB/T 4754 codes), plus: no expert twice in the file, none already in the
pool (same mobile number). Errors name the row and the column, in the reader's language. Nothing here
writes; services_pool.import_experts adds the rows, all or none.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from wuxiao.common.spreadsheet import XlsxSheet, read_xlsx

from .models import Expert, ExpertTitle

MAX_ROWS = 2000
MAX_COLUMNS = 30
MAX_FILE_MB = 5


@dataclass(frozen=True)
class Column:
    key: str
    header: object  # lazy text, compared in the site's language
    required: bool
    note: object = ""


COLUMNS = (
    Column("name", gettext_lazy("Name"), True),
    Column("organisation_name", gettext_lazy("Organisation"), True,
           gettext_lazy("The full registered name, as on the unit's stamp.")),
    Column("credit_code", gettext_lazy("Credit code of the organisation"), False,
           gettext_lazy("Optional: the Unified Social Credit Code, to recognise the unit on the platform.")),
    Column("title", gettext_lazy("Professional title"), True, gettext_lazy("正高级, 副高级, 中级 or 其他.")),
    Column("fields", gettext_lazy("Fields of expertise (GB/T 4754 codes)"), True,
           gettext_lazy("Industry codes at any level, separated by commas, each with the depth 1–3 after a "
                        "colon, e.g. C34:3, 4420:2 (depth 2 when omitted).")),
    Column("mobile", gettext_lazy("Mobile number"), True),
    Column("email", gettext_lazy("E-mail"), False, gettext_lazy("The invitation is sent here.")),
    Column("load_min", gettext_lazy("Entries at least"), False,
           gettext_lazy("Optional: overrides the edition's minimum for this expert.")),
    Column("load_max", gettext_lazy("Entries at most"), False,
           gettext_lazy("Optional: overrides the edition's maximum for this expert.")),
)

TITLE_WORDS = {
    "正高级": ExpertTitle.SENIOR, "正高": ExpertTitle.SENIOR, "正高级职称": ExpertTitle.SENIOR,
    "副高级": ExpertTitle.ASSOCIATE, "副高": ExpertTitle.ASSOCIATE, "副高级职称": ExpertTitle.ASSOCIATE,
    "中级": ExpertTitle.INTERMEDIATE, "中级职称": ExpertTitle.INTERMEDIATE,
    "其他": ExpertTitle.OTHER, "其它": ExpertTitle.OTHER, "无": ExpertTitle.OTHER,
}
_HEADER_SPACE = re.compile(r"[\s\u3000]+")


def _normal_header(value) -> str:
    return _HEADER_SPACE.sub("", str(value or "")).replace("（", "(").replace("）", ")").casefold()


def template_workbook(edition) -> bytes:
    """The empty expert list of `edition`, written through the one safe writer, with a sheet of notes."""
    with translation.override(settings.LANGUAGE_CODE):
        book = XlsxSheet(_("Experts"))
        book.append([str(c.header) for c in COLUMNS])
        for index, column in enumerate(COLUMNS, start=1):
            book.sheet.column_dimensions[get_column_letter(index)].width = 18 if column.key != "organisation_name" \
                else 36
        titles = book.add_sheet(_("Titles"))
        for word in ("正高级", "副高级", "中级", "其他"):
            titles.append([word])
        title_letter = get_column_letter(next(i for i, c in enumerate(COLUMNS, start=1) if c.key == "title"))
        book.add_validation(f"{title_letter}2:{title_letter}{MAX_ROWS}", choices=titles.range_of(1, 1, 4),
                            prompt_title=str(_("Professional title")), prompt="正高级 / 副高级 / 中级 / 其他")
        notes = book.add_sheet(_("Notes"))
        notes.append([_("Expert list of %(edition)s: one row per expert from row 2; keep the column names of "
                        "row 1.") % {"edition": edition}])
        for column in COLUMNS:
            notes.append([str(column.header), _("required") if column.required else _("optional"),
                          str(column.note)])
        book.workbook.properties.identifier = f"wuxiao-experts:{edition.slug}"
        return book.to_bytes()


@dataclass
class Row:
    row: int
    values: dict = field(default_factory=dict)  # cleaned, as services_pool.import_experts takes them
    errors: list[dict] = field(default_factory=list)  # {"letter", "column", "message"}


@dataclass
class FileCheck:
    problems: list[str] = field(default_factory=list)  # the file as a whole
    rows: list[Row] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return len(self.problems) + sum(len(r.errors) for r in self.rows)

    @property
    def ok(self) -> bool:
        return not self.error_count and bool(self.rows)

    def messages(self) -> list[str]:
        """Every error as one line: "第 3 行 F 列（手机号码）：…"."""
        lines = list(self.problems)
        for row in self.rows:
            for error in row.errors:
                lines.append(_("Row %(row)d, column %(letter)s (%(column)s): %(message)s")
                             % {"row": row.row, "letter": error["letter"], "column": error["column"],
                                "message": error["message"]})
        return lines


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def check_file(upload, *, edition) -> FileCheck:
    """Read the workbook `upload` and check each row for the pool of `edition`.

    Raises Refused (beside "file") when it is not a readable XLSX within the limits.
    """
    content = read_xlsx(upload, max_rows=MAX_ROWS + 1, max_columns=MAX_COLUMNS)
    result = FileCheck()
    if not content.rows:
        result.problems.append(_("The first sheet is empty: fill in the template, one expert per row from row 2."))
        return result
    with translation.override(settings.LANGUAGE_CODE):
        by_header = {_normal_header(str(c.header)): c for c in COLUMNS}
        headers = {c.key: str(c.header) for c in COLUMNS}
    _number, header = content.rows[0]
    positions: dict[int, Column] = {}
    seen: dict[str, int] = {}
    for index, value in enumerate(header):
        letter = get_column_letter(index + 1)
        if value is None or not str(value).strip():
            if any(index < len(values) and values[index] is not None for _n, values in content.rows[1:]):
                result.problems.append(_("Column %(letter)s has values but no column name in row 1.")
                                       % {"letter": letter})
            continue
        column = by_header.get(_normal_header(value))
        if column is None:
            result.problems.append(_("Column %(letter)s (“%(name)s”) is not a column of the template; use the "
                                     "template and keep its column names.") % {"letter": letter,
                                                                               "name": str(value).strip()})
        elif column.key in seen:
            result.problems.append(_("The column “%(name)s” appears twice (columns %(first)s and %(second)s).")
                                   % {"name": headers[column.key], "first": get_column_letter(seen[column.key] + 1),
                                      "second": letter})
        else:
            positions[index] = column
            seen[column.key] = index
    missing = [headers[c.key] for c in COLUMNS if c.required and c.key not in seen]
    if missing:
        result.problems.append(_("Row 1 lacks the columns %(columns)s; use the template and keep its columns.")
                               % {"columns": "、".join(f"“{m}”" for m in missing)})
    data = [(n, values) for n, values in content.rows[1:] if any(v is not None for v in values)]
    if not result.problems and not data:
        result.problems.append(_("The file has no experts: fill in one row per expert from row 2."))
    if len(data) > MAX_ROWS:
        result.problems.append(_("The file has more than %(max)d experts; split it into several files.")
                               % {"max": MAX_ROWS})
    if result.problems:
        return result
    letters = {c.key: get_column_letter(i + 1) for i, c in positions.items()}
    result.rows = [_check_row(number, values, positions, letters, headers) for number, values in data]
    _check_duplicates(result.rows, edition, letters, headers)
    return result


def _check_row(number: int, values: tuple, positions: dict[int, Column], letters, headers) -> Row:
    from .forms_pool import ExpertForm

    row = Row(row=number)
    raw = {c.key: _text(values[i]) if i < len(values) else "" for i, c in positions.items()}
    title = raw.get("title", "")
    data = {**raw, "title": TITLE_WORDS.get(title.replace(" ", ""), title), "fields_text": raw.get("fields", "")}
    form = ExpertForm(data=data, edition=None)
    form.is_valid()
    for name, messages in form.errors.items():
        key = name if name in letters else ("fields" if name == "fields_text" else name)
        if key == "title" and title:
            messages = [_("“%(value)s” is not a professional title: write 正高级, 副高级, 中级 or 其他.")
                        % {"value": title}]
        for message in messages:
            row.errors.append({"letter": letters.get(key, ""), "column": headers.get(key, ""),
                               "message": str(message)})
    if not row.errors:
        cleaned = form.cleaned_data
        row.values = {"name": cleaned["name"], "organisation_name": cleaned["organisation_name"],
                      "credit_code": cleaned.get("credit_code", ""), "title": cleaned["title"],
                      "mobile": cleaned["mobile"], "email": cleaned.get("email") or "",
                      "load_min": cleaned.get("load_min"), "load_max": cleaned.get("load_max"),
                      "fields": [[code, depth] for code, depth in cleaned["fields_text"]]}
    return row


def _check_duplicates(rows: list[Row], edition, letters, headers) -> None:
    first: dict[str, int] = {}
    for row in rows:
        mobile = row.values.get("mobile")
        if not mobile:
            continue
        if mobile in first:
            row.errors.append({"letter": letters["mobile"], "column": headers["mobile"],
                               "message": _("The same expert (mobile number %(mobile)s) is already in row %(row)d "
                                            "of this file.") % {"mobile": mobile, "row": first[mobile]}})
        else:
            first[mobile] = row.row
    existing = dict(Expert.objects.filter(edition=edition, mobile__in=list(first)).values_list("mobile", "name"))
    for row in rows:
        mobile = row.values.get("mobile")
        if mobile in existing and first.get(mobile) == row.row:
            row.errors.append({"letter": letters["mobile"], "column": headers["mobile"],
                               "message": _("%(name)s is already in the expert pool with the mobile number "
                                            "%(mobile)s.") % {"name": existing[mobile], "mobile": mobile}})
    for row in rows:
        if row.errors:
            row.values = {}


def recheck_rows(rows: list[dict], edition) -> list[str]:
    """At confirmation: the rows (as previewed) still fit the pool? The problems, in words."""
    problems = []
    mobiles = [r.get("mobile") for r in rows]
    if not rows:
        problems.append(_("The file has no experts: fill in one row per expert from row 2."))
    if len(set(mobiles)) != len(mobiles):
        problems.append(_("The file names an expert twice; check the file again."))
    existing = list(Expert.objects.filter(edition=edition, mobile__in=mobiles).values_list("name", flat=True))
    if existing:
        problems.append(_("Already in the expert pool: %(names)s. Nothing has been imported; check the file "
                          "again.") % {"names": "、".join(existing)})
    return problems
