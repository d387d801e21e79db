"""A declaring unit's own page: contact data, and resubmission after a rejection."""

import pytest
from django.urls import reverse

from wuxiao.accounts.models import Role
from wuxiao.common.models import AuditLog
from wuxiao.orgs.models import RegistrationStatus

from .. import factories
from .conftest import assert_login_redirect

URL = reverse("orgs:my_unit")


def form_data(unit, **changes):
    data = {"parent": unit.parent_id, "union_name": unit.union_name, "address": unit.address,
            "contact_name": unit.contact_name, "contact_mobile": unit.contact_mobile, "contact_email": ""}
    data.update(changes)
    return data


@pytest.mark.parametrize("role,expected", [
    ("anonymous", 302), ("outsider", 403), ("recommender", 403), ("other_recommender", 403), ("expert", 403),
    ("committee", 403), ("site_admin", 403), ("declarer", 200),
])
def test_my_unit_access(client_as, declaring_unit, role, expected):
    response = client_as(role).get(URL)
    if expected == 302:
        assert_login_redirect(response)
        return
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        assert declaring_unit.name in html
        assert "名称和信用代码只能由组委会办公室修改。" in html


def test_declarer_saves_contact_data(client_as, declarer, declaring_unit):
    declaring_unit.registration_status = RegistrationStatus.ACCEPTED
    declaring_unit.save()
    response = client_as("declarer").post(URL, form_data(declaring_unit, address="郑州市中原区新地址8号",
                                                         contact_mobile="+86 139-0000-1111"), follow=True)
    assert "本单位信息已保存。" in response.content.decode()
    declaring_unit.refresh_from_db()
    assert declaring_unit.address == "郑州市中原区新地址8号"
    assert declaring_unit.contact_mobile == "13900001111"
    assert declaring_unit.registration_status == RegistrationStatus.ACCEPTED
    row = AuditLog.objects.get(action="unit.update")
    assert row.actor == declarer
    assert set(row.data["changed"]) == {"address", "contact_mobile"}


def test_name_and_credit_code_cannot_be_changed(client_as, declaring_unit):
    client_as("declarer").post(URL, form_data(declaring_unit, name="改名企业", credit_code="91310110666007217T"))
    declaring_unit.refresh_from_db()
    assert declaring_unit.name != "改名企业"
    assert declaring_unit.credit_code == "91110000600037341L"


def test_recommending_unit_is_fixed_once_accepted(client_as, declaring_unit, other_recommending_unit):
    declaring_unit.registration_status = RegistrationStatus.ACCEPTED
    declaring_unit.save()
    client = client_as("declarer")
    assert 'name="parent"' not in client.get(URL).content.decode()
    client.post(URL, form_data(declaring_unit, parent=other_recommending_unit.pk))
    declaring_unit.refresh_from_db()
    assert declaring_unit.parent_id != other_recommending_unit.pk


def test_new_registration_can_move_to_another_recommending_unit(client_as, declaring_unit, other_recommending_unit):
    client_as("declarer").post(URL, form_data(declaring_unit, parent=other_recommending_unit.pk))
    declaring_unit.refresh_from_db()
    assert declaring_unit.parent == other_recommending_unit
    assert declaring_unit.registration_status == RegistrationStatus.NEW


def test_editing_a_rejected_unit_resubmits_it(client_as, declarer, declaring_unit, other_recommending_unit):
    declaring_unit.registration_status = RegistrationStatus.REJECTED
    declaring_unit.registration_note = "推荐单位选错了"
    declaring_unit.save()
    client = client_as("declarer")
    html = client.get(URL).content.decode()
    assert "推荐单位选错了" in html and "保存并重新提交" in html
    response = client.post(URL, form_data(declaring_unit, parent=other_recommending_unit.pk), follow=True)
    assert "注册信息已重新提交给推荐单位。" in response.content.decode()
    declaring_unit.refresh_from_db()
    assert declaring_unit.registration_status == RegistrationStatus.NEW
    assert declaring_unit.parent == other_recommending_unit
    row = AuditLog.objects.get(action="registration.resubmit")
    assert row.actor == declarer
    assert row.data["recommending_unit"] == other_recommending_unit.pk


def test_bad_input_is_shown_beside_the_field(client_as, declaring_unit):
    response = client_as("declarer").post(URL, form_data(declaring_unit, contact_mobile="0371", union_name=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "请输入以 1 开头的 11 位大陆手机号码" in html
    assert "这个字段是必填项。" in html
    declaring_unit.refresh_from_db()
    assert declaring_unit.contact_mobile == "13812345678"
    assert not AuditLog.objects.exists()


def test_parent_must_be_a_recommending_unit(client_as, declaring_unit, foreign_unit):
    response = client_as("declarer").post(URL, form_data(declaring_unit, parent=foreign_unit.pk))
    assert "选择一个有效的选项" in response.content.decode()
    declaring_unit.refresh_from_db()
    assert declaring_unit.parent_id != foreign_unit.pk


def test_staff_of_several_units_choose(client, declarer, declaring_unit, recommending_unit):
    second = factories.DeclaringUnitFactory(parent=recommending_unit)
    factories.MembershipFactory(user=declarer, organisation=second, role=Role.DECLARER)
    client.force_login(declarer)
    html = client.get(URL).content.decode()
    assert reverse("orgs:my_unit", args=[second.pk]) in html
    assert reverse("orgs:my_unit", args=[declaring_unit.pk]) in html
    assert second.name in client.get(reverse("orgs:my_unit", args=[second.pk])).content.decode()


def test_declarer_cannot_edit_another_unit(client_as, declaring_unit, foreign_unit):
    client = client_as("declarer")
    url = reverse("orgs:my_unit", args=[foreign_unit.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, form_data(foreign_unit, address="篡改")).status_code == 403
    foreign_unit.refresh_from_db()
    assert foreign_unit.address != "篡改"
