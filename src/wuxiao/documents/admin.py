from django.contrib import admin

from wuxiao.common.admin import ReadOnlyAdmin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ("edition", "requested_by", "requested_at", "status", "done", "total")
    list_filter = ("status", "edition")
