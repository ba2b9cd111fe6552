"""Celery tasks of the ops app (schedule in metrics.schedule, the one place for periodic tasks)."""

from celery import shared_task

from . import retention


@shared_task
def prune_data() -> dict:
    """Nightly: forget what the retention settings no longer keep."""
    return retention.data_prune().counts
