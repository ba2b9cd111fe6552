"""Filters of demand lists and items: one FilterSet per model, shared by the list pages and the API
(`?district=…&status=open&status=matched&due_on_before=2025-06-30`)."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from portal.filters import FilterSet, NumberFilter

from .choices import ItemKind, ItemStatus, ListStatus
from .models import DemandAssignment, DemandItem, DemandList
from .selectors import overdue_q


class DemandListFilterSet(FilterSet):
    enterprise = NumberFilter(field_name="enterprise_id", label=_("企业ID"))
    uscc = filters.CharFilter(field_name="enterprise__uscc", label=_("统一社会信用代码"))
    district = filters.CharFilter(field_name="enterprise__district", label=_("所在区县"))
    year = NumberFilter(label=_("年度"))
    quarter = NumberFilter(label=_("季度"))
    status = filters.MultipleChoiceFilter(distinct=False, choices=ListStatus.choices, label=_("状态"))

    class Meta:
        model = DemandList
        fields = ["enterprise", "uscc", "district", "year", "quarter", "status"]


class DemandItemFilterSet(FilterSet):
    demand_list = NumberFilter(field_name="demand_list_id", label=_("需求清单ID"))
    enterprise = NumberFilter(field_name="demand_list__enterprise_id", label=_("企业ID"))
    uscc = filters.CharFilter(field_name="demand_list__enterprise__uscc", label=_("统一社会信用代码"))
    district = filters.CharFilter(field_name="demand_list__enterprise__district", label=_("所在区县"))
    year = NumberFilter(label=_("年度"))
    quarter = NumberFilter(label=_("季度"))
    list_status = filters.MultipleChoiceFilter(distinct=False, choices=ListStatus.choices, label=_("清单状态"))
    kind = filters.MultipleChoiceFilter(distinct=False, choices=ItemKind.choices, label=_("需求类型"))
    status = filters.MultipleChoiceFilter(distinct=False, choices=ItemStatus.choices, label=_("状态"))
    industry_code = filters.CharFilter(field_name="industry_id", label=_("行业代码"))
    industry_prefix = filters.CharFilter(field_name="industry__code", lookup_expr="startswith", label=_("行业代码前缀"))
    major_code = filters.CharFilter(label=_("专业代码"))
    due_on = filters.DateFromToRangeFilter(label=_("期望完成日期"))
    fulfilled_on = filters.DateFromToRangeFilter(label=_("销号日期"))
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("已逾期"))
    college = NumberFilter(method="filter_college", label=_("承接院校ID"))
    college_code = filters.CharFilter(method="filter_college", label=_("承接院校代码"))

    class Meta:
        model = DemandItem
        fields = [
            "demand_list",
            "enterprise",
            "uscc",
            "district",
            "year",
            "quarter",
            "list_status",
            "kind",
            "status",
            "industry_code",
            "industry_prefix",
            "major_code",
            "due_on",
            "fulfilled_on",
            "overdue",
            "college",
            "college_code",
        ]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def filter_college(self, queryset, name, value):
        # Only the assignments the user may see: a college filtering by another college finds nothing of
        # that college's (a subquery keeps items unrepeated).
        lookup = "college_id" if name == "college" else "college__code"
        assignments = DemandAssignment.objects.restrict(self.request.user) if self.request else DemandAssignment.objects
        return queryset.filter(pk__in=assignments.filter(**{lookup: value}).values("item_id"))
