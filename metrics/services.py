"""Writes of the metrics app: metric runs (create, enqueue, execute, reap); alerts are raised and reviewed
in metrics.review."""

import datetime
import logging
import time
import traceback

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import bulk, deletions
from portal.periods import Period

from . import period, registry, review
from .choices import ACTIVE_STATUSES, RunStatus
from .models import MetricRun, Snapshot, SupplyDemandMajorRow, SupplyDemandRow

logger = logging.getLogger(__name__)

# Progress counts the metrics plus one step for writing the snapshots.
PROGRESS_TOTAL = len(registry.METRICS) + 1


def metric_run_create(*, year: int, quarter: int, by=None, trigger: str = "manual") -> MetricRun:
    """The period's queued or running run if it has one, else a new queued run; validates the period."""
    return metric_run_request(year=year, quarter=quarter, by=by, trigger=trigger)[0]


def metric_run_request(*, year: int, quarter: int, by=None, trigger: str = "manual") -> tuple[MetricRun, bool]:
    """(run, created): a new queued run of (year, quarter), or the one already queued or running.

    A period is computed by one run at a time: two requests at the same moment would otherwise both
    compute it and the later would replace the earlier's snapshots for nothing. The partial unique
    index `one_active_run_per_period` decides the race; the loser answers with the winner's run.
    Periods after the current quarter (Asia/Shanghai) are refused: they have no data yet, and their
    figures would become the home page's "latest".
    """
    run = MetricRun(year=year, quarter=quarter, requested_by=by, trigger=trigger, progress_total=PROGRESS_TOTAL)
    run.full_clean(validate_constraints=False)
    now = Period.containing()
    if Period(year, quarter) > now:
        raise ValidationError(
            {"quarter": _("不能计算尚未到来的季度：当前为 %(y)s 年第 %(q)s 季度。") % {"y": now.year, "q": now.quarter}}
        )
    active = MetricRun.objects.filter(year=year, quarter=quarter, status__in=ACTIVE_STATUSES)
    existing = active.first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError:
        existing = active.first()
        if existing is None:  # finished between the insert and this read: a new request may go ahead
            raise
        return existing, False
    return run, True


def metric_run_enqueue(*, year: int, quarter: int, by=None, trigger: str = "manual") -> MetricRun:
    """Create a run and hand it to Celery once the creating transaction commits (the period's
    active run instead, when it has one; see metric_run_request)."""
    return metric_run_enqueue_request(year=year, quarter=quarter, by=by, trigger=trigger)[0]


def metric_run_enqueue_request(*, year: int, quarter: int, by=None, trigger: str = "manual") -> tuple[MetricRun, bool]:
    """(run, created) as metric_run_request; only a created run is handed to Celery, after the commit.

    Without a broker (CELERY_TASK_ALWAYS_EAGER) the task runs in-process right after the commit.
    """
    from .tasks import compute_period_task

    with transaction.atomic():
        run, created = metric_run_request(year=year, quarter=quarter, by=by, trigger=trigger)
        if created:
            transaction.on_commit(lambda: compute_period_task.delay(run.id))
    return run, created


@transaction.atomic
def metric_run_delete(*, run: MetricRun, by) -> None:
    """Delete a run with its snapshots and supply–demand table (e.g. one of a period computed by mistake).

    A running run is refused: its worker would store its results after all. If the run held the
    period's snapshots, the period has none afterwards until it is computed again.
    """
    run = MetricRun.objects.select_for_update().get(pk=run.pk)
    if run.status == RunStatus.RUNNING:
        raise ValidationError({"status": _("正在计算的任务不能删除，请等待其结束。")})
    deletions.delete_rows(Snapshot.objects.filter(run=run))
    run.delete()


PROGRESS_EVERY_S = 0.5


def _progress_writer(run_id: int):
    """on_progress for the engine: records progress and the heartbeat, at most every PROGRESS_EVERY_S.

    A plain UPDATE outside the snapshot transaction, so in autocommit (the worker) watchers see it
    at once; throttled because a small city computes a metric in milliseconds and each write is a commit.
    """
    last = time.monotonic()

    def write(done: int) -> None:
        nonlocal last
        if time.monotonic() - last >= PROGRESS_EVERY_S:
            MetricRun.objects.filter(pk=run_id).update(
                updated_at=timezone.now(), heartbeat_at=timezone.now(), progress_done=done
            )
            last = time.monotonic()

    return write


def metric_run_execute(*, run_id: int) -> MetricRun | None:
    """Claim a queued run, compute its period and replace the period's snapshots in one transaction.

    Returns None when the run was not queued (already claimed by another worker, or reaped). Not
    atomic on purpose: progress must be visible while computing, and a failure must be recorded
    while the previous snapshots stay as they were.
    """
    # Claim with a conditional update: of two workers handed the same run, exactly one wins.
    now = timezone.now()
    claimed = MetricRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        updated_at=timezone.now(),
        status=RunStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        progress_done=0,
        progress_total=PROGRESS_TOTAL,
    )
    if claimed != 1:
        return None
    run = MetricRun.objects.get(pk=run_id)
    started = time.monotonic()
    try:
        result = period.compute_period(run.year, run.quarter, on_progress=_progress_writer(run_id))
        computed = time.monotonic() - started
        _store(run, result)
        _refresh_statistics()
    except Exception as exc:  # noqa: BLE001 — any failure must end the run as failed, not stuck in running
        logger.exception("metric run %s failed", run_id)
        MetricRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
            updated_at=timezone.now(),
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc(limit=8)}"[:10000],
        )
        run.refresh_from_db()
        return run
    logger.info(
        "metric run %s %sQ%s: computed in %.2fs, stored in %.2fs",
        run_id,
        run.year,
        run.quarter,
        computed,
        time.monotonic() - started - computed,
    )
    run.refresh_from_db()
    return run


@transaction.atomic
def _store(run: MetricRun, result: period.PeriodResult) -> None:
    """Replace the period's snapshots, record the supply–demand table and raise alerts — all or nothing."""
    # Runs of the same period take turns here (lock their run rows in a fixed order), so two
    # concurrent runs never interleave a delete and an insert of the unique snapshot rows.
    list(MetricRun.objects.select_for_update().filter(year=run.year, quarter=run.quarter).order_by("pk").values("pk"))
    if not MetricRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).exists():
        raise RuntimeError(_("计算任务已不在运行状态（可能已被判定为中断），结果未保存。"))
    now = timezone.now()
    deletions.delete_rows(Snapshot.objects.filter(year=run.year, quarter=run.quarter))
    # COPY on PostgreSQL (portal.bulk): a province period writes ~10 000 rows, which bulk_create took ~0.75 s for.
    bulk.create(
        Snapshot,
        [Snapshot(year=run.year, quarter=run.quarter, computed_at=now, run=run, **row) for row in result.snapshots],
    )
    # A task delivered twice stores its tables once.
    SupplyDemandRow.objects.filter(run=run).delete()
    SupplyDemandMajorRow.objects.filter(run=run).delete()
    bulk.create(SupplyDemandRow, [SupplyDemandRow(run=run, **row) for row in result.supply_demand])
    bulk.create(SupplyDemandMajorRow, [SupplyDemandMajorRow(run=run, **row) for row in result.supply_demand_majors])
    _raise_alerts(run, result.alerts)
    MetricRun.objects.filter(pk=run.pk).update(
        updated_at=timezone.now(),
        status=RunStatus.SUCCEEDED,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
        progress_done=PROGRESS_TOTAL,
        items_without_major=result.items_without_major,
        error="",
    )


def _refresh_statistics() -> None:
    """ANALYZE the tables a run has just rewritten: a period's rows were all replaced, too few of the
    table's for autovacuum to notice, and plans made on the old statistics (one row expected where
    thousands now are) made the bureau home's drill-down twice as slow."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Snapshot._meta.db_table}, {SupplyDemandRow._meta.db_table}")


def _raise_alerts(run: MetricRun, candidates: list[dict]) -> None:
    # A rerun raises nothing twice and never reopens or changes a decided alert (metrics.review).
    review.alerts_raise(run=run, candidates=candidates)


def metric_run_fail(*, run_id: int, error: str) -> bool:
    """Mark a still running run failed with the error (its task died); False if it was not running."""
    return bool(
        MetricRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
            updated_at=timezone.now(), status=RunStatus.FAILED, finished_at=timezone.now(), error=error[:10000]
        )
    )


def metric_runs_reap(*, stale_after: datetime.timedelta | None = None) -> int:
    """Mark failed every running run whose heartbeat is older than stale_after (its worker died).

    A run beats after each metric (seconds apart even at province scale), so the default of
    METRICS_STALE_AFTER_S (10 min) only catches dead workers. Returns how many runs were reaped.
    """
    if stale_after is None:
        stale_after = datetime.timedelta(seconds=settings.METRICS_STALE_AFTER_S)
    cutoff = timezone.now() - stale_after
    # A run queued that long ago lost its message (broker restarted, enqueue never committed): as
    # a period has one active run at most, a stuck queued run would block the period for good.
    stale = Q(status=RunStatus.RUNNING, heartbeat_at__lt=cutoff) | Q(status=RunStatus.QUEUED, queued_at__lt=cutoff)
    return MetricRun.objects.filter(stale).update(
        updated_at=timezone.now(),
        status=RunStatus.FAILED,
        finished_at=timezone.now(),
        error=_("计算进程中断（超过 %(s)d 秒无心跳），已判定失败；请重新发起计算。")
        % {"s": int(stale_after.total_seconds())},
    )
