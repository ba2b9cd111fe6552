"""Filters of policy cards, deliveries and feedback: shared by the list pages and the API."""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.choices import EnterpriseTag
from portal.filters import FilterSet, NumberFilter

from .choices import PolicyCategory, PolicyStatus
from .models import PolicyCard, PolicyDelivery, PolicyFeedback


class PolicyCardFilterSet(FilterSet):
    title = filters.CharFilter(lookup_expr="icontains", label=_("标题"))
    category = filters.MultipleChoiceFilter(distinct=False, choices=PolicyCategory.choices, label=_("类别"))
    status = filters.MultipleChoiceFilter(distinct=False, choices=PolicyStatus.choices, label=_("状态"))
    issuer = filters.CharFilter(lookup_expr="icontains", label=_("发文单位"))
    document_no = filters.CharFilter(label=_("文号"))
    audience_tag = filters.ChoiceFilter(
        choices=EnterpriseTag.choices, method="filter_audience_tag", label=_("适用企业标签")
    )
    effective_on = filters.DateFilter(method="filter_effective_on", label=_("某日有效"))
    published_at = filters.DateFromToRangeFilter(field_name="published_at__date", label=_("发布日期"))

    class Meta:
        model = PolicyCard
        fields = [
            "title",
            "category",
            "status",
            "issuer",
            "document_no",
            "audience_tag",
            "effective_on",
            "published_at",
        ]

    def filter_audience_tag(self, queryset, name, value):
        # A card for everyone (empty audience) reaches every tag too.
        return queryset.filter(Q(audience_tags__icontains=f'"{value}"') | Q(audience_tags=[]))

    def filter_effective_on(self, queryset, name, value):
        return queryset.filter(
            Q(effective_from__lte=value) & (Q(effective_to__isnull=True) | Q(effective_to__gte=value))
        )


class PolicyDeliveryFilterSet(filters.FilterSet):
    card = NumberFilter(field_name="card_id", label=_("政策卡ID"))
    enterprise = NumberFilter(field_name="enterprise_id", label=_("企业ID"))
    uscc = filters.CharFilter(field_name="enterprise__uscc", label=_("统一社会信用代码"))
    acknowledged = filters.BooleanFilter(
        field_name="acknowledged_at", lookup_expr="isnull", exclude=True, label=_("已知晓")
    )

    class Meta:
        model = PolicyDelivery
        fields = ["card", "enterprise", "uscc", "acknowledged"]


class PolicyFeedbackFilterSet(filters.FilterSet):
    card = NumberFilter(field_name="card_id", label=_("政策卡ID"))
    enterprise = NumberFilter(field_name="enterprise_id", label=_("企业ID"))
    uscc = filters.CharFilter(field_name="enterprise__uscc", label=_("统一社会信用代码"))
    year = NumberFilter(label=_("年度"))
    quarter = NumberFilter(label=_("季度"))
    answered = filters.BooleanFilter(field_name="answered_at", lookup_expr="isnull", exclude=True, label=_("已回复"))
    benefited = filters.BooleanFilter(label=_("是否享受"))

    class Meta:
        model = PolicyFeedback
        fields = ["card", "enterprise", "uscc", "year", "quarter", "answered", "benefited"]
