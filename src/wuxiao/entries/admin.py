"""Admin pages for looking into entries and their history (read-only, see common/admin.py).

An entry changes only through the declaration form's services and `services.transition_entry`,
which check the rules and write the history and the audit log.
"""

from django.contrib import admin

from wuxiao.common.admin import ReadOnlyAdmin, ReadOnlyInline

from .enums import EntryStatus
from .models import Entry, EntryImport, EntryTransition


class EntryTransitionInline(ReadOnlyInline):
    model = EntryTransition
    fields = ("at", "action", "from_status", "to_status", "actor", "reason", "data")
    readonly_fields = fields
    show_change_link = True


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    # The edition is a filter, not a column: its long name squeezed the titles into columns of one character.
    list_display = ("title", "declaring_unit", "recommending_unit", "category", "status", "status_changed_at")
    list_filter = ("edition", "status")
    search_fields = ("title", "declaring_unit__name", "recommending_unit__name")
    list_select_related = ("edition", "declaring_unit", "recommending_unit", "category")
    inlines = [EntryTransitionInline]

    def get_queryset(self, request):
        # A draft is its declaring unit's own until it is submitted (entries.rules.can_view_entry).
        return super().get_queryset(request).exclude(status=EntryStatus.DRAFT)


@admin.register(EntryTransition)
class EntryTransitionAdmin(ReadOnlyAdmin):
    list_display = ("at", "entry", "action", "from_status", "to_status", "actor")
    list_filter = ("action", "to_status", "entry__edition")
    search_fields = ("entry__title", "reason")
    list_select_related = ("entry", "actor")
    date_hierarchy = "at"


@admin.register(EntryImport)
class EntryImportAdmin(ReadOnlyAdmin):
    """The Excel imports: who uploaded which file (name, size, SHA-256), what the check found, what it created."""

    list_display = ("original_name", "edition", "uploaded_by", "by_office", "status", "error_count", "created_at")
    list_filter = ("edition", "status", "by_office")
    search_fields = ("original_name", "sha256", "uploaded_by__username")
    list_select_related = ("edition", "uploaded_by")
    # The rows (titles, people) become the units' drafts, which are theirs alone (entries.rules.can_view_entry).
    exclude = ("file", "entries", "preview")
