from django.contrib import admin

from .models import AuditLog, Industry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that are never changed by hand: the audit log is append-only, the industry table is data."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
