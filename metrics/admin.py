"""Django admin for targets (editable, with history) and, read-only, metric runs, snapshots and alerts.

Runs, snapshots and alerts are written by the engine and the review service only, so the admin
shows them without letting anyone edit a figure by hand.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Alert, MetricRun, Snapshot, Target


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ("metric", "scope_type", "scope_id", "comparator", "threshold", "deadline_year", "annual", "order")
    list_filter = ("metric", "scope_type", "annual")
    search_fields = ("source",)


@admin.register(MetricRun)
class MetricRunAdmin(ReadOnlyAdmin):
    list_display = ("id", "year", "quarter", "status", "progress_done", "progress_total", "trigger", "queued_at")
    list_filter = ("status", "year", "quarter", "trigger")


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ("metric", "scope_type", "scope_name", "year", "quarter", "value", "numerator", "denominator")
    list_filter = ("year", "quarter", "scope_type", "metric")
    search_fields = ("scope_id", "scope_name")
    list_select_related = ("run",)


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("program", "year", "level", "status", "raised_at", "answered_at", "decision", "decided_at")
    list_filter = ("level", "status", "decision", "year")
    search_fields = ("program__college__name", "program__major__name")
    list_select_related = ("program__college", "program__major", "decided_by")
