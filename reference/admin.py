"""Django admin for the bureau's superusers: reference data."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Industry, IndustryCluster, Major


@admin.register(Industry)
class IndustryAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "parent_code")
    search_fields = ("code", "name")


@admin.register(IndustryCluster)
class IndustryClusterAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "industry_codes", "is_key", "order")
    list_filter = ("is_key",)
    search_fields = ("code", "name")


@admin.register(Major)
class MajorAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "industry_codes")
    list_filter = ("level",)
    search_fields = ("code", "name")
