from django.contrib import admin

from .models import Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "credit_code", "credit_code_status", "registration_status",
                    "is_active", "created_at"]
    list_filter = ["kind", "credit_code_status", "registration_status", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["name", "union_name", "credit_code", "contact_name", "contact_mobile"]
    raw_id_fields = ["parent"]
    readonly_fields = ["created_at"]
    inlines = [MembershipInline]
    list_per_page = 50


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__display_name", "user__mobile", "organisation__name"]
    raw_id_fields = ["user", "organisation"]
