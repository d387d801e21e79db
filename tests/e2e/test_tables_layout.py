"""Chinese tables at 390 px (a phone) and 1366 px, on the demo's data (issue 9, item 12).

No header, and no cell holding a Chinese word, is narrower than two characters or shows its text as
a column of single characters (张/伟, 审/核); the page never scrolls sideways on a phone; on a phone
the screening queue and the dashboard's entries are cards. Set TABLE_SCREENSHOTS=/some/dir to keep
a screenshot of every page.
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from wuxiao.competitions.models import Edition
from wuxiao.demo.data import DEMO_PASSWORD, PRACTICE_SLUG, load_demo
from wuxiao.entries.models import Entry
from wuxiao.orgs.models import Organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE, DESKTOP = (390, 844), (1366, 768)

# Every visible th/td of a table shown as a table (not as a card): its content box is at least two
# characters wide, its Chinese characters never stand one per line, a short header keeps one line.
MEASURE = """() => {
  const HAN = /[\\u3400-\\u9fff]/, WORD = /[\\u3400-\\u9fff]{2}/;
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const narrow = [], cards = [];
  for (const cell of document.querySelectorAll("main table th, main table td")) {
    if (!shown(cell)) continue;
    const style = getComputedStyle(cell);
    if (style.display !== "table-cell") { cards.push(cell.tagName); continue; }
    const text = cell.innerText.trim();
    if (!WORD.test(text)) continue;
    const size = parseFloat(style.fontSize);
    const width = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const perLine = new Map(), range = document.createRange();
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.data.length; i++) {
        if (!HAN.test(node.data[i])) continue;
        range.setStart(node, i); range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (rect) perLine.set(Math.round(rect.top), (perLine.get(Math.round(rect.top)) || 0) + 1);
      }
    }
    const counts = [...perLine.values()];
    const column = counts.length > 1 && Math.max(...counts) === 1;
    const wrappedHeader = cell.tagName === "TH" && text.length <= 8 && counts.length > 1;
    if (width < 2 * size - 0.5 || column || wrappedHeader)
      narrow.push(`${cell.tagName} «${text.slice(0, 16)}» ${Math.round(width)}px, ${counts.length} lines`);
  }
  return {narrow, cards: cards.length, overflow: document.documentElement.scrollWidth - window.innerWidth};
}"""


@pytest.fixture
def demo(db):
    load_demo()
    edition = Edition.objects.get(slug=PRACTICE_SLUG)
    jinshui = Organisation.objects.get(name="金水区总工会")
    nenghua = Organisation.objects.get(name="郑州市能源化学工会（演示）")
    entry = Entry.objects.filter(edition=edition, recommending_unit=jinshui, status="recommended").first()
    slug = edition.slug
    return {
        "yuhang": [reverse("accounts:dashboard"), reverse("entries:mine"), reverse("entries:view", args=[entry.pk])],
        "jinshui": [reverse("accounts:dashboard"), reverse("screening:unit", args=[slug, jinshui.pk]),
                    reverse("entries:list"), reverse("orgs:registrations"), reverse("entries:view", args=[entry.pk])],
        "office": [
            reverse("screening:queue"), reverse("screening:unit", args=[slug, nenghua.pk]),
            reverse("screening:review", args=[slug]), reverse("screening:overview", args=[slug]),
            reverse("screening:flags", args=[slug]), reverse("screening:quota_exceptions", args=[slug]),
            reverse("entries:list"), reverse("entries:drafts"), reverse("common:audit_log"),
            reverse("orgs:unit_list"), reverse("orgs:unit_detail", args=[jinshui.pk]),
            reverse("competitions:edition_list"), reverse("competitions:edition_detail", args=[slug]),
            reverse("notifications:templates"), reverse("accounts:invitation_list"),
            reverse("documents:export_list", args=[slug]), reverse("documents:commitment_list", args=[slug]),
            reverse("public:edition", args=[slug]),
        ],
    }


def log_in(page, base, username):
    page.context.clear_cookies()
    page.goto(base + reverse("accounts:login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url("**" + reverse("accounts:dashboard"))


def measure(page, url: str, size: tuple[int, int]) -> dict:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    response = page.goto(url)
    assert response.ok, f"{url}: {response.status}"
    folder = os.environ.get("TABLE_SCREENSHOTS")
    if folder:
        name = url.split("//", 1)[1].split("/", 1)[1].strip("/").replace("/", "_") or "home"
        page.screenshot(path=str(Path(folder) / f"{page.user}_{name}_{size[0]}.png"), full_page=True)
    return page.evaluate(MEASURE)


def test_no_chinese_word_becomes_a_column_of_characters(live_server, page, demo):
    base = live_server.url
    problems, tables_seen, cards_seen = [], 0, 0
    for username, paths in demo.items():  # the declaring unit, the recommending unit, the committee office
        log_in(page, base, username)
        page.user = username
        for path in paths:
            for size in (PHONE, DESKTOP):
                result = measure(page, base + path, size)
                problems += [f"{username} {path} at {size[0]} px: {cell}" for cell in result["narrow"]]
                if size == PHONE and result["overflow"] > 0:
                    problems.append(f"{username} {path} scrolls sideways on a phone by {result['overflow']} px")
                tables_seen += page.locator("main table").count()
                cards_seen += result["cards"] if size == PHONE else 0
    assert problems == []
    assert tables_seen > 50 and cards_seen > 500  # the pages did show their tables, and on a phone their cards


def rows_shown_as(page, selector: str) -> set[str]:
    return set(page.eval_on_selector_all(selector, "rows => rows.map(row => getComputedStyle(row).display)"))


def test_screening_queue_and_dashboard_entries_are_cards_on_a_phone(live_server, page, demo):
    base = live_server.url
    edition = Edition.objects.get(slug=PRACTICE_SLUG)
    jinshui = Organisation.objects.get(name="金水区总工会")
    queue = base + reverse("screening:unit", args=[edition.slug, jinshui.pk])

    log_in(page, base, "jinshui")
    page.goto(queue)
    rows = ".screening-table tbody tr"
    assert page.locator(rows).count() == 4  # submitted, returned, recommended, not recommended
    assert rows_shown_as(page, rows) == {"block"}
    assert not page.locator(".screening-table thead").first.is_visible()
    # each value is labelled in its card
    label = page.eval_on_selector(".screening-table tbody td.wide", "td => getComputedStyle(td, '::before').content")
    assert label == '"名称："'
    card = page.locator(".screening-group-submitted tbody tr").first
    assert "变电站巡检机器人辅助定位装置" in card.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(queue)
    assert rows_shown_as(page, rows) == {"table-row"}

    log_in(page, base, "yuhang")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + reverse("accounts:dashboard"))
    rows = ".dashboard-entries tbody tr"
    yuhang_entries = Entry.objects.filter(declaring_unit__name="郑州宇航精密机械有限公司（演示）")
    assert page.locator(rows).count() == yuhang_entries.count()
    assert rows_shown_as(page, rows) == {"block"}
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(base + reverse("accounts:dashboard"))
    assert rows_shown_as(page, rows) == {"table-row"}
