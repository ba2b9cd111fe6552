"""Filters of the reference data, enterprises and demand lists: one FilterSet per model, shared by
the list pages and the API (`?district=…&status=open&status=matched&due_on_before=2025-06-30`)."""

import django_filters as filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.filters import NumberFilter

from .choices import EnterpriseTag, ItemKind, ItemStatus, ListStatus, Scale
from .models import DemandItem, DemandList, Enterprise, Industry, IndustryCluster

OPEN_STATUSES = (ItemStatus.OPEN, ItemStatus.MATCHED, ItemStatus.IN_PROGRESS)


class IndustryFilterSet(filters.FilterSet):
    code = filters.CharFilter(label=_("行业代码"))
    code_prefix = filters.CharFilter(field_name="code", lookup_expr="startswith", label=_("行业代码前缀"))
    parent_code = filters.CharFilter(label=_("上级代码"))
    name = filters.CharFilter(lookup_expr="icontains", label=_("行业名称"))

    class Meta:
        model = Industry
        fields = ["code", "code_prefix", "parent_code", "name"]


class IndustryClusterFilterSet(filters.FilterSet):
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


class EnterpriseFilterSet(filters.FilterSet):
    uscc = filters.CharFilter(label=_("统一社会信用代码"))
    name = filters.CharFilter(lookup_expr="icontains", label=_("企业名称"))
    industry_code = filters.CharFilter(field_name="industry_id", label=_("行业代码"))
    industry_prefix = filters.CharFilter(field_name="industry__code", lookup_expr="startswith", label=_("行业代码前缀"))
    district = filters.CharFilter(label=_("所在区县"))
    scale = filters.MultipleChoiceFilter(distinct=False, choices=Scale.choices, label=_("企业规模"))
    tag = filters.ChoiceFilter(choices=EnterpriseTag.choices, method="filter_tag", label=_("企业标签"))
    certified = filters.BooleanFilter(
        field_name="integration_certified_on", lookup_expr="isnull", exclude=True, label=_("产教融合型企业")
    )
    integration_certified_on = filters.DateFromToRangeFilter(label=_("认定日期"))

    class Meta:
        model = Enterprise
        fields = [
            "uscc",
            "name",
            "industry_code",
            "industry_prefix",
            "district",
            "scale",
            "tag",
            "certified",
            "integration_certified_on",
        ]

    def filter_tag(self, queryset, name, value):
        return queryset.filter(tags__icontains=f'"{value}"')


class DemandListFilterSet(filters.FilterSet):
    enterprise = NumberFilter(field_name="enterprise_id", label=_("企业ID"))
    uscc = filters.CharFilter(field_name="enterprise__uscc", label=_("统一社会信用代码"))
    district = filters.CharFilter(field_name="enterprise__district", label=_("所在区县"))
    year = NumberFilter(label=_("年度"))
    quarter = NumberFilter(label=_("季度"))
    status = filters.MultipleChoiceFilter(distinct=False, choices=ListStatus.choices, label=_("状态"))

    class Meta:
        model = DemandList
        fields = ["enterprise", "uscc", "district", "year", "quarter", "status"]


class DemandItemFilterSet(filters.FilterSet):
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
        late = {"status__in": OPEN_STATUSES, "due_on__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)

    def filter_college(self, queryset, name, value):
        # Assignments live a floor above (colleges); a subquery keeps items unrepeated.
        from django.apps import apps

        assignment = apps.get_model("colleges", "DemandAssignment")
        lookup = "college_id" if name == "college" else "college__code"
        return queryset.filter(pk__in=assignment.objects.filter(**{lookup: value}).values("item_id"))
