"""Filters of the reference data: one FilterSet per model, shared by the list pages and the API.
`ClusterFilters` keeps the rows whose major serves a cluster (SPEC 2), for any model with a major."""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.filters import FilterSet, NumberFilter

from .choices import MajorLevel
from .matching import serves
from .models import District, Industry, IndustryCluster, Major, PriorityMajor


def majors_serving(cluster_lookup: dict):
    """Ids of the majors serving the cluster found by `cluster_lookup` (two queries; the catalogue is small)."""
    codes = IndustryCluster.objects.filter(**cluster_lookup).values_list("industry_codes", flat=True).first() or []
    return [
        pk for pk, major_codes in Major.objects.values_list("pk", "industry_codes") if serves(major_codes or [], codes)
    ]


class ClusterFilters(FilterSet):
    cluster = NumberFilter(method="filter_cluster", label=_("服务产业集群ID"))
    cluster_code = filters.CharFilter(method="filter_cluster", label=_("服务产业集群代码"))

    major_path = "major_id"

    def filter_cluster(self, queryset, name, value):
        lookup = {"pk": value} if name == "cluster" else {"code": value}
        return queryset.filter(**{f"{self.major_path}__in": majors_serving(lookup)})


class IndustryFilterSet(FilterSet):
    code = filters.CharFilter(label=_("行业代码"))
    code_prefix = filters.CharFilter(field_name="code", lookup_expr="startswith", label=_("行业代码前缀"))
    parent_code = filters.CharFilter(label=_("上级代码"))
    name = filters.CharFilter(lookup_expr="icontains", label=_("行业名称"))

    class Meta:
        model = Industry
        fields = ["code", "code_prefix", "parent_code", "name"]


class IndustryClusterFilterSet(FilterSet):
    code = filters.CharFilter(label=_("集群代码"))
    name = filters.CharFilter(lookup_expr="icontains", label=_("集群名称"))
    is_key = filters.BooleanFilter(label=_("重点集群"))
    industry_code = filters.CharFilter(method="filter_industry_code", label=_("包含行业代码"))

    class Meta:
        model = IndustryCluster
        fields = ["code", "name", "is_key", "industry_code"]

    def filter_industry_code(self, queryset, name, value):
        # The JSON list read as text: exact element match, portable to SQLite and PostgreSQL.
        return queryset.filter(industry_codes__icontains=f'"{value}"')


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


class DistrictFilterSet(FilterSet):
    code = filters.CharFilter(label=_("区划代码"))
    name = filters.CharFilter(lookup_expr="icontains", label=_("区县名称"))

    class Meta:
        model = District
        fields = ["code", "name"]


class PriorityMajorFilterSet(FilterSet):
    major_code = filters.CharFilter(field_name="major_id", label=_("专业代码"))
    cluster_code = filters.CharFilter(field_name="cluster_id", label=_("产业集群代码"))
    in_directory_on = filters.DateFilter(method="filter_in_directory_on", label=_("在目录内的日期"))

    class Meta:
        model = PriorityMajor
        fields = ["major_code", "cluster_code", "in_directory_on"]

    def filter_in_directory_on(self, queryset, name, value):
        # SPEC 2: effective_from ≤ D and (effective_to empty or effective_to ≥ D).
        return queryset.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=value), effective_from__lte=value)
