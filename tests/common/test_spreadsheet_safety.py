"""Every spreadsheet export, downloaded over HTTP with hostile text in what users type (issue 8, item 7).

Titles, unit names, people's names and reasons that a spreadsheet would run as a formula
(OWASP "CSV injection") or that XML cannot hold must come out as the text typed, without the
control characters, in a file that opens. A new export is one more line in EXPORTS; the URL
conf and a scan of the sources check that none is forgotten and that all use
wuxiao.common.spreadsheet.
"""

import csv
import io
import pathlib
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

import wuxiao
from wuxiao.common import audit
from wuxiao.common.spreadsheet import XLSX_CONTENT_TYPE, looks_like_formula

from .. import factories

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tX", "\rY"]
CONTROL_CLEANED = "控制字符标题"
EDITION_TITLE_CLEANED = "测试竞赛"
# What XLSX cannot hold (tab, line feed and carriage return it can), raw or in OOXML's _xHHHH_ escape.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
ESCAPED_CONTROL = re.compile(r"_x00(0[0-8bBcCeEfF]|1[0-9a-fA-F])_")
FORMULA_ELEMENT = re.compile(rb"<(\w+:)?f[\s>/]")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _nul() -> str:
    # PostgreSQL stores no NUL in text; the writer's own tests cover it on every database.
    return "" if connection.vendor == "postgresql" else "\x00"


@pytest.fixture
def world(recommending_unit, committee):
    """An edition, units, entries, completers, people and audit rows named by the payloads."""
    nul = _nul()
    edition = factories.EditionFactory(title=f"测试\x0b竞赛{nul}")
    recommending_unit.name = "=推荐\x0c单位"
    recommending_unit.save()
    control = f"控制\x0b字符\x0c\x1f{nul}标题"
    for rank, text in enumerate([*PAYLOADS, control], start=1):
        unit = factories.DeclaringUnitFactory(parent=recommending_unit, name=text, union_name=text, contact_name=text)
        entry = factories.EntryFactory(edition=edition, declaring_unit=unit, title=text, contact_name=text,
                                       status="recommended", recommendation_rank=rank)
        entry.completers.update(name=text)
        audit.record(actor=factories.UserFactory(display_name=text), action="entry.recommend", obj=entry,
                     edition=edition, reason=text, data={"note": text})
    return {"edition": edition, "unit": recommending_unit}


def _handed_over(world) -> bool:
    """The world's recommending unit has handed its batch to the committee (as submit_batch would record it)."""
    from django.utils import timezone

    from wuxiao.screening.models import Batch

    Batch.objects.update_or_create(edition=world["edition"], unit=world["unit"],
                                   defaults={"submitted_at": timezone.now()})
    return True


def _in_second_round(world, propose: bool = False) -> bool:
    """The world's edition in its second round: entries named by the payloads, each scored by five experts;
    with `propose`, the finalist list proposed from them."""
    from tests.review.helpers_results import give_scores, second_round
    from wuxiao.accounts.models import Role
    from wuxiao.review import services_results

    texts = [*PAYLOADS, f"控制\x0b字符\x0c\x1f{_nul()}标题"]
    round_ = second_round(entries=len(texts), experts=5, edition=world["edition"], title_of=texts.__getitem__)
    in_round = [entry for entry in round_.entries if entry.status == "in_review"]  # not the world's own
    give_scores(round_, {(entry, expert): 60 + 3 * i + j for i, entry in enumerate(in_round)
                         for j, expert in enumerate(round_.experts)})
    if propose:
        services_results.propose_finalist_list(actor=factories.user_with_role(Role.COMMITTEE),
                                               edition=world["edition"])
    return True


def _awarded(world) -> bool:
    """The world's entries (named by the payloads) in the edition's confirmed award list, each with a prize."""
    from decimal import Decimal

    from wuxiao.awards.models import AwardList, AwardRow
    from wuxiao.competitions.models import PrizeTier
    from wuxiao.finals.models import FinalRanking

    entries = list(world["edition"].entries.order_by("pk"))
    tier = PrizeTier.objects.create(edition=world["edition"], name="=一等奖", count=len(entries), amount_yuan=15000)
    ranking = FinalRanking.objects.create(edition=world["edition"], status="approved")
    award_list = AwardList.objects.create(edition=world["edition"], ranking=ranking, status="confirmed")
    AwardRow.objects.bulk_create(AwardRow(award_list=award_list, entry=entry, position=n, final=Decimal(90 - n),
                                          tier=tier, computed_tier=tier, amount_yuan=tier.amount_yuan)
                                 for n, entry in enumerate(entries, start=1))
    return True


@dataclass(frozen=True)
class Export:
    url_name: str
    role: str  # who may download it
    kind: str  # "xlsx" or "csv"
    url: Callable[[dict], str]  # of the world fixture
    shows_entries: bool = True  # the payloads are cells of this file (a blank form has only the edition's title)


EXPORTS = {
    "blank summary sheet (R26)": Export(
        "documents:blank", "anonymous", "xlsx",
        lambda w: reverse("documents:blank", args=[w["edition"].slug, "summary", "xlsx"]), shows_entries=False),
    "unit's summary sheet (R26)": Export(
        "screening:summary_xlsx", "recommender", "xlsx",
        lambda w: reverse("screening:summary_xlsx", args=[w["edition"].slug, w["unit"].pk])),
    "city-wide summary": Export(
        "screening:citywide_xlsx", "committee", "xlsx",
        lambda w: reverse("screening:citywide_xlsx", args=[w["edition"].slug])),
    # Its hidden sheet lists the recommending unit's declaring units, named by the payloads (checked below).
    "entry import template": Export(
        "entries:import_template", "recommender", "xlsx",
        lambda w: reverse("entries:import_template", args=[w["edition"].slug]), shows_entries=False),
    "audit log (CSV)": Export(
        "common:audit_log", "committee", "csv", lambda w: reverse("common:audit_log") + "?export=csv"),
    "audit log (Excel)": Export(
        "common:audit_log", "committee", "xlsx", lambda w: reverse("common:audit_log") + "?export=xlsx"),
    "entry list (CSV), recommending unit": Export(
        "entries:list_csv", "recommender", "csv",
        lambda w: reverse("entries:list_csv") + f"?edition={w['edition'].pk}"),
    "recommending unit's screening queue": Export(
        "screening:unit_export", "recommender", "xlsx",
        lambda w: reverse("screening:unit_export", args=[w["edition"].slug, w["unit"].pk])),
    # The committee's queue lists the entries of handed-over batches: the world's batch is handed over first.
    "committee's eligibility queue": Export(
        "screening:review_export", "committee", "xlsx",
        lambda w: _handed_over(w) and reverse("screening:review_export", args=[w["edition"].slug])),
    "second round's score summary (评分汇总表)": Export(
        "review:results_xlsx", "committee", "xlsx",
        lambda w: _in_second_round(w) and reverse("review:results_xlsx", args=[w["edition"].slug])),
    "finalist list": Export(
        "review:finalists_xlsx", "committee", "xlsx",
        lambda w: _in_second_round(w, propose=True) and reverse("review:finalists_xlsx", args=[w["edition"].slug])),
    "prize-money sheet (奖金发放表)": Export(
        "awards:money_sheet", "committee", "xlsx",
        lambda w: _awarded(w) and reverse("awards:money_sheet", args=[w["edition"].slug])),
    "entry list (CSV), committee": Export(
        "entries:list_csv", "committee", "csv",
        lambda w: reverse("entries:list_csv") + f"?edition={w['edition'].pk}"),
}


def _download(client_as, export: Export, world) -> bytes:
    response = client_as(export.role).get(export.url(world))
    assert response.status_code == 200
    expected_type = "text/csv; charset=utf-8" if export.kind == "csv" else XLSX_CONTENT_TYPE
    assert response["Content-Type"] == expected_type
    # The saved file's name holds no control character either (Windows refuses them).
    assert not re.search(r"%[01][0-9A-F]|%7F|[\x00-\x1f]", response["Content-Disposition"])
    return b"".join(response.streaming_content) if response.streaming else response.content


def _xlsx_texts(data: bytes) -> list[str]:
    """The file's texts (cells, page headers and footers), after checking no cell is a formula."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    for name in archive.namelist():
        if name.startswith("xl/worksheets/"):
            xml = archive.read(name)
            assert not FORMULA_ELEMENT.search(xml), name
            assert not CONTROL.search(xml.decode()) and not ESCAPED_CONTROL.search(xml.decode()), name
    ws = load_workbook(io.BytesIO(data)).active
    texts = []
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if isinstance(cell.value, str):
                assert cell.data_type == "s", cell.coordinate
                assert cell.quotePrefix == looks_like_formula(cell.value), cell.coordinate
                texts.append(cell.value)
    for part in (ws.oddHeader, ws.oddFooter):
        texts += [p.text for p in (part.left, part.center, part.right) if p.text]
    return texts


def _csv_texts(data: bytes) -> list[str]:
    """The file's fields, after checking none would be read as a formula."""
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    fields = [field for row in csv.reader(io.StringIO(text[1:], newline="")) for field in row]
    assert not [f for f in fields if looks_like_formula(f)]
    return fields


@pytest.mark.parametrize("name", EXPORTS)
def test_export_writes_hostile_text_as_text(name, client_as, world):
    export = EXPORTS[name]
    data = _download(client_as, export, world)
    texts = _xlsx_texts(data) if export.kind == "xlsx" else _csv_texts(data)
    assert not [t for t in texts if CONTROL.search(t)]
    if export.shows_entries:
        # CSV keeps the text after OWASP's single quote; XLSX keeps it as typed, in a string cell.
        quote = "'" if export.kind == "csv" else ""
        for payload in PAYLOADS:
            assert quote + payload in texts, repr(payload)
        assert CONTROL_CLEANED in texts
    else:
        assert any(EDITION_TITLE_CLEANED in t for t in texts)


def test_the_r26_columns_stay_and_rows_hold_the_hostile_titles(client_as, world):
    data = _download(client_as, EXPORTS["unit's summary sheet (R26)"], world)
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0] == ("序号", "名称", "申报单位", "所属工会", "申报类别", "路演形式", "联系人", "联系方式")
    assert [r[0] for r in rows[1:]] == [1, 2, 3, 4, 5, 6, 7]  # the ranks stay numbers
    assert [r[1] for r in rows[1:]] == [*PAYLOADS, CONTROL_CLEANED]


def test_the_import_templates_list_of_units_holds_the_hostile_names_as_text(client_as, world):
    data = _download(client_as, EXPORTS["entry import template"], world)
    _xlsx_texts(data)  # no formula, no control character in any sheet
    lists = load_workbook(io.BytesIO(data))["选项"]
    names = [c for c in lists["C"][1:] if c.value]
    assert sorted(c.value for c in names) == sorted([*PAYLOADS, CONTROL_CLEANED])
    assert {c.data_type for c in names} == {"s"}
    assert all(c.quotePrefix == looks_like_formula(c.value) for c in names)


def test_page_header_shows_an_ampersand_as_typed(client, edition):
    edition.title = "A&B竞赛"
    edition.save()
    response = client.get(reverse("documents:blank", args=[edition.slug, "summary", "xlsx"]))
    xml = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).read("xl/worksheets/sheet1.xml")
    header = ElementTree.fromstring(xml).find(".//main:oddHeader", {"main": MAIN}).text
    # "&B" alone would switch to bold in Excel's header codes; "&&" prints one "&".
    assert "&CA&&B竞赛申报汇总表" in header


# --- Nothing forgotten --------------------------------------------------------------------------

SPREADSHEET_ROUTE = re.compile(r"\.(xlsx|csv)$|<[^>]*file_type>$")


def _routes(resolver: URLResolver, namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", str(pattern.pattern)


def test_every_spreadsheet_address_is_in_the_list_of_exports():
    spreadsheet_urls = {name for name, route in _routes(get_resolver()) if SPREADSHEET_ROUTE.search(route)}
    assert spreadsheet_urls  # the scan finds the routes ending in .xlsx or .csv
    assert spreadsheet_urls <= {export.url_name for export in EXPORTS.values()}


def test_only_the_safe_writer_writes_spreadsheets():
    src = pathlib.Path(wuxiao.__file__).parent
    writer = re.compile(r"csv\.writer|csv\.DictWriter|\bWorkbook\(|load_workbook|xlsxwriter")
    offenders = [str(path.relative_to(src)) for path in src.rglob("*.py")
                 if path != src / "common" / "spreadsheet.py" and writer.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
