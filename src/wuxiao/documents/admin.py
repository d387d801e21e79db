from django.contrib import admin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ("edition", "requested_by", "requested_at", "status", "done", "total")
    list_filter = ("status", "edition")
    readonly_fields = ("edition", "requested_by", "requested_at", "filters", "status", "done", "total", "result",
                       "error", "task_id", "finished_at")

    def has_add_permission(self, request):
        return False
