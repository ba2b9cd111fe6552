"""DRF settings hooks (pagination, role permission, error format).

Kept apart from portal.api because DRF imports these while loading its settings,
before rest_framework.views can be imported.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import pagination, permissions

from .roles import Role, role_of


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class RolePermission(permissions.BasePermission):
    """Signed-in users with a role; agencies read only. Row-level rules live in each app's scoping."""

    def has_permission(self, request, view):
        role = role_of(request.user)
        if role is None:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return role != Role.AGENCY


def exception_handler(exc, context):
    """Django ValidationErrors raised by services become 400 with field-level messages."""
    from rest_framework.exceptions import ValidationError
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = ValidationError(
                {field: [m for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
            )
        else:
            exc = ValidationError({"non_field_errors": exc.messages})
    return drf_exception_handler(exc, context)
