"""The Django admin is a read-only window for the site administrator.

Every write of the domain (entries, units, memberships, decisions, commitments, editions,
accounts) goes through a service that checks the rules and writes the audit log; the admin
would bypass both, so it only shows. Who may look is a predicate (accounts.rules.is_administrator),
not Django's superuser shortcut.
"""

from django.contrib import admin
from django.contrib.auth.models import Group
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from wuxiao.accounts.rules import is_administrator

from .models import AuditLog, Industry


def _administrator(request) -> bool:
    return bool(request.user.is_active and is_administrator(request.user))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown to the site administrator; never added, changed or deleted here."""

    def has_module_permission(self, request):
        return _administrator(request)

    def has_view_permission(self, request, obj=None):
        return _administrator(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return _administrator(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _site_permission(request) -> bool:
    return bool(request.user.is_staff and _administrator(request))


admin.site.has_permission = _site_permission

# Groups are not how this platform grants anything (roles are memberships, permissions predicates).
admin.site.unregister(Group)


# The background jobs, read-only like the rest (the library's admin asks Django's model permissions).
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(ReadOnlyAdmin, DBTaskResultAdmin):
    pass


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_repr", "edition", "reason"]
    list_filter = ["action", "object_type"]
    list_select_related = ["actor", "edition"]
    search_fields = ["object_repr", "object_id", "reason", "actor__username", "actor__display_name"]
    date_hierarchy = "at"
    list_per_page = 50


@admin.register(Industry)
class IndustryAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
