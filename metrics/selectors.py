"""Reads of the metrics app shared by the dashboard, the API and exports. Readers read snapshots only."""

import operator
from functools import reduce

from django.db.models import F, OuterRef, Q, Subquery

from .choices import Comparator, PaceStatus, RunStatus, ScopeType, TargetStatus
from .models import Alert, MetricRun, Snapshot, Target

ON_TRACK_RATIO = 0.9


def latest_period_with_snapshots() -> tuple[int, int] | None:
    """The latest (year, quarter) that has snapshots, or None before the first run."""
    row = Snapshot.objects.order_by("-year", "-quarter").values_list("year", "quarter").first()
    return tuple(row) if row else None


def latest_run(year: int, quarter: int, status: str | None = RunStatus.SUCCEEDED) -> MetricRun | None:
    """The latest run of the period (by default the latest succeeded one)."""
    runs = MetricRun.objects.filter(year=year, quarter=quarter)
    if status:
        runs = runs.filter(status=status)
    return runs.order_by("-finished_at", "-id").first()


def latest_succeeded_runs():
    """The latest succeeded run of every period, in one query (a correlated subquery, the rule of latest_run)."""
    latest = (
        MetricRun.objects.filter(year=OuterRef("year"), quarter=OuterRef("quarter"), status=RunStatus.SUCCEEDED)
        .order_by("-finished_at", "-id")
        .values("id")[:1]
    )
    return MetricRun.objects.filter(status=RunStatus.SUCCEEDED, id=Subquery(latest))


def current_supply_demand(rows):
    """`rows` (SupplyDemandRow or SupplyDemandMajorRow) of the latest succeeded run of each period, with the
    run's year, quarter and finish as `year`, `quarter` and `updated_at`: the API's supply-demand tables."""
    return rows.filter(run__in=latest_succeeded_runs()).annotate(
        year=F("run__year"), quarter=F("run__quarter"), updated_at=F("run__finished_at")
    )


SUPPLY_DEMAND_COLUMNS = (
    "scope_type",
    "scope_id",
    "scope_name",
    "cluster",
    "cluster_name",
    "demand",
    "graduates",
    "local_graduates",
    "gap",
    "forecast_1",
    "forecast_2",
    "forecast_3",
)


def supply_demand_rows(run: MetricRun, scope_type: str | None = ScopeType.CITY, scope_id: str = ""):
    """The run's supply–demand lines of one scope (every scope when `scope_type` is None), as dicts, in order."""
    rows = run.supply_demand.all()
    if scope_type is not None:
        rows = rows.filter(scope_type=scope_type, scope_id=scope_id)
    return rows.values(*SUPPLY_DEMAND_COLUMNS)


def open_alerts():
    """Open 限制招生预警, newest first, with program, college and major loaded."""
    return Alert.objects.filter(status="open").select_related("program__college", "program__major")


def _pace(target: Target, value: float | None, year_ago: float | None, year: int, quarter: int) -> dict:
    """The pace per quarter needed to reach the threshold by the deadline's Q4, next to the pace of the
    last four quarters ((value − value a year ago) ÷ 4), and whether that pace gets there in time."""
    pace = {"pace_needed": None, "pace_recent": None, "pace_status": None}
    quarters_left = (target.deadline_year or 0) * 4 + 4 - (year * 4 + quarter)
    # Annual targets restart every January: their pace is the year's pro-rata one (_progress).
    if target.deadline_year is None or target.annual or value is None or quarters_left <= 0:
        return pace
    pace["pace_needed"] = (target.threshold - value) / quarters_left
    if year_ago is None:
        return pace
    pace["pace_recent"] = (value - year_ago) / 4
    at_least = target.comparator == Comparator.GTE
    on_pace = pace["pace_recent"] >= pace["pace_needed"] if at_least else pace["pace_recent"] <= pace["pace_needed"]
    pace["pace_status"] = PaceStatus.ON_PACE if on_pace else PaceStatus.BEHIND
    return pace


def _progress(target: Target, value: float | None, year: int, quarter: int) -> dict:
    result = {"target": target, "value": value, "threshold": target.threshold, "ratio": None}
    if value is None:
        return {**result, "status": TargetStatus.NO_DATA}
    at_least = target.comparator == Comparator.GTE
    achieved = value >= target.threshold if at_least else value <= target.threshold
    # Both ways ratio ≥ 1 means "holds": value ÷ threshold for ≥, threshold ÷ value for ≤.
    if at_least:
        ratio = value / target.threshold if target.threshold else None
    else:
        ratio = target.threshold / value if value else 1.0
    result["ratio"] = ratio
    if achieved:
        return {**result, "status": TargetStatus.ACHIEVED}
    if target.annual:
        # An annual figure accumulates over the year: judge it against the year's pace so far.
        pace = target.threshold * quarter / 4
        in_time = quarter < 4
        near = (value / pace if pace else 0) >= ON_TRACK_RATIO if at_least else ratio >= ON_TRACK_RATIO
    else:
        in_time = target.deadline_year is None or (year, quarter) < (target.deadline_year, 4)
        near = ratio is not None and ratio >= ON_TRACK_RATIO
    status = TargetStatus.ON_TRACK if (in_time and near) else TargetStatus.AT_RISK
    return {**result, "status": status}


def targets_progress(*, year: int, quarter: int, targets=None) -> list[dict]:
    """Progress of every target (or of the given ones) in period (year, quarter); snapshots in one query.

    Each item is {target, value, threshold, ratio, status, pace_needed, pace_recent, pace_status}.
    ratio = value ÷ threshold for ≥ targets and threshold ÷ value for ≤ targets (≥ 1 means the target
    holds; None if the threshold is 0).
    Status:
      - no_data: no snapshot of the target's metric and scope in the period, or its value is null;
      - achieved: the value compares to the threshold as the target says;
      - on_track: not achieved yet but near and in time — for annual targets (counted from 1 Jan)
        the value is ≥ 90 % of the year's pro-rata pace (threshold × quarter ÷ 4) before Q4; for the
        others ratio ≥ 0.9 and the deadline year's Q4 not yet reached (no deadline = always in time);
      - at_risk: otherwise.
    Pace, for targets with a deadline (not annual) before the deadline year's Q4: pace_needed = (threshold −
    value) ÷ quarters left to that Q4; pace_recent = (value − the value of the same quarter a year before) ÷ 4;
    pace_status on_pace when pace_recent ≥ pace_needed (≤ for ≤ targets), behind otherwise; None where unknown.
    """
    targets = list(Target.objects.all() if targets is None else targets)
    if not targets:
        return []
    keys = reduce(operator.or_, (Q(metric=t.metric, scope_type=t.scope_type, scope_id=t.scope_id) for t in targets))
    values = {
        (y, m, t, i): v
        for y, m, t, i, v in Snapshot.objects.filter(keys, year__in=(year, year - 1), quarter=quarter).values_list(
            "year", "metric", "scope_type", "scope_id", "value"
        )
    }
    progress = []
    for t in targets:
        value, year_ago = (values.get((y, t.metric, t.scope_type, t.scope_id)) for y in (year, year - 1))
        progress.append({**_progress(t, value, year, quarter), **_pace(t, value, year_ago, year, quarter)})
    return progress
