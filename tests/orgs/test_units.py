"""The committee's unit list, unit detail, creating and editing recommending units, credit-code confirmation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wuxiao.accounts.models import Role
from wuxiao.common.models import AuditLog
from wuxiao.orgs.models import CreditCodeStatus, Organisation, RegistrationStatus, UnitKind

from .. import factories
from .conftest import assert_login_redirect

LIST_URL = reverse("orgs:unit_list")
CREATE_URL = reverse("orgs:unit_create")
COMMITTEE_ONLY = [
    ("anonymous", 302), ("outsider", 403), ("declarer", 403), ("recommender", 403), ("other_recommender", 403),
    ("expert", 403), ("committee", 200), ("site_admin", 200),
]


def table_of(response) -> str:
    """The rows of the page's table (the filter's select lists unit names too)."""
    html = response.content.decode()
    return html[html.index("<tbody>"):html.index("</tbody>")] if "<tbody>" in html else ""


# --- list ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role,expected", COMMITTEE_ONLY)
def test_unit_list_access(client_as, declaring_unit, other_recommender, role, expected):
    response = client_as(role).get(LIST_URL)
    if expected == 302:
        assert_login_redirect(response)
    else:
        assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        assert declaring_unit.name in html
        assert "中原区总工会" in html  # loaded by the data migration


def test_unit_list_counts_per_kind(client_as, declaring_unit, recommending_unit):
    html = client_as("committee").get(LIST_URL).content.decode()
    recommending = Organisation.objects.recommending().count()
    declaring = Organisation.objects.declaring().count()
    assert f"推荐单位：{recommending}" in html
    assert f"申报单位：{declaring}" in html
    assert recommending >= 17  # 16 district unions + the factory's industry union


@pytest.mark.parametrize("params,shown,hidden", [
    ({"kind": "declaring"}, "declaring", "recommending"),
    ({"kind": "recommending"}, "recommending", "declaring"),
    ({"kind": "enterprise"}, "declaring", "recommending"),
    ({"credit_code_status": "pending"}, "pending", "declaring"),
    ({"registration_status": "new"}, "declaring", "pending"),
    ({"q": "91110000600037341l"}, "declaring", "pending"),
    ({"q": "待确认"}, "pending", "declaring"),
])
def test_unit_list_filters(client_as, declaring_unit, recommending_unit, params, shown, hidden):
    pending = factories.DeclaringUnitFactory(parent=recommending_unit, name="信用代码待确认的企业",
                                             credit_code="91350211M00013FA1N", credit_code_status="pending")
    units = {"declaring": declaring_unit, "recommending": recommending_unit, "pending": pending}
    html = table_of(client_as("committee").get(LIST_URL, params))
    assert f">{units[shown].name}</a>" in html
    assert f">{units[hidden].name}</a>" not in html


def test_unit_list_filter_by_recommending_unit(client_as, declaring_unit, foreign_unit, other_recommending_unit):
    html = table_of(client_as("committee").get(LIST_URL, {"parent": other_recommending_unit.pk}))
    assert foreign_unit.name in html and declaring_unit.name not in html


def test_unit_list_paginates_by_50(client_as, recommending_unit):
    factories.DeclaringUnitFactory.create_batch(60, parent=recommending_unit, name=factory_name())
    client = client_as("committee")
    first = client.get(LIST_URL, {"kind": "declaring"}).content.decode()
    second = client.get(LIST_URL, {"kind": "declaring", "page": 2}).content.decode()
    assert first.count("分页测试企业") == 50
    assert second.count("分页测试企业") == 10
    assert "第 1 页，共 2 页" in first
    assert "kind=declaring&amp;page=2" in first  # the filter is kept in the page links


def factory_name():
    import factory

    return factory.Sequence(lambda n: f"分页测试企业{n:03d}")


def test_unit_list_query_count_does_not_grow(client_as, recommending_unit):
    client = client_as("committee")
    factories.DeclaringUnitFactory.create_batch(5, parent=recommending_unit)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST_URL).status_code == 200
    factories.DeclaringUnitFactory.create_batch(55, parent=recommending_unit)
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST_URL).status_code == 200
    assert len(many) == len(few)


# --- detail -------------------------------------------------------------------------------------

@pytest.mark.parametrize("role,expected", [
    ("anonymous", 302), ("outsider", 403), ("expert", 403), ("other_recommender", 403),
    ("declarer", 200), ("recommender", 200), ("committee", 200), ("site_admin", 200),
])
def test_declaring_unit_detail_access(client_as, declaring_unit, declarer, role, expected):
    response = client_as(role).get(reverse("orgs:unit_detail", args=[declaring_unit.pk]))
    if expected == 302:
        assert_login_redirect(response)
        return
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        assert declaring_unit.name in html and "91110000600037341L" in html
        assert declarer.name in html and "申报单位工作人员" in html


@pytest.mark.parametrize("role,expected", [
    ("anonymous", 302), ("outsider", 403), ("expert", 403), ("other_recommender", 403), ("declarer", 403),
    ("recommender", 200), ("committee", 200), ("site_admin", 200),
])
def test_recommending_unit_detail_lists_its_declaring_units(client_as, recommending_unit, declaring_unit, role,
                                                            expected):
    response = client_as(role).get(reverse("orgs:unit_detail", args=[recommending_unit.pk]))
    if expected == 302:
        assert_login_redirect(response)
        return
    assert response.status_code == expected
    if expected == 200:
        assert declaring_unit.name in response.content.decode()


def test_detail_shows_review_and_credit_code_actions_only_to_those_allowed(client_as, declaring_unit):
    declaring_unit.credit_code, declaring_unit.credit_code_status = "91350211M00013FA1N", "pending"
    declaring_unit.save()
    url = reverse("orgs:unit_detail", args=[declaring_unit.pk])
    committee_html = client_as("committee").get(url).content.decode()
    assert "人工确认该代码" in committee_html
    assert reverse("orgs:registration_accept", args=[declaring_unit.pk]) in committee_html
    declarer_html = client_as("declarer").get(url).content.decode()
    assert "人工确认该代码" not in declarer_html
    assert reverse("orgs:registration_accept", args=[declaring_unit.pk]) not in declarer_html


# --- credit code confirmation -------------------------------------------------------------------

@pytest.fixture
def pilot_unit(recommending_unit):
    return factories.DeclaringUnitFactory(parent=recommending_unit, credit_code="91350211M00013FA1N",
                                          credit_code_status=CreditCodeStatus.PENDING)


@pytest.mark.parametrize("role,expected", COMMITTEE_ONLY)
def test_confirm_credit_code(client_as, user_of, pilot_unit, role, expected):
    url = reverse("orgs:credit_code_confirm", args=[pilot_unit.pk])
    response = client_as(role).post(url, {"confirm-note": "已核对营业执照原件"})
    pilot_unit.refresh_from_db()
    if expected != 200:
        if expected == 302:
            assert_login_redirect(response)
        else:
            assert response.status_code == 403
        assert pilot_unit.credit_code_status == CreditCodeStatus.PENDING
        assert not AuditLog.objects.exists()
        return
    assert response.status_code == 302
    assert pilot_unit.credit_code_status == CreditCodeStatus.CONFIRMED
    row = AuditLog.objects.get(action="unit.credit_code_confirm")
    assert row.actor == user_of(role)
    assert row.reason == "已核对营业执照原件"
    assert row.data == {"credit_code": "91350211M00013FA1N", "from": "pending", "to": "confirmed"}


def test_confirm_credit_code_needs_a_note(client_as, pilot_unit):
    response = client_as("committee").post(reverse("orgs:credit_code_confirm", args=[pilot_unit.pk]),
                                           {"confirm-note": ""})
    assert response.status_code == 200
    assert "请写明如何核对该代码。" in response.content.decode()
    pilot_unit.refresh_from_db()
    assert pilot_unit.credit_code_status == CreditCodeStatus.PENDING
    assert not AuditLog.objects.exists()


def test_mark_credit_code_wrong(client_as, committee, pilot_unit):
    response = client_as("committee").post(reverse("orgs:credit_code_wrong", args=[pilot_unit.pk]),
                                           {"wrong-note": "与营业执照不一致"}, follow=True)
    assert "已将信用代码 91350211M00013FA1N 标记为有误。" in response.content.decode()
    pilot_unit.refresh_from_db()
    assert pilot_unit.credit_code_status == CreditCodeStatus.WRONG
    row = AuditLog.objects.get(action="unit.credit_code_wrong")
    assert (row.actor, row.reason) == (committee, "与营业执照不一致")


def test_a_valid_code_cannot_be_confirmed_by_hand(client_as, declaring_unit):
    response = client_as("committee").post(reverse("orgs:credit_code_confirm", args=[declaring_unit.pk]),
                                           {"confirm-note": "x"}, follow=True)
    assert "只有待人工确认的信用代码可以确认。" in response.content.decode()
    declaring_unit.refresh_from_db()
    assert declaring_unit.credit_code_status == CreditCodeStatus.VALID
    assert not AuditLog.objects.exists()


# --- create and edit ------------------------------------------------------------------------------

VALID_FORM = {
    "kind": UnitKind.DIRECT_UNION, "name": "郑州市某直属企业工会", "union_name": "郑州市某直属企业工会",
    "credit_code": "", "address": "郑州市工人路1号", "contact_name": "李四", "contact_mobile": "138 1234 5678",
    "contact_email": "", "is_active": "on",
}


@pytest.mark.parametrize("role,expected", COMMITTEE_ONLY)
def test_create_unit_access(db, client_as, user_of, role, expected):
    client = client_as(role)
    get = client.get(CREATE_URL)
    post = client.post(CREATE_URL, VALID_FORM)
    created = Organisation.objects.filter(name=VALID_FORM["name"]).first()
    if expected == 302:
        assert_login_redirect(get)
        assert_login_redirect(post)
    elif expected == 403:
        assert (get.status_code, post.status_code) == (403, 403)
    if expected != 200:
        assert created is None
        return
    assert get.status_code == 200
    assert post.status_code == 302 and post.url == reverse("orgs:unit_detail", args=[created.pk])
    assert created.kind == UnitKind.DIRECT_UNION
    assert created.contact_mobile == "13812345678"
    assert created.credit_code_status == CreditCodeStatus.NONE
    assert created.registration_status == RegistrationStatus.ACCEPTED
    row = AuditLog.objects.get(action="unit.create")
    assert row.actor == user_of(role) and row.data["name"] == VALID_FORM["name"]


def test_create_offers_only_the_four_recommending_kinds(client_as):
    html = client_as("committee").get(CREATE_URL).content.decode()
    for kind in ("district_union", "industry_union", "direct_union", "other_recommending"):
        assert f'value="{kind}"' in html
    assert 'value="enterprise"' not in html
    response = client_as("committee").post(CREATE_URL, {**VALID_FORM, "kind": "enterprise"})
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Organisation.objects.filter(name=VALID_FORM["name"]).exists()


@pytest.mark.parametrize("code,message", [
    ("12345", "统一社会信用代码共 18 位。"),
    ("9111000060003IOZSV", "代码中含有统一社会信用代码不会使用的字符"),
    ("91110000600037341N", "校验位（最后一位）不符"),
])
def test_create_checks_the_credit_code_like_signup(client_as, code, message):
    response = client_as("committee").post(CREATE_URL, {**VALID_FORM, "credit_code": code})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="郑州市某直属企业工会"' in html  # nothing typed is lost
    assert not Organisation.objects.filter(name=VALID_FORM["name"]).exists()


def test_create_with_a_valid_code_and_a_pilot_code_checked_by_hand(client_as):
    client = client_as("committee")
    client.post(CREATE_URL, {**VALID_FORM, "credit_code": "９１１１００００６０００３７３４１ｌ"})
    unit = Organisation.objects.get(name=VALID_FORM["name"])
    assert (unit.credit_code, unit.credit_code_status) == ("91110000600037341L", CreditCodeStatus.VALID)
    client.post(CREATE_URL, {**VALID_FORM, "name": "另一家工会", "credit_code": "91350211M00013FA1N",
                             "credit_code_checked": "on"})
    pilot = Organisation.objects.get(name="另一家工会")
    assert pilot.credit_code_status == CreditCodeStatus.CONFIRMED


def test_create_refuses_a_duplicate_name_and_code(client_as, recommending_unit, declaring_unit):
    response = client_as("committee").post(CREATE_URL, {**VALID_FORM, "kind": recommending_unit.kind,
                                                        "name": recommending_unit.name,
                                                        "credit_code": declaring_unit.credit_code})
    html = response.content.decode()
    assert "已存在同类型、同名称的单位。" in html
    assert "已有其他单位使用该信用代码。" in html


def test_create_refuses_a_bad_mobile(client_as):
    response = client_as("committee").post(CREATE_URL, {**VALID_FORM, "contact_mobile": "12345"})
    assert "请输入以 1 开头的 11 位大陆手机号码" in response.content.decode()


@pytest.mark.parametrize("role,expected", COMMITTEE_ONLY)
def test_edit_unit(client_as, user_of, recommending_unit, role, expected):
    url = reverse("orgs:unit_edit", args=[recommending_unit.pk])
    client = client_as(role)
    data = {**VALID_FORM, "kind": UnitKind.INDUSTRY_UNION, "name": "郑州市新名称产业工会", "is_active": ""}
    get, post = client.get(url), client.post(url, data)
    recommending_unit.refresh_from_db()
    if expected != 200:
        if expected == 302:
            assert_login_redirect(post)
        else:
            assert (get.status_code, post.status_code) == (403, 403)
        assert recommending_unit.name != "郑州市新名称产业工会"
        assert not AuditLog.objects.exists()
        return
    assert get.status_code == 200
    assert post.status_code == 302
    assert recommending_unit.name == "郑州市新名称产业工会"
    assert recommending_unit.is_active is False
    row = AuditLog.objects.get(action="unit.update")
    assert row.actor == user_of(role)
    assert set(row.data["changed"]) >= {"name", "is_active", "address"}
    assert row.data["changed"]["is_active"] == [True, False]


def test_edit_without_changes_writes_no_audit_row(client_as, recommending_unit):
    url = reverse("orgs:unit_edit", args=[recommending_unit.pk])
    data = {"kind": recommending_unit.kind, "name": recommending_unit.name, "union_name": recommending_unit.union_name,
            "credit_code": "", "address": "", "contact_name": "", "contact_mobile": "", "contact_email": "",
            "is_active": "on"}
    response = client_as("committee").post(url, data, follow=True)
    assert "没有任何修改。" in response.content.decode()
    assert not AuditLog.objects.exists()


def test_committee_corrects_a_declaring_units_wrong_code(client_as, recommending_unit):
    unit = factories.DeclaringUnitFactory(parent=recommending_unit, credit_code="91350211M00013FA1N",
                                          credit_code_status=CreditCodeStatus.WRONG)
    url = reverse("orgs:unit_edit", args=[unit.pk])
    html = client_as("committee").get(url).content.decode()
    assert 'value="enterprise"' in html and 'value="district_union"' not in html
    data = {"kind": unit.kind, "name": unit.name, "parent": recommending_unit.pk, "union_name": unit.union_name,
            "credit_code": "91310110666007217T", "address": unit.address, "contact_name": unit.contact_name,
            "contact_mobile": unit.contact_mobile, "contact_email": "", "is_active": "on"}
    response = client_as("committee").post(url, data)
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.credit_code, unit.credit_code_status) == ("91310110666007217T", CreditCodeStatus.VALID)
    changed = AuditLog.objects.get(action="unit.update").data["changed"]
    assert changed["credit_code"] == ["91350211M00013FA1N", "91310110666007217T"]
    assert changed["credit_code_status"] == ["wrong", "valid"]


def test_committee_office_itself_cannot_be_edited(client_as, committee):
    office = committee.units_with_role(Role.COMMITTEE)[0]
    assert client_as("committee").get(reverse("orgs:unit_edit", args=[office.pk])).status_code == 403


def test_unknown_unit_is_404(client_as):
    assert client_as("committee").get(reverse("orgs:unit_detail", args=[999999])).status_code == 404


def test_detail_of_a_big_recommending_unit_shows_the_newest_100(client_as, recommending_unit):
    factories.DeclaringUnitFactory.create_batch(103, parent=recommending_unit)
    html = client_as("committee").get(reverse("orgs:unit_detail", args=[recommending_unit.pk])).content.decode()
    assert "申报单位（103）" in html
    assert "仅显示最新的 100 家。" in html
    assert f'{reverse("orgs:unit_list")}?parent={recommending_unit.pk}' in html
