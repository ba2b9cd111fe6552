"""Celery tasks of the follow-up app (schedule in metrics.schedule, the one place for periodic tasks)."""

from celery import shared_task

from . import services


@shared_task
def remind_unfiled_key_enterprises() -> dict | None:
    """Daily: near a quarter's end, remind the key enterprises that have not filed its demand list."""
    reminded = services.filing_reminders_due()
    return None if reminded is None else reminded.__dict__


@shared_task
def remind_task_reports_due() -> dict | None:
    """Daily: near a quarter's end, remind the responsible units that owe progress reports on plan tasks."""
    sent = services.task_report_reminders_due()
    return None if sent is None else sent.__dict__
