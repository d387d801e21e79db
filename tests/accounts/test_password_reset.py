"""Password reset by e-mail with Django's views and our Chinese templates."""

import re

import pytest

from tests import factories


@pytest.fixture
def person(db):
    return factories.UserFactory(username="zhao.liu", mobile="13912340000", email="zhaoliu@example.com",
                                 display_name="赵六")


def test_mail_with_a_working_link_is_sent(client, person, mailoutbox, settings):
    settings.SITE_URL = "https://wuxiao.example.cn"
    response = client.post("/accounts/password-reset/", {"email": "ZhaoLiu@example.com"}, follow=True)
    assert response.redirect_chain == [("/accounts/password-reset/sent/", 302)]
    assert "请查收电子邮件" in response.content.decode()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["zhaoliu@example.com"]
    assert mail.subject == "重置“五小”创新竞赛平台的密码"
    assert "赵六，您好：" in mail.body
    assert "用户名：zhao.liu" in mail.body
    assert "也可以用手机号 13912340000 登录" in mail.body
    link = re.search(r"https://wuxiao\.example\.cn(/accounts/password-reset/\S+/\S+/)", mail.body).group(1)

    response = client.get(link, follow=True)
    assert "设置新密码" in response.content.decode()
    set_url = response.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "New-pass-2025", "new_password2": "New-pass-2025"},
                           follow=True)
    assert response.redirect_chain == [("/accounts/password-reset/complete/", 302)]
    assert "密码已修改" in response.content.decode()
    person.refresh_from_db()
    assert person.check_password("New-pass-2025")
    # the link is single-use
    assert "此链接无法使用" in client.get(link, follow=True).content.decode()


def test_unknown_address_sends_nothing_and_says_the_same(client, person, mailoutbox):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.com"}, follow=True)
    assert response.redirect_chain == [("/accounts/password-reset/sent/", 302)]
    assert mailoutbox == []


def test_inactive_user_gets_no_mail(client, person, mailoutbox):
    person.is_active = False
    person.save()
    client.post("/accounts/password-reset/", {"email": "zhaoliu@example.com"})
    assert mailoutbox == []


def test_bad_address_is_marked_beside_the_field(client, db):
    response = client.post("/accounts/password-reset/", {"email": "not-an-address"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["输入一个有效的 Email 地址。"]
    assert 'value="not-an-address"' in response.content.decode()


def test_bad_link_says_so(client, db):
    response = client.get("/accounts/password-reset/MQ/bad-token/")
    assert response.status_code == 200
    assert "密码重置链接已被使用或已过期。" in response.content.decode()
