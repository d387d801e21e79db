"""The page frame shows each role the links its permissions allow (the same predicates as the views)."""

import pytest

pytestmark = pytest.mark.django_db

from wuxiao.competitions.services import create_zhengzhou_2025

LINKS = {"/units/registrations/": "单位注册审核", "/manage/": "竞赛届次", "/units/": "单位管理",
         "/manage/audit/": "操作日志"}
EXPECTED = {
    "declarer": set(),
    "recommender": {"/units/registrations/"},
    "expert": set(),
    "outsider": set(),
    "committee": set(LINKS),
    "site_admin": set(LINKS),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_navigation_follows_permissions(client, request, role):
    create_zhengzhou_2025()
    client.force_login(request.getfixturevalue(role))
    html = client.get("/accounts/").content.decode()
    nav = html.split("<main", 1)[0]
    shown = {href for href, label in LINKS.items() if f'href="{href}">{label}</a>' in nav}
    assert shown == EXPECTED[role]


def test_anonymous_sees_login_and_signup(client, db):
    nav = client.get("/").content.decode().split("<main", 1)[0]
    assert 'href="/accounts/login/"' in nav and 'href="/accounts/signup/"' in nav
    assert not any(f'href="{href}"' in nav for href in LINKS)


@pytest.mark.parametrize("role,expected", [("declarer", True), ("recommender", False), ("committee", False)])
def test_declaring_units_find_their_credit_commitment(client, request, role, expected):
    create_zhengzhou_2025()
    client.force_login(request.getfixturevalue(role))
    nav = client.get("/accounts/").content.decode().split("<main", 1)[0]
    assert ('href="/documents/commitment/">信用承诺书</a>' in nav) is expected


@pytest.mark.parametrize("role,expected", [("committee", True), ("site_admin", True), ("recommender", False),
                                           ("declarer", False), ("expert", False)])
def test_committee_finds_commitments_and_batch_export(client, request, role, expected):
    edition = create_zhengzhou_2025()
    client.force_login(request.getfixturevalue(role))
    nav = client.get("/accounts/").content.decode().split("<main", 1)[0]
    assert (f'href="/documents/editions/{edition.slug}/commitments/">信用承诺书</a>' in nav) is expected
    assert (f'href="/documents/editions/{edition.slug}/exports/">批量导出</a>' in nav) is expected


@pytest.mark.parametrize("role,expected", [("committee", True), ("site_admin", True), ("recommender", False),
                                           ("declarer", False), ("expert", False)])
def test_committee_finds_the_eligibility_check_and_overview(client, request, role, expected):
    edition = create_zhengzhou_2025()
    client.force_login(request.getfixturevalue(role))
    nav = client.get("/accounts/").content.decode().split("<main", 1)[0]
    assert (f'href="/screening/review/{edition.slug}/">形式审查</a>' in nav) is expected
    assert (f'href="/screening/overview/{edition.slug}/">统计概览</a>' in nav) is expected
