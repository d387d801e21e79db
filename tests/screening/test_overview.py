"""The committee's overview (issue 4, item 9): counts by unit, category, industry division and status; the city-wide XLSX."""

import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from wuxiao.documents.content import SUMMARY_COLUMNS
from wuxiao.documents.exporters import CityWideSummaryXlsx

from .. import factories
from .screen_fixtures import ROLES, _media, actor_of, other_recommender  # noqa: F401

pytestmark = pytest.mark.django_db

ALLOWED = {"committee", "site_admin"}


@pytest.fixture
def planted(edition, declaring_unit):
    """Entries of two recommending units in several statuses, categories and industry divisions."""
    other_unit = factories.DeclaringUnitFactory()
    cats = list(edition.categories.order_by("position"))

    def make(unit, status, category, industry, **kw):
        return factories.EntryFactory(edition=edition, declaring_unit=unit, status=status, category=category,
                                      industry_id=industry, **kw)

    made = {
        "a1": make(declaring_unit, "recommended", cats[0], "3421", recommendation_rank=2, title="甲二"),
        "a2": make(declaring_unit, "recommended", cats[0], "3411", recommendation_rank=1, title="甲一"),
        "a3": make(declaring_unit, "submitted", cats[1], "3421", title="甲未推荐"),
        "a4": make(declaring_unit, "draft", cats[1], "4411", title="甲草稿"),
        "b1": make(other_unit, "in_review", cats[1], "4411", recommendation_rank=1, title="乙一"),
        "b2": make(other_unit, "ineligible", cats[2], "3421", recommendation_rank=2, title="乙二"),
    }
    factories.EntryFactory(title="别的届次", status="recommended")  # another edition: never counted
    return made


def _url(name, edition):
    return reverse(f"screening:{name}", args=[edition.slug])


@pytest.mark.parametrize("role", ROLES)
def test_overview_is_for_the_committee_only(role, client_as, edition, other_recommender):
    response = client_as(role).get(_url("overview", edition))
    if role in ALLOWED:
        assert response.status_code == 200
        assert "统计概览" in response.content.decode()
    elif role == "anonymous":
        assert response.status_code == 302 and "/login" in response["Location"]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_citywide_xlsx_is_for_the_committee_only(role, client_as, edition, other_recommender):
    response = client_as(role).get(_url("citywide_xlsx", edition))
    if role in ALLOWED:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif role == "anonymous":
        assert response.status_code == 302 and "/login" in response["Location"]
    else:
        assert response.status_code == 403


def test_unknown_edition_is_404(client, committee):
    client.force_login(committee)
    assert client.get(reverse("screening:overview", args=["no-such"])).status_code == 404
    assert client.get(reverse("screening:citywide_xlsx", args=["no-such"])).status_code == 404


def test_counts_by_unit_category_division_and_status(client, committee, edition, declaring_unit, planted):
    client.force_login(committee)
    response = client.get(_url("overview", edition))
    ctx = response.context
    unit_a, unit_b = declaring_unit.parent.name, planted["b1"].recommending_unit.name
    # drafts stay out of the unit, category and division tables; "recommended" counts every state from R6 on
    assert {r["label"]: (r["total"], r["recommended"]) for r in ctx["units"]} == {unit_a: (3, 2), unit_b: (2, 2)}
    cats = list(edition.categories.order_by("position"))
    assert {r["label"]: (r["total"], r["recommended"]) for r in ctx["categories"]} == {
        cats[0].name: (2, 2), cats[1].name: (2, 1), cats[2].name: (1, 1)}
    assert {r["label"]: (r["total"], r["recommended"]) for r in ctx["divisions"]} == {
        "34 通用设备制造业": (4, 3), "44 电力、热力生产和供应业": (1, 1)}
    assert ctx["divisions"][0]["label"] == "34 通用设备制造业"  # largest first
    assert {r["label"]: r["total"] for r in ctx["statuses"]} == {
        "草稿": 1, "已提交": 1, "已推荐": 2, "不符合参赛条件": 1, "复赛评审中": 1}
    assert ctx["total"] == 6 and ctx["filed"] == 5
    html = response.content.decode()
    assert "通用设备制造业" in html and unit_a in html
    data = json.loads(html.split('<script id="overview-data" type="application/json">')[1].split("</script>")[0])
    assert set(data) == {"units", "categories", "divisions", "statuses"}
    assert data["divisions"] == {"labels": ["34 通用设备制造业", "44 电力、热力生产和供应业"], "values": [4, 1]}
    assert html.count('data-chart="') == 4
    assert "<script>" not in html and 'style="' not in html  # CSP: no inline script or style


def test_query_count_does_not_grow_with_the_entries(client, committee, edition, declaring_unit, planted):
    client.force_login(committee)
    url = _url("overview", edition)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(15):
        factories.EntryFactory(edition=edition, status="submitted", industry_id="1311", title=f"加{i}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["units"]) == 17
    assert len(many.captured_queries) == len(few.captured_queries)


def test_empty_edition_shows_empty_tables(client, committee, edition):
    client.force_login(committee)
    html = client.get(_url("overview", edition)).content.decode()
    assert "尚无已提交的作品" in html and "尚无作品" in html


def test_citywide_xlsx_rows_grouped_by_unit_in_rank_order(client, committee, edition, declaring_unit, planted):
    client.force_login(committee)
    response = client.get(_url("citywide_xlsx", edition))
    assert ".xlsx" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert tuple(rows[0]) == SUMMARY_COLUMNS + ("推荐单位", "状态")
    unit_a, unit_b = planted["a1"].recommending_unit.name, planted["b1"].recommending_unit.name
    expected_units = sorted([unit_a, unit_b])  # both are industry unions: by name
    by_unit = {unit_a: [("甲一", "已推荐"), ("甲二", "已推荐")], unit_b: [("乙一", "复赛评审中"), ("乙二", "不符合参赛条件")]}
    expected = [t for u in expected_units for t in by_unit[u]]
    assert [(r[1], r[9]) for r in rows[1:]] == expected
    assert [r[0] for r in rows[1:]] == [1, 2, 3, 4]
    first = next(r for r in rows[1:] if r[1] == "甲一")
    e = planted["a2"]
    forms = "、".join(f.name for f in e.presentation_forms.order_by("position"))
    assert first == [first[0], "甲一", e.declaring_unit.name, e.declaring_unit.union_name, e.category.name, forms,
                     "李四", "13912345678", unit_a, "已推荐"]


def test_citywide_xlsx_has_only_the_header_when_nothing_is_recommended(edition, declaring_unit):
    factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status="submitted")
    ws = load_workbook(io.BytesIO(CityWideSummaryXlsx(edition).render())).active
    assert ws.max_row == 1
