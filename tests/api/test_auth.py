"""POST/DELETE /api/auth/token: log in for a token, use it, revoke it; throttling of failures."""

import datetime as dt
import hashlib
import json

import pytest
from django.test import Client
from django.utils import timezone, translation

from wuxiao.accounts.models import ApiToken, LoginThrottle
from wuxiao.common.models import AuditLog

from .. import factories

pytestmark = pytest.mark.django_db

URL = "/api/auth/token"
NOT_AUTHENTICATED = "请先登录，或提供有效的 API 令牌（Authorization: Bearer <令牌>）。"
WRONG = "登录名或密码错误。"


def post_token(client, **payload):
    return client.post(URL, payload, content_type="application/json")


def test_token_by_username_is_created_hashed_and_audited(declarer):
    response = post_token(Client(), login=declarer.username, password="pass-word-123", name="手机客户端")

    assert response.status_code == 201
    body = response.json()
    raw = body["token"]
    assert len(raw) >= 40 and body["name"] == "手机客户端"
    token = ApiToken.objects.get(user=declarer)
    # Only the digest is stored: the raw key is shown once.
    assert token.key == hashlib.sha256(raw.encode()).hexdigest() != raw
    assert token.name == "手机客户端"
    log = AuditLog.objects.get(action="api_token.create")
    assert (log.actor, log.object_type, log.object_id, log.data, log.ip) == (
        declarer, "accounts.apitoken", str(token.pk),
        {"name": "手机客户端", "expires_at": token.expires_at.isoformat()}, "127.0.0.1")


def test_token_by_mobile_number(declarer):
    response = post_token(Client(), login=declarer.mobile, password="pass-word-123")

    assert response.status_code == 201
    assert ApiToken.objects.get().user == declarer


@pytest.mark.parametrize("login, password", [
    ("user-that-does-not-exist", "pass-word-123"),
    (None, "wrong-password"),
])
def test_wrong_credentials_are_refused_in_chinese_and_counted(declarer, login, password):
    login = login or declarer.username
    response = post_token(Client(), login=login, password=password)

    assert response.status_code == 401
    assert response.json() == {"detail": WRONG}
    assert not ApiToken.objects.exists()
    account = "name:user-that-does-not-exist" if login != declarer.username else f"user:{declarer.pk}"
    assert dict(LoginThrottle.objects.values_list("key", "count")) == {
        f"{account}|ip:127.0.0.1": 1, account: 1, "ip:127.0.0.1": 1}


def test_inactive_user_gets_no_token(declarer):
    declarer.is_active = False
    declarer.save()

    response = post_token(Client(), login=declarer.username, password="pass-word-123")

    assert response.status_code == 401
    assert response.json() == {"detail": WRONG}


def test_missing_password_is_a_validation_error(declarer):
    response = post_token(Client(), login=declarer.username)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "password"]


def test_token_endpoint_needs_no_csrf_token(declarer):
    # A program has no cookies; the CSRF check is for the session only.
    response = post_token(Client(enforce_csrf_checks=True), login=declarer.username, password="pass-word-123")

    assert response.status_code == 201


def test_throttled_after_limit_even_with_the_right_password(settings, declarer):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
    client = Client()
    for _ in range(3):
        assert post_token(client, login=declarer.username, password="nope-nope").status_code == 401

    response = post_token(client, login=declarer.username, password="pass-word-123")

    assert response.status_code == 429
    assert 880 <= int(response["Retry-After"]) <= 900  # the window began with the first failure
    assert response.json() == {"detail": "尝试失败次数过多，请等待 15 分钟后再试。"}
    assert not ApiToken.objects.exists()
    # A refused attempt is not counted again.
    assert LoginThrottle.objects.get(key=f"user:{declarer.pk}|ip:127.0.0.1").count == 3


def test_throttle_ends_when_the_window_has_passed_and_success_clears_the_count(settings, declarer):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
    client = Client()
    for _ in range(3):
        post_token(client, login=declarer.username, password="nope-nope")
    LoginThrottle.objects.update(window_start=timezone.now() - dt.timedelta(minutes=16))

    response = post_token(client, login=declarer.username, password="pass-word-123")

    assert response.status_code == 201
    assert not LoginThrottle.objects.filter(key=f"user:{declarer.pk}|ip:127.0.0.1").exists()


def test_throttle_counts_failures_per_account(settings, declarer):
    settings.LOGIN_FAILURE_LIMIT = 3
    other = factories.UserFactory()
    for _ in range(3):
        post_token(Client(), login=other.mobile, password="nope-nope")

    assert post_token(Client(), login=other.username, password="pass-word-123").status_code == 429
    assert post_token(Client(), login=declarer.username, password="pass-word-123").status_code == 201


def test_page_and_api_share_the_count_and_say_the_same(client, settings, declarer):
    settings.LOGIN_FAILURE_LIMIT = 4
    for _ in range(2):
        assert post_token(Client(), login=declarer.username, password="nope-nope").status_code == 401
        client.post("/accounts/login/", {"username": declarer.mobile, "password": "nope-nope"})

    api = post_token(Client(), login=declarer.username, password="pass-word-123")
    page = client.post("/accounts/login/", {"username": declarer.username, "password": "pass-word-123"})

    assert (api.status_code, page.status_code) == (429, 429)
    assert 880 <= int(page["Retry-After"]) <= int(api["Retry-After"]) <= 900
    assert api.json()["detail"] == "尝试失败次数过多，请等待 15 分钟后再试。"
    assert api.json()["detail"] in page.content.decode()


def test_token_says_when_it_expires_and_then_authenticates_no_one(settings, declarer):
    settings.API_TOKEN_TTL_DAYS = 10
    before = timezone.now()
    body = post_token(Client(), login=declarer.username, password="pass-word-123").json()
    token = ApiToken.objects.get()
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert abs(expires - token.expires_at) < dt.timedelta(milliseconds=1)  # JSON keeps milliseconds
    assert before + dt.timedelta(days=10) <= expires <= timezone.now() + dt.timedelta(days=10)
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert Client().get("/api/me", headers=headers).status_code == 200

    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = Client().get("/api/me", headers=headers)

    assert response.status_code == 401
    assert response.json() == {"detail": NOT_AUTHENTICATED}


def test_expired_tokens_are_dropped_when_a_new_one_is_issued(declarer, bearer):
    bearer(declarer)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(days=1))
    kept = bearer(declarer)
    assert ApiToken.objects.filter(user=declarer).count() == 1
    assert Client().get("/api/me", headers=kept).status_code == 200


def test_a_new_password_revokes_every_token_of_the_user(declarer, bearer):
    headers = [bearer(declarer), bearer(declarer)]
    declarer.set_password("Another-pass-2026")
    declarer.save()

    assert [Client().get("/api/me", headers=h).status_code for h in headers] == [401, 401]
    assert AuditLog.objects.get(action="api_token.revoke_all").data == {"reason": "password_changed", "count": 2}


def test_token_authenticates_and_touches_last_used_at_once_a_minute(declarer):
    raw = post_token(Client(), login=declarer.username, password="pass-word-123").json()["token"]
    headers = {"Authorization": f"Bearer {raw}"}
    client = Client()

    response = client.get("/api/me", headers=headers)

    assert response.status_code == 200
    assert response.json()["username"] == declarer.username
    token = ApiToken.objects.get()
    first_use = token.last_used_at
    assert first_use is not None

    client.get("/api/me", headers=headers)
    token.refresh_from_db()
    assert token.last_used_at == first_use  # within the minute: not written again

    ApiToken.objects.update(last_used_at=first_use - dt.timedelta(minutes=2))
    client.get("/api/me", headers=headers)
    token.refresh_from_db()
    assert token.last_used_at > first_use


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer ", "Token abc", "Basic dXNlcjpwYXNz"])
def test_bad_token_is_401_in_chinese(header, declarer):
    response = Client().get("/api/me", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.json() == {"detail": NOT_AUTHENTICATED}
    assert response["WWW-Authenticate"] == "Bearer"


def test_token_of_a_deactivated_user_no_longer_works(declarer, bearer):
    headers = bearer(declarer)
    declarer.is_active = False
    declarer.save()

    assert Client().get("/api/me", headers=headers).status_code == 401


def test_revoke_deletes_only_the_token_used_and_audits(declarer, bearer):
    headers = bearer(declarer)
    other_headers = bearer(declarer)
    client = Client()

    response = client.delete(URL, headers=headers)

    assert response.status_code == 204
    assert ApiToken.objects.filter(user=declarer).count() == 1
    log = AuditLog.objects.get(action="api_token.revoke")
    assert (log.actor, log.object_type, log.data) == (declarer, "accounts.apitoken", {"name": "test"})
    assert client.get("/api/me", headers=headers).status_code == 401
    assert client.get("/api/me", headers=other_headers).status_code == 200


def test_revoke_needs_a_token_not_a_session(declarer, bearer):
    bearer(declarer)
    client = Client()
    client.force_login(declarer)

    response = client.delete(URL)

    assert response.status_code == 401
    assert response.json() == {"detail": NOT_AUTHENTICATED}
    assert ApiToken.objects.filter(user=declarer).count() == 1
    assert Client().delete(URL).status_code == 401


def test_messages_follow_the_request_language(declarer):
    response = Client().post(URL, {"login": declarer.username, "password": "x"}, content_type="application/json",
                             headers={"Accept-Language": "en"})

    assert response.json() == {"detail": "Wrong login name or password."}


def test_session_auth_checks_csrf_on_unsafe_methods_and_says_so_in_chinese(rf, declarer):
    from ninja.errors import HttpError

    from wuxiao.api import http_error
    from wuxiao.common.api_auth import session_auth

    request = rf.post("/api/anything")
    request.user = declarer
    request.COOKIES["sessionid"] = "x"
    with pytest.raises(HttpError) as refused:
        session_auth(request)

    with translation.override("zh-hans"):
        response = http_error(request, refused.value)
    assert response.status_code == 403
    assert json.loads(response.content) == {"detail": "安全校验（CSRF）未通过，请刷新页面后重试。"}
    # Safe methods need no token.
    get = rf.get("/api/anything")
    get.user = declarer
    assert session_auth(get) == declarer


def test_validation_errors_also_say_what_is_wrong_in_chinese(declarer):
    response = post_token(Client(), login=declarer.username)
    assert response.status_code == 422
    assert response.json()["message"] == "以下内容格式不正确或缺失：password。"
