"""Django admin for the bureau's superusers: demand lists, items, their history, assignments, the colleges'
proposals of 销号 and claims.

Statuses are read-only here: they move only through the services (which record who and
when), so the admin cannot skip a transition or leave an item without its history.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DemandAssignment, DemandClaim, DemandItem, DemandItemEvent, DemandList, FulfilmentProposal


class DemandItemInline(admin.TabularInline):
    model = DemandItem
    fields = ("kind", "title", "industry", "major_code", "headcount", "due_on", "status")
    readonly_fields = ("status",)
    autocomplete_fields = ("industry",)
    extra = 0
    show_change_link = True


@admin.register(DemandList)
class DemandListAdmin(SimpleHistoryAdmin):
    list_display = ("enterprise", "year", "quarter", "status", "submitted_at", "reviewed_at")
    list_filter = ("status", "year", "quarter")
    search_fields = ("enterprise__name", "enterprise__uscc")
    autocomplete_fields = ("enterprise",)
    readonly_fields = ("status", "return_reason", "submitted_at", "reviewed_at", "reviewed_by", "created_at")
    list_select_related = ("enterprise",)
    inlines = [DemandItemInline]


class DemandItemEventInline(admin.TabularInline):
    model = DemandItemEvent
    fields = ("at", "kind", "from_status", "to_status", "by", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DemandItem)
class DemandItemAdmin(SimpleHistoryAdmin):
    list_display = ("title", "demand_list", "kind", "industry", "major_code", "headcount", "due_on", "status")
    list_filter = ("kind", "status", "year", "quarter", "list_status")
    search_fields = ("title", "demand_list__enterprise__name", "demand_list__enterprise__uscc", "major_code")
    raw_id_fields = ("demand_list",)
    autocomplete_fields = ("industry",)
    readonly_fields = ("status", "fulfilled_on", "fulfilled_headcount", "claims_open", "created_at", "updated_at")
    list_select_related = ("demand_list__enterprise", "industry")
    inlines = [DemandItemEventInline]


@admin.register(DemandItemEvent)
class DemandItemEventAdmin(admin.ModelAdmin):
    """The status log is evidence: readable, never edited."""

    list_display = ("item", "kind", "from_status", "to_status", "by", "at", "note")
    list_filter = ("kind", "to_status")
    search_fields = ("item__title",)
    list_select_related = ("item", "by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DemandAssignment)
class DemandAssignmentAdmin(admin.ModelAdmin):
    list_display = ("item", "college", "assigned_by", "assigned_at")
    search_fields = ("item__title", "college__name")
    raw_id_fields = ("item",)
    autocomplete_fields = ("college",)
    readonly_fields = ("assigned_by", "assigned_at")
    list_select_related = ("item", "college", "assigned_by")


class _DecidedByTheBureauAdmin(admin.ModelAdmin):
    """Proposals and claims are decided on the item's page (the services record the history): read-only here."""

    search_fields = ("item__title", "college__name")
    list_filter = ("status",)
    list_select_related = ("item", "college")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FulfilmentProposal)
class FulfilmentProposalAdmin(_DecidedByTheBureauAdmin):
    list_display = ("item", "college", "headcount", "fulfilled_on", "status", "proposed_at", "decided_at")


@admin.register(DemandClaim)
class DemandClaimAdmin(_DecidedByTheBureauAdmin):
    list_display = ("item", "college", "headcount", "status", "claimed_at", "decided_at")
