"""Filters of majors, programs, annual figures and order classes: one FilterSet per model, shared by the
list pages and the API. `cluster`/`cluster_code` keep the programs whose major serves that cluster (SPEC 2)."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from colleges.filtersets import CollegeRowFilters, EnterpriseRowFilters, active_on_q
from enterprises.models import IndustryCluster
from enterprises.validators import codes_match
from portal.filters import NumberFilter

from .choices import EnrollmentStatus, MajorLevel, OrderClassKind, Schooling
from .models import Major, OrderClass, Program, ProgramYear


def majors_serving(cluster_lookup: dict):
    """Ids of the majors serving the cluster found by `cluster_lookup` (two queries; the catalogue is small)."""
    codes = IndustryCluster.objects.filter(**cluster_lookup).values_list("industry_codes", flat=True).first() or []
    return [
        pk
        for pk, major_codes in Major.objects.values_list("pk", "industry_codes")
        if any(codes_match(a, b) for a in major_codes or [] for b in codes)
    ]


class ClusterFilters(filters.FilterSet):
    cluster = NumberFilter(method="filter_cluster", label=_("服务产业集群ID"))
    cluster_code = filters.CharFilter(method="filter_cluster", label=_("服务产业集群代码"))

    major_path = "major_id"

    def filter_cluster(self, queryset, name, value):
        lookup = {"pk": value} if name == "cluster" else {"code": value}
        return queryset.filter(**{f"{self.major_path}__in": majors_serving(lookup)})


class MajorFilterSet(ClusterFilters):
    code = filters.CharFilter(label=_("专业代码"))
    code_prefix = filters.CharFilter(field_name="code", lookup_expr="startswith", label=_("专业代码前缀"))
    name = filters.CharFilter(lookup_expr="icontains", label=_("专业名称"))
    level = filters.MultipleChoiceFilter(distinct=False, choices=MajorLevel.choices, label=_("层次"))
    industry_code = filters.CharFilter(method="filter_industry_code", label=_("对应行业代码"))

    major_path = "pk"

    class Meta:
        model = Major
        fields = ["code", "code_prefix", "name", "level", "industry_code", "cluster", "cluster_code"]

    def filter_industry_code(self, queryset, name, value):
        return queryset.filter(industry_codes__icontains=f'"{value}"')


class ProgramFilterSet(CollegeRowFilters, ClusterFilters):
    major = NumberFilter(field_name="major_id", label=_("专业ID"))
    major_code = filters.CharFilter(field_name="major__code", label=_("专业代码"))
    schooling = filters.MultipleChoiceFilter(distinct=False, choices=Schooling.choices, label=_("学制"))
    enrollment_status = filters.MultipleChoiceFilter(
        distinct=False, choices=EnrollmentStatus.choices, label=_("招生状态")
    )
    emerging = filters.BooleanFilter(label=_("新兴产业急需"))
    established_on = filters.DateFromToRangeFilter(label=_("设立日期"))
    active_on = filters.DateFilter(method="filter_active_on", label=_("某日在办"))

    class Meta:
        model = Program
        fields = [
            "college",
            "college_code",
            "district",
            "major",
            "major_code",
            "schooling",
            "enrollment_status",
            "emerging",
            "established_on",
            "active_on",
            "cluster",
            "cluster_code",
        ]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(active_on_q("established_on", "closed_on", value))


class ProgramYearFilterSet(filters.FilterSet):
    program = NumberFilter(field_name="program_id", label=_("专业点ID"))
    college = NumberFilter(field_name="program__college_id", label=_("院校ID"))
    college_code = filters.CharFilter(field_name="program__college__code", label=_("院校代码"))
    district = filters.CharFilter(field_name="program__college__district", label=_("院校所在区县"))
    major_code = filters.CharFilter(field_name="program__major__code", label=_("专业代码"))
    schooling = filters.MultipleChoiceFilter(
        distinct=False, field_name="program__schooling", choices=Schooling.choices, label=_("学制")
    )
    year = NumberFilter(label=_("毕业年度"))
    year_min = NumberFilter(field_name="year", lookup_expr="gte", label=_("起始年度"))
    year_max = NumberFilter(field_name="year", lookup_expr="lte", label=_("截止年度"))

    class Meta:
        model = ProgramYear
        fields = [
            "program",
            "college",
            "college_code",
            "district",
            "major_code",
            "schooling",
            "year",
            "year_min",
            "year_max",
        ]


class OrderClassFilterSet(EnterpriseRowFilters):
    program = NumberFilter(field_name="program_id", label=_("专业点ID"))
    college = NumberFilter(field_name="program__college_id", label=_("院校ID"))
    college_code = filters.CharFilter(field_name="program__college__code", label=_("院校代码"))
    district = filters.CharFilter(field_name="program__college__district", label=_("院校所在区县"))
    major_code = filters.CharFilter(field_name="program__major__code", label=_("专业代码"))
    year = NumberFilter(label=_("年度"))
    kind = filters.MultipleChoiceFilter(distinct=False, choices=OrderClassKind.choices, label=_("类型"))
    name = filters.CharFilter(lookup_expr="icontains", label=_("班级名称"))

    class Meta:
        model = OrderClass
        fields = [
            "program",
            "college",
            "college_code",
            "district",
            "major_code",
            "enterprise",
            "uscc",
            "year",
            "kind",
            "name",
        ]
