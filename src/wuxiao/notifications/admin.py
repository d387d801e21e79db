from django.contrib import admin

from .models import MessageTemplate, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "event", "title", "read_at", "email_status", "email_attempts"]
    list_filter = ["event", "email_status"]
    search_fields = ["title", "user__username", "user__display_name"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["event", "subject", "send_email"]
    search_fields = ["event", "subject"]
