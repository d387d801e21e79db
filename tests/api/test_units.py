"""GET /api/units/recommending (public), /api/units (scoped by role), /api/units/{id} (orgs.view_unit)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wuxiao.orgs.models import CreditCodeStatus, Organisation, RegistrationStatus, UnitKind

from .. import factories
from .conftest import ROLES

pytestmark = pytest.mark.django_db

NOT_AUTHENTICATED = "请先登录，或提供有效的 API 令牌（Authorization: Bearer <令牌>）。"
UNITS_FORBIDDEN = "只有组委会办公室、推荐单位和申报单位可以查看单位列表；您的账号不具有上述任何角色。"
UNIT_FORBIDDEN = "您无权查看该单位。"


@pytest.fixture
def other_unit(other_recommender):
    """A declaring unit attached to the other recommending unit."""
    return factories.DeclaringUnitFactory(parent=other_recommender.memberships.get().organisation)


def ids(response) -> list[int]:
    return [u["id"] for u in response.json()["items"]]


# --- /api/units/recommending -----------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_recommending_units_are_public(as_role, role, recommending_unit, declaring_unit):
    inactive = factories.RecommendingUnitFactory(is_active=False)
    client, headers, _ = as_role(role)

    response = client.get("/api/units/recommending", headers={**headers, "Accept-Language": "en"})

    assert response.status_code == 200
    data = response.json()
    expected = Organisation.objects.recommending().active().order_by("kind", "name", "id")
    assert [u["id"] for u in data] == [u.pk for u in expected]
    assert {"id": recommending_unit.pk, "name": recommending_unit.name, "kind": "industry_union",
            "kind_label": "city industry trade union"} in data
    assert inactive.pk not in {u["id"] for u in data}
    assert declaring_unit.pk not in {u["id"] for u in data}


def test_recommending_units_in_one_query(recommending_unit, django_assert_num_queries):
    factories.RecommendingUnitFactory.create_batch(20)

    with django_assert_num_queries(1):
        Client().get("/api/units/recommending")


# --- /api/units: who sees what -------------------------------------------------------------

def test_exact_payload_of_a_unit(committee, declaring_unit, recommending_unit):
    client = Client()
    client.force_login(committee)

    response = client.get("/api/units", headers={"Accept-Language": "en"})

    assert response.json() == {"count": 1, "items": [{
        "id": declaring_unit.pk, "name": declaring_unit.name, "kind": "enterprise", "kind_label": "enterprise",
        "parent": {"id": recommending_unit.pk, "name": recommending_unit.name, "kind": "industry_union",
                   "kind_label": "city industry trade union"},
        "union_name": declaring_unit.union_name, "credit_code": "", "credit_code_status": "none",
        "credit_code_status_label": "not given", "registration_status": "accepted",
        "registration_status_label": "accepted", "region_code": "", "address": "郑州市金水区测试路1号",
        "contact_name": "张三", "contact_mobile": "13812345678", "contact_email": "", "is_active": True,
    }]}


@pytest.mark.parametrize("role, visible", [
    ("declarer", ["declaring_unit"]),
    ("recommender", ["declaring_unit"]),
    ("other_recommender", ["other_unit"]),
    ("committee", ["declaring_unit", "other_unit"]),
    ("site_admin", ["declaring_unit", "other_unit"]),
])
@pytest.mark.parametrize("via", ["session", "token"])
def test_list_is_scoped_to_the_role(request, as_role, role, visible, via, declaring_unit, other_unit):
    client, headers, user = as_role(role, via)

    response = client.get("/api/units", headers=headers)

    assert response.status_code == 200
    expected = sorted((request.getfixturevalue(name) for name in visible), key=lambda u: (u.name, u.pk))
    assert ids(response) == [u.pk for u in expected]
    assert response.json()["count"] == len(expected)
    # The same answer as the pages' predicate, unit by unit.
    for unit in Organisation.objects.declaring():
        assert user.has_perm("orgs.view_unit", unit) == (unit.pk in ids(response))


@pytest.mark.parametrize("role", ["outsider", "expert"])
def test_list_is_403_without_a_unit_role(as_role, role, declaring_unit):
    client, headers, _ = as_role(role, "token")

    response = client.get("/api/units", headers=headers)

    assert response.status_code == 403
    assert response.json() == {"detail": UNITS_FORBIDDEN}


def test_list_is_401_for_anonymous(declaring_unit):
    response = Client().get("/api/units")

    assert response.status_code == 401
    assert response.json() == {"detail": NOT_AUTHENTICATED}


def test_declarer_of_two_units_sees_both(declarer, declaring_unit):
    second = factories.DeclaringUnitFactory()
    factories.MembershipFactory(user=declarer, organisation=second)
    factories.DeclaringUnitFactory()
    client = Client()
    client.force_login(declarer)

    assert sorted(ids(client.get("/api/units"))) == sorted([declaring_unit.pk, second.pk])


def test_inactive_membership_gives_no_units(declarer, declaring_unit):
    declarer.memberships.update(is_active=False)
    client = Client()
    client.force_login(declarer)

    assert client.get("/api/units").status_code == 403


# --- filters and pagination ---------------------------------------------------------------

@pytest.fixture
def committee_client(committee):
    client = Client()
    client.force_login(committee)
    return client


def test_filters(committee_client, declaring_unit, other_unit, recommending_unit):
    institution = factories.DeclaringUnitFactory(
        kind=UnitKind.INSTITUTION, name="郑州市某研究所", parent=recommending_unit, credit_code="91110000600037341L",
        credit_code_status=CreditCodeStatus.VALID, registration_status=RegistrationStatus.NEW, union_name="某所工会")
    get = committee_client.get

    assert ids(get("/api/units", {"kind": "institution"})) == [institution.pk]
    assert sorted(ids(get("/api/units", {"parent": recommending_unit.pk}))) == sorted([declaring_unit.pk,
                                                                                      institution.pk])
    assert ids(get("/api/units", {"credit_code_status": "valid"})) == [institution.pk]
    assert ids(get("/api/units", {"registration_status": "new"})) == [institution.pk]
    assert ids(get("/api/units", {"q": "研究所"})) == [institution.pk]
    assert ids(get("/api/units", {"q": "600037341"})) == [institution.pk]
    assert ids(get("/api/units", {"q": "某所工会"})) == [institution.pk]
    assert ids(get("/api/units", {"q": "  "})) == ids(get("/api/units"))
    assert ids(get("/api/units", {"q": "不存在的单位"})) == []


def test_filters_narrow_but_never_widen_a_recommender(recommender, declaring_unit, other_unit):
    client = Client()
    client.force_login(recommender)

    assert ids(client.get("/api/units", {"parent": other_unit.parent_id})) == []


@pytest.mark.parametrize("params", [{"kind": "industry_union"}, {"credit_code_status": "bogus"}, {"parent": "x"}])
def test_bad_filter_is_422(committee_client, params):
    assert committee_client.get("/api/units", params).status_code == 422


def test_pagination(committee_client, recommending_unit):
    factories.DeclaringUnitFactory.create_batch(7, parent=recommending_unit)
    all_ids = ids(committee_client.get("/api/units"))

    page2 = committee_client.get("/api/units", {"page": 2, "page_size": 3}).json()

    assert page2["count"] == 7
    assert [u["id"] for u in page2["items"]] == all_ids[3:6]


@pytest.mark.parametrize("role", ["committee", "recommender"])
def test_no_n_plus_one(as_role, role, recommending_unit):
    client, headers, _ = as_role(role, "token")
    factories.DeclaringUnitFactory.create_batch(5, parent=recommending_unit)
    client.get("/api/units", headers=headers)  # the token's first use writes last_used_at
    with CaptureQueriesContext(connection) as five:
        assert len(ids(client.get("/api/units", headers=headers))) == 5

    factories.DeclaringUnitFactory.create_batch(45, parent=recommending_unit)
    with CaptureQueriesContext(connection) as fifty:
        assert len(ids(client.get("/api/units", headers=headers))) == 50

    assert len(fifty) == len(five) <= 5


# --- /api/units/{id} ------------------------------------------------------------------------

@pytest.mark.parametrize("role, allowed", [
    ("outsider", set()),
    ("expert", set()),
    ("declarer", {"declaring_unit"}),
    ("recommender", {"declaring_unit", "recommending_unit"}),
    ("other_recommender", {"other_unit"}),
    ("committee", {"declaring_unit", "other_unit", "recommending_unit"}),
    ("site_admin", {"declaring_unit", "other_unit", "recommending_unit"}),
])
def test_detail_follows_view_unit(request, as_role, role, allowed, declaring_unit, other_unit, recommending_unit):
    client, headers, user = as_role(role, "token")

    for name in ("declaring_unit", "other_unit", "recommending_unit"):
        unit = request.getfixturevalue(name)
        response = client.get(f"/api/units/{unit.pk}", headers=headers)
        if name in allowed:
            assert response.status_code == 200, name
            assert (response.json()["id"], response.json()["name"]) == (unit.pk, unit.name)
        else:
            assert response.status_code == 403, name
            assert response.json() == {"detail": UNIT_FORBIDDEN}
        assert user.has_perm("orgs.view_unit", unit) == (name in allowed)


def test_detail_payload_of_a_recommending_unit(committee_client, recommending_unit):
    data = committee_client.get(f"/api/units/{recommending_unit.pk}").json()

    assert (data["kind"], data["parent"], data["union_name"]) == ("industry_union", None, recommending_unit.name)


def test_detail_anonymous_401_and_unknown_404(committee_client, declaring_unit):
    assert Client().get(f"/api/units/{declaring_unit.pk}").json() == {"detail": NOT_AUTHENTICATED}

    response = committee_client.get("/api/units/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "没有该编号的单位。"}


def test_detail_query_count(committee_client, declaring_unit, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # session, user, memberships, unit with parent
        assert committee_client.get(f"/api/units/{declaring_unit.pk}").status_code == 200
