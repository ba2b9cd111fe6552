"""Django admin for units, tasks and reports. Reports are filed and reviewed on the pages (plan.services);
the admin only reads them."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Task, TaskReport, Unit


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "order")
    search_fields = ("code", "name")


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "due_on", "updated_at")
    search_fields = ("code", "title")
    filter_horizontal = ("lead_units", "co_units")


@admin.register(TaskReport)
class TaskReportAdmin(SimpleHistoryAdmin):
    list_display = ("task", "unit", "year", "quarter", "status", "review_state", "updated_at")
    list_filter = ("year", "quarter", "status", "review_state")
    list_select_related = ("task", "unit")
    search_fields = ("task__code", "task__title", "unit__name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
