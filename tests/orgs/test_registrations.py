"""The recommending unit's registrations page and its accept/reject actions (R14: units check strictly)."""

import pytest
from django.urls import reverse

from wuxiao.common.models import AuditLog
from wuxiao.orgs.models import Organisation, RegistrationStatus

from .. import factories
from .conftest import assert_login_redirect

URL = reverse("orgs:registrations")


@pytest.mark.parametrize("role,expected", [
    ("anonymous", 302), ("outsider", 403), ("declarer", 403), ("expert", 403),
    ("recommender", 200), ("other_recommender", 200), ("committee", 200), ("site_admin", 200),
])
def test_registrations_page_access(client_as, declaring_unit, foreign_unit, role, expected):
    response = client_as(role).get(URL)
    if expected == 302:
        assert_login_redirect(response)
        return
    assert response.status_code == expected
    if expected != 200:
        return
    html = response.content.decode()
    sees_own = declaring_unit.name in html
    sees_foreign = foreign_unit.name in html
    if role == "recommender":
        assert (sees_own, sees_foreign) == (True, False)
    elif role == "other_recommender":
        assert (sees_own, sees_foreign) == (False, True)
    else:
        assert (sees_own, sees_foreign) == (True, True)


def test_registrations_row_shows_unit_data_and_marks_new(client_as, declaring_unit):
    html = client_as("recommender").get(URL).content.decode()
    assert "1 家新注册单位等待您审核" in html
    assert "is-new" in html
    for text in (declaring_unit.name, "企业", "91110000600037341L", "校验位正确", declaring_unit.union_name,
                 "张三", "13812345678", "新注册"):
        assert text in html


def test_registrations_newest_first(client_as, recommending_unit):
    older = factories.DeclaringUnitFactory(parent=recommending_unit, name="较早注册的企业")
    newer = factories.DeclaringUnitFactory(parent=recommending_unit, name="较晚注册的企业")
    html = client_as("recommender").get(URL).content.decode()
    assert html.index(newer.name) < html.index(older.name)


def test_committee_filters_by_recommending_unit(client_as, declaring_unit, foreign_unit, other_recommending_unit):
    html = client_as("committee").get(URL, {"unit": other_recommending_unit.pk}).content.decode()
    assert foreign_unit.name in html
    assert declaring_unit.name not in html


def test_recommender_cannot_filter_to_another_unit(client_as, declaring_unit, foreign_unit, other_recommending_unit):
    html = client_as("recommender").get(URL, {"unit": other_recommending_unit.pk}).content.decode()
    assert foreign_unit.name not in html


def test_status_filter(client_as, declaring_unit, recommending_unit):
    accepted = factories.DeclaringUnitFactory(parent=recommending_unit, registration_status=RegistrationStatus.ACCEPTED)
    html = client_as("recommender").get(URL, {"status": "new"}).content.decode()
    assert declaring_unit.name in html
    assert accepted.name not in html


@pytest.mark.parametrize("role,allowed", [
    ("anonymous", None), ("outsider", False), ("declarer", False), ("expert", False),
    ("other_recommender", False), ("recommender", True), ("committee", True), ("site_admin", True),
])
def test_accept(client_as, user_of, declaring_unit, role, allowed):
    response = client_as(role).post(reverse("orgs:registration_accept", args=[declaring_unit.pk]))
    declaring_unit.refresh_from_db()
    if allowed is None:
        assert_login_redirect(response)
    elif not allowed:
        assert response.status_code == 403
    if not allowed:
        assert declaring_unit.registration_status == RegistrationStatus.NEW
        assert not AuditLog.objects.filter(action="registration.accept").exists()
        return
    assert response.status_code == 302
    assert declaring_unit.registration_status == RegistrationStatus.ACCEPTED
    row = AuditLog.objects.get(action="registration.accept")
    assert row.actor == user_of(role)
    assert (row.object_type, row.object_id) == ("orgs.organisation", str(declaring_unit.pk))
    assert row.data["from"] == "new" and row.data["to"] == "accepted"


def test_accept_is_post_only(client_as, declaring_unit):
    response = client_as("recommender").get(reverse("orgs:registration_accept", args=[declaring_unit.pk]))
    assert response.status_code == 405
    declaring_unit.refresh_from_db()
    assert declaring_unit.registration_status == RegistrationStatus.NEW


def test_accept_shows_message_and_returns_to_the_list(client_as, declaring_unit):
    response = client_as("recommender").post(reverse("orgs:registration_accept", args=[declaring_unit.pk]),
                                             {"next": URL + "?status=new"}, follow=True)
    assert response.redirect_chain[-1][0] == URL + "?status=new"
    assert f"已通过{declaring_unit.name}的注册审核。" in response.content.decode()


def test_accept_refuses_an_outside_next(client_as, declaring_unit):
    response = client_as("recommender").post(reverse("orgs:registration_accept", args=[declaring_unit.pk]),
                                             {"next": "https://evil.example/"})
    assert response.url == URL


@pytest.mark.parametrize("role,allowed", [
    ("anonymous", None), ("outsider", False), ("declarer", False), ("expert", False),
    ("other_recommender", False), ("recommender", True), ("committee", True), ("site_admin", True),
])
def test_reject(client_as, user_of, declaring_unit, role, allowed):
    url = reverse("orgs:registration_reject", args=[declaring_unit.pk])
    response = client_as(role).post(url, {"reason": "所属工会与推荐单位不符"})
    declaring_unit.refresh_from_db()
    if allowed is None:
        assert_login_redirect(response)
    elif not allowed:
        assert response.status_code == 403
    if not allowed:
        assert declaring_unit.registration_status == RegistrationStatus.NEW
        assert declaring_unit.registration_note == ""
        assert not AuditLog.objects.filter(action="registration.reject").exists()
        return
    assert response.status_code == 302
    assert declaring_unit.registration_status == RegistrationStatus.REJECTED
    assert declaring_unit.registration_note == "所属工会与推荐单位不符"
    row = AuditLog.objects.get(action="registration.reject")
    assert row.actor == user_of(role)
    assert row.reason == "所属工会与推荐单位不符"
    assert row.object_id == str(declaring_unit.pk)


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_reject_needs_a_reason(client_as, declaring_unit, reason):
    url = reverse("orgs:registration_reject", args=[declaring_unit.pk])
    response = client_as("recommender").post(url, {"reason": reason, "next": URL})
    assert response.status_code == 200
    html = response.content.decode()
    assert "请填写不通过的理由。" in html
    assert 'class="errorlist"' in html
    declaring_unit.refresh_from_db()
    assert declaring_unit.registration_status == RegistrationStatus.NEW
    assert not AuditLog.objects.exists()


def test_reject_with_htmx_returns_the_row(client_as, declaring_unit):
    url = reverse("orgs:registration_reject", args=[declaring_unit.pk])
    response = client_as("recommender").post(url, {"reason": "材料不全"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<tr")
    assert "未通过" in html and "材料不全" in html
    assert "<html" not in html
    declaring_unit.refresh_from_db()
    assert declaring_unit.registration_status == RegistrationStatus.REJECTED


def test_reject_with_htmx_and_no_reason_keeps_the_row_open(client_as, declaring_unit):
    url = reverse("orgs:registration_reject", args=[declaring_unit.pk])
    html = client_as("recommender").post(url, {"reason": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert "请填写不通过的理由。" in html
    assert "open" in html
    declaring_unit.refresh_from_db()
    assert declaring_unit.registration_status == RegistrationStatus.NEW


def test_accept_with_htmx_returns_the_row(client_as, declaring_unit):
    response = client_as("recommender").post(reverse("orgs:registration_accept", args=[declaring_unit.pk]),
                                             HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith("<tr") and "已通过" in html


def test_accepting_twice_is_refused_with_a_message(client_as, declaring_unit):
    client = client_as("recommender")
    url = reverse("orgs:registration_accept", args=[declaring_unit.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "该注册已审核通过。" in response.content.decode()
    assert AuditLog.objects.filter(action="registration.accept").count() == 1


def test_recommending_unit_cannot_be_reviewed(client_as, recommending_unit):
    response = client_as("committee").post(reverse("orgs:registration_accept", args=[recommending_unit.pk]),
                                           follow=True)
    assert "只有申报单位的注册可以审核。" in response.content.decode()
    assert not AuditLog.objects.exists()


def test_registrations_query_count_does_not_grow(client_as, recommending_unit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("recommender")
    factories.DeclaringUnitFactory.create_batch(5, parent=recommending_unit)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    factories.DeclaringUnitFactory.create_batch(55, parent=recommending_unit)
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many) == len(few)
    assert Organisation.objects.filter(parent=recommending_unit).count() == 60


def test_reject_page_without_javascript(client_as, declaring_unit):
    response = client_as("recommender").get(reverse("orgs:registration_reject", args=[declaring_unit.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{declaring_unit.name} 的注册审核不通过" in html
    assert 'name="reason"' in html
    assert client_as("other_recommender").get(
        reverse("orgs:registration_reject", args=[declaring_unit.pk])).status_code == 403
