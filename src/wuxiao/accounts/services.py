"""Accounts: registering a declaring unit, throttling logins, invitations. Writes are audited."""

import datetime as dt
import logging
import math

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.common import audit
from wuxiao.common.validators import is_mobile, normalize_credit_code, normalize_mobile
from wuxiao.orgs.models import CreditCodeStatus, Membership, Organisation, RegistrationStatus

from .models import Invitation, LoginFailure, Role, User

logger = logging.getLogger(__name__)


# --- Login throttling ------------------------------------------------------------------------
# Failures are rows in the database, not in a process's memory, so that every web process
# counts the same attempts.


def login_name_key(login: str) -> str:
    """The throttle key of a login name; a mobile number counts the same with or without +86."""
    login = (login or "").strip()
    return "name:" + (normalize_mobile(login) if is_mobile(login) else login.lower())[:150]


def ip_key(ip: str | None) -> str | None:
    return f"ip:{ip}" if ip else None


def login_wait_seconds(*, login: str, ip: str | None) -> int:
    """Seconds until a login with this name from this address may be tried again (0 = now)."""
    limit = settings.LOGIN_FAILURE_LIMIT
    window = dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    now = timezone.now()
    wait = 0
    for key in filter(None, (login_name_key(login), ip_key(ip))):
        times = list(LoginFailure.objects.filter(key=key, at__gt=now - window).order_by("-at")
                     .values_list("at", flat=True)[:limit])
        if len(times) >= limit:
            # Blocked until the oldest of the last `limit` failures leaves the window.
            wait = max(wait, math.ceil((times[-1] + window - now).total_seconds()))
    return wait


def login_wait_minutes(*, login: str, ip: str | None) -> int:
    seconds = login_wait_seconds(login=login, ip=ip)
    return math.ceil(seconds / 60) if seconds > 0 else 0


@transaction.atomic
def record_login_failure(*, login: str, ip: str | None) -> None:
    """Count one failed login against the name and the address; forget failures older than the window."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    keys = [k for k in (login_name_key(login), ip_key(ip)) if k]
    LoginFailure.objects.filter(key__in=keys, at__lte=cutoff).delete()
    LoginFailure.objects.bulk_create([LoginFailure(key=k) for k in keys])


@transaction.atomic
def clear_login_failures(*, login: str) -> None:
    """A successful login forgets the failures of its login name (the address keeps its count)."""
    LoginFailure.objects.filter(key=login_name_key(login)).delete()


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


class InvitationUnusable(Exception):
    """The link has been used or has expired."""


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
        raise InvitationUnusable(_("This invitation link has already been used or has expired."))
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
