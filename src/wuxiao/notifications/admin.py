"""Notifications and the committee's message texts, read-only (common/admin.py): the texts are
edited on the committee office's page, audited."""

from django.contrib import admin

from wuxiao.common.admin import ReadOnlyAdmin

from .models import MessageTemplate, Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "event", "title", "read_at", "email_status", "email_attempts"]
    list_filter = ["event", "email_status"]
    search_fields = ["title", "user__username", "user__display_name"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(ReadOnlyAdmin):
    list_display = ["event", "subject", "send_email"]
    search_fields = ["event", "subject"]
