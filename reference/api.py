"""REST resources of reference data: industries, clusters, majors (read by all, written by the bureau)."""

from rest_framework import serializers
from rest_framework.fields import get_attribute

from portal.api import ScopedModelViewSet, ScopedSerializer

from . import services
from .filtersets import IndustryClusterFilterSet, IndustryFilterSet, MajorFilterSet
from .models import Industry, IndustryCluster, Major


class IndustryCodeField(serializers.SlugRelatedField):
    """An industry named by its code. The foreign key's column *is* the code (to_field), so it is read
    from the row itself: lists need no join and no Industry object per row."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Industry.objects.all(), **kwargs)

    def get_attribute(self, instance):
        return get_attribute(instance, [*self.source_attrs[:-1], f"{self.source_attrs[-1]}_id"])

    def to_representation(self, value):
        return value


class IndustrySerializer(ScopedSerializer):
    class Meta:
        model = Industry
        fields = ["id", "code", "name", "parent_code"]


class IndustryClusterSerializer(ScopedSerializer):
    industry_codes = serializers.ListField(child=serializers.CharField(max_length=8), allow_empty=False)

    class Meta:
        model = IndustryCluster
        fields = ["id", "code", "name", "industry_codes", "is_key", "order"]


class IndustryViewSet(ScopedModelViewSet):
    queryset = Industry.objects.all()
    serializer_class = IndustrySerializer
    filterset_class = IndustryFilterSet
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]
    save_service = staticmethod(services.industry_save)


class IndustryClusterViewSet(ScopedModelViewSet):
    queryset = IndustryCluster.objects.all()
    serializer_class = IndustryClusterSerializer
    filterset_class = IndustryClusterFilterSet
    search_fields = ["code", "name"]
    ordering_fields = ["order", "code", "name"]
    save_service = staticmethod(services.cluster_save)


class MajorSerializer(ScopedSerializer):
    industry_codes = serializers.ListField(child=serializers.CharField(max_length=8), allow_empty=False)

    class Meta:
        model = Major
        fields = ["id", "code", "name", "level", "industry_codes"]


class MajorViewSet(ScopedModelViewSet):
    queryset = Major.objects.all()
    serializer_class = MajorSerializer
    filterset_class = MajorFilterSet
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name", "level"]
    save_service = staticmethod(services.major_save)


def register(router):
    """Register this app's resources on the /api/v1/ router."""
    router.register("industries", IndustryViewSet, basename="industry")
    router.register("clusters", IndustryClusterViewSet, basename="cluster")
    router.register("majors", MajorViewSet, basename="major")
