"""Filters of colleges and their rows: one FilterSet per model, shared by the list pages and the API.
Colleges and enterprises can be named by id (`college=3`) or by natural key (`college_code=13290`, `uscc=…`)."""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.filters import FilterSet, NumberFilter

from .choices import BaseKind, CollegeKind
from .models import College, CooperationProject, IndustryCollege, TrainingBase, TrainingSession


class CollegeRowFilters(FilterSet):
    """Filters of every row owned by a college (also used by programs)."""

    college = NumberFilter(field_name="college_id", label=_("院校ID"))
    college_code = filters.CharFilter(field_name="college__code", label=_("院校代码"))
    district = filters.CharFilter(field_name="college__district", label=_("院校所在区县"))


class EnterpriseRowFilters(FilterSet):
    """Filters of every row naming an enterprise."""

    enterprise = NumberFilter(field_name="enterprise_id", label=_("企业ID"))
    uscc = filters.CharFilter(field_name="enterprise__uscc", label=_("统一社会信用代码"))


def active_on_q(start: str, end: str, day) -> Q:
    """SPEC 3: active on D when start ≤ D and (end empty or end > D)."""
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


class CollegeFilterSet(FilterSet):
    code = filters.CharFilter(label=_("院校代码"))
    name = filters.CharFilter(lookup_expr="icontains", label=_("院校名称"))
    kind = filters.MultipleChoiceFilter(distinct=False, choices=CollegeKind.choices, label=_("办学层次"))
    district = filters.CharFilter(label=_("所在区县"))

    class Meta:
        model = College
        fields = ["code", "name", "kind", "district"]


class IndustryCollegeFilterSet(CollegeRowFilters):
    code = filters.CharFilter(label=_("编号"))
    name = filters.CharFilter(lookup_expr="icontains", label=_("名称"))
    cluster = NumberFilter(field_name="cluster_id", label=_("产业集群ID"))
    cluster_code = filters.CharFilter(field_name="cluster__code", label=_("产业集群代码"))
    established_on = filters.DateFromToRangeFilter(label=_("成立日期"))
    partner = NumberFilter(method="filter_partner", label=_("合作企业ID"))
    partner_uscc = filters.CharFilter(method="filter_partner", label=_("合作企业统一社会信用代码"))

    class Meta:
        model = IndustryCollege
        fields = [
            "college",
            "college_code",
            "district",
            "code",
            "name",
            "cluster",
            "cluster_code",
            "established_on",
            "partner",
            "partner_uscc",
        ]

    def filter_partner(self, queryset, name, value):
        from .models import IndustryCollegePartner

        lookup = "enterprise_id" if name == "partner" else "enterprise__uscc"
        return queryset.filter(
            pk__in=IndustryCollegePartner.objects.filter(**{lookup: value}).values("industry_college_id")
        )


class TrainingBaseFilterSet(CollegeRowFilters, EnterpriseRowFilters):
    code = filters.CharFilter(label=_("编号"))
    name = filters.CharFilter(lookup_expr="icontains", label=_("名称"))
    kind = filters.MultipleChoiceFilter(distinct=False, choices=BaseKind.choices, label=_("类型"))
    certified = filters.BooleanFilter(label=_("已认定"))
    established_on = filters.DateFromToRangeFilter(label=_("建成日期"))
    active_on = filters.DateFilter(method="filter_active_on", label=_("某日在用"))

    class Meta:
        model = TrainingBase
        fields = [
            "college",
            "college_code",
            "district",
            "enterprise",
            "uscc",
            "code",
            "name",
            "kind",
            "certified",
            "established_on",
            "active_on",
        ]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(active_on_q("established_on", "closed_on", value))


class CooperationProjectFilterSet(CollegeRowFilters, EnterpriseRowFilters):
    code = filters.CharFilter(label=_("编号"))
    name = filters.CharFilter(lookup_expr="icontains", label=_("名称"))
    started_on = filters.DateFromToRangeFilter(label=_("开始日期"))
    ended_on = filters.DateFromToRangeFilter(label=_("结束日期"))
    active_on = filters.DateFilter(method="filter_active_on", label=_("某日在研"))

    class Meta:
        model = CooperationProject
        fields = [
            "college",
            "college_code",
            "district",
            "enterprise",
            "uscc",
            "code",
            "name",
            "started_on",
            "ended_on",
            "active_on",
        ]

    def filter_active_on(self, queryset, name, value):
        # SPEC 4 counts a project on E while started_on ≤ E and (ended_on empty or ≥ E).
        return queryset.filter(Q(started_on__lte=value) & (Q(ended_on__isnull=True) | Q(ended_on__gte=value)))


class TrainingSessionFilterSet(CollegeRowFilters, EnterpriseRowFilters):
    title = filters.CharFilter(lookup_expr="icontains", label=_("培训名称"))
    held_on = filters.DateFromToRangeFilter(label=_("培训日期"))
    # Bounded: a `__year` lookup turns the value into dates, and date() stops at year 9999.
    year = NumberFilter(field_name="held_on", lookup_expr="year", min_value=1, max_value=9999, label=_("年度"))

    class Meta:
        model = TrainingSession
        fields = ["college", "college_code", "district", "enterprise", "uscc", "title", "held_on", "year"]
