"""The recommendation quota (R6): 20 by default, more only by the committee's recorded exception."""

import pytest
from django.urls import reverse

from wuxiao.common.exceptions import Refused
from wuxiao.common.models import AuditLog
from wuxiao.screening import services
from wuxiao.screening.models import QuotaException
from wuxiao.screening.services import extra_quota_of

from .. import factories
from .screen_fixtures import ROLES, _media, actor_of, entry_of, other_recommender  # noqa: F401

pytestmark = pytest.mark.django_db

FULL = ("推荐名额已满：本单位名额 {quota} 项（通知附件1“六、工作要求”（三）：原则上择优推荐不超过 {quota} 项），"
        "现已推荐 {used} 项。如需推荐本作品，请先撤回另一项推荐，或商请组委会办公室同意增加名额。")
# After a quota exception the message says the base quota and what the committee added (issue 9, item 10).
FULL_WITH_EXTRA = ("推荐名额已满：本单位名额 {quota} 项，经组委会同意增加 {extra} 项，现已推荐 {used} 项。"
                   "如需推荐本作品，请先撤回另一项推荐，或商请组委会办公室再增加名额。")


def extra_quota(entry) -> int:
    """The places granted to the entry's recommending unit beyond the quota (R6)."""
    return extra_quota_of(entry.edition, entry.recommending_unit)


@pytest.fixture
def twenty(entry_of):
    return [entry_of("recommended", recommendation_rank=rank) for rank in range(1, 21)]


def test_the_twenty_first_is_refused_on_the_page(client, recommender, twenty, entry_of):
    entry = entry_of("submitted")
    client.force_login(recommender)
    response = client.post(reverse("screening:entry_action", args=[entry.pk, "recommend"]), {"opinion": "同意推荐"})
    assert response.status_code == 409
    assert FULL.format(quota=20, used=20) in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == "submitted"


def test_an_exception_lets_the_unit_recommend_more(committee, recommender, recommending_unit, edition, twenty,
                                                   entry_of):
    services.grant_quota_exception(actor=committee, edition=edition, unit=recommending_unit, extra=1,
                                   reason="该单位参赛企业数量多")
    first, second = entry_of("submitted"), entry_of("submitted")
    assert extra_quota(first) == 1
    services.screen_entry(actor=recommender, entry=first, action="recommend", data={"opinion": "同意推荐"})
    assert first.status == "recommended" and first.recommendation_rank == 21
    with pytest.raises(Refused) as refused:
        services.screen_entry(actor=recommender, entry=second, action="recommend", data={"opinion": "同意推荐"})
    assert str(refused.value) == FULL_WITH_EXTRA.format(quota=20, extra=1, used=21)


def test_an_exception_counts_only_for_its_unit_and_edition(committee, recommending_unit, edition, entry_of):
    services.grant_quota_exception(actor=committee, edition=edition, unit=recommending_unit, extra=3, reason="理由")
    other_edition = factories.EditionFactory()
    other_unit_entry = factories.EntryFactory(edition=edition)
    assert extra_quota(entry_of()) == 3
    assert extra_quota(factories.EntryFactory(edition=other_edition, declaring_unit=entry_of().declaring_unit)) == 0
    assert extra_quota(other_unit_entry) == 0


def test_exceptions_add_up_and_show_on_the_queue(client, committee, recommender, recommending_unit, edition):
    services.grant_quota_exception(actor=committee, edition=edition, unit=recommending_unit, extra=2, reason="一")
    services.grant_quota_exception(actor=committee, edition=edition, unit=recommending_unit, extra=1, reason="二")
    client.force_login(recommender)
    html = client.get(reverse("screening:unit", args=[edition.slug, recommending_unit.pk])).content.decode()
    assert "已推荐：0 / 23" in html and "本单位名额 20 项，经组委会同意增加 3 项。" in html
    assert "组委会于" in html and "同意增加 2 项：一" in html and "同意增加 1 项：二" in html
    assert "名额已满" not in html


@pytest.mark.parametrize("role", ROLES)
def test_quota_exception_page_per_role(client, actor_of, edition, recommending_unit, role):
    user = actor_of(role)
    if user.is_authenticated:
        client.force_login(user)
    url = reverse("screening:quota_exceptions", args=[edition.slug])
    get = client.get(url)
    post = client.post(url, {"unit": recommending_unit.pk, "extra": "2", "reason": "特殊情况"})
    if role in ("committee", "site_admin"):
        assert get.status_code == 200 and "<h2>推荐名额调整</h2>" in get.content.decode()
        assert post.status_code == 302
        exception = QuotaException.objects.get()
        assert (exception.unit, exception.extra, exception.reason, exception.granted_by) == (
            recommending_unit, 2, "特殊情况", user)
        log = AuditLog.objects.get(action="screening.quota_exception")
        assert log.actor == user and log.reason == "特殊情况" and log.data == {"unit": recommending_unit.pk, "extra": 2}
        page = client.get(url).content.decode()
        assert f"已同意{recommending_unit.name}增加推荐名额 2 项。" in page and "特殊情况" in page
    else:
        expected = 302 if role == "anonymous" else 403
        assert get.status_code == expected and post.status_code == expected
        assert not QuotaException.objects.exists()


@pytest.mark.parametrize("data,field,message", [
    ({"extra": "2", "reason": ""}, "reason", "请填写增加名额的理由。"),
    ({"extra": "0", "reason": "理由"}, "extra", "确保该值大于或等于1。"),
    ({"extra": "两", "reason": "理由"}, "extra", "输入整数。"),
])
def test_quota_exception_bad_input(client, committee, edition, recommending_unit, data, field, message):
    client.force_login(committee)
    response = client.post(reverse("screening:quota_exceptions", args=[edition.slug]),
                           {"unit": recommending_unit.pk, **data})
    html = response.content.decode()
    assert response.status_code == 200 and f'id="field-{field}"' in html and message in html
    assert not QuotaException.objects.exists()


def test_a_declaring_unit_cannot_get_an_exception(client, committee, edition, declaring_unit):
    client.force_login(committee)
    response = client.post(reverse("screening:quota_exceptions", args=[edition.slug]),
                           {"unit": declaring_unit.pk, "extra": "1", "reason": "理由"})
    assert response.status_code == 200 and not QuotaException.objects.exists()


def test_current_edition_shortcut(client, committee, edition):
    client.force_login(committee)
    response = client.get(reverse("screening:quota_exceptions_current"))
    assert response["Location"] == reverse("screening:quota_exceptions", args=[edition.slug])
