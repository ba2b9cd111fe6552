"""A department user's home: its unit's tasks, this quarter's reports still to file, overdue ones."""

from portal.periods import Period
from portal.roles import unit_id_of

from . import selectors
from .models import Task, Unit


def department_home(user) -> dict:
    tasks = Task.objects.restrict(user)
    unit_id = unit_id_of(user)
    now = Period.containing()
    due_ids = [task_id for task_id, unit in selectors.reports_due(now, tasks) if unit == unit_id]
    return {
        "unit": Unit.objects.filter(pk=unit_id).first(),
        "period": now,
        "task_count": tasks.count(),
        "due": tasks.filter(pk__in=due_ids).order_by("code"),
        "overdue": selectors.overdue_tasks(tasks).order_by("code"),
        "closed": selectors.closed_period(),
    }
