"""Django admin for colleges and their rows (bureau superusers), with per-object audit history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import College, CooperationProject, IndustryCollege, IndustryCollegePartner, TrainingBase, TrainingSession


@admin.register(College)
class CollegeAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "district")
    list_filter = ("kind", "district")
    search_fields = ("code", "name")


class PartnerInline(admin.TabularInline):
    model = IndustryCollegePartner
    autocomplete_fields = ("enterprise",)
    extra = 0


@admin.register(IndustryCollege)
class IndustryCollegeAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "college", "cluster", "established_on")
    list_filter = ("cluster",)
    search_fields = ("code", "name", "college__name")
    autocomplete_fields = ("college", "cluster")
    list_select_related = ("college", "cluster")
    inlines = [PartnerInline]


@admin.register(TrainingBase)
class TrainingBaseAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "college", "enterprise", "kind", "certified", "established_on", "closed_on")
    list_filter = ("kind", "certified")
    search_fields = ("code", "name", "college__name", "enterprise__name")
    autocomplete_fields = ("college", "enterprise")
    list_select_related = ("college", "enterprise")


@admin.register(CooperationProject)
class CooperationProjectAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "college", "enterprise", "started_on", "ended_on")
    search_fields = ("code", "name", "college__name", "enterprise__name")
    autocomplete_fields = ("college", "enterprise")
    list_select_related = ("college", "enterprise")


@admin.register(TrainingSession)
class TrainingSessionAdmin(SimpleHistoryAdmin):
    list_display = ("title", "college", "enterprise", "held_on", "trainees")
    list_filter = ("held_on",)
    search_fields = ("title", "college__name", "enterprise__name")
    autocomplete_fields = ("college", "enterprise")
    list_select_related = ("college", "enterprise")
    date_hierarchy = "held_on"
