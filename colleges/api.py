"""REST resources of this app: colleges, industry colleges, training bases, cooperation projects,
training sessions."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from enterprises.models import Enterprise
from portal.api import ScopedModelViewSet, ScopedSerializer
from portal.roles import Role

from . import services
from .filtersets import (
    CollegeFilterSet,
    CooperationProjectFilterSet,
    IndustryCollegeFilterSet,
    TrainingBaseFilterSet,
    TrainingSessionFilterSet,
)
from .models import College, CooperationProject, IndustryCollege, IndustryCollegePartner, TrainingBase, TrainingSession

# ---- serializers -------------------------------------------------------------------------

COLLEGE_CODE = serializers.CharField(source="college.code", read_only=True, help_text=_("院校代码"))
USCC = serializers.CharField(source="enterprise.uscc", read_only=True, help_text=_("统一社会信用代码"))


class CollegeSerializer(ScopedSerializer):
    class Meta:
        model = College
        fields = ["id", "code", "name", "kind", "district"]


class PartnerSerializer(serializers.ModelSerializer):
    uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = IndustryCollegePartner
        fields = ["enterprise", "uscc", "name", "is_chain_leader"]
        read_only_fields = fields


class IndustryCollegeSerializer(ScopedSerializer):
    owner_fields = ("college",)
    college_code = COLLEGE_CODE
    cluster_code = serializers.CharField(source="cluster.code", read_only=True)
    partners = PartnerSerializer(source="partnerships", many=True, read_only=True)
    partner_ids = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(),
        many=True,
        write_only=True,
        required=False,
        help_text=_("合作企业ID（整体替换）"),
    )
    chain_leader_ids = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(),
        many=True,
        write_only=True,
        required=False,
        help_text=_("其中的链主企业ID（也计为合作企业）"),
    )

    class Meta:
        model = IndustryCollege
        fields = [
            "id",
            "code",
            "name",
            "college",
            "college_code",
            "cluster",
            "cluster_code",
            "established_on",
            "partners",
            "partner_ids",
            "chain_leader_ids",
        ]


class TrainingBaseSerializer(ScopedSerializer):
    owner_fields = ("college",)
    college_code = serializers.CharField(source="college.code", read_only=True, allow_null=True)
    uscc = serializers.CharField(source="enterprise.uscc", read_only=True, allow_null=True)

    class Meta:
        model = TrainingBase
        fields = [
            "id",
            "code",
            "name",
            "college",
            "college_code",
            "enterprise",
            "uscc",
            "kind",
            "certified",
            "established_on",
            "closed_on",
        ]


class CooperationProjectSerializer(ScopedSerializer):
    owner_fields = ("college",)
    college_code = COLLEGE_CODE
    uscc = USCC

    class Meta:
        model = CooperationProject
        fields = ["id", "code", "name", "college", "college_code", "enterprise", "uscc", "started_on", "ended_on"]


class TrainingSessionSerializer(ScopedSerializer):
    owner_fields = ("college",)
    college_code = COLLEGE_CODE
    uscc = USCC

    class Meta:
        model = TrainingSession
        fields = ["id", "college", "college_code", "enterprise", "uscc", "title", "held_on", "trainees"]


# ---- viewsets ----------------------------------------------------------------------------


class CollegeViewSet(ScopedModelViewSet):
    queryset = College.objects.all()
    serializer_class = CollegeSerializer
    filterset_class = CollegeFilterSet
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name", "kind", "district"]
    save_service = staticmethod(services.college_save)
    destroy_roles = (Role.BUREAU,)


class IndustryCollegeViewSet(ScopedModelViewSet):
    queryset = IndustryCollege.objects.select_related("college", "cluster").prefetch_related(
        Prefetch("partnerships", queryset=IndustryCollegePartner.objects.select_related("enterprise"))
    )
    serializer_class = IndustryCollegeSerializer
    filterset_class = IndustryCollegeFilterSet
    search_fields = ["code", "name", "college__name"]
    ordering_fields = ["code", "name", "established_on"]
    create_roles = (Role.BUREAU, Role.COLLEGE)

    def create_object(self, data):
        return self.update_object(IndustryCollege(), data)

    def update_object(self, instance, data):
        partners = {key: [e.pk for e in data.pop(key)] for key in ("partner_ids", "chain_leader_ids") if key in data}
        for name, value in data.items():
            setattr(instance, name, value)
        return services.industry_college_save(instance=instance, by=self.user, **partners)


class TrainingBaseViewSet(ScopedModelViewSet):
    queryset = TrainingBase.objects.select_related("college", "enterprise")
    serializer_class = TrainingBaseSerializer
    filterset_class = TrainingBaseFilterSet
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name", "established_on", "closed_on"]
    save_service = staticmethod(services.training_base_save)
    create_roles = (Role.BUREAU, Role.COLLEGE)


class CooperationProjectViewSet(ScopedModelViewSet):
    queryset = CooperationProject.objects.select_related("college", "enterprise")
    serializer_class = CooperationProjectSerializer
    filterset_class = CooperationProjectFilterSet
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name", "started_on", "ended_on"]
    save_service = staticmethod(services.cooperation_project_save)
    create_roles = (Role.BUREAU, Role.COLLEGE)


class TrainingSessionViewSet(ScopedModelViewSet):
    queryset = TrainingSession.objects.select_related("college", "enterprise")
    serializer_class = TrainingSessionSerializer
    filterset_class = TrainingSessionFilterSet
    search_fields = ["title", "enterprise__name"]
    ordering_fields = ["held_on", "trainees", "title"]
    save_service = staticmethod(services.training_session_save)
    create_roles = (Role.BUREAU, Role.COLLEGE)


def register(router):
    """Register this app's resources on the /api/v1/ router."""
    router.register("colleges", CollegeViewSet, basename="college")
    router.register("industry-colleges", IndustryCollegeViewSet, basename="industry-college")
    router.register("training-bases", TrainingBaseViewSet, basename="training-base")
    router.register("cooperation-projects", CooperationProjectViewSet, basename="cooperation-project")
    router.register("training-sessions", TrainingSessionViewSet, basename="training-session")
