"""REST resources of this app: enterprises."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.api import (
    ScopedModelViewSet,
    ScopedSerializer,
    changed_fields,
)
from portal.roles import Role
from reference.api import IndustryCodeField

from . import services
from .choices import EnterpriseTag
from .filtersets import (
    EnterpriseFilterSet,
)
from .models import Enterprise

# ---- serializers -------------------------------------------------------------------------


class EnterpriseSerializer(ScopedSerializer):
    industry = IndustryCodeField(help_text=_("行业代码（GB/T 4754-2017）"))
    tags = serializers.ListField(child=serializers.ChoiceField(choices=EnterpriseTag.choices), required=False)

    class Meta:
        model = Enterprise
        fields = ["id", "uscc", "name", "industry", "district", "scale", "tags", "integration_certified_on"]


# ---- viewsets ----------------------------------------------------------------------------


class EnterpriseViewSet(ScopedModelViewSet):
    queryset = Enterprise.objects.all()
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    search_fields = ["uscc", "name"]
    ordering_fields = ["uscc", "name", "district", "industry", "integration_certified_on"]
    destroy_roles = (Role.BUREAU,)

    def create_object(self, data):
        return services.enterprise_create(by=self.user, **data)

    def update_object(self, instance, data):
        return services.enterprise_update(enterprise=instance, by=self.user, **changed_fields(instance, data))


def register(router):
    """Register this app's resources on the /api/v1/ router."""
    router.register("enterprises", EnterpriseViewSet, basename="enterprise")
