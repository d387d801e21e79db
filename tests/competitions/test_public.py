"""The public page of an edition (R3, R4, R11, R15, R16) and the notice."""

import datetime as dt
import re
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EditionFactory
from wuxiao.competitions import presets, services
from wuxiao.competitions.models import Category, Exclusion, PrizeTier

from .conftest import ROLES

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def at(*args):
    """Freeze the clock (outside the project) at a Beijing time."""
    return mock.patch("django.utils.timezone.now", return_value=dt.datetime(*args, tzinfo=BEIJING))


def test_no_edition_gives_a_friendly_page(client):
    response = client.get(reverse("public:home"))
    assert response.status_code == 200
    assert "尚未发布竞赛" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_home_for_every_role(client, login, zhengzhou, role):
    login(role)
    response = client.get(reverse("public:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2025年郑州市“创领未来”职工“五小”创新竞赛" in html
    buttons = html.split('<div class="public-buttons">')[1].split("</div>")[0]
    if role == "anonymous":
        assert f'<a href="{reverse("accounts:signup")}" role="button">注册申报单位</a>' in buttons
        assert f'<a href="{reverse("accounts:login")}" role="button" class="secondary outline">登录</a>' in buttons
        assert "进入我的工作台" not in buttons
    else:
        assert buttons.strip() == f'<a href="{reverse("accounts:dashboard")}" role="button">进入我的工作台</a>'


def test_home_shows_the_notice_essentials(client, zhengzhou):
    html = client.get(reverse("public:home")).content.decode()
    assert "郑工发〔2025〕2号" in html
    assert "郑州市总工会 郑州市人力资源和社会保障局" in html
    assert "工会关系隶属于郑州市的各类机关和企事业单位一线职工" in html  # scope
    assert "复赛：组委会组织行业专家、学者" in html  # procedure
    for text in presets.EXCLUSIONS:  # R4: six + one
        assert f"{text}</li>" in html
    assert html.count("<li value=") == 7
    for name in presets.CATEGORIES:  # R3
        assert f"<li>{name}</li>" in html
    # R11 as a table, with totals.
    assert ('<tr><td>特等奖</td><td class="num">3</td><td class="num">¥20,000</td>'
            '<td class="num">¥60,000</td></tr>') in html
    assert '<td class="num prize-count">63</td>' in html
    assert '<td class="num prize-money">¥470,000</td>' in html
    # R16
    assert "<dd>张大千</dd>" in html
    assert '<a href="tel:0371-67885139">0371-67885139</a>' in html
    assert '<a href="mailto:daqian1212@126.com">daqian1212@126.com</a>' in html
    assert "郑州市职工服务中心（工人路84号）205房间" in html
    assert f'href="{reverse("public:notice", args=[zhengzhou.slug])}"' in html
    assert "<time datetime=\"2025-03-28T17:30:00+08:00\">2025年3月28日 17:30</time>" in html


def test_open_edition_shows_a_live_countdown(client, zhengzhou):
    with at(2025, 3, 20, 10, 0):
        html = client.get(reverse("public:edition", args=[zhengzhou.slug])).content.decode()
    assert ('<span class="countdown" data-countdown="2025-03-28T17:30:00+08:00" data-label-day="天" '
            'data-label-hour="时" data-label-minute="分" data-label-second="秒" data-label-closed="申报已截止">'
            '8天 07时 30分 00秒</span>') in html
    assert "申报已截止</p>" not in html


def test_one_second_before_the_deadline_is_still_open(client, zhengzhou):
    with at(2025, 3, 28, 17, 29, 59):
        html = client.get(reverse("public:home")).content.decode()
    assert ">0天 00时 00分 01秒</span>" in html


def test_closed_edition_shows_closed_and_no_countdown(client, zhengzhou):
    with at(2025, 3, 28, 17, 30):
        html = client.get(reverse("public:home")).content.decode()
    assert '<p class="countdown closed">申报已截止</p>' in html
    assert "data-countdown" not in html


def test_not_yet_open_says_when_it_opens(client, zhengzhou):
    with at(2025, 3, 1, 9, 0):
        html = client.get(reverse("public:home")).content.decode()
    assert "申报将于 2025年3月10日 00:00 开始。" in html
    assert "data-countdown=" in html


def test_practice_copy_is_marked(client, committee, zhengzhou):
    practice = services.create_zhengzhou_2025(slug="practice", is_practice=True, shift=dt.timedelta(days=600))
    html = client.get(reverse("public:edition", args=[practice.slug])).content.decode()
    assert '2025年郑州市“创领未来”职工“五小”创新竞赛 <mark class="practice-badge">演示</mark></h1>' in html
    real = client.get(reverse("public:edition", args=[zhengzhou.slug])).content.decode()
    assert '<mark class="practice-badge">演示</mark></h1>' not in real


def test_unknown_edition_is_404(client, zhengzhou):
    assert client.get(reverse("public:edition", args=["nope"])).status_code == 404
    assert client.get(reverse("public:notice", args=["nope"])).status_code == 404


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_lists(client, zhengzhou):
    small = EditionFactory(categories=["甲"])
    big = EditionFactory(categories=[f"类{i}" for i in range(12)])
    for i in range(15):
        Exclusion.objects.create(edition=big, number=100 + i, text=f"情形{i}", position=i)
        PrizeTier.objects.create(edition=big, name=f"奖{i}", count=i + 1, amount_yuan=100, position=i)
    assert Category.objects.filter(edition=big).count() == 12
    n_small = _count_queries(client, reverse("public:edition", args=[small.slug]))
    n_big = _count_queries(client, reverse("public:edition", args=[big.slug]))
    n_real = _count_queries(client, reverse("public:edition", args=[zhengzhou.slug]))
    assert n_small == n_big == n_real == 5  # edition, 3 lists, the page frame's current edition
    # The home page reuses the edition it loaded for the page frame.
    assert _count_queries(client, reverse("public:home")) == 4


@pytest.mark.parametrize("role", ROLES)
def test_notice_page_for_every_role(client, login, zhengzhou, role):
    login(role)
    response = client.get(reverse("public:notice", args=[zhengzhou.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<p>报名截止时间：2025年3月28日17时30分</p>" in html
    assert '<h3 class="notice-section">四、奖项设置</h3>' in html
    assert '<h2 class="notice-attachment">附件 2</h2>' in html
    assert ("<p>（三）严格要求，规范推荐。各推荐单位要坚持公平、公正、公开原则，按照竞赛程序、时限、要求申报相关材料，"
            "原则上择优推荐不超过20项“五小”创新作品。</p>") in html


def test_notice_page_without_text(client):
    edition = EditionFactory()
    html = client.get(reverse("public:notice", args=[edition.slug])).content.decode()
    assert "尚未录入通知全文" in html


def test_public_page_in_english(client, zhengzhou):
    html = client.get(reverse("public:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<p class="countdown closed">Declaration is closed</p>' in html
    assert "<h2>Not eligible</h2>" in html


# --- The newcomer's first minutes (issue 9, item 16) --------------------------------------------

def test_the_exclusions_are_numbered_one_to_seven_as_in_the_notice(client, zhengzhou):
    html = client.get(reverse("public:edition", args=[zhengzhou.slug])).content.decode()
    section = html.split('<section id="exclusions">')[1].split("</section>")[0]
    lists = re.findall(r'<ol class="([^"]+)">(.*?)</ol>', section, re.S)
    assert [name for name, _ in lists] == ["numbered-exclusions"]  # not the entry form's unnumbered list
    items = re.findall(r'<li value="(\d+)">([^<]+)</li>', lists[0][1])
    assert items == [(str(n), text) for n, text in enumerate(presets.EXCLUSIONS, start=1)]
    assert len(items) == 7


def test_the_notice_page_shows_no_stray_link(client, zhengzhou):
    notice = reverse("public:notice", args=[zhengzhou.slug])
    html = client.get(notice).content.decode()
    article = html.split('<article class="notice-text">')[1].split("</article>")[0]
    assert "baidu" not in html
    assert re.findall(r"<a\b[^>]*>", article) == [f'<a href="{reverse("public:edition", args=[zhengzhou.slug])}">']
    assert "<p>https://www.mca.gov.cn/images3/www/file/201711/1509495881341.pdf。</p>" in article  # the notice's own
    assert article.count("https://") == 1
