"""Invitations: the committee office invites recommending-unit staff, its own staff and experts."""

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from wuxiao.accounts.models import Invitation, Role, User
from wuxiao.common.models import AuditLog
from wuxiao.orgs.models import Membership

LIST = "/accounts/invitations/"
OTHER_ROLES = ["declarer", "recommender", "expert", "outsider"]


@pytest.fixture
def committee_office(committee):
    return committee.units_with_role(Role.COMMITTEE)[0]


@pytest.fixture
def invitation(recommending_unit, committee):
    return Invitation.objects.create(
        token=Invitation.new_token(), organisation=recommending_unit, role=Role.RECOMMENDER, name="钱七",
        email="qianqi@example.com", created_by=committee, expires_at=timezone.now() + dt.timedelta(days=7))


def accept_data(**extra):
    return {"display_name": "钱七", "mobile": "13711112222", "username": "", "email": "qianqi@example.com",
            "password1": "Invited-2025-ok", "password2": "Invited-2025-ok", **extra}


# --- creating ---------------------------------------------------------------------------------


def test_committee_creates_and_mails_an_invitation(client, committee, recommending_unit, mailoutbox,
                                                   settings):
    settings.SITE_URL = "https://wuxiao.example.cn"
    client.force_login(committee)
    response = client.post(LIST, {"organisation": recommending_unit.pk, "role": Role.RECOMMENDER,
                                  "name": "钱七", "email": "qianqi@example.com"}, follow=True)
    invitation = Invitation.objects.get()
    assert (invitation.organisation, invitation.role, invitation.name, invitation.email, invitation.created_by) == (
        recommending_unit, Role.RECOMMENDER, "钱七", "qianqi@example.com", committee)
    assert invitation.used_at is None
    assert invitation.emailed_at is not None
    assert dt.timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= dt.timedelta(days=7)
    link = f"https://wuxiao.example.cn/accounts/invitations/{invitation.token}/"
    assert response.redirect_chain == [(f"/accounts/invitations/sent/{invitation.pk}/", 302)]
    html = response.content.decode()
    assert "邀请已创建，并已发送至 qianqi@example.com。" in html
    assert f'value="{link}"' in html
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["qianqi@example.com"]
    assert link in mailoutbox[0].body
    assert "推荐单位工作人员" in mailoutbox[0].body and recommending_unit.name in mailoutbox[0].body
    assert "有效期 7 天" in mailoutbox[0].body
    log = AuditLog.objects.get(action="invitation.create")
    assert (log.actor, log.object_id) == (committee, str(invitation.pk))


def test_without_email_nothing_is_sent(client, committee, committee_office, mailoutbox):
    client.force_login(committee)
    response = client.post(LIST, {"organisation": committee_office.pk, "role": Role.EXPERT}, follow=True)
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.emailed_at) == (Role.EXPERT, None)
    assert mailoutbox == []
    assert "邀请已创建。请复制下面的链接发送给对方。" in response.content.decode()


def test_mail_failure_keeps_the_invitation(client, committee, recommending_unit, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr("wuxiao.accounts.services.send_mail", broken)
    client.force_login(committee)
    response = client.post(LIST, {"organisation": recommending_unit.pk, "role": Role.RECOMMENDER,
                                  "email": "a@example.com"}, follow=True)
    assert Invitation.objects.get().emailed_at is None
    assert "邮件未能发出" in response.content.decode()


@pytest.mark.parametrize("role", [Role.COMMITTEE, Role.EXPERT, Role.DECLARER])
def test_recommending_unit_gets_only_recommenders(client, committee, recommending_unit, role):
    client.force_login(committee)
    response = client.post(LIST, {"organisation": recommending_unit.pk, "role": role})
    assert response.context["form"].errors["role"]
    assert not Invitation.objects.exists()


def test_committee_office_gets_no_recommenders(client, committee, committee_office):
    client.force_login(committee)
    response = client.post(LIST, {"organisation": committee_office.pk, "role": Role.RECOMMENDER, "name": "孙八"})
    assert response.context["form"].errors["role"] == ["组委会办公室的人员只能是组委会办公室工作人员或专家。"]
    assert 'value="孙八"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_declaring_units_cannot_be_chosen(client, committee, declaring_unit):
    client.force_login(committee)
    response = client.post(LIST, {"organisation": declaring_unit.pk, "role": Role.RECOMMENDER})
    assert response.context["form"].errors["organisation"]
    assert declaring_unit.name not in response.content.decode()


def test_list_shows_each_status(client, committee, invitation, recommending_unit):
    used = Invitation.objects.create(token="used-token", organisation=recommending_unit, role=Role.RECOMMENDER,
                                     name="已用", expires_at=timezone.now() + dt.timedelta(days=1),
                                     used_at=timezone.now(), used_by=committee)
    expired = Invitation.objects.create(token="old-token", organisation=recommending_unit, role=Role.RECOMMENDER,
                                        name="过期", expires_at=timezone.now() - dt.timedelta(days=1))
    client.force_login(committee)
    html = client.get(LIST).content.decode()
    assert '<span class="invitation-status invitation-pending">待使用</span>' in html
    assert '<span class="invitation-status invitation-used">已使用</span>' in html
    assert '<span class="invitation-status invitation-expired">已过期</span>' in html
    assert used.token not in html and expired.token not in html and invitation.token not in html


def test_site_admin_may_invite(client, site_admin, recommending_unit):
    client.force_login(site_admin)
    assert client.get(LIST).status_code == 200
    client.post(LIST, {"organisation": recommending_unit.pk, "role": Role.RECOMMENDER})
    assert Invitation.objects.get().created_by == site_admin


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_refused(client_as, role, recommending_unit, invitation):
    client = client_as(role)
    assert client.get(LIST).status_code == 403
    assert client.get(f"/accounts/invitations/sent/{invitation.pk}/").status_code == 403
    response = client.post(LIST, {"organisation": recommending_unit.pk, "role": Role.RECOMMENDER})
    assert response.status_code == 403
    assert Invitation.objects.count() == 1


def test_anonymous_is_sent_to_login(client, invitation):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/invitations/"
    assert client.get(f"/accounts/invitations/sent/{invitation.pk}/").status_code == 302


# --- accepting --------------------------------------------------------------------------------


def test_accept_creates_the_account_with_the_role(client, invitation, recommending_unit):
    page = client.get(f"/accounts/invitations/{invitation.token}/").content.decode()
    assert "推荐单位工作人员" in page and recommending_unit.name in page
    assert 'value="钱七"' in page and 'value="qianqi@example.com"' in page

    response = client.post(f"/accounts/invitations/{invitation.token}/", accept_data(), follow=True)
    user = User.objects.get(mobile="13711112222")
    assert (user.username, user.display_name, user.email) == ("13711112222", "钱七", "qianqi@example.com")
    assert user.check_password("Invited-2025-ok")
    assert list(Membership.objects.filter(user=user).values_list("organisation", "role")) == [
        (recommending_unit.pk, Role.RECOMMENDER)]
    invitation.refresh_from_db()
    assert invitation.used_by == user and invitation.used_at is not None
    assert client.session[SESSION_KEY] == str(user.pk)
    assert response.redirect_chain == [("/accounts/", 302)]
    assert f"欢迎！您现在是{recommending_unit.name}的推荐单位工作人员。" in response.content.decode()
    log = AuditLog.objects.get(action="invitation.accept")
    assert (log.actor, log.data["new_account"]) == (user, True)


def test_accept_with_own_username(client, invitation):
    client.post(f"/accounts/invitations/{invitation.token}/", accept_data(username="qian.qi"))
    user = User.objects.get(username="qian.qi")
    assert user.mobile == "13711112222"


def test_accept_form_errors_keep_the_input(client, invitation, recommender):
    data = accept_data(mobile=recommender.mobile, username=recommender.username, password2="other-pass-2025")
    response = client.post(f"/accounts/invitations/{invitation.token}/", data)
    form = response.context["form"]
    assert form.errors["mobile"] == [
        "该手机号已有账号。请用它直接登录（忘记密码可以找回），或联系本单位已有账号的负责人。"]
    assert form.errors["username"] == ["该用户名已被使用，请换一个，或留空。"]
    assert form.errors["password2"] == ["两次输入的密码不一致。"]
    assert f'value="{recommender.mobile}"' in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.used_at is None


def test_username_cannot_be_another_mobile(client, invitation):
    response = client.post(f"/accounts/invitations/{invitation.token}/", accept_data(username="13800001111"))
    assert response.context["form"].errors["username"] == ["用户名不能是别人的手机号。"]


def test_logged_in_person_adds_the_role_to_their_account(client, expert, invitation, recommending_unit):
    client.force_login(expert)
    page = client.get(f"/accounts/invitations/{invitation.token}/").content.decode()
    assert "把这个角色加到我的账号" in page
    assert 'name="password1"' not in page
    response = client.post(f"/accounts/invitations/{invitation.token}/", follow=True)
    assert response.redirect_chain == [("/accounts/", 302)]
    assert set(Membership.objects.filter(user=expert).values_list("role", flat=True)) == {Role.EXPERT,
                                                                                          Role.RECOMMENDER}
    invitation.refresh_from_db()
    assert invitation.used_by == expert
    assert AuditLog.objects.get(action="invitation.accept").data["new_account"] is False
    assert User.objects.filter(mobile="13711112222").count() == 0


def test_expired_link_says_so_without_a_form(client, invitation):
    invitation.expires_at = timezone.now() - dt.timedelta(minutes=1)
    invitation.save()
    response = client.get(f"/accounts/invitations/{invitation.token}/")
    html = response.content.decode()
    assert response.status_code == 410
    assert "邀请链接已于" in html and "过期。请向组委会办公室索取新的链接。" in html
    assert 'name="password1"' not in html
    response = client.post(f"/accounts/invitations/{invitation.token}/", accept_data())
    assert response.status_code == 410
    assert not User.objects.filter(mobile="13711112222").exists()


def test_link_works_once(client, invitation):
    client.post(f"/accounts/invitations/{invitation.token}/", accept_data())
    client.logout()
    response = client.post(f"/accounts/invitations/{invitation.token}/",
                           accept_data(mobile="13711113333", username="someone"))
    assert response.status_code == 410
    assert "该邀请链接已被使用。请用当时创建的账号登录。" in response.content.decode()
    assert not User.objects.filter(mobile="13711113333").exists()
    assert Membership.objects.filter(organisation=invitation.organisation, role=Role.RECOMMENDER).count() == 1


def test_unknown_token(client, db):
    response = client.get("/accounts/invitations/no-such-token/")
    assert response.status_code == 404
    assert "该邀请链接无效，请检查是否复制完整。" in response.content.decode()
