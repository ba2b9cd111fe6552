from django.contrib import admin

from .models import OneTimePassword


@admin.register(OneTimePassword)
class OneTimePasswordAdmin(admin.ModelAdmin):
    """Who still signs in with a password the bureau issued (deleting a row lifts the obligation)."""

    list_display = ["user", "issued_at", "issued_by"]
    search_fields = ["user__username"]
    readonly_fields = ["user", "issued_at", "issued_by"]
