"""Data migrations carry existing rows over: demand items get their list's fields, and a run's
supply–demand document becomes rows."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("enterprises", "0002_demand_indexes"), ("metrics", "0003_seed_targets_and_schedule")]
AFTER = [("enterprises", "0003_item_list_fields"), ("metrics", "0004_supply_demand_rows")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.slow
def test_existing_items_and_runs_are_carried_over(transactional_db):
    old = _migrate(BEFORE)
    industry = old.get_model("enterprises", "Industry").objects.create(code="C36", name="汽车制造业")
    enterprise = old.get_model("enterprises", "Enterprise").objects.create(
        uscc="91320800MA1XXXXX0X", name="甲", industry=industry, district="清江浦区", scale="large", tags=[]
    )
    lists = old.get_model("enterprises", "DemandList").objects
    items = old.get_model("enterprises", "DemandItem").objects
    for year, quarter, status in [(2025, 1, "accepted"), (2025, 2, "draft")]:
        demand_list = lists.create(enterprise=enterprise, year=year, quarter=quarter, status=status)
        items.create(
            demand_list=demand_list,
            kind="talent",
            title="电工",
            industry=industry,
            headcount=2,
            due_on=datetime.date(2025, 6, 30),
        )
    line = {"cluster_name": "新能源汽车", "demand": 3.0, "supply": 1.0, "gap": 2.0}
    document = [
        {"scope_type": "city", "scope_id": "", "cluster": "NEV", **line},
        {"scope_type": "city", "scope_id": "", "cluster": "other", **line},
        {"scope_type": "district", "scope_id": "清江浦区", "cluster": "NEV", **line},
    ]
    old.get_model("metrics", "MetricRun").objects.create(
        year=2025, quarter=2, status="succeeded", supply_demand=document
    )

    new = _migrate(AFTER)

    copied = new.get_model("enterprises", "DemandItem").objects.order_by("year", "quarter")
    assert list(copied.values_list("year", "quarter", "list_status")) == [(2025, 1, "accepted"), (2025, 2, "draft")]
    rows = new.get_model("metrics", "SupplyDemandRow").objects.order_by("scope_type", "position")
    assert list(rows.values_list("scope_type", "scope_id", "position", "cluster", "gap")) == [
        ("city", "", 0, "NEV", 2.0),
        ("city", "", 1, "other", 2.0),
        ("district", "清江浦区", 0, "NEV", 2.0),
    ]
