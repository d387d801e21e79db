"""Bulk actions in Debian's chromium (issue 9, item 13): select all on the page, the count, only the fields the
action needs, one step, and the report of each entry (phone width, then desktop)."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from wuxiao.accounts.models import Role
from wuxiao.screening.models import Batch

from .. import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _log_in(page, base, user):
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pass-word-123")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/accounts/")


def test_unit_selects_all_and_recommends_in_one_step(page, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    edition = factories.EditionFactory(recommendation_quota=2)
    unit = factories.RecommendingUnitFactory(name="郑州市批量测试产业工会")
    declaring = factories.DeclaringUnitFactory(parent=unit, name="郑州批量测试有限公司")
    recommender = factories.user_with_role(Role.RECOMMENDER, unit)
    titles = ["数控快换工装", "焊接变位夹具", "节能照明改造"]
    for title in titles:
        factories.EntryFactory(edition=edition, declaring_unit=declaring, status="submitted", title=title,
                               submitted_at=timezone.now())
    page.on("dialog", lambda dialog: dialog.accept())
    _log_in(page, live_server.url, recommender)
    page.goto(live_server.url + reverse("screening:unit", args=[edition.slug, unit.pk]))
    form = page.locator("#bulk-form")
    expect(form.locator("[data-bulk-count]")).to_have_text("已选 0 项")
    expect(form.locator("#field-bulk-opinion")).to_be_hidden()  # nothing chosen: no field of an action
    page.check("[data-bulk-all]")
    expect(form.locator("[data-bulk-count]")).to_have_text("已选 3 项")
    page.locator("input.bulk-pick").nth(1).uncheck()
    expect(form.locator("[data-bulk-count]")).to_have_text("已选 2 项")
    assert page.locator("[data-bulk-all]").evaluate("el => el.indeterminate") is True
    page.check("[data-bulk-all]")
    form.locator("select[name=action]").select_option("recommend")
    expect(form.locator("#field-bulk-opinion")).to_be_visible()
    expect(form.locator("#field-bulk-reason")).to_be_hidden()
    form.locator("textarea[name=opinion]").fill("创新性强，同意推荐。")
    form.locator("button[type=submit]").click()
    report = page.locator("#bulk-report")
    expect(report).to_contain_text("2 项已处理")
    expect(report).to_contain_text("1 项未处理")
    expect(report.locator("[data-moved='0']")).to_contain_text("推荐名额已满")
    assert page.csp_errors == []
    # At 1366 px the same page has no horizontal scroll.
    page.set_viewport_size({"width": 1366, "height": 768})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_office_accepts_in_bulk_with_a_confirmation(page, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    edition = factories.EditionFactory()
    unit = factories.RecommendingUnitFactory()
    declaring = factories.DeclaringUnitFactory(parent=unit)
    Batch.objects.create(edition=edition, unit=unit, submitted_at=timezone.now())
    for rank in (1, 2):
        factories.EntryFactory(edition=edition, declaring_unit=declaring, status="recommended",
                               recommendation_rank=rank, submitted_at=timezone.now())
    committee = factories.user_with_role(Role.COMMITTEE)
    page.on("dialog", lambda dialog: dialog.accept())
    _log_in(page, live_server.url, committee)
    page.goto(live_server.url + reverse("screening:review", args=[edition.slug]))
    form = page.locator("#bulk-form")
    page.check("[data-bulk-all]")
    form.locator("select[name=action]").select_option("accept")
    expect(form.locator("#field-bulk-confirm_failed_checks")).to_be_visible()
    expect(form.locator("#field-bulk-rule")).to_be_hidden()
    form.locator("input[name=confirm_failed_checks]").check()
    form.locator("button[type=submit]").click()  # no reason: said beside it, the selection kept
    expect(form.locator("#field-bulk-reason .errorlist")).to_contain_text("请填写形式审查未通过仍予受理的理由。")
    expect(form.locator("[data-bulk-count]")).to_have_text("已选 2 项")
    form.locator("textarea[name=reason]").fill("纸质盖章件已现场核验。")
    form.locator("button[type=submit]").click()
    expect(page.locator("#bulk-report")).to_contain_text("2 项已处理")
    # The refused step answers 400 (logged by the browser); nothing else may be refused, no script or style.
    assert [e for e in page.csp_errors if "400" not in e] == []
