"""Admin pages for looking into batches, their handed-over summary sheets, quota exceptions, deadline extensions
and flags.

Read-only: a batch is handed over and reopened, and an exception granted, only through
services.py, which checks the rules and writes the audit log.
"""

from django.contrib import admin

from wuxiao.common.admin import ReadOnlyAdmin

from .models import Batch, DeadlineExtension, Flag, QuotaException, SummarySheet


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdmin):
    list_display = ("unit", "edition", "submitted_at", "reopened_at", "version")
    list_filter = ("edition",)
    search_fields = ("unit__name",)


@admin.register(QuotaException)
class QuotaExceptionAdmin(ReadOnlyAdmin):
    list_display = ("unit", "edition", "extra", "granted_by", "granted_at")
    list_filter = ("edition",)
    search_fields = ("unit__name", "reason")


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ReadOnlyAdmin):
    list_display = ("unit", "edition", "until", "granted_by", "granted_at")
    list_filter = ("edition",)
    search_fields = ("unit__name", "reason")


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    list_display = ("entry", "kind", "other", "score", "found_at")
    list_filter = ("edition", "kind")


@admin.register(SummarySheet)
class SummarySheetAdmin(ReadOnlyAdmin):
    list_display = ("batch", "handed_over_at", "handed_over_by", "stamped_sheet_name")
    list_filter = ("batch__edition",)
    search_fields = ("batch__unit__name",)
