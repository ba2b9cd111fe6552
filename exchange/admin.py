"""Django admin: import jobs, read-only (they are written by exchange.services only); a job can be deleted."""

from django.contrib import admin

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("id", "filename", "mode", "status", "error_count", "uploaded_by", "confirmed_by", "created_at")
    list_filter = ("mode", "status", "kind")
    search_fields = ("filename",)
    list_select_related = ("uploaded_by", "confirmed_by")
    exclude = ("data",)  # the stored upload: up to UPLOAD_MAX_BYTES of bytes

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data", "errors")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
