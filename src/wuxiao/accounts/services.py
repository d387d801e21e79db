"""Accounts: registering a declaring unit, throttling logins, invitations. Writes are audited."""

import datetime as dt
import ipaddress
import logging
import math
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from wuxiao.common import audit
from wuxiao.common.exceptions import Refused
from wuxiao.common.validators import is_mobile, normalize_credit_code, normalize_mobile
from wuxiao.orgs.models import CreditCodeStatus, Membership, Organisation, RegistrationStatus

from .backends import find_user_by_login
from .models import ApiToken, Invitation, LoginThrottle, Role, User

logger = logging.getLogger(__name__)


# --- Login throttling ------------------------------------------------------------------------
# A password check is reserved BEFORE the password is verified, by a conditional UPDATE of a
# counter row per key, and released when the password was right; so parallel requests cannot
# all slip past the limit, and every web process counts the same attempts. Three keys:
#   the account from this address (hard: LOGIN_FAILURE_LIMIT per window, then wait for its end);
#   the account from anywhere and the address for any name (slowed past their higher limits to
#   one check per LOGIN_SLOW_RETRY_SECONDS): someone elsewhere, or a colleague behind the same
#   NAT address, can slow a person down but never lock them out.
# An unknown name is an "account" keyed by the name, so it is throttled exactly like a real one.
# A browser with the account's device cookie has a key of its own instead of all three.

DEVICE_COOKIE = "wuxiao_device"
DEVICE_COOKIE_MAX_AGE = 180 * 24 * 60 * 60
DEVICE_SALT = "wuxiao.accounts.device"


class LoginThrottled(Refused):
    """Too many failed logins: try again in `seconds` (the message is put into the reader's language)."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        if seconds < 60:
            message = ngettext_lazy("Too many failed attempts. Please wait %(seconds)d second and try again.",
                                    "Too many failed attempts. Please wait %(seconds)d seconds and try again.",
                                    "seconds") % {"seconds": seconds}
        else:
            message = ngettext_lazy("Too many failed attempts. Please wait %(minutes)d minute and try again.",
                                    "Too many failed attempts. Please wait %(minutes)d minutes and try again.",
                                    "minutes") % {"minutes": math.ceil(seconds / 60)}
        super().__init__(message)


@dataclass(frozen=True)
class _Key:
    key: str
    limit: int
    slowed: bool  # past the limit: slowed down (True) or refused until the window ends (False)


def address_key(ip: str | None) -> str:
    """An IPv6 client owns its whole /64, so that is the address that counts."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return "ip:-"
    if address.version == 6:
        if address.ipv4_mapped:
            return f"ip:{address.ipv4_mapped}"
        return f"ip:{ipaddress.ip_network((address, 64), strict=False)}"
    return f"ip:{address}"


def account_key(login: str, user) -> str:
    """The account a login name means, whichever of its names (any case, mobile with +86) is used: `user`,
    what find_user_by_login found for it (None: no such account, the name itself is counted)."""
    if user is not None:
        return f"user:{user.pk}"
    login = (login or "").strip()
    return "name:" + (normalize_mobile(login) if is_mobile(login) else login.lower())[:150]


def device_cookie_value(user: User) -> str:
    """The value of DEVICE_COOKIE, set by a successful login on the page: this browser knows the account."""
    return signing.dumps({"account": f"user:{user.pk}", "device": secrets.token_hex(8)}, salt=DEVICE_SALT)


def _known_device(cookie: str, account: str) -> str | None:
    """The device id of a genuine, unexpired device cookie of this (existing) account, else None."""
    try:
        data = signing.loads(cookie or "", salt=DEVICE_SALT, max_age=DEVICE_COOKIE_MAX_AGE)
    except signing.BadSignature:
        return None
    if isinstance(data, dict) and account.startswith("user:") and data.get("account") == account:
        return str(data.get("device", ""))[:16] or None
    return None


def _throttle_keys(login: str, user, ip: str | None, device_cookie: str = "") -> list[_Key]:
    account = account_key(login, user)
    device = _known_device(device_cookie, account)
    if device:
        # A browser that has logged in to this account before (OWASP "device cookies") is counted
        # on its own: whatever others try from elsewhere or from its address cannot slow it down.
        return [_Key(f"{account}|device:{device}", settings.LOGIN_FAILURE_LIMIT, slowed=False)]
    address = address_key(ip)
    return [
        _Key(f"{account}|{address}", settings.LOGIN_FAILURE_LIMIT, slowed=False),
        _Key(account, settings.LOGIN_ACCOUNT_FAILURE_LIMIT, slowed=True),
        _Key(address, settings.LOGIN_ADDRESS_FAILURE_LIMIT, slowed=True),
    ]


def _reserve(keys: list[_Key]) -> None:
    """Count one check under every key, or none of them and raise LoginThrottled."""
    now = timezone.now()
    window = dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    slow = dt.timedelta(seconds=settings.LOGIN_SLOW_RETRY_SECONDS)
    keys = sorted(keys, key=lambda k: k.key)  # one locking order, so two requests never deadlock
    expired = Q(window_start__lte=now - window)
    with transaction.atomic():
        # The rows a first check needs, in the same transaction (and locking order) as the counting.
        LoginThrottle.objects.bulk_create(
            [LoginThrottle(key=k.key, window_start=now, next_at=now) for k in keys], ignore_conflicts=True)
        for k in keys:
            allowed = expired | Q(count__lt=k.limit)
            if k.slowed:
                allowed |= Q(next_at__lte=now)
            # Row-locking and conditional: a parallel request waits for this one, then sees its count.
            if LoginThrottle.objects.filter(allowed, key=k.key).update(
                count=Case(When(expired, then=Value(1)), default=F("count") + 1),
                window_start=Case(When(expired, then=Value(now)), default=F("window_start")),
                next_at=now + slow,
            ):
                continue
            row = LoginThrottle.objects.filter(key=k.key).first()
            wait = (row.window_start + window - now) if row else dt.timedelta(seconds=1)
            if row and k.slowed:
                wait = min(wait, row.next_at - now)
            seconds = max(1, math.ceil(wait.total_seconds()))
            logger.warning("Login refused for %d s: too many failures under %s", seconds, k.key)
            # Leaving the block rolls back the keys counted so far.
            raise LoginThrottled(seconds)


def _release(keys: list[_Key]) -> None:
    """The password was right: this client's failures are forgiven, the shared counts lose this check."""
    now = timezone.now()
    own, *shared = keys
    with transaction.atomic():
        LoginThrottle.objects.filter(key=own.key).delete()
        LoginThrottle.objects.filter(key__in=[k.key for k in shared], count__gt=0).update(
            count=F("count") - 1, next_at=now)
        # Rows nobody has used for a whole window and a slow-down are gone for good.
        stale = now - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + settings.LOGIN_SLOW_RETRY_SECONDS)
        LoginThrottle.objects.filter(window_start__lt=stale, next_at__lt=stale).delete()


def authenticate_login(*, request, login: str, password: str, ip: str | None, device_cookie: str = ""):
    """The user if `login` and `password` are right, else None; raises LoginThrottled when refused.

    The login page and the API's token endpoint both call this, so they share one count.
    """
    account = find_user_by_login(login)
    keys = _throttle_keys(login, account, ip, device_cookie)
    _reserve(keys)
    # The backend checks the password of the account already found (MobileOrUsernameBackend).
    user = authenticate(request, username=login, password=password, account=account)
    if user is not None:
        _release(keys)
    return user


# --- API tokens --------------------------------------------------------------------------------


@transaction.atomic
def revoke_api_tokens(*, user: User, reason: str) -> int:
    """Delete every API token of `user` (a new password makes them void); returns how many there were."""
    count, _deleted = ApiToken.objects.filter(user=user).delete()
    if count:
        audit.record(actor=user, action="api_token.revoke_all", obj=user, data={"reason": reason, "count": count})
    return count


# --- Sign-up of a declaring unit -------------------------------------------------------------


@transaction.atomic
def register_declaring_unit(*, name: str, kind: str, union_name: str, credit_code: str,
                            credit_code_pending: bool, address: str, recommending_unit: Organisation,
                            contact_name: str, mobile: str, email: str, password: str,
                            ip: str | None = None) -> User:
    """Create a declaring unit (status NEW), its first user (username = mobile) and the DECLARER membership."""
    code = normalize_credit_code(credit_code)
    mobile = normalize_mobile(mobile)
    unit = Organisation.objects.create(
        kind=kind, name=name.strip(), parent=recommending_unit, union_name=union_name.strip(),
        credit_code=code,
        credit_code_status=CreditCodeStatus.PENDING if credit_code_pending else CreditCodeStatus.VALID,
        region_code=code[2:8], address=address.strip(), contact_name=contact_name.strip(),
        contact_mobile=mobile, contact_email=email, registration_status=RegistrationStatus.NEW,
    )
    user = User(username=mobile, mobile=mobile, email=email, display_name=contact_name.strip())
    user.set_password(password)
    user.save()
    Membership.objects.create(user=user, organisation=unit, role=Role.DECLARER)
    audit.record(actor=user, action="org.register", obj=unit, ip=ip, data={
        "kind": kind, "credit_code": code, "credit_code_status": unit.credit_code_status,
        "recommending_unit": recommending_unit.pk, "user": user.pk,
    })
    return user


# --- Invitations -----------------------------------------------------------------------------


def create_invitation(*, actor: User, organisation: Organisation, role: str, name: str = "",
                      email: str = "") -> Invitation:
    """Create a one-time invitation link for a role in a unit and e-mail it when an address is given."""
    with transaction.atomic():
        invitation = Invitation.objects.create(
            token=Invitation.new_token(), organisation=organisation, role=role, name=name.strip(),
            email=email.strip(), created_by=actor,
            expires_at=timezone.now() + dt.timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        audit.record(actor=actor, action="invitation.create", obj=invitation,
                     data={"organisation": organisation.pk, "role": role, "email": invitation.email})
    # Sent after the commit: a mail server that is down must not undo the invitation, whose
    # link the committee office can still copy from the page.
    if invitation.email:
        context = {"invitation": invitation, "link": invitation.get_accept_url(),
                   "days": settings.INVITATION_VALID_DAYS}
        subject = render_to_string("accounts/invitation_email_subject.txt", context).strip()
        body = render_to_string("accounts/invitation_email.txt", context)
        try:
            send_mail(subject, body, None, [invitation.email])
        except OSError:
            logger.exception("Invitation %s: e-mail to %s failed", invitation.pk, invitation.email)
        else:
            invitation.emailed_at = timezone.now()
            invitation.save(update_fields=["emailed_at"])
    return invitation


@transaction.atomic
def accept_invitation(*, actor: User | None, token: str, display_name: str = "", mobile: str = "",
                      username: str = "", email: str = "", password: str = "") -> User:
    """Use an invitation: give its role to `actor` when logged in, else create a new user with it."""
    invitation = Invitation.objects.select_for_update().select_related("organisation").filter(token=token).first()
    if invitation is None or not invitation.is_usable:
        raise Refused(_("This invitation link has already been used or has expired."))
    if actor is not None and actor.is_authenticated:
        user = actor
        created = False
    else:
        mobile = normalize_mobile(mobile)
        user = User(username=(username or "").strip() or mobile, mobile=mobile, email=email,
                    display_name=display_name.strip())
        user.set_password(password)
        user.save()
        created = True
    membership, _new = Membership.objects.get_or_create(user=user, organisation=invitation.organisation,
                                                        role=invitation.role)
    if not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    invitation.used_at = timezone.now()
    invitation.used_by = user
    invitation.save(update_fields=["used_at", "used_by"])
    audit.record(actor=user, action="invitation.accept", obj=invitation, data={
        "organisation": invitation.organisation_id, "role": invitation.role, "user": user.pk,
        "new_account": created,
    })
    return user
