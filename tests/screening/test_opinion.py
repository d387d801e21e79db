"""The recommending unit's opinion (推荐单位意见, R23) reaches the committee (issue 9, item 2): the entry
page, the office's review page and the API show it with the unit's name and date."""

import pytest
from django.urls import reverse
from django.utils import timezone

from wuxiao.accounts.models import Role
from wuxiao.entries.queries import recommendation_opinion
from wuxiao.entries.services import transition_entry
from wuxiao.screening import services
from wuxiao.screening.models import Batch

from .. import factories
from .screen_fixtures import ROLES, _media, actor_of, entry_of, other_recommender  # noqa: F401

pytestmark = pytest.mark.django_db

OPINION = "该作品解决了数控车床换刀耗时长的难题，经济效益显著，同意推荐。"
# entries.view_entry: the declaring unit (its own entry), the recommending unit, the committee office.
SEES_ENTRY = {"declarer", "recommender", "committee", "site_admin"}


@pytest.fixture
def recommended(entry_of, recommender):
    entry = entry_of("submitted", submitted_at=timezone.now())
    services.screen_entry(actor=recommender, entry=entry, action="recommend", data={"opinion": OPINION, "rank": 2})
    return entry


def _signature(entry) -> str:
    return (f"<span class=\"nowrap\">{entry.recommending_unit.name}</span> · "
            f"<span class=\"nowrap\">{timezone.localdate().isoformat()}</span>")


@pytest.mark.parametrize("role", ROLES)
def test_the_entry_page_shows_the_opinion_to_whoever_sees_the_entry(client, actor_of, recommended, role):
    user = actor_of(role)
    if user.is_authenticated:
        client.force_login(user)
    response = client.get(reverse("entries:view", args=[recommended.pk]))
    if role not in SEES_ENTRY:
        assert response.status_code in (302, 403)
        return
    html = response.content.decode()
    assert response.status_code == 200
    assert "推荐单位意见" in html and OPINION in html
    assert _signature(recommended) in html


def test_the_offices_review_page_shows_the_opinion(client, committee, recorder_batch):
    entry = recorder_batch
    client.force_login(committee)
    html = client.get(reverse("screening:review_entry", args=[entry.edition.slug, entry.pk])).content.decode()
    assert "推荐单位意见" in html and OPINION in html and _signature(entry) in html


@pytest.fixture
def recorder_batch(recommended, recommender):
    Batch.objects.filter(edition=recommended.edition, unit=recommended.recommending_unit).update(
        submitted_at=timezone.now(), submitted_by=recommender)
    return recommended


def test_the_recommenders_screening_page_shows_it(client, recommender, recommended):
    client.force_login(recommender)
    html = client.get(reverse("screening:entry", args=[recommended.pk])).content.decode()
    assert 'id="recommendation-opinion"' in html and OPINION in html


@pytest.mark.parametrize("role", ["declarer", "recommender", "committee", "site_admin"])
def test_the_api_entry_detail_gives_the_opinion(client, actor_of, recommended, role, recommender):
    client.force_login(actor_of(role))
    data = client.get(f"/api/entries/{recommended.pk}").json()
    assert data["recommendation_opinion"] == {
        "text": OPINION, "unit": recommended.recommending_unit.name,
        "given_on": timezone.localdate().isoformat(), "by": recommender.name}


def test_no_opinion_before_the_recommendation_nor_after_it_is_taken_back(client, committee, recommender, entry_of,
                                                                         recommended):
    pending = entry_of("submitted")
    assert recommendation_opinion(pending) is None
    services.screen_entry(actor=recommender, entry=recommended, action="unrecommend", reason="调整推荐名单")
    assert recommendation_opinion(recommended) is None
    client.force_login(committee)
    assert client.get(f"/api/entries/{recommended.pk}").json()["recommendation_opinion"] is None
    html = client.get(reverse("entries:view", args=[recommended.pk])).content.decode()
    assert OPINION not in html.split('id="history"')[0]  # only the history still tells it
    # A new recommendation brings its new opinion.
    services.screen_entry(actor=recommender, entry=recommended, action="recommend", data={"opinion": "再次推荐。"})
    assert recommendation_opinion(recommended).text == "再次推荐。"


def test_the_opinion_stays_through_the_committees_decisions(committee, recorder_batch):
    # The fixture's entry has no stamped scans: the office accepts it with a confirmation and a reason (item 6).
    transition_entry(entry=recorder_batch, action="accept", actor=committee, reason="扫描件已线下核对。",
                     data={"confirm_failed_checks": True, "override_reason": "扫描件已线下核对。"})
    opinion = recommendation_opinion(recorder_batch)
    assert (opinion.text, opinion.unit) == (OPINION, recorder_batch.recommending_unit.name)


def test_another_units_staff_do_not_get_it(client, recommended):
    client.force_login(factories.user_with_role(Role.RECOMMENDER))
    assert client.get(f"/api/entries/{recommended.pk}").status_code == 403
    assert client.get(reverse("entries:view", args=[recommended.pk])).status_code == 403
