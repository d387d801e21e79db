"""Login page: mobile or username, wrong password message, throttling per account and address (item 11)."""

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import signing
from django.test import Client
from django.utils import timezone

from tests import factories
from wuxiao.accounts import services
from wuxiao.accounts.models import LoginThrottle

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


@pytest.mark.parametrize("login", ["13912345678", "+86 139 1234 5678", "li.si", "LI.Si"])
def test_login_by_mobile_or_username(client, person, login):
    response = post(client, login)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    assert client.session[SESSION_KEY] == str(person.pk)


def test_next_is_followed_on_this_site_only(client, person):
    assert post(client, "li.si", next="/accounts/invitations/").headers["Location"] == "/accounts/invitations/"
    client.logout()
    assert post(client, "li.si", next="https://evil.example/").headers["Location"] == "/accounts/"


def counts():
    return dict(LoginThrottle.objects.values_list("key", "count"))


def test_wrong_password_keeps_the_login_name_and_counts_a_failure(client, person):
    response = post(client, "13912345678", password="secret-typed")
    html = response.content.decode()
    assert response.status_code == 200
    assert WRONG in html
    assert 'value="13912345678"' in html
    assert "secret-typed" not in html
    assert SESSION_KEY not in client.session
    account = f"user:{person.pk}"
    assert counts() == {f"{account}|ip:10.0.0.1": 1, account: 1, "ip:10.0.0.1": 1}


def test_empty_fields_show_messages_beside_them(client, db):
    html = client.post(URL, {"username": "", "password": ""}).content.decode()
    assert html.count("这个字段是必填项") == 2
    assert not LoginThrottle.objects.exists()


def test_limit_reached_refuses_even_the_right_password(client, person):
    for _ in range(3):
        post(client, "13912345678", password="wrong-password")
    response = post(client, "13912345678")
    html = response.content.decode()
    assert response.status_code == 429
    assert 880 <= int(response["Retry-After"]) <= 900  # the window began with the first failure
    assert "尝试失败次数过多，请等待 15 分钟后再试。" in html
    assert SESSION_KEY not in client.session
    # Refused attempts are not counted, or the wait would never end.
    assert counts()[f"user:{person.pk}|ip:10.0.0.1"] == 3


def test_every_name_of_an_account_counts_together(client, person):
    for login in ("13912345678", "+86 139 1234 5678", "LI.SI"):
        post(client, login, password="wrong-password")
    response = post(client, "li.si")
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    assert counts()[f"user:{person.pk}|ip:10.0.0.1"] == 3


def test_wait_shrinks_as_failures_age(client, person):
    for _ in range(3):
        post(client, "13912345678", password="wrong-password")
    LoginThrottle.objects.update(window_start=timezone.now() - dt.timedelta(minutes=10))
    html = post(client, "13912345678").content.decode()
    assert "请等待 5 分钟后再试" in html


def test_after_the_window_login_works_again(client, person):
    for _ in range(3):
        post(client, "13912345678", password="wrong-password")
    LoginThrottle.objects.update(window_start=timezone.now() - dt.timedelta(minutes=16))
    response = post(client, "13912345678")
    assert response.status_code == 302
    assert f"user:{person.pk}|ip:10.0.0.1" not in counts()


def test_success_forgives_this_clients_failures_and_releases_its_own_check(client, person):
    for _ in range(2):
        post(client, "13912345678", password="wrong-password")
    assert post(client, "13912345678").status_code == 302
    # The account and the address keep their failures (others may have caused them); the
    # successful check itself is not counted.
    assert counts() == {f"user:{person.pk}": 2, "ip:10.0.0.1": 2}


def test_failures_at_one_address_do_not_lock_the_user_out_at_another(client, person):
    for _ in range(5):
        post(client, "li.si", password="wrong-password", ip="10.6.6.6")
    assert post(client, "li.si", ip="10.6.6.6").status_code == 429
    response = post(client, "li.si", ip="10.0.0.8")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(person.pk)


def test_attack_from_many_addresses_only_slows_the_account_down(client, person, settings):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 6
    for n in range(6):
        post(client, "li.si", password="wrong-password", ip=f"10.6.6.{n}")
    # The account is slowed down for everybody, by seconds, not locked for the window.
    response = post(client, "li.si", ip="10.0.0.8")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 30
    assert "尝试失败次数过多，请等待 30 秒后再试。" in response.content.decode()
    LoginThrottle.objects.filter(key=f"user:{person.pk}").update(next_at=timezone.now())
    assert post(client, "li.si", ip="10.0.0.8").status_code == 302
    # Past the limit, one check per slow-down: a further attacker's try right after waits again.
    client.logout()
    assert post(client, "li.si", password="wrong-password", ip="10.6.6.9").status_code == 200
    assert post(client, "li.si", password="wrong-password", ip="10.6.6.10").status_code == 429


def test_a_browser_that_logged_in_before_is_not_slowed_by_others(client, person, settings):
    assert post(client, "li.si", ip="10.0.0.8").status_code == 302
    cookie = client.cookies["wuxiao_device"]
    assert cookie["httponly"] and cookie["max-age"] == 180 * 24 * 60 * 60
    client.post("/accounts/logout/")
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 6
    for n in range(6):  # others, from many addresses
        post(Client(), "li.si", password="wrong-password", ip=f"10.6.6.{n}")
    assert post(Client(), "li.si", ip="10.0.0.8").status_code == 429  # a new browser is slowed down

    response = post(client, "13912345678", ip="10.0.0.8")  # the known one is not

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(person.pk)


def test_a_known_browser_has_its_own_hard_limit(client, person):
    post(client, "li.si")
    client.post("/accounts/logout/")
    for _ in range(3):
        post(client, "li.si", password="wrong-password")
    response = post(client, "li.si")
    assert response.status_code == 429
    assert "请等待 15 分钟后再试" in response.content.decode()
    # Another browser at the same address is not affected.
    assert post(Client(), "li.si").status_code == 302


@pytest.mark.parametrize("cookie", ["forged", "other-account"])
def test_a_device_cookie_counts_only_when_genuine_and_of_this_account(client, person, settings, cookie):
    other = factories.UserFactory()
    if cookie == "forged":
        value = signing.dumps({"account": f"user:{person.pk}", "device": "x"}, salt="something else")
    else:
        value = services.device_cookie_value(other)
    client.cookies["wuxiao_device"] = value
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 2
    for n in range(2):
        post(Client(), "li.si", password="wrong-password", ip=f"10.6.6.{n}")
    assert post(client, "li.si").status_code == 429


def test_unknown_names_are_throttled_like_real_ones(client, person):
    def attempts(login, ip):
        answers = [post(client, login, password="wrong-password", ip=ip) for _ in range(4)]
        return [(r.status_code, r.has_header("Retry-After") and 880 <= int(r["Retry-After"]) <= 900,
                 "请等待 15 分钟后再试" in r.content.decode(), WRONG in r.content.decode()) for r in answers]

    real, unknown = attempts("li.si", "10.1.0.1"), attempts("wang.wu", "10.1.0.2")
    assert real == unknown == [(200, False, False, True)] * 3 + [(429, True, True, False)]
    assert counts()["name:wang.wu|ip:10.1.0.2"] == 3


def test_colleagues_behind_one_address_each_log_in(client, settings, db):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 10
    colleagues = [factories.UserFactory(username=f"staff{n}", mobile=f"1370000{n:04d}") for n in range(15)]
    for n, colleague in enumerate(colleagues):
        if n % 2:
            post(client, colleague.username, password="mistyped-1", ip="10.9.9.9")
        response = post(client, colleague.username, ip="10.9.9.9")
        assert response.status_code == 302, colleague
        assert client.session[SESSION_KEY] == str(colleague.pk)
        client.logout()
    assert counts()["ip:10.9.9.9"] == 7


def test_an_address_past_its_limit_is_slowed_not_locked(client, person, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    for n in range(4):  # someone behind the office's address tries names
        post(client, f"guess{n}", password="wrong-password", ip="10.9.9.9")
    response = post(client, "li.si", ip="10.9.9.9")
    assert response.status_code == 429
    assert "秒后再试" in response.content.decode()
    LoginThrottle.objects.filter(key="ip:10.9.9.9").update(next_at=timezone.now())
    assert post(client, "li.si", ip="10.9.9.9").status_code == 302


@pytest.mark.parametrize("ip, key", [
    ("10.0.0.1", "ip:10.0.0.1"),
    ("::ffff:10.0.0.1", "ip:10.0.0.1"),
    ("2001:db8:1:2:aaaa::1", "ip:2001:db8:1:2::/64"),  # an IPv6 client owns its whole /64
    ("2001:db8:1:2:bbbb::9", "ip:2001:db8:1:2::/64"),
    ("", "ip:-"),
])
def test_address_keys(ip, key):
    assert services.address_key(ip) == key


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


def test_the_site_admin_sees_the_counts_read_only(client, person, site_admin):
    """The admin changes nothing unaudited (common/admin.py): a wait ends by itself."""
    for _ in range(3):
        post(client, "li.si", password="wrong-password")
    row = LoginThrottle.objects.get(key=f"user:{person.pk}|ip:10.0.0.1")
    admin = Client()
    admin.force_login(site_admin)
    assert f"user:{person.pk}|ip:10.0.0.1" in admin.get("/admin/accounts/loginthrottle/").content.decode()
    assert admin.get("/admin/accounts/loginthrottle/add/").status_code == 403
    assert admin.post(f"/admin/accounts/loginthrottle/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert LoginThrottle.objects.filter(pk=row.pk).exists()
