import pytest

from wuxiao.accounts.models import Role

from . import factories


@pytest.fixture(autouse=True)
def _fast_hashing_and_english_off(settings):
    # Fast hashing keeps the suite quick; the language stays the site's default (zh-hans).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def edition(db):
    return factories.EditionFactory()


@pytest.fixture
def recommending_unit(db):
    return factories.RecommendingUnitFactory()


@pytest.fixture
def declaring_unit(recommending_unit):
    return factories.DeclaringUnitFactory(parent=recommending_unit)


@pytest.fixture
def declarer(declaring_unit):
    return factories.user_with_role(Role.DECLARER, declaring_unit)


@pytest.fixture
def recommender(recommending_unit):
    return factories.user_with_role(Role.RECOMMENDER, recommending_unit)


@pytest.fixture
def committee(db):
    return factories.user_with_role(Role.COMMITTEE)


@pytest.fixture
def expert(db):
    return factories.user_with_role(Role.EXPERT)


@pytest.fixture
def site_admin(db):
    return factories.UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def outsider(db):
    """A logged-in person with no role at all."""
    return factories.UserFactory()


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
