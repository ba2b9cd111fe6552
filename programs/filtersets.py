"""Filters of majors, programs, annual figures and order classes: one FilterSet per model, shared by the
list pages and the API. `cluster`/`cluster_code` keep the programs whose major serves that cluster (SPEC 2)."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from colleges.filtersets import CollegeRowFilters, EnterpriseRowFilters, active_on_q
from portal.filters import FilterSet, NumberFilter
from reference.filtersets import ClusterFilters

from .choices import EnrollmentStatus, OrderClassKind, Schooling
from .models import OrderClass, Program, ProgramYear


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


class ProgramYearFilterSet(FilterSet):
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
