"""Login page: mobile or username, wrong password message, throttling by name and by address."""

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from tests import factories
from wuxiao.accounts.models import LoginFailure

URL = "/accounts/login/"
WRONG = "登录名或密码不正确"


@pytest.fixture
def person(db):
    return factories.UserFactory(username="li.si", mobile="13912345678")


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60


def post(client, login, password="pass-word-123", ip="10.0.0.1", **extra):
    return client.post(URL, {"username": login, "password": password, **extra}, REMOTE_ADDR=ip)


def test_page_is_in_chinese(client, db):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "手机号或用户名" in html
    assert "忘记密码" in html


@pytest.mark.parametrize("login", ["13912345678", "+86 139 1234 5678", "li.si"])
def test_login_by_mobile_or_username(client, person, login):
    response = post(client, login)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    assert client.session[SESSION_KEY] == str(person.pk)


def test_next_is_followed_on_this_site_only(client, person):
    assert post(client, "li.si", next="/accounts/invitations/").headers["Location"] == "/accounts/invitations/"
    client.logout()
    assert post(client, "li.si", next="https://evil.example/").headers["Location"] == "/accounts/"


def test_wrong_password_keeps_the_login_name_and_counts_a_failure(client, person):
    response = post(client, "13912345678", password="secret-typed")
    html = response.content.decode()
    assert response.status_code == 200
    assert WRONG in html
    assert 'value="13912345678"' in html
    assert "secret-typed" not in html
    assert SESSION_KEY not in client.session
    assert sorted(LoginFailure.objects.values_list("key", flat=True)) == ["ip:10.0.0.1", "name:13912345678"]


def test_empty_fields_show_messages_beside_them(client, db):
    html = client.post(URL, {"username": "", "password": ""}).content.decode()
    assert html.count("这个字段是必填项") == 2


def test_limit_reached_refuses_even_the_right_password(client, person):
    for _ in range(3):
        post(client, "13912345678", password="wrong-password")
    response = post(client, "13912345678")
    html = response.content.decode()
    assert response.status_code == 429
    assert "尝试失败次数过多，请等待 15 分钟后再试。" in html
    assert SESSION_KEY not in client.session
    # Refused attempts are not counted, or the wait would never end.
    assert LoginFailure.objects.filter(key="name:13912345678").count() == 3


def test_same_name_in_another_form_counts_together(client, person):
    for login in ("13912345678", "+8613912345678", "139 1234 5678"):
        post(client, login, password="wrong-password", ip=f"10.0.0.{len(login)}")
    assert post(client, "li.si").status_code == 302  # the username is another login name
    client.logout()
    assert post(client, "13912345678", ip="10.9.9.9").status_code == 429


def test_wait_shrinks_as_failures_age(client, person):
    for _ in range(3):
        post(client, "13912345678", password="wrong-password")
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=10))
    html = post(client, "13912345678").content.decode()
    assert "请等待 5 分钟后再试" in html


def test_after_the_window_login_works_again(client, person):
    for _ in range(3):
        post(client, "13912345678", password="wrong-password")
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    response = post(client, "13912345678")
    assert response.status_code == 302
    assert not LoginFailure.objects.filter(key="name:13912345678").exists()


def test_success_clears_the_names_failures_but_not_the_address(client, person):
    for _ in range(2):
        post(client, "13912345678", password="wrong-password")
    assert post(client, "13912345678").status_code == 302
    assert not LoginFailure.objects.filter(key="name:13912345678").exists()
    assert LoginFailure.objects.filter(key="ip:10.0.0.1").count() == 2


def test_address_limit_refuses_other_names(client, person):
    for name in ("a1", "a2", "a3"):
        post(client, name, password="wrong-password", ip="10.0.0.7")
    response = post(client, "13912345678", ip="10.0.0.7")
    assert response.status_code == 429
    assert "尝试失败次数过多" in response.content.decode()
    assert SESSION_KEY not in client.session
    # Another address is not affected.
    assert post(client, "13912345678", ip="10.0.0.8").status_code == 302


def test_inactive_user_gets_the_same_message(client, person):
    person.is_active = False
    person.save()
    response = post(client, "li.si")
    assert WRONG in response.content.decode()
    assert SESSION_KEY not in client.session


def test_logout_is_post_only(client, person):
    client.force_login(person)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_admin_login_goes_through_the_throttled_page(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
