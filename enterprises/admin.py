"""Django admin for the bureau's superusers: enterprises."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ("uscc", "name", "industry", "district", "scale", "tags", "integration_certified_on")
    list_filter = ("scale", "district")
    search_fields = ("uscc", "name")
    autocomplete_fields = ("industry",)
    list_select_related = ("industry",)
