"""The committee's overview in Debian's chromium: ECharts draws every chart, and the CSP reports nothing."""

import pytest

from .. import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_overview_charts_render_without_csp_errors(live_server, page, client, committee, edition, declaring_unit):
    cats = list(edition.categories.order_by("position"))
    for i, (status, industry) in enumerate([("recommended", "3421"), ("submitted", "4411"), ("in_review", "1311"),
                                            ("draft", "3421")]):
        factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status=status, category=cats[i % 3],
                               industry_id=industry, recommendation_rank=i + 1)
    client.force_login(committee)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])

    page.goto(f"{live_server.url}/screening/overview/{edition.slug}/")
    assert page.locator("h1").inner_text() == "统计概览"
    for key in ("statuses", "units", "categories", "divisions"):
        canvas = page.locator(f"[data-chart={key}] canvas")
        canvas.first.wait_for(state="attached")
        box = canvas.first.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, key
    page.hover("[data-chart=units] canvas")  # the tooltip must not need an inline style either
    page.wait_for_timeout(300)
    assert "通用设备制造业" in page.inner_text("[aria-labelledby=by-divisions] table")
    assert page.csp_errors == []
