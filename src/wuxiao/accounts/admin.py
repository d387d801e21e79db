"""Django admin for the site administrator: users, invitations, API tokens."""

import secrets

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuxiao.orgs.models import Membership

from .models import ApiToken, Invitation, LoginThrottle, User


def _admin_login(request, extra_context=None):
    # The admin's own login form would bypass the throttling of failed logins: use ours.
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), settings.LOGIN_URL)


admin.site.login = _admin_login


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ()
    raw_id_fields = ("organisation",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "display_name", "mobile", "email", "is_active", "is_superuser", "last_login")
    search_fields = ("username", "display_name", "mobile", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("display_name", "mobile", "email", "first_name", "last_name")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "display_name", "mobile", "email",
                                                 "password1", "password2")}),
    )
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("organisation", "role", "name", "email", "created_at", "expires_at", "used_at", "used_by")
    list_filter = ("role",)
    search_fields = ("organisation__name", "name", "email")
    readonly_fields = ("token", "created_by", "created_at", "used_at", "used_by", "emailed_at")
    raw_id_fields = ("organisation",)

    def has_add_permission(self, request):
        return False  # created on the invitations page, so that it is audited and e-mailed


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "created_at", "last_used_at", "expires_at")
    search_fields = ("user__username", "user__display_name", "name")
    readonly_fields = ("created_at", "last_used_at")
    raw_id_fields = ("user",)

    def save_model(self, request, obj, form, change):
        if not obj.key:
            from wuxiao.common.api_auth import hash_token

            raw = secrets.token_urlsafe(32)
            obj.key = hash_token(raw)  # only the digest is stored, as the API does
            messages.warning(request, _("The new token is %(key)s. Copy it now: it is not shown again.")
                             % {"key": raw})
        super().save_model(request, obj, form, change)


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    """Read-only, except deleting a row, which lifts that key's wait at once."""

    list_display = ("key", "count", "window_start", "next_at")
    search_fields = ("key",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
