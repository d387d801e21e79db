"""Copying an edition: same configuration and lists, dates shifted, never the source's entries."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import EntryFactory
from wuxiao.common.models import AuditLog
from wuxiao.competitions import services
from wuxiao.competitions.models import Category, Edition, PrizeTier

pytestmark = pytest.mark.django_db


def test_copy_form_suggests_next_year(client, committee, zhengzhou):
    client.force_login(committee)
    html = client.get(reverse("competitions:edition_copy", args=[zhengzhou.slug])).content.decode()
    assert 'value="zhengzhou-2026"' in html
    assert 'value="2026年郑州市“创领未来”职工“五小”创新竞赛"' in html
    assert 'name="shift_days" value="365"' in html


def test_copy_creates_an_independent_edition(client, committee, zhengzhou):
    EntryFactory(edition=zhengzhou)
    client.force_login(committee)
    response = client.post(reverse("competitions:edition_copy", args=[zhengzhou.slug]), {
        "slug": "zhengzhou-2026", "title": "2026年郑州市“创领未来”职工“五小”创新竞赛", "year": "2026",
        "shift_days": "365",
    })
    assert response.status_code == 302
    assert response.url == reverse("competitions:edition_detail", args=["zhengzhou-2026"])
    copy = Edition.objects.get(slug="zhengzhou-2026")
    assert copy.copied_from == zhengzhou and copy.year == 2026 and not copy.is_practice and not copy.is_current
    # R15 moved by 365 days, still 17:30 Beijing time.
    assert copy.declaration_deadline == zhengzhou.declaration_deadline + dt.timedelta(days=365)
    assert copy.window_start == dt.date(2023, 3, 10)
    assert copy.document_number == "郑工发〔2025〕2号" and copy.contact_name == "张大千"
    assert list(copy.categories.values_list("name", flat=True)) == ["小发明", "小创造", "小革新", "小建议", "小设计"]
    assert copy.exclusions.count() == 7 and copy.criteria.count() == 4 and copy.committee_members.count() == 18
    assert copy.total_prize_count == 63 and copy.total_prize_money == 470000
    assert copy.entries.count() == 0 and zhengzhou.entries.count() == 1
    log = AuditLog.objects.get(action="edition.copy")
    assert log.actor == committee and log.data["source"] == zhengzhou.pk

    # Changing the copy's lists leaves the source untouched.
    Category.objects.filter(edition=copy, name="小发明").update(name="小发明（新）")
    PrizeTier.objects.filter(edition=copy).delete()
    assert Category.objects.filter(edition=zhengzhou, name="小发明").exists()
    assert zhengzhou.total_prize_money == 470000

    page = client.get(response.url).content.decode()
    assert "已复制" in page and "小发明（新）" in page


def test_copy_as_practice_with_no_shift(client, site_admin, zhengzhou):
    client.force_login(site_admin)
    client.post(reverse("competitions:edition_copy", args=[zhengzhou.slug]), {
        "slug": "practice-2025", "title": "演练", "year": "2025", "shift_days": "0", "is_practice": "on",
    })
    copy = Edition.objects.get(slug="practice-2025")
    assert copy.is_practice
    assert copy.declaration_deadline == zhengzhou.declaration_deadline


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"slug": "zhengzhou-2025"}, "slug", "另一届竞赛已使用这个简称。"),
    ({"slug": "郑州 2026"}, "slug", "只能使用字母、数字和连字符，例如 zhengzhou-2026。"),
    ({"year": "二〇二六"}, "year", "输入整数。"),
    ({"shift_days": ""}, "shift_days", "这个字段是必填项。"),
])
def test_copy_bad_input(client, committee, zhengzhou, change, field, message):
    client.force_login(committee)
    data = {"slug": "zhengzhou-2026", "title": "2026", "year": "2026", "shift_days": "365", **change}
    response = client.post(reverse("competitions:edition_copy", args=[zhengzhou.slug]), data)
    assert response.status_code == 200
    block = response.content.decode().split(f'id="field-{field}"')[1].split('<div class="field')[0]
    assert message in block
    assert Edition.objects.count() == 1
    assert not AuditLog.objects.filter(action="edition.copy").exists()


def test_set_current_shows_the_edition_on_the_public_page(client, committee, zhengzhou):
    newer = services.copy_edition(source=zhengzhou, actor=committee, slug="z-2026", title="2026年竞赛", year=2026)
    # With no edition marked current, the newest is shown.
    assert "2026年竞赛" in client.get(reverse("public:home")).content.decode()
    client.force_login(committee)
    response = client.post(reverse("competitions:edition_set_current", args=[zhengzhou.slug]), follow=True)
    assert "现在显示在公开页面上" in response.content.decode()
    assert Edition.objects.current() == zhengzhou
    html = client.get(reverse("public:home")).content.decode()
    assert "<h1>2025年郑州市“创领未来”职工“五小”创新竞赛" in html
    services.set_current_edition(edition=newer, actor=committee)
    assert list(Edition.objects.filter(is_current=True)) == [newer]
