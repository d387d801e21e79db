"""Units and memberships, read-only (common/admin.py): they change through orgs.services, audited."""

from django.contrib import admin

from wuxiao.common.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Membership, Organisation


class MembershipInline(ReadOnlyInline):
    model = Membership


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "parent", "credit_code", "credit_code_status", "registration_status",
                    "is_active", "created_at"]
    list_filter = ["kind", "credit_code_status", "registration_status", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["name", "union_name", "credit_code", "contact_name", "contact_mobile"]
    inlines = [MembershipInline]
    list_per_page = 50


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "organisation", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__display_name", "user__mobile", "organisation__name"]
