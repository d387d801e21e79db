"""The recommending unit's decisions on one entry, through the pages (R5, R6, R23)."""

import pytest
from django.urls import reverse

from wuxiao.common.models import AuditLog
from wuxiao.entries.models import Entry, EntryTransition
from wuxiao.screening.models import Batch

from .screen_fixtures import ROLES, _media, actor_of, entry_of, other_recommender  # noqa: F401

pytestmark = pytest.mark.django_db

VALID = {
    "return": ({"reason": "请补充经济效益数据"}, "returned"),
    "recommend": ({"opinion": "同意推荐", "rank": "3"}, "recommended"),
    "not-recommend": ({"reason": "创新性不足"}, "not_recommended"),
    "unrecommend": ({"reason": "调整推荐名单"}, "submitted"),
}


def _source(action):
    return "recommended" if action == "unrecommend" else "submitted"


@pytest.mark.parametrize("role", ROLES)
def test_screening_page_only_for_the_entrys_recommending_unit(client, actor_of, entry_of, role):
    entry = entry_of("submitted")
    user = actor_of(role)
    if user.is_authenticated:
        client.force_login(user)
    response = client.get(reverse("screening:entry", args=[entry.pk]))
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role == "recommender":
        html = response.content.decode()
        assert response.status_code == 200
        assert "推荐单位意见" in html and "R23" not in html and "退回修改意见" in html and "不予推荐理由" in html
        assert reverse("entries:view", args=[entry.pk]) in html
    else:
        assert response.status_code == 403


def test_a_draft_is_not_screened(client, recommender, entry_of):
    client.force_login(recommender)
    assert client.get(reverse("screening:entry", args=[entry_of("draft").pk])).status_code == 403


@pytest.mark.parametrize("action", list(VALID))
@pytest.mark.parametrize("role", ROLES)
def test_each_action_by_each_role(client, actor_of, entry_of, role, action):
    data, target = VALID[action]
    entry = entry_of(_source(action), recommendation_rank=1 if action == "unrecommend" else None)
    user = actor_of(role)
    if user.is_authenticated:
        client.force_login(user)
    response = client.post(reverse("screening:entry_action", args=[entry.pk, action]), data)
    entry.refresh_from_db()
    if role == "recommender":
        assert response.status_code == 302
        assert response["Location"] == reverse("screening:unit", args=[entry.edition.slug, entry.recommending_unit_id])
        assert entry.status == target
        step = EntryTransition.objects.get(entry=entry)
        assert step.actor == user and step.to_status == target
        assert AuditLog.objects.filter(action=f"entry.{step.action}", object_id=str(entry.pk), actor=user).exists()
        # the open pages of the unit learn that the batch changed
        assert Batch.objects.get(edition=entry.edition, unit=entry.recommending_unit).version == 1
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)
        assert entry.status == _source(action)
        assert not EntryTransition.objects.filter(entry=entry).exists()


def test_recommend_records_opinion_and_rank(client, recommender, entry_of):
    entry = entry_of()
    client.force_login(recommender)
    client.post(reverse("screening:entry_action", args=[entry.pk, "recommend"]), {"opinion": " 同意推荐 ", "rank": "3"})
    entry.refresh_from_db()
    assert entry.status == "recommended" and entry.recommendation_rank == 3
    assert EntryTransition.objects.get(entry=entry).data == {"opinion": "同意推荐", "rank": 3}


@pytest.mark.parametrize("action,message", [
    ("return", "请填写退回修改意见。"),
    ("not-recommend", "请填写不予推荐的理由。"),
    ("recommend", "请填写推荐单位意见（通知附件2申报表）。"),
])
def test_missing_comment_is_shown_beside_the_field(client, recommender, entry_of, action, message):
    entry = entry_of()
    client.force_login(recommender)
    response = client.post(reverse("screening:entry_action", args=[entry.pk, action]), {"rank": "2"})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and 'class="errorlist"' in html
    entry.refresh_from_db()
    assert entry.status == "submitted"


def test_taken_rank_is_refused_beside_the_rank_and_the_opinion_kept(client, recommender, entry_of):
    entry_of("recommended", recommendation_rank=1, title="已推荐作品")
    entry = entry_of()
    client.force_login(recommender)
    response = client.post(reverse("screening:entry_action", args=[entry.pk, "recommend"]),
                           {"opinion": "技术先进，同意推荐", "rank": "1"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "推荐排序第 1 位已由作品“已推荐作品”占用。" in html
    assert 'id="field-rank"' in html and "技术先进，同意推荐" in html  # nothing typed is lost
    entry.refresh_from_db()
    assert entry.status == "submitted"


def test_recommending_an_already_recommended_entry_is_refused_in_chinese(client, recommender, entry_of):
    entry = entry_of("recommended", recommendation_rank=1)
    client.force_login(recommender)
    response = client.post(reverse("screening:entry_action", args=[entry.pk, "not-recommend"]), {"reason": "不推荐"})
    assert response.status_code == 409
    assert "作品当前状态为“已推荐”，不能执行“不予推荐”操作。" in response.content.decode()
    assert Entry.objects.get(pk=entry.pk).status == "recommended"


def test_unknown_action_is_404(client, recommender, entry_of):
    client.force_login(recommender)
    assert client.post(reverse("screening:entry_action", args=[entry_of().pk, "accept"])).status_code == 404
