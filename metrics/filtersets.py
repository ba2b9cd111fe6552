"""Filters of snapshots, targets, runs and alerts: shared by the metric pages and the API.
SPEC 6: snapshots filter by metric, scope_type, scope_id, year and quarter."""

import datetime

import django_filters as filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from portal.filters import FilterSet, NumberFilter, UpdatedAfterFilter
from reference.choices import MajorLevel
from reference.filtersets import ClusterFilters

from .choices import AlertDecision, AlertStatus, Metric, ReviewFigure, ReviewLevel, RunStatus, ScopeType
from .models import Alert, MetricRun, ReviewRule, Scenario, Snapshot, SupplyDemandMajorRow, SupplyDemandRow, Target


class SnapshotFilterSet(FilterSet):
    metric = filters.MultipleChoiceFilter(distinct=False, choices=Metric.choices, label=_("指标"))
    scope_type = filters.MultipleChoiceFilter(distinct=False, choices=ScopeType.choices, label=_("范围类型"))
    scope_id = filters.CharFilter(label=_("范围标识"))
    year = NumberFilter(label=_("年度"))
    quarter = NumberFilter(label=_("季度"))
    year_min = NumberFilter(field_name="year", lookup_expr="gte", label=_("起始年度"))
    year_max = NumberFilter(field_name="year", lookup_expr="lte", label=_("截止年度"))
    run = NumberFilter(field_name="run_id", label=_("计算任务ID"))

    class Meta:
        model = Snapshot
        fields = ["metric", "scope_type", "scope_id", "year", "quarter", "year_min", "year_max", "run"]


class TargetFilterSet(FilterSet):
    metric = filters.MultipleChoiceFilter(distinct=False, choices=Metric.choices, label=_("指标"))
    scope_type = filters.ChoiceFilter(choices=ScopeType.choices, label=_("范围类型"))
    scope_id = filters.CharFilter(label=_("范围标识"))
    deadline_year = NumberFilter(label=_("完成年度"))
    annual = filters.BooleanFilter(label=_("按年度考核"))

    class Meta:
        model = Target
        fields = ["metric", "scope_type", "scope_id", "deadline_year", "annual"]


class MetricRunFilterSet(FilterSet):
    year = NumberFilter(label=_("年度"))
    quarter = NumberFilter(label=_("季度"))
    status = filters.MultipleChoiceFilter(distinct=False, choices=RunStatus.choices, label=_("状态"))
    trigger = filters.CharFilter(label=_("触发方式"))
    queued_at = filters.DateFromToRangeFilter(field_name="queued_at__date", label=_("排队日期"))

    class Meta:
        model = MetricRun
        fields = ["year", "quarter", "status", "trigger", "queued_at"]


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment turned to UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts."""

    def to_python(self, value):
        moment = super().to_python(value)
        try:
            return moment.astimezone(datetime.UTC) if moment is not None and moment.tzinfo else moment
        except OverflowError as error:
            raise forms.ValidationError(_("时间超出范围。")) from error


class ReviewRuleFilterSet(FilterSet):
    code = filters.CharFilter(label=_("规则代码"))
    figure = filters.MultipleChoiceFilter(distinct=False, choices=ReviewFigure.choices, label=_("考核指标"))
    level = filters.MultipleChoiceFilter(distinct=False, choices=ReviewLevel.choices, label=_("预警等级"))
    active = filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = ReviewRule
        fields = ["code", "figure", "level", "active"]


class AlertFilterSet(ClusterFilters):
    """The review board's filters (SPEC 4.4): level, district, college, cluster, status, answered."""

    major_path = "program__major_id"

    status = filters.MultipleChoiceFilter(distinct=False, choices=AlertStatus.choices, label=_("状态"))
    level = filters.MultipleChoiceFilter(distinct=False, choices=ReviewLevel.choices, label=_("预警等级"))
    decision = filters.MultipleChoiceFilter(distinct=False, choices=AlertDecision.choices, label=_("研判结果"))
    answered = filters.BooleanFilter(
        field_name="answered_at", lookup_expr="isnull", exclude=True, label=_("已提交整改说明")
    )
    year = NumberFilter(label=_("年度"))
    program = NumberFilter(field_name="program_id", label=_("专业点ID"))
    college = NumberFilter(field_name="program__college_id", label=_("院校ID"))
    college_code = filters.CharFilter(field_name="program__college__code", label=_("院校代码"))
    district = filters.CharFilter(field_name="program__college__district", label=_("院校所在区县"))
    major_code = filters.CharFilter(field_name="program__major__code", label=_("专业代码"))
    rule = filters.CharFilter(method="filter_rule", label=_("触发规则代码"))
    run = NumberFilter(field_name="run_id", label=_("计算任务ID"))

    class Meta:
        model = Alert
        fields = [
            "status",
            "level",
            "decision",
            "answered",
            "year",
            "program",
            "college",
            "college_code",
            "district",
            "major_code",
            "cluster",
            "cluster_code",
            "rule",
            "run",
        ]

    def filter_rule(self, queryset, name, value):
        # The JSON list read as text: portable to SQLite and PostgreSQL (as reference's industry_code filter).
        return queryset.filter(trips__icontains=f'"rule": "{value}"')


class SupplyDemandMajorRowFilterSet(FilterSet):
    """SPEC 6 `supply-demand-majors`: the by-major table is the city's, so scope_type and scope_id
    accept only the city (anything else is an empty page, as for another scope of `supply-demand`)."""

    year = NumberFilter(field_name="run__year", label=_("年度"))
    quarter = NumberFilter(field_name="run__quarter", label=_("季度"))
    scope_type = filters.ChoiceFilter(choices=ScopeType.choices, method="filter_city_only", label=_("范围类型"))
    scope_id = filters.CharFilter(method="filter_city_only", label=_("范围标识"))
    major_code = filters.CharFilter(label=_("专业代码"))
    level = filters.ChoiceFilter(choices=MajorLevel.choices, label=_("层次"))
    updated_after = UpdatedAfterFilter(field_name="run__finished_at")

    class Meta:
        model = SupplyDemandMajorRow
        fields = ["year", "quarter", "scope_type", "scope_id", "major_code", "level"]

    def filter_city_only(self, queryset, name, value):
        city = value == ScopeType.CITY if name == "scope_type" else value == ""
        return queryset if city else queryset.none()


class SupplyDemandRowFilterSet(FilterSet):
    year = NumberFilter(field_name="run__year", label=_("年度"))
    quarter = NumberFilter(field_name="run__quarter", label=_("季度"))
    scope_type = filters.MultipleChoiceFilter(distinct=False, choices=ScopeType.choices, label=_("范围类型"))
    scope_id = filters.CharFilter(label=_("范围标识"))
    cluster = filters.CharFilter(label=_("产业集群代码（other 为其他）"))
    updated_after = UpdatedAfterFilter(field_name="run__finished_at")

    class Meta:
        model = SupplyDemandRow
        fields = ["year", "quarter", "scope_type", "scope_id", "cluster"]


class ScenarioFilterSet(FilterSet):
    name = filters.CharFilter(lookup_expr="icontains", label=_("方案名称"))
    year = NumberFilter(label=_("基准年度"))
    quarter = NumberFilter(label=_("基准季度"))

    class Meta:
        model = Scenario
        fields = ["name", "year", "quarter"]
