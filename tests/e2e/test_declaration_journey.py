"""A declaring unit files a complete entry in Debian's chromium (issue 3, items 1–6 and 16)."""

import datetime as dt
import re
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from playwright.sync_api import expect

from wuxiao.accounts.middleware import LAST_ACTIVITY
from wuxiao.accounts.models import Role
from wuxiao.common.validators import count_zi
from wuxiao.competitions.services import create_zhengzhou_2025, set_current_edition
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Entry

from .. import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A tiny valid PNG (1×1 pixel).
# A 1×1 PNG whose checksums are right: uploads pass Pillow's verify (issue 8, item 9).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478da63f8cfc0"
    "000003010100f70341430000000049454e44ae426082")
MIXED = "1.适用领域：数控车间，AI质检 v2.0 提升30%。"


@pytest.fixture
def open_edition(db):
    # The 2025 edition moved so that its deadline is ten days away (R15) and 2024 lies in its window (R2).
    shift = dt.timedelta(days=(timezone.localdate() - dt.date(2025, 3, 28)).days + 10)
    edition = create_zhengzhou_2025(slug="practice", is_practice=True, shift=shift)
    set_current_edition(edition=edition, actor=None)
    return edition


@pytest.fixture
def declarer(db):
    unit = factories.DeclaringUnitFactory(name="郑州浏览器申报测试有限公司",
                                          parent=factories.RecommendingUnitFactory(name="金水区总工会（测试）"))
    return factories.user_with_role(Role.DECLARER, unit)


def log_in(page, base, user):
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pass-word-123")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/accounts/")


def test_fill_the_whole_form_and_submit(live_server, page, open_edition, declarer):
    base = live_server.url
    log_in(page, base, declarer)
    page.click("a[href='/entries/mine/#new-entry']")
    page.wait_for_url("**/entries/mine/**")
    page.fill("#new-entry input[name=title]", "数控车床快换工装")
    page.click("button[data-new-entry]")
    page.wait_for_url(re.compile(r".*/entries/\d+/edit/$"))
    entry = Entry.objects.get()
    assert "已新建作品草稿" in page.inner_text("body")

    # 1. The entry, with a mistyped mobile number.
    page.get_by_label("小革新").check()
    assert page.input_value("input[name=affiliation]") == "郑州浏览器申报测试有限公司"
    page.fill("input[name=contact_name]", "王小明")
    page.fill("input[name=contact_mobile]", "1380013")

    # 2. Completers: fill the first, add a second and move it up: it becomes the first completer.
    page.fill("input[name=completers-0-name]", "张三")
    page.fill("input[name=completers-0-age]", "35")
    page.fill("input[name=completers-0-post]", "高级技师")
    page.fill("input[name=completers-0-workplace]", "一车间")
    page.fill("input[name=completers-0-phone]", "13812345678")
    # Leaving the field autosaves, and the answer shows the mistyped mobile's message above, moving the page:
    # let it land first, or on a slow machine the click's press and release can straddle the move.
    page.locator("input[name=completers-0-phone]").blur()
    page.wait_for_selector("[data-autosave-status].autosave-saved")
    page.click("button[data-add-completer]")
    page.fill("input[name=completers-1-name]", "李四")
    page.fill("input[name=completers-1-age]", "41")
    page.fill("input[name=completers-1-post]", "技师")
    page.fill("input[name=completers-1-workplace]", "二车间")
    page.fill("input[name=completers-1-phone]", "0371-67885139")
    rows = page.locator("[data-completer-row]")
    rows.nth(1).locator("button[data-move=up]").click()
    assert rows.nth(0).locator("input[name$='-name']").input_value() == "李四"
    assert rows.nth(0).locator(".first-completer-badge").is_visible()
    assert not rows.nth(1).locator(".first-completer-badge").is_visible()

    # 3–5. Texts; the live counter counts as the server does.
    page.fill("textarea[name=awards]", "2023年获公司技术革新一等奖。")
    page.click("textarea[name=summary]")
    page.keyboard.type(MIXED)
    counter = page.locator("[data-zi-for=id_summary]")
    assert counter.inner_text() == f"已输入 {count_zi(MIXED)} / 500 字"
    page.fill("textarea[name=summary]", "创" * 501)
    assert "zi-over" in counter.get_attribute("class")
    page.fill("textarea[name=summary]", MIXED)
    assert "zi-over" not in counter.get_attribute("class")

    # The industry: searched by name, the full path shown, the cascade opened at the class.
    page.fill("[data-industry-search]", "金属切削")
    page.click("[data-industry-results] button[data-industry-code='3421']")
    assert page.inner_text("[data-industry-display]") == "C 制造业 › 34 通用设备制造业 › 342 金属加工机械制造 › 3421 金属切削机床制造"
    expect(page.locator("select[data-industry-level='3']")).to_have_value("3421")
    assert page.input_value("input[name=industry]") == "3421"

    page.fill("textarea[name=background]", "国内同类车间普遍采用传统换刀方式，换刀时间长、定位精度差，影响生产效率和产品质量。" * 2)
    page.fill("textarea[name=goals]", "解决数控车床换刀耗时长的问题，实现一次装夹快速定位，换刀时间由十五分钟缩短到三分钟。" * 2)
    page.fill("textarea[name=innovation_points]", "1.原创的快换定位结构；2.技术难度大；3.及时响应生产需求；4.易于推广实施。")
    page.fill("textarea[name=benefits]", "经济效益：年节约工时1200小时。社会效益：降低劳动强度。")
    page.get_by_label("实物展示").check()
    page.get_by_label("PPT和多媒体展示").check()
    page.fill("input[name=completed_on]", (timezone.localdate() - dt.timedelta(days=200)).isoformat())

    # R4: every exclusion answered "否"; R1 and R2 confirmed.
    for radio in page.locator("input[name^=exclusion_][value='0']").all():
        radio.check()
    page.check("input[name=confirms_scope]")
    page.check("input[name=confirms_recent]")
    page.fill("textarea[name=union_opinion]", "同意申报。")
    page.fill("input[name=union_opinion_by]", "王主席")
    page.fill("input[name=union_opinion_on]", timezone.localdate().isoformat())

    # Save: the bad mobile is refused beside its field, nothing typed is lost.
    page.click("button[data-save-draft]")
    error = page.locator("#field-contact_mobile .errorlist li")
    error.wait_for()
    page.wait_for_load_state("load")  # the reloaded page's scripts (autosave) are running
    assert "手机号码" in error.inner_text()
    assert page.input_value("input[name=contact_mobile]") == "1380013"
    assert page.locator("[data-completer-row]").first.locator("input[name$='-name']").input_value() == "李四"
    assert page.input_value("textarea[name=summary]") == MIXED

    # Correct it; leaving the field saves automatically.
    page.fill("input[name=contact_mobile]", "138 0013 8000")
    page.locator("input[name=contact_name]").focus()
    status = page.locator("[data-autosave-status]")
    expect(page.locator("[data-autosave-status]")).to_have_text(re.compile(r"^已自动保存 \d\d:\d\d:\d\d$"))
    assert re.fullmatch(r"已自动保存 \d\d:\d\d:\d\d", status.inner_text())
    entry.refresh_from_db()
    assert entry.contact_mobile == "13800138000"
    assert [c.name for c in entry.completers.all()] == ["李四", "张三"]

    # A photo, with its progress bar, when the attachments panel is there.
    upload = page.locator("#attachments-%d-photo input[type=file]" % entry.pk)
    if upload.count():
        upload.set_input_files({"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG})
        page.locator("#attachments-%d-photo button.upload-button" % entry.pk).click()
        page.locator("#attachments-%d-photo .attachment-item" % entry.pk).first.wait_for()
        assert entry.attachments.filter(kind="photo").count() == 1

    # Submit (the confirmation accepted).
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[data-submit-entry]")
    page.wait_for_url(re.compile(r".*/entries/\d+/$"))
    assert "作品已提交" in page.inner_text("body")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    assert entry.summary == MIXED and entry.industry_id == "3421"
    assert entry.exclusion_answers.filter(applies=False).count() == open_edition.exclusions.count()

    # Read-only from now on; the PDF of the form downloads.
    page.goto(base + f"/entries/{entry.pk}/edit/")
    page.wait_for_url(re.compile(r".*/entries/\d+/$"))
    pdf = page.locator("a[data-entry-pdf]")
    if pdf.count():
        response = page.request.get(base + pdf.first.get_attribute("href"))
        assert response.ok and response.body().startswith(b"%PDF")
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors


def lose_the_cookie(page):
    page.context.clear_cookies(name="sessionid")


def stay_idle_too_long(page):
    """The server's idle timeout (SESSION_IDLE_TIMEOUT_MINUTES) passes while the form is open."""
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=key)
    session[LAST_ACTIVITY] = int(time.time()) - 31 * 60
    session.save()


@pytest.mark.parametrize("end_session", [lose_the_cookie, stay_idle_too_long], ids=["cookie", "idle"])
def test_session_expiry_keeps_the_text_and_offers_it_after_login(live_server, page, open_edition, declarer,
                                                                 end_session):
    base = live_server.url
    entry = factories.EntryFactory(edition=open_edition, declaring_unit=declarer.units_with_role(Role.DECLARER)[0],
                                   title="原来的名称")
    log_in(page, base, declarer)
    page.goto(base + f"/entries/{entry.pk}/edit/")
    end_session(page)
    page.fill("input[name=title]", "登录过期时输入的名称")
    page.locator("input[name=contact_name]").focus()  # leaving the field saves
    expect(page.locator("[data-autosave-status]")).to_have_text("登录已过期，请在新窗口登录后再保存")
    assert page.inner_text("[data-autosave-status]") == "登录已过期，请在新窗口登录后再保存"
    assert page.locator("[data-login-link]").is_visible()
    assert page.input_value("input[name=title]") == "登录过期时输入的名称"
    entry.refresh_from_db()
    assert entry.title == "原来的名称"
    if end_session is stay_idle_too_long:
        page.goto(base + "/accounts/login/")
        assert "您已 30 分钟没有操作，已自动退出登录，请重新登录。" in page.inner_text("main")

    # Log in again and come back: the text kept on this device is offered and restored.
    log_in(page, base, declarer)
    page.goto(base + f"/entries/{entry.pk}/edit/")
    assert page.input_value("input[name=title]") == "原来的名称"
    page.locator("#restore-banner").wait_for()
    page.click("#restore-banner button[data-restore]")
    assert page.input_value("input[name=title]") == "登录过期时输入的名称"
    expect(page.locator("[data-autosave-status]")).to_have_text(re.compile(r"^已自动保存 \d\d:\d\d:\d\d$"))
    entry.refresh_from_db()
    assert entry.title == "登录过期时输入的名称"
    assert entry.completers.count() == 1
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors
