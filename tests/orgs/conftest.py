import pytest

from wuxiao.accounts.models import Role
from wuxiao.orgs.models import RegistrationStatus

from .. import factories

# Every role the pages are checked against; "other_recommender" works for another recommending unit.
ROLES = ["anonymous", "outsider", "declarer", "recommender", "other_recommender", "committee", "expert",
         "site_admin"]


@pytest.fixture
def declaring_unit(recommending_unit):
    """A declaring unit that has just registered and waits for its recommending unit (NEW)."""
    return factories.DeclaringUnitFactory(parent=recommending_unit, registration_status=RegistrationStatus.NEW,
                                          credit_code="91110000600037341L", credit_code_status="valid")


@pytest.fixture
def other_recommending_unit(db):
    return factories.RecommendingUnitFactory()


@pytest.fixture
def other_recommender(other_recommending_unit):
    return factories.user_with_role(Role.RECOMMENDER, other_recommending_unit)


@pytest.fixture
def foreign_unit(other_recommending_unit):
    """A declaring unit of the other recommending unit."""
    return factories.DeclaringUnitFactory(parent=other_recommending_unit, registration_status=RegistrationStatus.NEW)


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
