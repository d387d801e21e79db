"""The final round's hub for the office, the expert's page of sessions and visits, and the dashboard panels."""

import pytest
from django.urls import reverse

from tests import factories
from tests.finals.helpers import final_world
from wuxiao.accounts.models import Role
from wuxiao.competitions.services import set_current_edition
from wuxiao.finals.models import SiteVisit, VisitExpert

pytestmark = pytest.mark.django_db


def test_office_sees_each_step_with_its_counts(client, committee):
    world = final_world(finalists=4, judges=3)
    client.force_login(committee)
    response = client.get(reverse("finals:home", args=[world.edition.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-count="finalists">4<' in html
    assert 'data-count="slots">4<' in html
    assert 'data-count="sessions">1<' in html
    assert reverse("finals:sessions", args=[world.edition.slug]) in html
    assert reverse("finals:ranking", args=[world.edition.slug]) in html


def test_the_hub_is_the_offices_only(client_as, user_of):
    world = final_world(finalists=1, judges=1)
    url = reverse("finals:home", args=[world.edition.slug])
    for role in ("declarer", "recommender", "expert"):
        assert client_as(role).get(url).status_code == 403
    from django.test import Client

    assert Client().get(url).status_code == 302


def test_hub_queries_do_not_grow_with_the_finalists(client, committee, django_assert_max_num_queries):
    world = final_world(finalists=3, judges=2)
    client.force_login(committee)
    url = reverse("finals:home", args=[world.edition.slug])
    with django_assert_max_num_queries(25) as small:
        client.get(url)
    final_world(finalists=30, judges=0, edition=world.edition, with_session=False)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_expert_home_lists_the_judges_sessions_and_visits(client):
    world = final_world(finalists=2, judges=2)
    judge = world.experts[0]
    visit = SiteVisit.objects.create(edition=world.edition, entry=world.finalists[0])
    VisitExpert.objects.create(visit=visit, expert=judge)
    client.force_login(judge.user)
    html = client.get(reverse("finals:expert_home")).content.decode()
    assert world.session.name in html and reverse("finals:judge", args=[world.session.pk]) in html
    assert world.finalists[0].title in html and reverse("finals:visit_score", args=[visit.pk]) in html
    # another expert sees neither
    other = factories.user_with_role(Role.EXPERT)
    client.force_login(other)
    html = client.get(reverse("finals:expert_home")).content.decode()
    assert world.session.name not in html and world.finalists[0].title not in html


def test_expert_home_is_for_experts(client_as):
    assert client_as("declarer").get(reverse("finals:expert_home")).status_code == 403


def test_dashboard_panels(client, committee):
    world = final_world(finalists=2, judges=1)
    set_current_edition(edition=world.edition, actor=committee)
    client.force_login(committee)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'id="work-final-round"' in html
    client.force_login(world.experts[0].user)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'id="work-final-expert"' in html and 'data-work="sessions">1<' in html


def test_a_unit_with_finalists_finds_them_on_its_dashboard(client):
    world = final_world(finalists=1, judges=1)
    entry = world.finalists[0]
    declarer = factories.user_with_role(Role.DECLARER, entry.declaring_unit)
    client.force_login(declarer)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'id="work-final-unit"' in html and 'data-work="finalists">1<' in html
    assert reverse("finals:my_finals") in html
    # a unit without finalists has no such panel
    client.force_login(factories.user_with_role(Role.DECLARER))
    assert 'id="work-final-unit"' not in client.get(reverse("accounts:dashboard")).content.decode()
