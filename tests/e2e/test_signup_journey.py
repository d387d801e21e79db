"""A declaring unit finds the competition and signs up (foundation issue, item 14), in Debian's chromium."""

import datetime as dt

import pytest
from django.utils import timezone

from wuxiao.competitions.services import create_zhengzhou_2025, set_current_edition
from wuxiao.orgs.models import Membership, Organisation, RegistrationStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_edition(db):
    # The 2025 edition moved so that its deadline is ten days away: the countdown runs.
    shift = dt.timedelta(days=(timezone.localdate() - dt.date(2025, 3, 28)).days + 10)
    edition = create_zhengzhou_2025(slug="practice", is_practice=True, shift=shift)
    set_current_edition(edition=edition, actor=None)
    return edition


def test_public_page_then_signup_with_a_bad_credit_code(live_server, page, open_edition):
    page.goto(live_server.url + "/")
    assert "2025年郑州市“创领未来”职工“五小”创新竞赛" in page.content()
    assert "演示" in page.inner_text("body")
    assert "张大千" in page.inner_text("body")
    countdown = page.locator("[data-countdown]").first
    first = countdown.inner_text()
    page.wait_for_timeout(1200)
    assert countdown.inner_text() != first, "the countdown should tick every second"

    page.click("a[href='/accounts/signup/']")
    page.wait_for_url("**/accounts/signup/")
    page.fill("input[name=name]", "郑州浏览器测试机械有限公司")
    page.select_option("select[name=kind]", "enterprise")
    page.fill("input[name=union_name]", "郑州浏览器测试机械有限公司工会委员会")
    page.fill("input[name=credit_code]", "91110000600037341N")  # check character should be L
    page.fill("input[name=address]", "郑州市金水区花园路1号")
    page.select_option("select[name=recommending_unit]", label="金水区总工会")
    page.fill("input[name=contact_name]", "王小明")
    page.fill("input[name=mobile]", "138 0013 8000")
    page.fill("input[name=email]", "wang@example.com")
    page.fill("input[name=password1]", "Zhengzhou-2025!")
    page.fill("input[name=password2]", "Zhengzhou-2025!")
    page.click("main form button[type=submit]")

    error = page.locator("#field-credit_code .errorlist")
    error.wait_for()
    assert "校验" in error.inner_text()
    # Nothing typed is lost (passwords are never sent back).
    assert page.input_value("input[name=name]") == "郑州浏览器测试机械有限公司"
    assert page.input_value("input[name=union_name]") == "郑州浏览器测试机械有限公司工会委员会"
    assert page.input_value("input[name=address]") == "郑州市金水区花园路1号"
    assert page.input_value("input[name=contact_name]") == "王小明"
    assert page.input_value("input[name=email]") == "wang@example.com"
    assert page.locator("select[name=recommending_unit] option:checked").inner_text() == "金水区总工会"
    assert not Organisation.objects.filter(name="郑州浏览器测试机械有限公司").exists()

    page.fill("input[name=credit_code]", "91110000600037341L")
    page.fill("input[name=password1]", "Zhengzhou-2025!")
    page.fill("input[name=password2]", "Zhengzhou-2025!")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/accounts/")
    body = page.inner_text("body")
    assert "郑州浏览器测试机械有限公司" in body

    unit = Organisation.objects.get(name="郑州浏览器测试机械有限公司")
    assert unit.credit_code == "91110000600037341L"
    assert unit.parent.name == "金水区总工会"
    assert unit.registration_status == RegistrationStatus.NEW
    membership = Membership.objects.get(organisation=unit)
    assert membership.user.mobile == "13800138000"
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors
