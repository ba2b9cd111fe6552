"""Every periodic task of the portal, in one place (django-celery-beat, Asia/Shanghai).

Installed into the beat database by `manage.py setup_schedule` (idempotent: rerunning it updates
the rows in place), which migrations run too, so a fresh database is scheduled.
"""

from django.conf import settings

# name → (task, crontab fields). Times are Asia/Shanghai (CELERY_TIMEZONE).
SCHEDULE = {
    # 02:00 on 1 Jan/Apr/Jul/Oct: the quarter that just closed, computed once its data is complete.
    "metrics: closed quarter": (
        "metrics.tasks.compute_closed_quarter",
        {"minute": "0", "hour": "2", "day_of_month": "1", "month_of_year": "1,4,7,10", "day_of_week": "*"},
    ),
    # 01:30 every night: refresh the current quarter so the dashboard is at most a day old.
    "metrics: current quarter": (
        "metrics.tasks.refresh_current_quarter",
        {"minute": "30", "hour": "1", "day_of_month": "*", "month_of_year": "*", "day_of_week": "*"},
    ),
    # Every 10 minutes: fail the runs whose worker died (no heartbeat for METRICS_STALE_AFTER_S).
    "metrics: reap stale runs": (
        "metrics.tasks.reap_stale_runs",
        {"minute": "*/10", "hour": "*", "day_of_month": "*", "month_of_year": "*", "day_of_week": "*"},
    ),
    # Every 10 minutes: fail the import jobs still running past the task's time limit (their worker died).
    "exchange: reap stale import jobs": (
        "exchange.tasks.reap_stale_import_jobs",
        {"minute": "*/10", "hour": "*", "day_of_month": "*", "month_of_year": "*", "day_of_week": "*"},
    ),
    # 03:30 every night, after the refresh: prune what the retention settings no longer keep (ops.retention).
    "ops: prune data": (
        "ops.tasks.prune_data",
        {"minute": "30", "hour": "3", "day_of_month": "*", "month_of_year": "*", "day_of_week": "*"},
    ),
    # 09:00 every day: 10, 3 and 1 days before a quarter ends, remind the key enterprises that have not
    # filed its demand list (followup.services.filing_reminders_due; other days it sends nothing).
    "followup: filing reminders": (
        "followup.tasks.remind_unfiled_key_enterprises",
        {"minute": "0", "hour": "9", "day_of_month": "*", "month_of_year": "*", "day_of_week": "*"},
    ),
    # 09:05 every day, on the same days: remind the responsible units that owe this quarter's progress
    # reports on the plan's tasks (followup.services.task_report_reminders_due).
    "followup: task report reminders": (
        "followup.tasks.remind_task_reports_due",
        {"minute": "5", "hour": "9", "day_of_month": "*", "month_of_year": "*", "day_of_week": "*"},
    ),
}


def install_schedule(crontab_model=None, task_model=None) -> list[str]:
    """Create or update the beat rows of SCHEDULE; returns the task names. Models may be historical ones."""
    if crontab_model is None or task_model is None:
        from django_celery_beat.models import CrontabSchedule, PeriodicTask

        crontab_model, task_model = CrontabSchedule, PeriodicTask
    for name, (task, fields) in SCHEDULE.items():
        crontab, _created = crontab_model.objects.get_or_create(timezone=settings.TIME_ZONE, **fields)
        task_model.objects.update_or_create(name=name, defaults={"task": task, "crontab": crontab, "enabled": True})
    return list(SCHEDULE)
