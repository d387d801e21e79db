"""GET /api/me for every role, by session and by token."""

import pytest
from django.test import Client
from django.utils import translation

from wuxiao.accounts.models import Role

from .. import factories

pytestmark = pytest.mark.django_db


def unit_ref(unit, kind_label):
    return {"id": unit.pk, "name": unit.name, "kind": unit.kind, "kind_label": kind_label}


def user_fields(user, *, is_site_admin=False, roles=()):
    return {"id": user.pk, "username": user.username, "name": user.display_name, "mobile": user.mobile,
            "email": user.email, "is_site_admin": is_site_admin, "roles": list(roles)}


def test_anonymous_is_401_in_chinese():
    response = Client().get("/api/me")

    assert response.status_code == 401
    assert response.json() == {"detail": "请先登录，或提供有效的 API 令牌（Authorization: Bearer <令牌>）。"}


@pytest.mark.parametrize("via", ["session", "token"])
def test_declarer(as_role, declaring_unit, via):
    client, headers, user = as_role("declarer", via)

    response = client.get("/api/me", headers={**headers, "Accept-Language": "en"})

    assert response.status_code == 200
    assert response.json() == user_fields(user, roles=[
        {"role": "declarer", "role_label": "declaring-unit staff", "unit": unit_ref(declaring_unit, "enterprise")},
    ])


@pytest.mark.parametrize("via", ["session", "token"])
def test_recommender(as_role, recommending_unit, via):
    client, headers, user = as_role("recommender", via)

    response = client.get("/api/me", headers={**headers, "Accept-Language": "en"})

    assert response.json() == user_fields(user, roles=[
        {"role": "recommender", "role_label": "recommending-unit staff",
         "unit": unit_ref(recommending_unit, "city industry trade union")},
    ])


@pytest.mark.parametrize("role, label", [("committee", "committee office"), ("expert", "expert")])
def test_committee_and_expert(as_role, role, label):
    client, headers, user = as_role(role, "token")

    response = client.get("/api/me", headers={**headers, "Accept-Language": "en"})

    office = user.memberships.get().organisation
    assert response.json() == user_fields(user, roles=[
        {"role": role, "role_label": label, "unit": unit_ref(office, "committee office")},
    ])


@pytest.mark.parametrize("role", ["site_admin", "outsider"])
def test_site_admin_and_outsider_have_no_memberships(as_role, role):
    client, headers, user = as_role(role, "session")

    response = client.get("/api/me", headers=headers)

    assert response.status_code == 200
    assert response.json() == user_fields(user, is_site_admin=role == "site_admin", roles=[])


def test_several_roles_and_inactive_memberships(declarer, declaring_unit, recommending_unit):
    factories.MembershipFactory(user=declarer, organisation=recommending_unit, role=Role.RECOMMENDER)
    other = factories.DeclaringUnitFactory()
    factories.MembershipFactory(user=declarer, organisation=other, role=Role.DECLARER, is_active=False)
    client = Client()
    client.force_login(declarer)

    roles = client.get("/api/me").json()["roles"]

    assert [(r["role"], r["unit"]["id"]) for r in roles] == [
        ("declarer", declaring_unit.pk), ("recommender", recommending_unit.pk)]


def test_labels_follow_the_site_language_by_default(as_role):
    client, headers, user = as_role("declarer", "token")

    role = client.get("/api/me", headers=headers).json()["roles"][0]

    with translation.override("zh-hans"):
        assert role["role_label"] == str(Role.DECLARER.label)  # the accounts catalogue's Chinese
