"""What a newcomer sees first, in Debian's chromium (issue 9, item 16)."""

import pytest
from django.urls import reverse

from wuxiao.competitions import presets
from wuxiao.competitions.services import create_zhengzhou_2025, set_current_edition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_public_page_numbers_the_exclusions_one_to_seven(live_server, page):
    edition = create_zhengzhou_2025()
    set_current_edition(edition=edition, actor=None)
    page.goto(live_server.url + reverse("public:home"))
    items = page.locator("#exclusions ol > li")
    assert items.all_inner_texts() == list(presets.EXCLUSIONS)
    # The browser draws the numbers 1–7 in front of them, as the notice numbers them （一）–（七）.
    shown = items.evaluate_all(
        "lis => lis.map(li => [getComputedStyle(li).display, getComputedStyle(li).listStyleType, li.value])")
    assert shown == [["list-item", "decimal", n] for n in range(1, 8)]
    left = page.eval_on_selector("#exclusions ol", "ol => ol.getBoundingClientRect().left")
    assert left >= 0 and page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(live_server.url + reverse("public:notice", args=[edition.slug]))
    links = page.locator("article.notice-text a")
    assert links.count() == 1 and links.first.get_attribute("href") == reverse("public:edition", args=[edition.slug])
    assert "baidu" not in page.content()
