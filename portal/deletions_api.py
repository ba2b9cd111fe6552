"""GET /api/v1/deletions/: the deletions feed (issue 16), so a mirror drops what was deleted.

Bureau and agencies read it: a deleted row can no longer say whose it was, and an id of another
enterprise's or college's row is none of an enterprise's or college's business. The others get 403.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.filters import OrderingFilter

from . import deletions
from .filters import UpdatedAfterFilter
from .models import Deletion
from .roles import Role, role_of


class DeletionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deletion
        fields = ["id", "resource", "object_id", "deleted_at"]
        read_only_fields = fields


class DeletionFilterSet(django_filters.FilterSet):
    resource = django_filters.ChoiceFilter(
        choices=lambda: [(name, name) for name in deletions.resources()], label=_("资源")
    )
    # Inclusive like updated_after: passing back the last deleted_at seen never misses a deletion.
    deleted_after = UpdatedAfterFilter(field_name="deleted_at", label=_("删除时间不早于（ISO 8601）"))

    class Meta:
        model = Deletion
        fields = ["resource", "deleted_after"]


class BureauOrAgency(permissions.BasePermission):
    message = _("删除记录仅向教育局和其他部门开放。")

    def has_permission(self, request, view):
        return role_of(request.user) in (Role.BUREAU, Role.AGENCY)


class DeletionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Rows deleted from the API's resources: resource, id and when, oldest first."""

    queryset = Deletion.objects.all()
    serializer_class = DeletionSerializer
    filterset_class = DeletionFilterSet
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["id", "deleted_at"]
    ordering = ["id"]
    permission_classes = [BureauOrAgency]
