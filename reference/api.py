"""REST resources of reference data: industries, clusters, majors, districts and the priority-major
directory (read by every signed-in user, written by the bureau)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import get_attribute

from portal.api import ScopedModelViewSet, ScopedSerializer
from portal.drf import Conflict

from . import services
from .filtersets import (
    DistrictFilterSet,
    IndustryClusterFilterSet,
    IndustryFilterSet,
    MajorFilterSet,
    PriorityMajorFilterSet,
)
from .models import District, Industry, IndustryCluster, Major, PriorityMajor


class CodeField(serializers.SlugRelatedField):
    """A reference row named by its code. The foreign key's column *is* the code (to_field), so it is
    read from the row itself: lists need no join and no related object per row."""

    model = None

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=self.model.objects.all(), **kwargs)

    def get_attribute(self, instance):
        return get_attribute(instance, [*self.source_attrs[:-1], f"{self.source_attrs[-1]}_id"])

    def to_representation(self, value):
        return value


class IndustryCodeField(CodeField):
    model = Industry


class MajorCodeField(CodeField):
    model = Major


class ClusterCodeField(CodeField):
    model = IndustryCluster


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


class DistrictSerializer(ScopedSerializer):
    # Blank until the bureau fills it in; the six digits are checked by the model (an empty code is allowed),
    # so the schema must not promise the pattern for every row.
    code = serializers.CharField(max_length=6, allow_blank=True, required=False, help_text=_("GB/T 2260，如 320803"))

    class Meta:
        model = District
        fields = ["id", "code", "name", "order", "updated_at"]


class DistrictViewSet(ScopedModelViewSet):
    """Districts (SPEC 2): the bureau keeps the list; one still named by a college or an enterprise
    can be neither deleted (409) nor renamed (400)."""

    queryset = District.objects.all()
    serializer_class = DistrictSerializer
    filterset_class = DistrictFilterSet
    search_fields = ["code", "name"]
    ordering_fields = ["order", "code", "name", "updated_at"]
    save_service = staticmethod(services.district_save)

    def destroy_object(self, instance):
        try:
            services.district_delete(district=instance, by=self.user)
        except DjangoValidationError as error:
            raise Conflict(" ".join(error.messages)) from error


class PriorityMajorSerializer(ScopedSerializer):
    major_code = MajorCodeField(source="major", help_text=_("专业代码（6位）"))
    major_name = serializers.CharField(source="major.name", read_only=True)
    cluster_code = ClusterCodeField(source="cluster", required=False, allow_null=True, help_text=_("产业集群代码"))

    class Meta:
        model = PriorityMajor
        fields = ["id", "major_code", "major_name", "cluster_code", "effective_from", "effective_to", "updated_at"]
        # Not DRF's unique-together check: the service's full_clean names the clash in Chinese.
        validators = []


class PriorityMajorViewSet(ScopedModelViewSet):
    """The 优先发展专业目录 (SPEC 2): `in_directory_on=YYYY-MM-DD` keeps the entries in force that day."""

    queryset = PriorityMajor.objects.select_related("major")
    serializer_class = PriorityMajorSerializer
    filterset_class = PriorityMajorFilterSet
    search_fields = ["major__code", "major__name"]
    ordering_fields = ["major", "cluster", "effective_from", "effective_to", "updated_at"]
    save_service = staticmethod(services.priority_major_save)

    def destroy_object(self, instance):
        services.priority_major_delete(entry=instance, by=self.user)


def register(router):
    """Register this app's resources on the /api/v1/ router."""
    router.register("industries", IndustryViewSet, basename="industry")
    router.register("clusters", IndustryClusterViewSet, basename="cluster")
    router.register("majors", MajorViewSet, basename="major")
    router.register("districts", DistrictViewSet, basename="district")
    router.register("priority-majors", PriorityMajorViewSet, basename="priority-major")
