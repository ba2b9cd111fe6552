"""Filters of the reference data, enterprises and demand lists: one FilterSet per model, shared by
the list pages and the API (`?district=…&status=open&status=matched&due_on_before=2025-06-30`)."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from portal.filters import FilterSet

from .choices import EnterpriseTag, Scale
from .models import Enterprise
from .selectors import tag_q


class EnterpriseFilterSet(FilterSet):
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
        return queryset.filter(tag_q(value))
