"""Sign-up of a declaring unit (申报单位注册)."""

import pytest
from django.contrib.auth import SESSION_KEY

from django.core.exceptions import ValidationError
from django.utils import translation

from tests import factories
from wuxiao.common.validators import CREDIT_CODE_MESSAGES, validate_mobile
from wuxiao.accounts.models import Role, User
from wuxiao.common.models import AuditLog
from wuxiao.orgs.models import CreditCodeStatus, Membership, Organisation, RegistrationStatus, UnitKind

URL = "/accounts/signup/"


@pytest.fixture
def form_data(recommending_unit):
    return {
        "name": "郑州宇通测试客车股份有限公司",
        "kind": UnitKind.ENTERPRISE,
        "union_name": "郑州宇通测试客车股份有限公司工会委员会",
        "credit_code": "91110000600037341L",
        "address": "郑州市管城区宇通路6号",
        "recommending_unit": str(recommending_unit.pk),
        "contact_name": "王五",
        "mobile": "13612345678",
        "email": "wangwu@example.com",
        "password1": "Yutong-2025-ok",
        "password2": "Yutong-2025-ok",
    }


def errors_of(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def assert_kept(html, data, *fields):
    for field in fields:
        assert f'value="{data[field]}"' in html, field
    assert data["password1"] not in html


def test_page_lists_active_recommending_units_by_kind(client, recommending_unit):
    district = factories.RecommendingUnitFactory(kind=UnitKind.DISTRICT_UNION, name="测试区总工会")
    closed = factories.RecommendingUnitFactory(name="已撤销工会", is_active=False)
    factories.DeclaringUnitFactory(name="另一家企业")
    html = client.get(URL).content.decode()
    with translation.override("zh-hans"):
        assert f'<optgroup label="{UnitKind.DISTRICT_UNION.label}">' in html
        assert f'<optgroup label="{UnitKind.INDUSTRY_UNION.label}">' in html
    assert district.name in html and recommending_unit.name in html
    assert closed.name not in html
    assert "另一家企业" not in html
    assert "申请人工核验" not in html  # offered only for a code that fails the check character


def test_success_creates_unit_user_membership_and_audit(client, form_data, recommending_unit):
    response = client.post(URL, form_data, follow=True)
    unit = Organisation.objects.get(name=form_data["name"])
    assert unit.kind == UnitKind.ENTERPRISE
    assert unit.parent == recommending_unit
    assert unit.registration_status == RegistrationStatus.NEW
    assert unit.credit_code == "91110000600037341L"
    assert unit.credit_code_status == CreditCodeStatus.VALID
    assert unit.region_code == "110000"
    assert (unit.union_name, unit.address) == (form_data["union_name"], form_data["address"])
    assert (unit.contact_name, unit.contact_mobile, unit.contact_email) == ("王五", "13612345678",
                                                                           "wangwu@example.com")
    user = User.objects.get(username="13612345678")
    assert (user.mobile, user.email, user.display_name) == ("13612345678", "wangwu@example.com", "王五")
    assert user.check_password("Yutong-2025-ok")
    assert list(Membership.objects.filter(user=user).values_list("organisation", "role")) == [
        (unit.pk, Role.DECLARER)]
    log = AuditLog.objects.get(action="org.register")
    assert (log.actor, log.object_type, log.object_id) == (user, "orgs.organisation", str(unit.pk))
    assert log.data["credit_code_status"] == "valid"
    # logged in, on the dashboard, welcomed
    assert client.session[SESSION_KEY] == str(user.pk)
    assert response.redirect_chain == [("/accounts/", 302)]
    html = response.content.decode()
    assert f"欢迎，王五！{form_data['name']}已完成注册，现在即可申报作品。" in html
    assert "还没有作品" in html


def test_code_and_mobile_are_normalised(client, form_data):
    form_data.update(credit_code="９１１１ 0000-6000 3734 1l", mobile="+86 136-1234-5678")
    client.post(URL, form_data)
    unit = Organisation.objects.get(name=form_data["name"])
    assert unit.credit_code == "91110000600037341L"
    assert User.objects.get(mobile="13612345678").username == "13612345678"


def message(problem):
    with translation.override("zh-hans"):
        return str(CREDIT_CODE_MESSAGES[problem])


@pytest.mark.parametrize("code, problem", [
    ("91110000600037341N", "checksum"),
    ("91110000600037341M", "checksum"),
    ("9111000060003IOZSV", "charset"),
    ("12345", "length"),
])
def test_wrong_credit_code_is_refused_beside_the_field(client, form_data, code, problem):
    form_data["credit_code"] = code
    response = client.post(URL, form_data)
    assert response.status_code == 200
    assert errors_of(response, "credit_code") == [message(problem)]
    assert not Organisation.objects.filter(name=form_data["name"]).exists()
    assert not User.objects.filter(mobile=form_data["mobile"]).exists()
    assert_kept(response.content.decode(), form_data, "name", "union_name", "address", "contact_name",
                "mobile", "email", "credit_code")


@pytest.mark.parametrize("code", ["91350211M00013FA1N", "91350100M0001TGQXM"])
def test_pilot_era_code_needs_the_manual_check_box(client, form_data, code):
    form_data["credit_code"] = code
    response = client.post(URL, form_data)
    html = response.content.decode()
    assert errors_of(response, "credit_code") == [message("checksum")]
    assert 'name="credit_code_manual"' in html
    assert "申请人工核验" in html
    assert not Organisation.objects.filter(name=form_data["name"]).exists()

    form_data["credit_code_manual"] = "on"
    response = client.post(URL, form_data)
    assert response.status_code == 302
    unit = Organisation.objects.get(name=form_data["name"])
    assert unit.credit_code == code
    assert unit.credit_code_status == CreditCodeStatus.PENDING
    assert AuditLog.objects.get(action="org.register").data["credit_code_status"] == "pending"


def test_check_box_does_not_excuse_other_problems(client, form_data):
    form_data.update(credit_code="9111000060003IOZSV", credit_code_manual="on")
    response = client.post(URL, form_data)
    assert errors_of(response, "credit_code") == [message("charset")]
    assert 'name="credit_code_manual"' not in response.content.decode()
    assert not Organisation.objects.filter(name=form_data["name"]).exists()


def test_duplicate_credit_code(client, form_data):
    factories.DeclaringUnitFactory(credit_code="91110000600037341L", credit_code_status=CreditCodeStatus.VALID)
    response = client.post(URL, form_data)
    assert errors_of(response, "credit_code") == [
        "已有单位使用该统一社会信用代码注册。请用该单位的账号登录，或联系本单位已有账号的负责人。"]
    assert Organisation.objects.filter(credit_code="91110000600037341L").count() == 1


def test_duplicate_unit_name(client, form_data):
    factories.DeclaringUnitFactory(name=form_data["name"], kind=UnitKind.INSTITUTION)
    response = client.post(URL, form_data)
    assert errors_of(response, "name") == [
        "已有同名单位注册。请用该单位的账号登录，或请本单位已有账号的负责人邀请您。"]
    assert_kept(response.content.decode(), form_data, "name", "mobile")


@pytest.mark.parametrize("mobile", ["13612345678", "+86 136 1234 5678"])
def test_duplicate_mobile(client, form_data, mobile):
    factories.UserFactory(mobile="13612345678")
    form_data["mobile"] = mobile
    response = client.post(URL, form_data)
    assert errors_of(response, "mobile") == [
        "该手机号已有账号。请用它直接登录（忘记密码可以找回），或联系本单位已有账号的负责人。"]
    assert not Organisation.objects.filter(name=form_data["name"]).exists()


@pytest.mark.parametrize("mobile", ["1361234567", "23612345678", "0371-67885139", "phone"])
def test_bad_mobile(client, form_data, mobile):
    form_data["mobile"] = mobile
    response = client.post(URL, form_data)
    with pytest.raises(ValidationError) as refused, translation.override("zh-hans"):
        validate_mobile(mobile)
    with translation.override("zh-hans"):
        assert errors_of(response, "mobile") == [str(m) for m in refused.value.messages]
    assert f'value="{mobile}"' in response.content.decode()
    assert not User.objects.exists()


def test_password_mismatch(client, form_data):
    form_data["password2"] = "Yutong-2025-no"
    response = client.post(URL, form_data)
    assert errors_of(response, "password2") == ["两次输入的密码不一致。"]
    html = response.content.decode()
    assert "Yutong-2025" not in html
    assert_kept(html, form_data, "name", "credit_code", "mobile", "email")
    assert not Organisation.objects.filter(name=form_data["name"]).exists()


def test_weak_password(client, form_data):
    form_data.update(password1="12345678", password2="12345678")
    response = client.post(URL, form_data)
    assert "这个密码太常见了。" in errors_of(response, "password2")
    assert not User.objects.exists()


def test_recommending_unit_must_be_an_active_recommending_unit(client, form_data):
    other = factories.DeclaringUnitFactory()
    form_data["recommending_unit"] = str(other.pk)
    response = client.post(URL, form_data)
    assert errors_of(response, "recommending_unit")
    assert not Organisation.objects.filter(name=form_data["name"]).exists()


def test_missing_fields_are_marked_and_email_is_optional(client, form_data):
    form_data.update(union_name="", address="", email="")
    response = client.post(URL, form_data)
    assert errors_of(response, "union_name") == ["这个字段是必填项。"]
    assert errors_of(response, "address") == ["这个字段是必填项。"]
    assert errors_of(response, "email") == []


@pytest.mark.parametrize("role", ["declarer", "recommender", "committee", "expert", "site_admin", "outsider",
                                  "anonymous"])
def test_page_is_open_to_everyone(client_as, role, recommending_unit):
    response = client_as(role).get(URL)
    assert response.status_code == 200
    assert "注册申报单位" in response.content.decode()
