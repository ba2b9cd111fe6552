"""One period's run of the engine: every metric of the registry for every scope it has, the
supply–demand table and the alert candidates, as plain rows for metrics.services to store."""

import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from django.conf import settings

from portal.periods import Period

from . import engine, registry, review
from .choices import Metric, ScopeType
from .registry import MetricDef


def finish(metric: MetricDef, table: pd.DataFrame, f: engine.Frames) -> pd.DataFrame:
    """Put a metric's table on every scope it has (absent scopes count 0) and compute the value.

    Ratios: value = numerator ÷ denominator, null when the denominator is 0 (or, for the
    supply–demand match, when a side is empty). Counts keep only the value.
    """
    scopes = f.scopes
    if ScopeType.COLLEGE not in metric.scopes:
        scopes = scopes[scopes["scope_type"] != ScopeType.COLLEGE.value]
    out = scopes.set_index(engine.INDEX).join(table, how="left")
    if metric.key == Metric.SUPPLY_DEMAND_MATCH:
        out["numerator"] = out["numerator"].astype(float)
        out["denominator"] = 1.0
        out["value"] = out["numerator"]
    elif metric.is_ratio:
        out["numerator"] = out["numerator"].astype(float).fillna(0.0)
        if metric.key == Metric.CLUSTER_COVERAGE:
            out["denominator"] = float(len(f.clusters.codes))
        out["denominator"] = out["denominator"].astype(float).fillna(0.0)
        out["value"] = (out["numerator"] / out["denominator"]).where(out["denominator"] > 0)
    else:
        out["value"] = out["numerator"].astype(float).fillna(0.0)
        out["numerator"] = None
        out["denominator"] = None
    return out.reset_index().assign(metric=metric.key.value)


@dataclass
class PeriodResult:
    """What a run stores: snapshot rows, the supply–demand table and the alert candidates."""

    snapshots: list[dict]
    supply_demand: list[dict]
    supply_demand_majors: list[dict]
    items_without_major: int
    alerts: list[dict]


def _none_if_nan(value):
    return None if value is None or pd.isna(value) else float(value)


def compute_period(year: int, quarter: int, *, on_progress: Callable[[int], None] | None = None) -> PeriodResult:
    """Compute every metric of (year, quarter) for every scope; on_progress(n) after each metric."""
    frames = engine.load_frames(Period(year, quarter))
    # Test-only knob (METRICS_TEST_DELAY_S): makes a run slow so a test can kill its worker mid-run.
    delay = settings.METRICS_TEST_DELAY_S
    tables = []
    for done, metric in enumerate(registry.METRICS, start=1):
        tables.append(finish(metric, metric.compute(frames), frames))
        if delay:
            time.sleep(delay)
        if on_progress:
            on_progress(done)
    majors, items_without_major = engine.supply_demand_major_rows(frames)
    return PeriodResult(
        snapshots=[
            {
                "metric": row.metric,
                "scope_type": row.scope_type,
                "scope_id": row.scope_id,
                "scope_name": row.scope_name,
                "value": _none_if_nan(row.value),
                "numerator": _none_if_nan(row.numerator),
                "denominator": _none_if_nan(row.denominator),
            }
            for table in tables
            for row in table.itertuples(index=False)
        ],
        supply_demand=engine.supply_demand_rows(frames),
        supply_demand_majors=majors,
        items_without_major=items_without_major,
        alerts=review.program_alerts(frames),
    )
