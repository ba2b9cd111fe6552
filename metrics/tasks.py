"""Celery tasks of the metrics app: thin wrappers over metrics.services (schedule in metrics.schedule)."""

from celery import shared_task
from celery.signals import task_failure
from django.conf import settings
from django.db import InterfaceError, OperationalError

from portal.periods import Period

from . import services


# acks_late + reject_on_worker_lost: a message whose worker dies is not lost. The run itself is
# claimed by a conditional update, so a redelivered message never computes a run twice; a run whose
# worker died stays "running" until reap_stale_runs marks it failed. Only a database that is briefly
# unreachable (before the claim) is retried.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    max_retries=3,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,  # raised inside the run: recorded as its failure
    time_limit=settings.CELERY_TASK_TIME_LIMIT,  # the process is killed: task_failure below fails the run
)
def compute_period_task(run_id: int) -> None:
    """Execute one queued metric run."""
    services.metric_run_execute(run_id=run_id)


@task_failure.connect(sender=compute_period_task)
def _fail_run_of_failed_task(sender=None, args=None, exception=None, **extra):
    """A task killed from outside the run (hard time limit, lost pool process) fails its run at once
    instead of leaving it to the reaper. Failures inside the run are already recorded by the service."""
    if args:
        services.metric_run_fail(run_id=args[0], error=f"{type(exception).__name__}: {exception}")


@shared_task
def refresh_current_quarter() -> None:
    """Nightly: recompute the quarter we are in, so the dashboard is at most a day old."""
    current = Period.containing()
    run = services.metric_run_create(year=current.year, quarter=current.quarter, trigger="beat_current")
    services.metric_run_execute(run_id=run.id)


@shared_task
def compute_closed_quarter() -> None:
    """First day of a quarter: compute the quarter that just closed, with its data complete."""
    closed = Period.containing().previous()
    run = services.metric_run_create(year=closed.year, quarter=closed.quarter, trigger="beat_closed")
    services.metric_run_execute(run_id=run.id)


@shared_task
def reap_stale_runs() -> int:
    """Mark failed the runs whose worker died (no heartbeat for METRICS_STALE_AFTER_S)."""
    return services.metric_runs_reap()
