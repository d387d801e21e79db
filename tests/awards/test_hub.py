import pytest
from django.urls import reverse

from tests import factories
from tests.awards.helpers import award_world
from wuxiao.accounts.models import Role
from wuxiao.awards.models import ListStatus

pytestmark = pytest.mark.django_db


def test_office_sees_the_hub_with_the_counts(client):
    world = award_world(finalists=12, status=ListStatus.DRAFT)
    client.force_login(world.office)
    page = client.get(reverse("awards:home", args=[world.edition.slug]))
    assert page.status_code == 200
    assert 'data-count="awarded">10<' in page.content.decode()


@pytest.mark.parametrize("role", [Role.DECLARER, Role.RECOMMENDER, Role.EXPERT])
def test_others_may_not_open_the_hub(client, role):
    world = award_world(finalists=2)
    client.force_login(factories.user_with_role(role))
    assert client.get(reverse("awards:home", args=[world.edition.slug])).status_code == 403
