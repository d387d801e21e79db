"""API: tokens (log in / revoke) and the current user with their roles."""

import datetime as dt
import re

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from wuxiao import api_messages as msg
from wuxiao.accounts import services
from wuxiao.accounts.rules import is_administrator
from wuxiao.api_common import ErrorOut
from wuxiao.common import api_auth
from wuxiao.common.request import client_ip

router = Router(tags=["accounts"])


# What a token's label cannot keep (PostgreSQL stores no NUL; the others are invisible).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class TokenIn(Schema):
    login: str = Field(..., min_length=1, max_length=150, description="Username or mobile number.")
    password: str = Field(..., min_length=1, max_length=128)
    name: str = Field("", max_length=100, description="A label for the token, e.g. the client program.")


class TokenOut(Schema):
    token: str = Field(..., description="The key; send it as `Authorization: Bearer <token>`. Shown only once.")
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime = Field(..., description="After this moment the token authenticates no one.")


class UnitRef(Schema):
    id: int
    name: str
    kind: str
    kind_label: str


class RoleOut(Schema):
    role: str
    role_label: str
    unit: UnitRef


class MeOut(Schema):
    id: int
    username: str
    name: str
    mobile: str
    email: str
    is_site_admin: bool
    roles: list[RoleOut]


@router.post(
    "/auth/token", auth=None, response={201: TokenOut, 401: ErrorOut, 429: ErrorOut},
    summary="Create an API token",
    description=(
        "Log in with username or mobile number and password; returns a new bearer token, valid for "
        "API_TOKEN_TTL_DAYS (see `expires_at`). A new password revokes all of the user's tokens. "
        "Failed logins are throttled together with the login page: after LOGIN_FAILURE_LIMIT failures "
        "for one account from one client address within LOGIN_FAILURE_WINDOW_SECONDS, and while an "
        "account or an address is slowed down after many failures, the answer is 429 with a "
        "`Retry-After` header (seconds)."
    ),
)
def create_token(request: HttpRequest, response: HttpResponse, payload: TokenIn):
    login = payload.login.strip()
    ip = client_ip(request)
    if "\x00" in login or "\x00" in payload.password:  # no account has one (and PostgreSQL stores none)
        return Status(401, {"detail": str(msg.WRONG_CREDENTIALS)})
    try:
        user = services.authenticate_login(request=request, login=login, password=payload.password, ip=ip)
    except services.LoginThrottled as throttled:
        response["Retry-After"] = str(throttled.seconds)
        return Status(429, {"detail": str(throttled.message)})
    if user is None:
        return Status(401, {"detail": str(msg.WRONG_CREDENTIALS)})
    name = CONTROL_CHARACTERS.sub("", payload.name).strip()
    api_token, raw = api_auth.create_api_token(actor=user, name=name, ip=ip)
    return Status(201, {"token": raw, "name": api_token.name, "created_at": api_token.created_at,
                        "expires_at": api_token.expires_at})


@router.delete(
    "/auth/token", auth=api_auth.token_auth, response={204: None, 401: ErrorOut},
    summary="Revoke the API token used for this request",
)
def revoke_token(request: HttpRequest):
    api_token = getattr(request, "api_token", None)
    if api_token is None:  # pragma: no cover - token_auth always sets it
        raise HttpError(401, str(msg.TOKEN_REQUIRED))
    api_auth.revoke_api_token(actor=request.auth, api_token=api_token, ip=client_ip(request))
    return Status(204, None)


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="The current user and their roles")
def me(request: HttpRequest):
    user = request.auth
    roles = [
        {
            "role": m.role,
            "role_label": str(m.get_role_display()),
            "unit": {
                "id": m.organisation_id,
                "name": m.organisation.name,
                "kind": m.organisation.kind,
                "kind_label": str(m.organisation.get_kind_display()),
            },
        }
        for m in sorted(user.active_memberships(), key=lambda m: (m.role, m.organisation.name, m.pk))
    ]
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.name,
        "mobile": user.mobile,
        "email": user.email,
        "is_site_admin": bool(is_administrator(user)),
        "roles": roles,
    }
