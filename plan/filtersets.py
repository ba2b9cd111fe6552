"""Filters of tasks and task reports: shared by the list pages and the API."""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.filters import NumberFilter, UpdatedAfterFilter

from . import selectors
from .choices import ProgressStatus, ReviewState
from .models import Task, TaskReport


class TaskFilterSet(filters.FilterSet):
    code = filters.CharFilter(label=_("编号"))
    title = filters.CharFilter(lookup_expr="icontains", label=_("任务"))
    unit = NumberFilter(method="filter_unit", label=_("单位ID（牵头或责任）"))
    lead_unit = NumberFilter(field_name="lead_units", label=_("牵头单位ID"))
    due_on = filters.DateFromToRangeFilter(label=_("完成时限"))
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("逾期未报"))
    updated_after = UpdatedAfterFilter()

    class Meta:
        model = Task
        fields = ["code", "title", "unit", "lead_unit", "due_on", "overdue", "updated_after"]

    def filter_unit(self, queryset, name, value):
        ids = Task.objects.filter(Q(lead_units=value) | Q(co_units=value)).values("pk")
        return queryset.filter(pk__in=ids)

    def filter_overdue(self, queryset, name, value):
        q = selectors.overdue_q(selectors.closed_period())
        return queryset.filter(q if value else ~q)


class TaskReportFilterSet(filters.FilterSet):
    task = NumberFilter(field_name="task_id", label=_("任务ID"))
    task_code = filters.CharFilter(field_name="task__code", label=_("任务编号"))
    unit = NumberFilter(field_name="unit_id", label=_("单位ID"))
    year = NumberFilter(label=_("年度"))
    quarter = NumberFilter(label=_("季度"))
    status = filters.MultipleChoiceFilter(distinct=False, choices=ProgressStatus.choices, label=_("进展状态"))
    review_state = filters.MultipleChoiceFilter(distinct=False, choices=ReviewState.choices, label=_("审核状态"))
    updated_after = UpdatedAfterFilter()

    class Meta:
        model = TaskReport
        fields = ["task", "task_code", "unit", "year", "quarter", "status", "review_state", "updated_after"]
