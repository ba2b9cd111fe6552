"""Reads that say what a database holds, to compare a restored copy with its source (check_restore)."""

from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, OuterRef, Subquery

from metrics.choices import RunStatus
from metrics.models import MetricRun


def table_counts() -> dict[str, int]:
    """{table: rows} of every table of the installed apps (many-to-many tables included), by name."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables[model._meta.db_table] = model._base_manager.count()
    return dict(sorted(tables.items()))


def latest_runs_by_period() -> list[dict]:
    """Each period's latest succeeded run (as the pages and API read it) with its snapshot count."""
    latest = (
        MetricRun.objects.filter(year=OuterRef("year"), quarter=OuterRef("quarter"), status=RunStatus.SUCCEEDED)
        .order_by("-finished_at", "-id")
        .values("id")[:1]
    )
    periods = (
        MetricRun.objects.filter(status=RunStatus.SUCCEEDED, id=Subquery(latest))
        .annotate(snapshots_count=Count("snapshots"))
        .order_by("year", "quarter")
        .values("year", "quarter", "id", "finished_at", "snapshots_count")
    )
    return [
        {
            "period": f"{row['year']}Q{row['quarter']}",
            "run": row["id"],
            "finished_at": row["finished_at"].isoformat() if row["finished_at"] else None,
            "snapshots": row["snapshots_count"],
        }
        for row in periods
    ]


def unapplied_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    return [
        f"{migration.app_label}.{migration.name}"
        for migration, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())
    ]
