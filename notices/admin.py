from django.contrib import admin

from .models import Notice, NoticePreference


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "sent_on", "read_at", "mail_status"]
    list_filter = ["kind", "mail_status", "sent_on"]
    search_fields = ["title", "reason", "recipient__username"]
    raw_id_fields = ["recipient"]


@admin.register(NoticePreference)
class NoticePreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_enabled"]
    raw_id_fields = ["user"]
