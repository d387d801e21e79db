"""In Debian's chromium at 390×844: the office imports its expert list (a wrong row named, then the corrected
file, preview, confirm), runs the conflict check, invites; the expert accepts on the phone with a new account."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from wuxiao.accounts.models import Role, User
from wuxiao.competitions.services import set_current_edition
from wuxiao.review.models import Expert, ExpertStatus

from .. import factories
from ..e2e.test_screening_journey import log_in
from .helpers_pool import row, xlsx

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_import_check_invite_and_accept_on_a_phone(live_server, page, tmp_path, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    edition = factories.EditionFactory()
    set_current_edition(edition=edition, actor=None)
    office = factories.user_with_role(Role.COMMITTEE)
    base = live_server.url
    log_in(page, base, office)

    page.goto(f"{base}/review/{edition.slug}/experts/import/")
    bad = tmp_path / "专家名单.xlsx"
    bad.write_bytes(xlsx([row(name="刘工", mobile="13600007001", email="liu@example.com"),
                          row(name="陈工", mobile="13600007002", fields="9999")]).getvalue())
    page.set_input_files("input[name=file]", str(bad))
    page.click("[data-import-check]")
    errors = page.locator("[data-import-errors]")
    expect(errors).to_contain_text("第 3 行 E 列（专业领域（国民经济行业代码））：国民经济行业分类（GB/T 4754-2017）中没有该代码：9999。")
    assert not Expert.objects.exists()

    good = tmp_path / "专家名单2.xlsx"
    good.write_bytes(xlsx([row(name="刘工", mobile="13600007001", email="liu@example.com"),
                           row(name="陈工", mobile="13600007002", fields="34:3")]).getvalue())
    page.set_input_files("input[name=file]", str(good))
    page.click("[data-import-check]")
    expect(page.locator("[data-import-ok]")).to_be_visible()
    page.click("[data-import-confirm]")
    page.wait_for_url(re.compile(rf".*/review/{edition.slug}/experts/$"))
    # Cards on a phone: no horizontal scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator(".pool-table tbody tr")).to_have_count(2)

    page.click("[data-run-check]")
    expect(page.locator("#conflict-check")).to_have_attribute("data-current", "1")
    page.click("[data-invite-all]")
    expect(page.locator("body")).to_contain_text("已发出 2 份邀请")
    liu = Expert.objects.get(name="刘工")
    assert liu.status == ExpertStatus.INVITED
    assert len(mail.outbox) == 2

    page.context.clear_cookies()
    page.goto(f"{base}/review/invitation/{liu.token}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("input[name=password1]", "Liu-2026-review!")
    page.fill("input[name=password2]", "Liu-2026-review!")
    page.click("[data-accept]")
    page.wait_for_url("**/accounts/")
    liu.refresh_from_db()
    assert liu.status == ExpertStatus.ACCEPTED and liu.user == User.objects.get(username="13600007001")
    assert not page.csp_errors
