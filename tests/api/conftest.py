import pytest
from django.test import Client

from wuxiao.accounts.models import Role
from wuxiao.common import api_auth

from .. import factories


@pytest.fixture
def other_recommender(db):
    """Staff of a recommending unit other than the declaring unit's."""
    return factories.user_with_role(Role.RECOMMENDER, factories.RecommendingUnitFactory())


@pytest.fixture
def bearer():
    """Headers for a request made with a fresh API token of `user`."""

    def make(user) -> dict:
        _, raw = api_auth.create_api_token(actor=user, name="test")
        return {"Authorization": f"Bearer {raw}"}

    return make


# The roles every endpoint is tried with; "anonymous" means no login and no token.
ROLES = ["anonymous", "outsider", "declarer", "recommender", "other_recommender", "committee", "expert", "site_admin"]


@pytest.fixture
def as_role(request, bearer):
    """A (client, headers, user) triple for a role name, logged in by session or token alternately."""

    def make(role: str, via: str = "session"):
        client = Client()
        if role == "anonymous":
            return client, {}, None
        user = request.getfixturevalue(role)
        if via == "token":
            return client, bearer(user), user
        client.force_login(user)
        return client, {}, user

    return make
