"""Writes of the exchange app: page imports as jobs (upload → dry run → confirm → import).

Every import of the pages runs as a Celery task (`exchange.tasks.import_job_task`, queue `imports`),
enqueued after the commit; without a broker it runs in-process right after the commit, as metric runs do.
The confirmation imports the stored upload again from scratch: the importer checks every row against the
database as it is then, so a bundle that the database has meanwhile made invalid is refused with its errors.
"""

import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.services import require_bureau

from .choices import JobMode, JobStatus, UploadKind
from .errors import BundleInvalid
from .importer import import_bundle
from .models import ImportJob

PROGRESS_EVERY_S = 0.5


@transaction.atomic
def import_job_create(*, upload, by) -> ImportJob:
    """Store an uploaded bundle (.zip of CSVs, .xlsx workbook or one .csv) and start its dry run."""
    require_bureau(by, _("只有教育局用户可以批量导入数据。"))
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix not in UploadKind.values:
        raise ValidationError({"file": _("无法识别的文件类型：请上传 .zip 压缩包（CSV 文件）或 .xlsx 工作簿。")})
    limit = settings.UPLOAD_MAX_BYTES
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({"file": _("文件超过上限 %(limit)s 字节。") % {"limit": limit}})
    if not data:
        raise ValidationError({"file": _("文件为空。")})
    job = ImportJob.objects.create(uploaded_by=by, filename=name[:255], kind=suffix, size=len(data), data=data)
    _enqueue(job)
    return job


@transaction.atomic
def import_job_confirm(*, job: ImportJob, by) -> ImportJob:
    """Import a bundle whose dry run passed; a job is confirmed once (a conditional update decides)."""
    require_bureau(by, _("只有教育局用户可以批量导入数据。"))
    confirmed = ImportJob.objects.filter(pk=job.pk, mode=JobMode.DRY_RUN, status=JobStatus.VALID).update(
        mode=JobMode.APPLY, status=JobStatus.QUEUED, confirmed_by=by, progress_done=0, started_at=None, finished_at=None
    )
    if confirmed != 1:
        raise ValidationError(_("只有试运行通过、尚未导入的任务可以确认导入。"))
    job.refresh_from_db()
    _enqueue(job)
    return job


def _enqueue(job: ImportJob) -> None:
    from .tasks import import_job_task

    transaction.on_commit(lambda: import_job_task.delay(job.pk))


def import_job_execute(*, job_id: int) -> ImportJob | None:
    """Claim a queued job and run its stage: a dry run (rolled back) or the import. Returns None when the job
    was not queued (claimed by another worker). Not atomic: the import is, and its outcome is recorded after."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, progress_done=0, progress_total=0
    )
    if claimed != 1:
        return None
    job = ImportJob.objects.get(pk=job_id)
    dry_run = job.mode == JobMode.DRY_RUN
    outcome = {"counts": {}, "errors": [], "error_count": 0, "error": ""}
    with _progress_writer(job_id) as show:

        def on_progress(done: int, total: int) -> None:
            outcome.update(progress_done=done, progress_total=total)  # recorded with the outcome too
            show(done, total)

        try:
            result = import_bundle(
                ContentFile(bytes(job.data), name=job.filename),
                user=job.uploaded_by if dry_run else job.confirmed_by,
                dry_run=dry_run,
                on_progress=on_progress,
            )
        except BundleInvalid as invalid:
            outcome["status"] = JobStatus.INVALID
            outcome["errors"] = [[e.file, e.row, e.column, e.message] for e in invalid.errors]
            outcome["error_count"] = len(invalid.errors) + invalid.more
        except Exception as exc:  # noqa: BLE001 — any failure must end the job as failed, not stuck in running
            outcome["status"], outcome["error"] = JobStatus.FAILED, f"{type(exc).__name__}: {exc}"
        else:
            outcome["status"] = JobStatus.VALID if dry_run else JobStatus.APPLIED
            outcome["counts"] = {name: vars(n) for name, n in result.counts.items()}
    ImportJob.objects.filter(pk=job_id).update(finished_at=timezone.now(), **outcome)
    job.refresh_from_db()
    return job


def import_job_fail(*, job_id: int, error: str) -> None:
    """Record a job killed from outside (time limit, lost worker) as failed, unless it has finished."""
    ImportJob.objects.filter(pk=job_id, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).update(
        status=JobStatus.FAILED, error=error, finished_at=timezone.now()
    )


def import_jobs_reap() -> int:
    """Fail the jobs still running a minute past the task's hard time limit: their worker died (a task that
    reaches the limit is killed and fails its job itself). Beat runs this every 10 minutes (metrics.schedule)."""
    cutoff = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    return ImportJob.objects.filter(status=JobStatus.RUNNING, started_at__lt=cutoff).update(
        status=JobStatus.FAILED,
        finished_at=timezone.now(),
        error=_("执行导入的进程已中断，未保存任何数据。请重新上传文件。"),
    )


@contextmanager
def _progress_writer(job_id: int):
    """on_progress for the importer, throttled to PROGRESS_EVERY_S.

    The import runs inside one transaction, so progress goes through a second connection in autocommit,
    visible to the page at once. Not on SQLite: there the task runs in-process while the request waits
    (nobody polls), and a second connection would wait for the import's write lock.
    """
    if connection.vendor == "sqlite":
        yield lambda done, total: None
        return
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    table = side.ops.quote_name(ImportJob._meta.db_table)
    last = 0.0

    def write(done: int, total: int) -> None:
        nonlocal last
        if done < total and time.monotonic() - last < PROGRESS_EVERY_S:
            return
        last = time.monotonic()
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET progress_done = %s, progress_total = %s WHERE id = %s",  # noqa: S608
                [done, total, job_id],
            )

    try:
        yield write
    finally:
        side.close()
