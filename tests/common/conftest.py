import pytest

from wuxiao.accounts.models import Role

from .. import factories


@pytest.fixture
def other_recommender(db):
    return factories.user_with_role(Role.RECOMMENDER, factories.RecommendingUnitFactory())
