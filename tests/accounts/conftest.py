import pytest


@pytest.fixture
def user_of(request):
    """The user fixture named by a role string (None for anonymous)."""

    def get(role):
        return None if role == "anonymous" else request.getfixturevalue(role)

    return get


@pytest.fixture
def client_as(client, user_of):
    """A test client logged in as the role's user (anonymous stays logged out)."""

    def get(role):
        user = user_of(role)
        if user is not None:
            client.force_login(user)
        return client

    return get
