"""Admin pages for looking into entries and their history.

The status is read-only here: it changes only through `services.transition_entry`, which
checks the rules and writes the history and the audit log. History rows are never edited or
deleted, and an entry is not deleted (that would delete its history with it).
"""

from django.contrib import admin

from .models import Entry, EntryTransition

STATUS_FIELDS = ("status", "status_changed_at", "submitted_at", "recommendation_rank")


class EntryTransitionInline(admin.TabularInline):
    model = EntryTransition
    fields = ("at", "action", "from_status", "to_status", "actor", "reason", "data")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ("title", "edition", "declaring_unit", "recommending_unit", "category", "status",
                    "status_changed_at")
    list_filter = ("edition", "status")
    search_fields = ("title", "declaring_unit__name", "recommending_unit__name")
    list_select_related = ("edition", "declaring_unit", "recommending_unit", "category")
    raw_id_fields = ("declaring_unit", "recommending_unit", "category")
    readonly_fields = ("edition", *STATUS_FIELDS, "created_by", "created_at", "updated_at")
    inlines = [EntryTransitionInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EntryTransition)
class EntryTransitionAdmin(admin.ModelAdmin):
    list_display = ("at", "entry", "action", "from_status", "to_status", "actor")
    list_filter = ("action", "to_status", "entry__edition")
    search_fields = ("entry__title", "reason")
    list_select_related = ("entry", "actor")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
