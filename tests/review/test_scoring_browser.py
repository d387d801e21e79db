"""An expert scores an entry on a phone (390×844, WeChat's browser) in Debian's chromium (issue 10 item 7)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.review.helpers_scoring import UNIT_NAME, make_round
from wuxiao.review.models import Score, ScoreStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WECHAT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN")


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", user_agent=WECHAT,
                                  viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.csp_errors = errors
    yield page
    context.close()


def test_expert_scores_an_entry_on_a_phone(live_server, phone):
    r = make_round(n_entries=2, n_experts=1)
    page, base = phone, live_server.url
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", r.expert.user.username)
    page.fill("input[name=password]", "pass-word-123")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/accounts/")

    page.goto(base + reverse("review:workspace"))
    page.wait_for_url(f"**{reverse('review:workspace_edition', args=[r.edition.slug])}")
    cards = page.locator(".score-card")
    expect(cards).to_have_count(2)
    button = cards.first.locator("a[role=button]")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a big touch target across the card
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    button.click()
    page.wait_for_url(f"**{reverse('review:expert_entry', args=[r.edition.slug, r.entry.pk])}")
    expect(page.locator("h1.entry-title")).to_have_text(r.entry.title)
    assert UNIT_NAME not in page.content()

    values = ["22", "18.5", "20", "15"]
    for criterion, value in zip(r.criteria, values):
        page.locator(f"input[name=points_{criterion.pk}]").fill(value)
    expect(page.locator("[data-saved]")).to_be_visible()
    expect(page.locator("[data-total]")).to_have_text("75.5")
    draft = Score.objects.get()
    assert draft.status == ScoreStatus.DRAFT and float(draft.total) == 75.5

    # an out-of-range value is shown beside its field, the rest stays typed
    last = r.criteria[3]
    page.locator(f"input[name=points_{last.pk}]").fill("30")
    expect(page.locator(f"#err-points_{last.pk} .errorlist")).to_be_visible()
    page.locator(f"input[name=points_{last.pk}]").fill("15")
    expect(page.locator(f"#err-points_{last.pk} .errorlist")).to_have_count(0)
    expect(page.locator(f"input[name=points_{r.criteria[1].pk}]")).to_have_value("18.5")

    page.locator("textarea[name=comment]").fill("节能效果明显，推广价值高")
    page.locator("input[name=confirm_no_conflict]").check()
    page.locator("button.submit-score").click()
    page.wait_for_url(f"**{reverse('review:workspace_edition', args=[r.edition.slug])}")
    expect(page.locator(f'.score-card[data-entry="{r.entry.pk}"] .badge-submitted')).to_be_visible()
    score = Score.objects.get()
    assert score.status == ScoreStatus.SUBMITTED and float(score.total) == 75.5
    assert score.no_conflict_confirmed_at is not None and score.comment == "节能效果明显，推广价值高"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not page.csp_errors


def test_office_pages_fit_a_phone(live_server, phone):
    from tests import factories
    from wuxiao.accounts.models import Role

    r = make_round(n_entries=3, n_experts=2)
    committee = factories.user_with_role(Role.COMMITTEE)
    page, base = phone, live_server.url
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", committee.username)
    page.fill("input[name=password]", "pass-word-123")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/accounts/")
    for name in ("review:progress", "review:rubric"):
        page.goto(base + reverse(name, args=[r.edition.slug]))
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    page.goto(base + reverse("review:progress", args=[r.edition.slug]))
    page.locator(f'tr[data-expert="{r.experts[0].pk}"] button').click()
    expect(page.locator(".message-success")).to_be_visible()
    assert not page.csp_errors
