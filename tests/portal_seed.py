"""A small, fully known dataset for the bureau's pages: three quarters of snapshots, targets,
a supply–demand table, alerts and overdue demand items. Shared by the page and browser tests."""

import datetime

from django.utils import timezone

from metrics.models import Alert, MetricRun, Snapshot, SupplyDemandRow, Target
from tests import factories as f

PERIODS = [(2024, 4), (2025, 1), (2025, 2)]
DISTRICT = "清江浦区"
COLLEGE_CODE = "13501"
COLLEGE_NAME = "淮安示范职业技术学院"

# City values per period (oldest first); ratios are fractions.
CITY = {
    "alignment_rate": [0.70, 0.75, 0.82],
    "order_classes": [18, 12, 21],
    "training_bases": [26, 27, 28],
    "integration_enterprises": [8, 9, 10],
    "training_headcount": [21000, 3500, 9800],
    "local_retention_rate": [0.80, None, 0.86],
}
SUPPLY_DEMAND = [
    {
        "cluster": "CL-NEV",
        "cluster_name": "新能源汽车及零部件",
        "demand": 120.0,
        "graduates": 100.0,
        "local_graduates": 80.0,
        "gap": 40.0,
    },
    {
        "cluster": "other",
        "cluster_name": "其他",
        "demand": 30.0,
        "graduates": 60.0,
        "local_graduates": 50.0,
        "gap": -20.0,
    },
]


def _snapshot(run, metric, scope_type, scope_id, scope_name, value, numerator=None, denominator=None):
    return Snapshot(
        run=run,
        metric=metric,
        scope_type=scope_type,
        scope_id=scope_id,
        scope_name=scope_name,
        year=run.year,
        quarter=run.quarter,
        value=value,
        numerator=numerator if numerator is not None else value,
        denominator=denominator if denominator is not None else (1 if value is not None else 0),
        computed_at=run.finished_at,
    )


def seed_dashboard(*, overdue: int = 3):
    """Create the dataset; returns a dict of the objects tests refer to."""
    college = f.CollegeFactory(code=COLLEGE_CODE, name=COLLEGE_NAME, district=DISTRICT)
    now = timezone.now()
    runs = []
    for index, (year, quarter) in enumerate(PERIODS):
        run = MetricRun.objects.create(
            year=year,
            quarter=quarter,
            status="succeeded",
            progress_done=15,
            progress_total=15,
            started_at=now,
            finished_at=now,
        )
        SupplyDemandRow.objects.bulk_create(
            [
                SupplyDemandRow(run=run, scope_type="city", scope_id="", position=i, **row)
                for i, row in enumerate(SUPPLY_DEMAND)
            ]
            + [
                SupplyDemandRow(
                    run=run,
                    scope_type="college",
                    scope_id=COLLEGE_CODE,
                    position=i,
                    **(row | {"demand": 0.0, "gap": -row["local_graduates"]}),
                )
                for i, row in enumerate(SUPPLY_DEMAND)
            ]
        )
        runs.append(run)
        rows = []
        for metric, values in CITY.items():
            value = values[index]
            rows.append(_snapshot(run, metric, "city", "", "全市", value, value * 100 if value else None, 100))
        rows.append(_snapshot(run, "alignment_rate", "district", DISTRICT, DISTRICT, 0.6 + 0.1 * index, 3 + index, 5))
        rows.append(_snapshot(run, "alignment_rate", "college", COLLEGE_CODE, COLLEGE_NAME, 0.5 + 0.25 * index, 2, 4))
        rows.append(_snapshot(run, "order_classes", "college", COLLEGE_CODE, COLLEGE_NAME, 4 + index))
        Snapshot.objects.bulk_create(rows)
    # Replace the seeded policy targets (migration 0003) with five whose statuses are known.
    Target.objects.all().delete()
    targets = [
        Target.objects.create(metric="alignment_rate", threshold=0.8, source="实施意见第三条", order=1),
        Target.objects.create(metric="order_classes", threshold=20, annual=True, source="实施意见第四条", order=2),
        Target.objects.create(metric="training_bases", threshold=30, deadline_year=2025, source="工作目标", order=3),
        Target.objects.create(
            metric="integration_enterprises", threshold=30, deadline_year=2025, source="工作目标", order=4
        ),
        Target.objects.create(metric="cluster_coverage", threshold=0.85, source="工作会议讲话", order=5),
    ]
    program = f.ProgramFactory(college=college, major=f.MajorFactory(code="460799", name="低对口测试专业"))
    open_alert = Alert.objects.create(program=program, year=2025, rates={"2024": 0.5, "2025": 0.55}, run=runs[-1])
    other_program = f.ProgramFactory(college=college, major=f.MajorFactory(code="460798", name="已研判测试专业"))
    Alert.objects.create(program=other_program, year=2024, rates={"2023": 0.4, "2024": 0.5}, status="dismissed")
    today = timezone.localdate()
    late = f.DemandListFactory(year=2025, quarter=1, status="accepted")
    overdue_items = [
        f.DemandItemFactory(demand_list=late, title=f"逾期需求{n}", due_on=today - datetime.timedelta(days=10 + n))
        for n in range(overdue)
    ]
    f.DemandItemFactory(demand_list=late, title="已销号需求", status="fulfilled", fulfilled_on=today)
    f.DemandItemFactory(demand_list=late, title="未到期需求", due_on=today + datetime.timedelta(days=30))
    f.DemandItemFactory(
        demand_list=f.DemandListFactory(year=2025, quarter=1, status="draft"),
        title="草稿清单需求",
        due_on=today - datetime.timedelta(days=5),
    )
    return {
        "college": college,
        "runs": runs,
        "targets": targets,
        "open_alert": open_alert,
        "overdue_items": overdue_items,
        "program": program,
    }
