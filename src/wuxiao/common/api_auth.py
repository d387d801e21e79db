"""Who is calling the REST API: a bearer token (accounts.ApiToken) or the Django session.

Tokens are stored as SHA-256 digests: the raw key is shown once, when it is issued, and a
leaked database does not hand out working keys. A token expires after API_TOKEN_TTL_DAYS, and a
new password revokes all of its user's tokens (accounts.services.revoke_api_tokens). Issuing and
revoking a token are the API's own writes; they live here, each in a transaction with its audit
row. Failed logins are throttled by accounts.services, shared with the login page.
"""

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from wuxiao.accounts.models import ApiToken
from wuxiao.common import audit

# last_used_at is written at most this often, so that a busy client does not write on every call.
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`. Sets request.user too, so has_perm() works as in the pages."""

    def authenticate(self, request: HttpRequest, token: str):
        if not token:
            return None
        now = timezone.now()
        api_token = (ApiToken.objects.select_related("user")
                     .filter(key=hash_token(token), expires_at__gt=now).first())
        if api_token is None or not api_token.user.is_active:
            return None
        if api_token.last_used_at is None or now - api_token.last_used_at >= TOKEN_TOUCH_INTERVAL:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
            api_token.last_used_at = now
        request.api_token = api_token
        request.user = api_token.user
        return api_token.user


token_auth = TokenAuth()
# ninja's django_auth, spelled out: the session cookie, with Django's CSRF check on unsafe methods.
session_auth = SessionAuth(csrf=True)
# The token comes first, so that a client sending a token is never asked for a CSRF token.
API_AUTH = [token_auth, session_auth]


@transaction.atomic
def create_api_token(*, actor, name: str = "", ip: str | None = None) -> tuple[ApiToken, str]:
    """Issue a bearer token for `actor`, valid for API_TOKEN_TTL_DAYS; returns the row and the raw key."""
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.filter(user=actor, expires_at__lte=timezone.now()).delete()  # they authenticate no one
    api_token = ApiToken.objects.create(user=actor, key=hash_token(raw), name=name)
    audit.record(actor=actor, action="api_token.create", obj=api_token,
                 data={"name": name, "expires_at": api_token.expires_at.isoformat()}, ip=ip)
    return api_token, raw


@transaction.atomic
def revoke_api_token(*, actor, api_token: ApiToken, ip: str | None = None) -> None:
    """Delete the token, so it no longer authenticates."""
    audit.record(actor=actor, action="api_token.revoke", obj=api_token, data={"name": api_token.name}, ip=ip)
    api_token.delete()
