import pytest

from wuxiao.accounts.models import Role

from .. import factories


@pytest.fixture
def other_recommender(db):
    return factories.user_with_role(Role.RECOMMENDER, factories.RecommendingUnitFactory())


@pytest.fixture
def client_as(client, request):
    """A test client logged in as the role's user (anonymous stays logged out)."""

    def get(role):
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return get
