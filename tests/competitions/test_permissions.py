"""Every committee page for every role: committee office and site admins in, others 403, anonymous to login."""

import pytest
from django.urls import reverse

from wuxiao.common.models import AuditLog
from wuxiao.competitions.models import Edition

from .conftest import MANAGERS, ROLES

PAGES = [
    ("competitions:edition_list", {}),
    ("competitions:edition_detail", {"slug": "zhengzhou-2025"}),
    ("competitions:edition_edit", {"slug": "zhengzhou-2025"}),
    ("competitions:edition_lists", {"slug": "zhengzhou-2025"}),
    ("competitions:edition_lists", {"slug": "zhengzhou-2025", "kind": "categories"}),
    ("competitions:edition_lists", {"slug": "zhengzhou-2025", "kind": "presentation-forms"}),
    ("competitions:edition_lists", {"slug": "zhengzhou-2025", "kind": "exclusions"}),
    ("competitions:edition_lists", {"slug": "zhengzhou-2025", "kind": "criteria"}),
    ("competitions:edition_lists", {"slug": "zhengzhou-2025", "kind": "prizes"}),
    ("competitions:edition_lists", {"slug": "zhengzhou-2025", "kind": "committee"}),
    ("competitions:edition_copy", {"slug": "zhengzhou-2025"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_committee_pages_by_role(client, login, zhengzhou, role, name, kwargs):
    login(role)
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    if role in MANAGERS:
        assert response.status_code == 200
        assert "2025年郑州市“创领未来”职工“五小”创新竞赛" in response.content.decode()
    elif role == "anonymous":
        assert response.status_code == 302
        assert response.url == f"{reverse('accounts:login')}?next={url}"
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_set_current_by_role(client, login, zhengzhou, edition, role):
    Edition.objects.filter(pk=edition.pk).update(is_current=True)
    login(role)
    response = client.post(reverse("competitions:edition_set_current", args=[zhengzhou.slug]))
    zhengzhou.refresh_from_db()
    edition.refresh_from_db()
    if role in MANAGERS:
        assert response.status_code == 302
        assert response.url == reverse("competitions:edition_list")
        assert zhengzhou.is_current and not edition.is_current
        log = AuditLog.objects.get(action="edition.set_current")
        assert log.object_id == str(zhengzhou.pk)
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)
        if role == "anonymous":
            assert response.url.startswith(reverse("accounts:login"))
        assert not zhengzhou.is_current and edition.is_current
        assert not AuditLog.objects.filter(action="edition.set_current").exists()


def test_set_current_refuses_get(client, committee, zhengzhou):
    client.force_login(committee)
    response = client.get(reverse("competitions:edition_set_current", args=[zhengzhou.slug]))
    assert response.status_code == 405
    zhengzhou.refresh_from_db()
    assert not zhengzhou.is_current


@pytest.mark.parametrize("role", [r for r in ROLES if r not in MANAGERS])
def test_posts_refused_for_other_roles(client, login, zhengzhou, role):
    """Refused roles cannot change anything by posting either (allowed posts: test_edit, test_lists, test_copy)."""
    login(role)
    urls = [
        reverse("competitions:edition_edit", args=[zhengzhou.slug]),
        reverse("competitions:edition_lists", args=[zhengzhou.slug, "categories"]),
        reverse("competitions:edition_copy", args=[zhengzhou.slug]),
    ]
    for url in urls:
        response = client.post(url, {"title": "篡改", "slug": "x", "year": 2030, "shift_days": 0})
        assert response.status_code == (302 if role == "anonymous" else 403)
    assert Edition.objects.get().title == "2025年郑州市“创领未来”职工“五小”创新竞赛"
    assert not AuditLog.objects.exclude(action="edition.create").exists()


def test_unknown_edition_and_list_are_404(client, committee, zhengzhou):
    client.force_login(committee)
    assert client.get(reverse("competitions:edition_detail", args=["nope"])).status_code == 404
    assert client.get(reverse("competitions:edition_lists", args=[zhengzhou.slug, "nope"])).status_code == 404


def test_edition_list_shows_markers_and_deadline(client, committee, zhengzhou, edition):
    from wuxiao.competitions import services

    practice = services.copy_edition(source=zhengzhou, actor=committee, slug="practice", title="演练版",
                                     year=2026, is_practice=True)
    services.set_current_edition(edition=zhengzhou, actor=committee)
    client.force_login(committee)
    html = client.get(reverse("competitions:edition_list")).content.decode()
    row = html.split('id="edition-zhengzhou-2025"')[1].split("</tr>")[0]
    assert "2025-03-28 17:30" in row  # R15, Beijing time
    assert "当前" in row and "已截止" in row
    practice_row = html.split('id="edition-practice"')[1].split("</tr>")[0]
    assert "演示" in practice_row and "当前" not in practice_row
    open_row = html.split(f'id="edition-{edition.slug}"')[1].split("</tr>")[0]
    assert "申报中" in open_row


def test_detail_shows_every_value(client, committee, zhengzhou):
    client.force_login(committee)
    html = client.get(reverse("competitions:edition_detail", args=[zhengzhou.slug])).content.decode()
    for text in ["郑工发〔2025〕2号", "2025年3月28日 17:30", "张大千", "0371-67885139", "daqian1212@126.com",
                 "16:9", "mp4,wmv", "1920", "800", "小发明", "PPT和多媒体展示", "知识产权归属尚存在争议的创新作品",
                 "能源消耗降低水平", "特等奖", "¥470,000", "王玉红", "专家技术委员会", "近三年以来"]:
        assert text in html, text
    assert '<td class="num criteria-total">100</td>' in html
    assert '<td class="num prize-count">63</td>' in html


def test_django_admin_shows_the_edition_with_its_lists(client, site_admin, zhengzhou):
    client.force_login(site_admin)
    response = client.get(reverse("admin:competitions_edition_change", args=[zhengzhou.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    # Shown read-only (the committee office edits editions on its own pages, audited).
    assert "小发明" in html and "特等奖" in html and "王玉红" in html
    assert 'value="小发明"' not in html
    assert client.get(reverse("admin:competitions_edition_changelist")).status_code == 200
