"""What the portal forgets, and when (settings RETENTION_*; `manage.py prune_data`; nightly in beat).

- Metric runs: every period's latest succeeded run is kept whole. The supply–demand lines of the
  other finished runs go once the run is RETENTION_RUN_ROWS_DAYS old (a province run writes ~4 500
  lines and the current quarter is recomputed nightly). The run records themselves stay: they are
  small and they are the audit of who computed what.
- Sessions past their expiry date.
- Login records of django-axes (successes, failures, attempt counters) older than RETENTION_AXES_DAYS.
- Audit history (simple_history) older than RETENTION_HISTORY_DAYS, except each object's latest
  record, so every row still shows its last change. 0 (the default) keeps all history.
- The API's deletions feed (portal.Deletion) older than RETENTION_DELETIONS_DAYS: a mirror that has not
  synced for that long reloads everything (0 keeps the feed whole).
"""

import datetime
from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from simple_history.models import HistoricalChanges

from metrics.choices import RunStatus
from metrics.models import MetricRun, SupplyDemandMajorRow, SupplyDemandRow
from portal.models import Deletion


@dataclass
class PruneReport:
    """Rows pruned (or, in a dry run, that would be) per kind, in the order they are pruned."""

    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def superseded_runs(*, before: datetime.datetime):
    """Finished runs older than `before` that are not their period's latest succeeded run.

    "Latest" as metrics.selectors.latest_run orders it (finished_at, then id), so the run the API
    and the pages read is never the one pruned.
    """
    latest = (
        MetricRun.objects.filter(year=OuterRef("year"), quarter=OuterRef("quarter"), status=RunStatus.SUCCEEDED)
        .order_by("-finished_at", "-id")
        .values("id")[:1]
    )
    return (
        MetricRun.objects.filter(status__in=[RunStatus.SUCCEEDED, RunStatus.FAILED])
        .filter(Q(finished_at__lt=before) | Q(finished_at__isnull=True, queued_at__lt=before))
        .exclude(id=Subquery(latest))
    )


def history_models() -> list:
    """Every audit-history model (one per model registered with simple_history). The through-rows of a
    history's many-to-many fields (a task's units) have no date of their own and go with their record."""
    return sorted(
        (
            model
            for model in apps.get_models()
            if issubclass(model, HistoricalChanges) and any(f.name == "history_date" for f in model._meta.fields)
        ),
        key=lambda model: model._meta.label,
    )


def _old_history(model, before: datetime.datetime):
    newer = model.objects.filter(id=OuterRef("id"), history_id__gt=OuterRef("history_id"))
    return model.objects.filter(history_date__lt=before).filter(Exists(newer))


def prune_querysets(*, now: datetime.datetime | None = None) -> dict:
    """{kind: queryset} of everything due for pruning at `now`, by the RETENTION_* settings."""
    now = now or timezone.now()
    superseded = superseded_runs(before=now - datetime.timedelta(days=settings.RETENTION_RUN_ROWS_DAYS))
    due = {
        "metric_run_rows": SupplyDemandRow.objects.filter(run__in=superseded),
        "metric_run_major_rows": SupplyDemandMajorRow.objects.filter(run__in=superseded),
        "sessions": Session.objects.filter(expire_date__lt=now),
    }
    axes_before = now - datetime.timedelta(days=settings.RETENTION_AXES_DAYS)
    for name, model in (
        ("axes_access_logs", AccessLog),
        ("axes_failure_logs", AccessFailureLog),
        ("axes_attempts", AccessAttempt),
    ):
        due[name] = model.objects.filter(attempt_time__lt=axes_before)
    if settings.RETENTION_DELETIONS_DAYS > 0:
        due["deletions"] = Deletion.objects.filter(
            deleted_at__lt=now - datetime.timedelta(days=settings.RETENTION_DELETIONS_DAYS)
        )
    if settings.RETENTION_HISTORY_DAYS > 0:
        history_before = now - datetime.timedelta(days=settings.RETENTION_HISTORY_DAYS)
        for model in history_models():
            due[f"history:{model._meta.label_lower}"] = _old_history(model, history_before)
    return due


def data_prune(*, dry_run: bool = False, now: datetime.datetime | None = None) -> PruneReport:
    """Delete (or with dry_run only count) what the retention settings no longer keep.

    Each kind is deleted in its own transaction, so a long prune never holds one lock over everything.
    """
    report = PruneReport(dry_run=dry_run)
    for name, queryset in prune_querysets(now=now).items():
        if dry_run:
            report.counts[name] = queryset.count()
            continue
        with transaction.atomic():
            # None of these rows has dependants or delete signals: Django issues one DELETE … WHERE.
            report.counts[name] = queryset.delete()[0]
    return report
