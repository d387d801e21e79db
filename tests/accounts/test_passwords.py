"""New passwords need letters, digits and symbols on every path; a new password ends the API tokens (item 12)."""

import datetime as dt
import re

import pytest
from django.contrib.auth import SESSION_KEY, password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from tests import factories
from wuxiao.accounts.models import ApiToken, Invitation, Role, User
from wuxiao.common import api_auth
from wuxiao.common.models import AuditLog

NO_SYMBOL = "密码须同时包含字母、数字和符号（如 - _ ! @ #），目前缺少符号。"


@pytest.fixture(autouse=True)
def _chinese():
    # The validators are also called outside a request here: the site's language, whatever ran before.
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize("password", ["wuxiao-demo-2025", "pass-word-123", "Zhengzhou 2025", "五小创新-2025"])
def test_letters_digits_and_a_symbol_are_accepted(password):
    password_validation.validate_password(password)


@pytest.mark.parametrize("password, message", [
    ("abcdefgh12", NO_SYMBOL),
    ("Mixed-Case-Only", "密码须同时包含字母、数字和符号（如 - _ ! @ #），目前缺少数字。"),
    ("2025-0310-8899", "密码须同时包含字母、数字和符号（如 - _ ! @ #），目前缺少字母。"),
    ("abcdefghxyzw", "密码须同时包含字母、数字和符号（如 - _ ! @ #），目前缺少数字、符号。"),
])
def test_a_missing_kind_is_named_in_chinese(password, message):
    with pytest.raises(ValidationError) as refused:
        password_validation.validate_password(password)
    assert message in refused.value.messages


def test_the_rule_is_in_the_help_text():
    assert "密码须同时包含字母、数字和符号（如 - _ ! @ #）。" in password_validation.password_validators_help_texts()


def test_sign_up_refuses_a_password_without_symbols_beside_the_field(client, recommending_unit):
    data = {"name": "郑州测试密码有限公司", "kind": "enterprise", "union_name": "郑州测试密码有限公司工会",
            "credit_code": "91110000600037341L", "address": "郑州市金水区1号",
            "recommending_unit": str(recommending_unit.pk), "contact_name": "王五", "mobile": "13612345678",
            "email": "", "password1": "zhengzhou2025", "password2": "zhengzhou2025"}
    response = client.post("/accounts/signup/", data)
    assert response.context["form"].errors["password2"] == [NO_SYMBOL]
    assert NO_SYMBOL in response.content.decode()
    assert not User.objects.exists()


def test_invitation_acceptance_refuses_it_too(client, recommending_unit, committee):
    invitation = Invitation.objects.create(
        token=Invitation.new_token(), organisation=recommending_unit, role=Role.RECOMMENDER,
        created_by=committee, expires_at=timezone.now() + dt.timedelta(days=7))
    response = client.post(f"/accounts/invitations/{invitation.token}/", {
        "display_name": "钱七", "mobile": "13711112222", "username": "", "email": "qianqi@example.com",
        "password1": "invited2025", "password2": "invited2025"})
    assert response.context["form"].errors["password2"] == [NO_SYMBOL]
    assert not User.objects.filter(mobile="13711112222").exists()


@pytest.fixture
def person(db):
    return factories.UserFactory(username="zhao.liu", email="zhaoliu@example.com")


def reset_form_url(client, person, mailoutbox):
    client.post("/accounts/password-reset/", {"email": person.email})
    link = re.search(r"(/accounts/password-reset/\S+/\S+/)", mailoutbox[-1].body).group(1)
    return client.get(link, follow=True).redirect_chain[-1][0]


def test_password_reset_refuses_a_weak_password_and_revokes_the_tokens(client, person, mailoutbox):
    api_auth.create_api_token(actor=person, name="手机客户端")
    api_auth.create_api_token(actor=person, name="脚本")
    other = factories.UserFactory()
    api_auth.create_api_token(actor=other, name="别人的")
    url = reset_form_url(client, person, mailoutbox)

    response = client.post(url, {"new_password1": "newpassword1", "new_password2": "newpassword1"})
    assert NO_SYMBOL in response.content.decode()
    assert ApiToken.objects.filter(user=person).count() == 2

    response = client.post(url, {"new_password1": "New-pass-2025", "new_password2": "New-pass-2025"})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=person).exists()
    assert ApiToken.objects.filter(user=other).count() == 1
    log = AuditLog.objects.get(action="api_token.revoke_all")
    assert (log.actor, log.object_id, log.data) == (person, str(person.pk),
                                                     {"reason": "password_changed", "count": 2})


def test_password_change_page(client, person):
    _, raw = api_auth.create_api_token(actor=person, name="脚本")
    headers = {"Authorization": f"Bearer {raw}"}
    assert Client().get("/api/me", headers=headers).status_code == 200
    client.force_login(person)
    assert "修改密码" in client.get("/accounts/").content.decode()

    response = client.post("/accounts/password/", {"old_password": "pass-word-123", "new_password1": "abc",
                                                   "new_password2": "abc"})
    errors = response.context["form"].errors["new_password2"]
    assert "密码太短，至少需要 8 个字符。" in errors
    assert "密码须同时包含字母、数字和符号（如 - _ ! @ #），目前缺少数字、符号。" in errors

    response = client.post("/accounts/password/", {"old_password": "pass-word-123", "new_password1": "Better-pass-26",
                                                   "new_password2": "Better-pass-26"}, follow=True)
    assert response.redirect_chain == [("/accounts/", 302)]
    assert "您的 API 令牌已全部作废" in response.content.decode()
    assert client.session[SESSION_KEY] == str(person.pk)  # this session stays
    person.refresh_from_db()
    assert person.check_password("Better-pass-26")
    assert not ApiToken.objects.exists()
    assert Client().get("/api/me", headers=headers).status_code == 401
    assert AuditLog.objects.filter(action="api_token.revoke_all", actor=person).count() == 1


def test_the_admin_sets_no_ones_password(client, person, site_admin):
    """The Django admin is read-only (common/admin.py): a person's password is theirs to change."""
    api_auth.create_api_token(actor=person, name="脚本")
    client.force_login(site_admin)
    url = f"/admin/accounts/user/{person.pk}/password/"
    response = client.post(url, {"password1": "Admin-set-2026", "password2": "Admin-set-2026"})
    assert response.status_code == 403
    person.refresh_from_db()
    assert not person.check_password("Admin-set-2026")
    assert ApiToken.objects.filter(user=person).exists()


def test_a_new_user_or_a_hash_upgrade_revokes_nothing(person, settings):
    api_auth.create_api_token(actor=person, name="脚本")
    # Logging in with a password stored under an older hasher rehashes it: not a new password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                 "django.contrib.auth.hashers.MD5PasswordHasher"]
    assert person.check_password("pass-word-123")
    person.refresh_from_db()
    assert person.password.startswith("pbkdf2_")
    assert ApiToken.objects.filter(user=person).count() == 1
    assert not AuditLog.objects.filter(action="api_token.revoke_all").exists()
