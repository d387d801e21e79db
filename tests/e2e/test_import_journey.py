"""A recommending unit imports entries collected offline: template → a file with an error → the preview names it
→ the corrected file → confirm → the declaring unit's drafts (issue 9, item 15), in Debian's chromium at 390 px."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from wuxiao.accounts.models import Role
from wuxiao.competitions.services import set_current_edition
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Entry

from .. import factories
from ..entries.import_helpers import SUMMARY, _media, fill, good_row  # noqa: F401
from .test_screening_journey import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_upload_preview_correct_and_confirm(live_server, page, tmp_path):
    edition = factories.EditionFactory()
    set_current_edition(edition=edition, actor=None)
    recommending_unit = factories.RecommendingUnitFactory(name="郑州市导入测试产业工会")
    unit = factories.DeclaringUnitFactory(name="郑州导入测试机械有限公司", parent=recommending_unit)
    recommender = factories.user_with_role(Role.RECOMMENDER, recommending_unit)
    declarer = factories.user_with_role(Role.DECLARER, unit)
    base = live_server.url

    log_in(page, base, recommender)
    page.locator("a", has_text="从 Excel 导入线下收集的作品").click()
    page.wait_for_url(re.compile(rf".*/entries/import/{edition.slug}/$"))
    with page.expect_download() as download:
        page.locator("a", has_text="下载导入模板").click()
    template = download.value.path().read_bytes()
    assert load_workbook(io.BytesIO(template)).sheetnames == ["作品", "填写说明", "选项"]

    # A summary of 501 字: the preview names the row and the column, and offers no import.
    bad = tmp_path / "线下作品.xlsx"
    bad.write_bytes(fill(template, [good_row(unit, "数控车床快换工装"),
                                    good_row(unit, "焊接夹具", **{SUMMARY: "字" * 501})]))
    page.set_input_files("input[name=file]", str(bad))
    page.locator("form.import-upload button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/entries/imports/\d+/$"))
    errors = page.locator("table.import-errors")
    expect(errors).to_contain_text("第 3 行")
    expect(errors).to_contain_text("H 作品简述")
    expect(errors).to_contain_text("作品简述现为 501 字，最多 500 字。")
    expect(page.locator("[data-import-confirm]")).to_have_count(0)
    # Long Chinese messages wrap in their cards: nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The corrected file: every row passes, the preview lists what will be created, the import creates it.
    page.locator("a", has_text="上传其他文件").click()
    good = tmp_path / "线下作品-改.xlsx"
    good.write_bytes(fill(template, [good_row(unit, "数控车床快换工装"), good_row(unit, "焊接夹具")]))
    page.set_input_files("input[name=file]", str(good))
    page.locator("form.import-upload button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/entries/imports/\d+/$"))
    expect(page.locator("table.import-rows")).to_contain_text("焊接夹具")
    assert Entry.objects.count() == 0
    page.locator("[data-import-confirm]").click()
    expect(page.locator(".messages")).to_contain_text("已将 2 项作品导入为申报单位的草稿")
    assert sorted(Entry.objects.filter(declaring_unit=unit, status=EntryStatus.DRAFT)
                  .values_list("title", flat=True)) == ["数控车床快换工装", "焊接夹具"]

    # The declaring unit finds them among its entries, marked as imported.
    log_in(page, base, declarer)
    page.goto(base + reverse("entries:mine"))
    expect(page.locator("table.my-entries")).to_contain_text("焊接夹具")
    expect(page.locator(".import-marker").first).to_contain_text("从 Excel 导入")
    assert page.csp_errors == []
