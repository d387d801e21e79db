"""A NUL in a query string never reaches the database (PostgreSQL refuses it: a 500 before)."""

import pytest
from django.urls import reverse

from tests import factories
from wuxiao.accounts.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("address", [
    "/api/units?q=%00", "/api/units?search=a%00b", "/entries/list/?q=%00",
])
def test_a_nul_in_the_query_is_dropped(client, address):
    client.force_login(factories.user_with_role(Role.COMMITTEE))
    assert client.get(address).status_code == 200


def test_the_view_reads_the_query_without_the_nul(client):
    edition = factories.EditionFactory()
    client.force_login(factories.user_with_role(Role.COMMITTEE))
    response = client.get(reverse("review:assignment_entries", args=[edition.slug]) + "?q=%E7%84%8A%00%E6%8E%A5")
    assert response.status_code == 200
    assert response.context["request"].GET["q"] == "焊接"
