import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxiao.common.validators import validate_mobile


class Role(models.TextChoices):
    """What a person does in the competition; held through a Membership in a unit."""

    DECLARER = "declarer", _("declaring-unit staff")
    RECOMMENDER = "recommender", _("recommending-unit staff")
    COMMITTEE = "committee", _("committee office")
    EXPERT = "expert", _("expert")


ADMIN_ROLE = "admin"  # site administrators are superusers, not members of a unit


class User(AbstractUser):
    """A person. Logs in by username or mobile number; roles come from memberships."""

    mobile = models.CharField(
        _("mobile number"), max_length=11, blank=True, validators=[validate_mobile],
        help_text=_("11 digits; can be used to log in."),
    )
    display_name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(fields=["mobile"], condition=~Q(mobile=""), name="user_mobile_unique"),
        ]

    def __str__(self):
        return self.display_name or self.username

    def save(self, *args, **kwargs):
        # set_password() keeps the new password in _password until the save; a hash upgrade at
        # login clears it first. So this is a real change (reset, change, admin, manage.py), and
        # every path revokes the API tokens issued under the old password.
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            from .services import revoke_api_tokens  # services imports this module

            revoke_api_tokens(user=self, reason="password_changed")

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def has_perm(self, perm, obj=None) -> bool:
        """The rules predicate named `perm` (common.permissions.allowed), with no superuser shortcut."""
        from wuxiao.common.permissions import allowed

        return allowed(self, perm, obj)

    def has_perms(self, perm_list, obj=None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label) -> bool:
        """Only the Django admin asks this: the site administrator's read-only view (common/admin.py)."""
        from .rules import is_administrator

        return bool(self.is_active and is_administrator(self))

    def active_memberships(self):
        """The user's active memberships with their units, loaded once per request."""
        if not hasattr(self, "_memberships_cache"):
            self._memberships_cache = list(
                self.memberships.filter(is_active=True).select_related("organisation", "organisation__parent")
            )
        return self._memberships_cache

    def role_set(self) -> frozenset[str]:
        roles = {m.role for m in self.active_memberships()}
        if self.is_superuser:
            roles.add(ADMIN_ROLE)
        return frozenset(roles)

    def units_with_role(self, role: str) -> list:
        return [m.organisation for m in self.active_memberships() if m.role == role]

    def unit_ids_with_role(self, role: str) -> set[int]:
        return {m.organisation_id for m in self.active_memberships() if m.role == role}


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    USED = "used", _("used")
    EXPIRED = "expired", _("expired")


class Invitation(models.Model):
    """A one-time link that creates an account with a role in a unit (R13, recommending units)."""

    token = models.CharField(max_length=64, unique=True, editable=False)
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("unit"), on_delete=models.CASCADE,
                                     related_name="invitations")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("invited by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("used by"))
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_role_display()} @ {self.organisation}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and not self.is_expired

    @property
    def status(self) -> str:
        if self.used_at is not None:
            return InvitationStatus.USED
        return InvitationStatus.EXPIRED if self.is_expired else InvitationStatus.PENDING

    def get_status_display(self) -> str:
        return InvitationStatus(self.status).label

    def get_accept_url(self) -> str:
        """The absolute one-time link (SITE_URL), for e-mails and for copying."""
        from django.urls import reverse

        return settings.SITE_URL + reverse("accounts:invitation_accept", args=[self.token])


class LoginThrottle(models.Model):
    """Password checks reserved under one key (an account, an address, or both) in the current window.

    A check is reserved here before the password is verified and released when it was right, so
    the count is of failures and of checks still running (see accounts.services.authenticate_login).
    """

    key = models.CharField(_("counted for"), max_length=255, unique=True)
    count = models.PositiveIntegerField(_("checks"), default=0)
    window_start = models.DateTimeField(_("counting since"), db_index=True)
    # Over its limit, a slowed key allows one check at a time, not before this moment.
    next_at = models.DateTimeField(_("next check not before"))

    class Meta:
        verbose_name = _("login throttle")
        verbose_name_plural = _("login throttles")

    def __str__(self):
        return f"{self.key}: {self.count}"


def token_expiry():
    return timezone.now() + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS)


class ApiToken(models.Model):
    """A bearer token for the REST API (Authorization: Bearer <key>)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key = models.CharField(max_length=64, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), default=token_expiry, db_index=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.user} {self.name}"
