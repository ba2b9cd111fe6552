"""Reads about plan tasks shared by pages, API, exports and (later) notices: latest progress, overdue tasks,
reports due, the board by status and unit. Each is a fixed number of queries whatever the number of tasks."""

import datetime
from collections import Counter

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.periods import Period

from .choices import ProgressStatus, ReviewState
from .models import Task, TaskReport, Unit

NOT_REPORTED = "not_reported"


def closed_period(today: datetime.date | None = None) -> Period:
    """The last quarter that has ended by `today` (default: today)."""
    return Period.containing(today or timezone.localdate()).previous()


def _counted_reports():
    # A returned report is sent back for rework: until resubmitted the quarter counts as not reported.
    return TaskReport.objects.exclude(review_state=ReviewState.RETURNED)


def _finished_by(period: Period):
    """Tasks with an accepted report saying done in or before `period`: they need no further reports."""
    return TaskReport.objects.filter(
        Q(year__lt=period.year) | Q(year=period.year, quarter__lte=period.quarter),
        task=OuterRef("pk"),
        review_state=ReviewState.ACCEPTED,
        status=ProgressStatus.DONE,
    )


def overdue_q(period: Period) -> Q:
    """SPEC 4.5: a task with no report for the closed quarter `period` (by any of its units; a returned
    report does not count) is overdue, unless an accepted report already declared it done."""
    reported = _counted_reports().filter(task=OuterRef("pk"), year=period.year, quarter=period.quarter)
    return ~Q(Exists(reported)) & ~Q(Exists(_finished_by(period)))


def overdue_tasks(queryset=None, today: datetime.date | None = None):
    """The tasks of `queryset` (default: all) overdue for the last closed quarter."""
    queryset = Task.objects.all() if queryset is None else queryset
    return queryset.filter(overdue_q(closed_period(today)))


def with_progress(queryset, today: datetime.date | None = None):
    """Tasks annotated with their latest progress (any unit's latest report that was not returned):
    latest_status, latest_text, latest_year, latest_quarter, latest_unit; and `overdue`."""
    latest = _counted_reports().filter(task=OuterRef("pk")).order_by("-year", "-quarter", "-submitted_at", "-id")
    return queryset.annotate(
        latest_status=Subquery(latest.values("status")[:1]),
        latest_text=Subquery(latest.values("text")[:1]),
        latest_year=Subquery(latest.values("year")[:1]),
        latest_quarter=Subquery(latest.values("quarter")[:1]),
        latest_unit=Subquery(latest.values("unit__name")[:1]),
        overdue=Q(overdue_q(closed_period(today))),
    )


def _task_unit_pairs(task_ids=None):
    """(task_id, unit_id, is_lead) of every task and each of its units, in two queries."""
    pairs = []
    for through, is_lead in ((Task.lead_units.through, True), (Task.co_units.through, False)):
        rows = through.objects.all()
        if task_ids is not None:
            rows = rows.filter(task_id__in=task_ids)
        pairs.extend((task_id, unit_id, is_lead) for task_id, unit_id in rows.values_list("task_id", "unit_id"))
    return pairs


def reports_due(period: Period | None = None, queryset=None) -> list[tuple[int, int]]:
    """(task_id, unit_id) for each unit of each task (of `queryset`, default all) that has no counted
    report for `period` (default: the current quarter), skipping tasks already done. For the
    "task report due" notice: the department users of those units are the ones to remind."""
    period = period or Period.containing()
    tasks = (Task.objects.all() if queryset is None else queryset).exclude(Exists(_finished_by(period)))
    filed = set(
        _counted_reports()
        .filter(year=period.year, quarter=period.quarter, task__in=tasks)
        .values_list("task_id", "unit_id")
    )
    return sorted({(task_id, unit_id) for task_id, unit_id, _lead in _task_unit_pairs(tasks.values("pk"))} - filed)


def board(queryset, units=None) -> dict:
    """The board by status and unit: for each unit, how many of its tasks (of `queryset`) stand at each
    status of its own latest counted report (or not reported yet).

    Returns {"columns": [(key, label)], "rows": [{"unit", "cells": {key: count}, "total"}]} with units in
    their order; `units` narrows the rows (a department sees its own)."""
    task_ids = queryset.values("pk")
    # One query, newest first; the first row met per (task, unit) is its latest.
    latest = {}
    for task_id, unit_id, status in (
        _counted_reports()
        .filter(task_id__in=task_ids)
        .order_by("task_id", "unit_id", "-year", "-quarter")
        .values_list("task_id", "unit_id", "status")
    ):
        latest.setdefault((task_id, unit_id), status)
    counts = Counter()
    for task_id, unit_id, _lead in _task_unit_pairs(task_ids):
        counts[(unit_id, latest.get((task_id, unit_id), NOT_REPORTED))] += 1
    columns = [*ProgressStatus.choices, (NOT_REPORTED, _("未报告"))]
    unit_rows = []
    for unit in units if units is not None else Unit.objects.all():
        cells = {key: counts[(unit.pk, key)] for key, _label in columns}
        total = sum(cells.values())
        if total:
            unit_rows.append({"unit": unit, "cells": cells, "total": total})
    return {"columns": columns, "rows": unit_rows}
