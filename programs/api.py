"""REST resources of this app: programs, program-years, order-classes."""

from rest_framework import serializers

from portal.api import ScopedModelViewSet, ScopedSerializer
from portal.roles import Role

from . import services
from .filtersets import OrderClassFilterSet, ProgramFilterSet, ProgramYearFilterSet
from .models import OrderClass, Program, ProgramYear

# ---- serializers -------------------------------------------------------------------------


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


# ---- viewsets ----------------------------------------------------------------------------


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


def register(router):
    """Register this app's resources on the /api/v1/ router."""
    router.register("programs", ProgramViewSet, basename="program")
    router.register("program-years", ProgramYearViewSet, basename="program-year")
    router.register("order-classes", OrderClassViewSet, basename="order-class")
