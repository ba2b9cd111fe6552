"""Celery tasks of the exchange app: thin wrappers over exchange.services (queue `imports`)."""

from celery import shared_task
from celery.signals import task_failure
from django.conf import settings

from . import services


# acks_late + reject_on_worker_lost: a message whose worker dies is delivered again; the job is claimed
# by a conditional update, so a redelivered message never imports twice.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def import_job_task(job_id: int) -> None:
    """Run one queued import job (its dry run or its import)."""
    services.import_job_execute(job_id=job_id)


@task_failure.connect(sender=import_job_task)
def _fail_job_of_failed_task(sender=None, args=None, exception=None, **extra):
    """A task killed from outside the job (hard time limit, lost pool process) fails its job at once."""
    if args:
        services.import_job_fail(job_id=args[0], error=f"{type(exception).__name__}: {exception}")


@shared_task
def reap_stale_import_jobs() -> int:
    """Mark failed the import jobs whose worker died."""
    return services.import_jobs_reap()
