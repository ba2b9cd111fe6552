"""Django admin for the major catalogue, programs, annual figures and order classes."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import OrderClass, Program, ProgramYear


class ProgramYearInline(admin.TabularInline):
    model = ProgramYear
    extra = 0


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    list_display = ("college", "major", "schooling", "established_on", "closed_on", "enrollment_status", "emerging")
    list_filter = ("schooling", "enrollment_status", "emerging")
    search_fields = ("college__name", "major__code", "major__name")
    autocomplete_fields = ("college", "major")
    list_select_related = ("college", "major")
    inlines = [ProgramYearInline]


@admin.register(ProgramYear)
class ProgramYearAdmin(SimpleHistoryAdmin):
    list_display = ("program", "year", "graduates", "employed", "employed_in_field", "employed_locally")
    list_filter = ("year",)
    search_fields = ("program__college__name", "program__major__name", "program__major__code")
    autocomplete_fields = ("program",)
    list_select_related = ("program__college", "program__major")


@admin.register(OrderClass)
class OrderClassAdmin(SimpleHistoryAdmin):
    list_display = ("name", "program", "enterprise", "year", "seats", "kind")
    list_filter = ("kind", "year")
    search_fields = ("name", "enterprise__name", "program__college__name")
    autocomplete_fields = ("program", "enterprise")
    list_select_related = ("program__college", "program__major", "enterprise")
