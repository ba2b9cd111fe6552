"""REST resources of this app: majors, programs, program-years, order-classes, and the programs
suggested for a demand item (`GET demand-items/{id}/suggestions`, registered here)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from colleges import api as colleges_api
from portal.api import ScopedModelViewSet, ScopedSerializer
from portal.roles import Role

from . import selectors, services
from .filtersets import MajorFilterSet, OrderClassFilterSet, ProgramFilterSet, ProgramYearFilterSet
from .models import Major, OrderClass, Program, ProgramYear

# ---- serializers -------------------------------------------------------------------------


class MajorSerializer(ScopedSerializer):
    industry_codes = serializers.ListField(child=serializers.CharField(max_length=8), allow_empty=False)

    class Meta:
        model = Major
        fields = ["id", "code", "name", "level", "industry_codes"]


class ProgramSerializer(ScopedSerializer):
    owner_fields = ("college",)
    college_code = serializers.CharField(source="college.code", read_only=True)
    major_code = serializers.CharField(source="major.code", read_only=True)
    major_name = serializers.CharField(source="major.name", read_only=True)

    class Meta:
        model = Program
        fields = [
            "id",
            "college",
            "college_code",
            "major",
            "major_code",
            "major_name",
            "schooling",
            "established_on",
            "closed_on",
            "enrollment_status",
            "emerging",
        ]


class _ProgramKeys(ScopedSerializer):
    """Natural key of the program (college code, major code, schooling) as the exchange files name it."""

    owner_fields = ("program",)
    college_code = serializers.CharField(source="program.college.code", read_only=True)
    major_code = serializers.CharField(source="program.major.code", read_only=True)
    schooling = serializers.CharField(source="program.schooling", read_only=True)


class ProgramYearSerializer(_ProgramKeys):
    class Meta:
        model = ProgramYear
        fields = [
            "id",
            "program",
            "college_code",
            "major_code",
            "schooling",
            "year",
            "enrolled",
            "admitted",
            "graduates",
            "employed",
            "employed_in_field",
            "employed_locally",
        ]


class OrderClassSerializer(_ProgramKeys):
    uscc = serializers.CharField(source="enterprise.uscc", read_only=True)

    class Meta:
        model = OrderClass
        fields = [
            "id",
            "program",
            "college_code",
            "major_code",
            "schooling",
            "enterprise",
            "uscc",
            "year",
            "name",
            "seats",
            "kind",
        ]


class SuggestionSerializer(serializers.Serializer):
    program = serializers.IntegerField(source="program.pk")
    college_code = serializers.CharField(source="program.college.code")
    college_name = serializers.CharField(source="program.college.name")
    major_code = serializers.CharField(source="program.major.code")
    major_name = serializers.CharField(source="program.major.name")
    schooling = serializers.CharField(source="program.schooling")
    rank = serializers.IntegerField(help_text=_("1 同专业，2 同产业集群"))
    reason = serializers.CharField()
    expected_graduates = serializers.IntegerField(allow_null=True)
    graduates_year = serializers.IntegerField(allow_null=True)


# ---- viewsets ----------------------------------------------------------------------------


class MajorViewSet(ScopedModelViewSet):
    queryset = Major.objects.all()
    serializer_class = MajorSerializer
    filterset_class = MajorFilterSet
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name", "level"]
    save_service = staticmethod(services.major_save)


class ProgramViewSet(ScopedModelViewSet):
    queryset = Program.objects.select_related("college", "major")
    serializer_class = ProgramSerializer
    filterset_class = ProgramFilterSet
    search_fields = ["major__code", "major__name", "college__name"]
    ordering_fields = ["established_on", "closed_on", "schooling", "enrollment_status", "college__code", "major__code"]
    save_service = staticmethod(services.program_save)
    create_roles = (Role.BUREAU, Role.COLLEGE)


class ProgramYearViewSet(ScopedModelViewSet):
    queryset = ProgramYear.objects.select_related("program__college", "program__major")
    serializer_class = ProgramYearSerializer
    filterset_class = ProgramYearFilterSet
    search_fields = ["program__major__code", "program__major__name", "program__college__name"]
    ordering_fields = ["year", "graduates", "employed", "enrolled", "admitted"]
    save_service = staticmethod(services.program_year_save)
    create_roles = (Role.BUREAU, Role.COLLEGE)


class OrderClassViewSet(ScopedModelViewSet):
    queryset = OrderClass.objects.select_related("program__college", "program__major", "enterprise")
    serializer_class = OrderClassSerializer
    filterset_class = OrderClassFilterSet
    search_fields = ["name", "enterprise__name", "program__major__name"]
    ordering_fields = ["year", "seats", "name", "kind"]
    save_service = staticmethod(services.order_class_save)
    create_roles = (Role.BUREAU, Role.COLLEGE)


class DemandItemViewSet(colleges_api.DemandItemViewSet):
    """Demand items, their assignments, and the programs suggested to fill them."""

    @extend_schema(responses=SuggestionSerializer(many=True), summary=_("推荐专业点（同专业优先，其次同产业集群）"))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def suggestions(self, request, pk=None):
        item = self.get_object()
        return Response(SuggestionSerializer(selectors.suggested_programs(item=item), many=True).data)


def register(router):
    """Register this app's resources on the /api/v1/ router."""
    router.register("majors", MajorViewSet, basename="major")
    router.register("programs", ProgramViewSet, basename="program")
    router.register("program-years", ProgramYearViewSet, basename="program-year")
    router.register("order-classes", OrderClassViewSet, basename="order-class")
    router.register("demand-items", DemandItemViewSet, basename="demand-item")
