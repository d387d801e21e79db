"""The second round as one stage: its hub and dashboard panel for the office, the way in for experts,
and the rubric lock that the edition's own list of criteria obeys (R7)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from wuxiao.accounts.models import Role
from wuxiao.competitions.models import Criterion
from wuxiao.review.queries import review_settings

from .helpers_results import scored_round

pytestmark = pytest.mark.django_db


def test_the_hub_shows_each_step_with_real_counts(client):
    round_ = scored_round(entries=4, experts=5, k=3)
    office = factories.user_with_role(Role.COMMITTEE)
    client.force_login(office)
    page = client.get(reverse("review:home", args=[round_.edition.slug])).content.decode()
    assert 'data-count="experts">5<' in page and 'data-count="accepted">5<' in page
    assert 'data-count="in_review">4<' in page and 'data-count="published">12<' in page
    assert 'data-count="submitted">12<' in page
    for name in ("settings", "pool", "conflicts", "rubric", "assignment", "progress", "results", "finalists"):
        assert reverse(f"review:{name}", args=[round_.edition.slug]) in page


def test_the_hub_is_the_offices_only(client):
    round_ = scored_round(entries=2, experts=3, k=2)
    url = reverse("review:home", args=[round_.edition.slug])
    assert client.get(url).status_code == 302  # to the login page
    for role in (Role.DECLARER, Role.RECOMMENDER, Role.EXPERT):
        client.force_login(factories.user_with_role(role))
        assert client.get(url).status_code == 403, role


def test_the_office_dashboard_and_the_menu_lead_to_the_second_round(client):
    round_ = scored_round(entries=2, experts=3, k=2)
    round_.edition.is_current = True
    round_.edition.save()
    client.force_login(factories.user_with_role(Role.COMMITTEE))
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'id="work-second-round"' in page
    assert reverse("review:home", args=[round_.edition.slug]) in page
    assert 'data-work="scores_submitted">4<' in page


def test_an_expert_finds_their_workspace_in_the_menu_and_on_the_dashboard(client):
    round_ = scored_round(entries=2, experts=3, k=2)
    client.force_login(round_.experts[0].user)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("review:workspace") in page
    # No one else is shown the way in.
    client.force_login(factories.user_with_role(Role.DECLARER))
    assert reverse("review:workspace") not in client.get(reverse("accounts:dashboard")).content.decode()


def test_the_editions_list_of_criteria_is_locked_with_the_rubric(client):
    edition = factories.EditionFactory()
    criterion = Criterion.objects.create(edition=edition, name="实际运用水平", max_points=25)
    settings = review_settings(edition)
    settings.rubric_locked_at = timezone.now()
    settings.save()
    client.force_login(factories.user_with_role(Role.COMMITTEE))
    url = reverse("competitions:edition_lists", args=[edition.slug, "criteria"])
    data = {"criteria-TOTAL_FORMS": "1", "criteria-INITIAL_FORMS": "1", "criteria-MIN_NUM_FORMS": "0",
            "criteria-MAX_NUM_FORMS": "1000", "criteria-0-id": str(criterion.pk), "criteria-0-name": "改过的名称",
            "criteria-0-max_points": "30", "criteria-0-description": ""}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "评分标准已锁定" in response.content.decode()
    criterion.refresh_from_db()
    assert (criterion.name, criterion.max_points) == ("实际运用水平", 25)
    # Reopened (its own page, with a reason): the list can change again.
    settings.rubric_locked_at = None
    settings.save()
    assert client.post(url, data).status_code == 302
    criterion.refresh_from_db()
    assert (criterion.name, criterion.max_points) == ("改过的名称", 30)
