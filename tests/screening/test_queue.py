"""The recommending unit's work queue (R5, R6): its entries by status, the quota, the batch state."""

import pytest
from django.urls import reverse

from wuxiao.accounts.models import Role

from .. import factories
from .screen_fixtures import ROLES, _media, actor_of, entry_of, other_recommender  # noqa: F401

pytestmark = pytest.mark.django_db


def _login(client, user):
    if user.is_authenticated:
        client.force_login(user)


@pytest.mark.parametrize("role,expected", [
    ("declarer", 403), ("recommender", "own unit"), ("other_recommender", "other unit"), ("committee", 200),
    ("expert", 403), ("site_admin", 200), ("outsider", 403), ("anonymous", "login"),
])
def test_queue_entry_point_per_role(client, actor_of, edition, recommending_unit, role, expected):
    user = actor_of(role)
    _login(client, user)
    response = client.get(reverse("screening:queue"))
    if expected == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif expected == "own unit":
        assert response["Location"] == reverse("screening:unit", args=[edition.slug, recommending_unit.pk])
    elif expected == "other unit":
        other = user.units_with_role(Role.RECOMMENDER)[0]
        assert response["Location"] == reverse("screening:unit", args=[edition.slug, other.pk])
    elif expected == 200:
        assert response.status_code == 200
        html = response.content.decode()
        assert "各推荐单位推荐批次" in html and recommending_unit.name in html
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role,expected", [
    ("declarer", 403), ("recommender", 200), ("other_recommender", 403), ("committee", 200),
    ("expert", 403), ("site_admin", 200), ("outsider", 403), ("anonymous", 302),
])
def test_unit_queue_per_role(client, actor_of, edition, recommending_unit, entry_of, role, expected):
    entry_of("submitted", title="待审作品")
    _login(client, actor_of(role))
    response = client.get(reverse("screening:unit", args=[edition.slug, recommending_unit.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert "待审作品" in response.content.decode()


def test_queue_groups_by_status_and_shows_quota_and_state(client, recommender, edition, recommending_unit,
                                                          entry_of):
    entry_of("submitted", title="已提交作品")
    entry_of("returned", title="退回作品")
    entry_of("recommended", title="推荐作品", recommendation_rank=1)
    entry_of("not_recommended", title="不推荐作品")
    entry_of("draft", title="草稿作品")
    other = factories.EntryFactory(edition=edition, status="submitted", title="别家作品")
    client.force_login(recommender)
    html = client.get(reverse("screening:unit", args=[edition.slug, recommending_unit.pk])).content.decode()
    assert "已推荐：1 / 20" in html
    for title in ("已提交作品", "退回作品", "推荐作品", "不推荐作品"):
        assert title in html
    assert "草稿作品" not in html and other.title not in html  # a draft is the unit's own; other units unseen
    assert "推荐截止时间：" in html
    assert reverse("screening:entry", args=[other.pk]) not in html


def test_recommender_with_several_units_chooses(client, edition, recommending_unit, recommender):
    second = factories.RecommendingUnitFactory()
    factories.MembershipFactory(user=recommender, organisation=second, role=Role.RECOMMENDER)
    client.force_login(recommender)
    html = client.get(reverse("screening:queue")).content.decode()
    assert "您在多个推荐单位任职，请选择：" in html and second.name in html and recommending_unit.name in html


def test_queue_with_no_edition(client, recommender):
    client.force_login(recommender)
    assert "当前没有进行中的竞赛。" in client.get(reverse("screening:queue")).content.decode()


def test_queue_query_count_does_not_grow(client, recommender, edition, recommending_unit, entry_of,
                                         django_assert_max_num_queries):
    for _ in range(15):
        entry_of("submitted")
    client.force_login(recommender)
    url = reverse("screening:unit", args=[edition.slug, recommending_unit.pk])
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
