"""Users, invitations and API tokens, read-only for the site administrator (common/admin.py).

Accounts are made by sign-up and invitations, passwords changed by their owners, tokens issued by
the API: each through a service that checks the rules and writes the audit log.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuxiao.common.admin import ReadOnlyAdmin, ReadOnlyInline
from wuxiao.orgs.models import Membership

from .models import ApiToken, Invitation, LoginThrottle, User


def _admin_login(request, extra_context=None):
    # The admin's own login form would bypass the throttling of failed logins: use ours.
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), settings.LOGIN_URL)


admin.site.login = _admin_login


class MembershipInline(ReadOnlyInline):
    model = Membership
    fk_name = "user"


@admin.register(User)
class UserAdmin(ReadOnlyAdmin, DjangoUserAdmin):
    list_display = ("username", "display_name", "mobile", "email", "is_active", "is_superuser", "last_login")
    search_fields = ("username", "display_name", "mobile", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("display_name", "mobile", "email", "first_name", "last_name")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "role", "name", "email", "created_at", "expires_at", "used_at", "used_by")
    list_filter = ("role",)
    search_fields = ("organisation__name", "name", "email")
    exclude = ("token",)  # the one-time link is shown to its creator only


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("user", "name", "created_at", "last_used_at", "expires_at")
    search_fields = ("user__username", "user__display_name", "name")
    exclude = ("key",)


@admin.register(LoginThrottle)
class LoginThrottleAdmin(ReadOnlyAdmin):
    """The login throttle's counters, to see who is being slowed down; they expire by themselves."""

    list_display = ("key", "count", "window_start", "next_at")
    search_fields = ("key",)
