"""Data migrations carry existing rows over: demand items get their list's fields, and a run's
supply–demand document becomes rows."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("enterprises", "0002_demand_indexes"), ("metrics", "0003_seed_targets_and_schedule")]
AFTER = [("enterprises", "0003_item_list_fields"), ("metrics", "0004_supply_demand_rows")]


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema(transactional_db):
    """Leave the database fully migrated for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


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


MOVE_BEFORE = [
    ("contenttypes", "0002_remove_content_type_name"),
    ("enterprises", "0003_item_list_fields"),
    ("colleges", "0001_initial"),
    ("programs", "0002_program_may_close_before_established"),
]
MOVE_AFTER = [("enterprises", "0004_move_out_reference_and_demand"), ("demand", "0001_initial")]


@pytest.mark.slow
def test_moving_reference_and_demand_to_their_apps_keeps_every_row(transactional_db):
    """The state-only move (reference/, demand/) leaves tables, rows, keys and history where they were."""
    old = _migrate(MOVE_BEFORE)
    content_types = old.get_model("contenttypes", "ContentType").objects
    # A database at the commit before the move has the model's content type under its old app only.
    content_types.filter(app_label="demand", model="demanditem").delete()
    content_types.get_or_create(app_label="enterprises", model="demanditem")
    industry = old.get_model("enterprises", "Industry").objects.create(code="C36", name="汽车制造业")
    old.get_model("enterprises", "IndustryCluster").objects.create(
        code="NEV", name="新能源汽车", industry_codes=["C36"]
    )
    major = old.get_model("programs", "Major").objects.create(
        code="460701", name="汽车制造与试验技术", level="higher", industry_codes=["C36"]
    )
    college = old.get_model("colleges", "College").objects.create(
        code="13290", name="甲院", kind="higher", district="清江浦区"
    )
    program = old.get_model("programs", "Program").objects.create(
        college=college, major=major, schooling="3yr_higher", established_on=datetime.date(2020, 9, 1)
    )
    enterprise = old.get_model("enterprises", "Enterprise").objects.create(
        uscc="91320800MA1XXXXX0X", name="甲", industry=industry, district="清江浦区", scale="large", tags=[]
    )
    demand_list = old.get_model("enterprises", "DemandList").objects.create(
        enterprise=enterprise, year=2025, quarter=1, status="accepted"
    )
    item = old.get_model("enterprises", "DemandItem").objects.create(
        demand_list=demand_list,
        kind="talent",
        title="电工",
        industry=industry,
        headcount=2,
        due_on=datetime.date(2025, 6, 30),
        year=2025,
        quarter=1,
        list_status="accepted",
    )
    old.get_model("enterprises", "DemandItemEvent").objects.create(item=item, from_status="", to_status="open")
    old.get_model("colleges", "DemandAssignment").objects.create(item=item, college=college)

    new = _migrate(MOVE_AFTER)

    moved = new.get_model("demand", "DemandItem").objects.get()
    assert (moved.pk, moved.title, moved.industry_id, moved.demand_list.enterprise.name) == (
        item.pk,
        "电工",
        "C36",
        "甲",
    )
    assert list(new.get_model("demand", "DemandAssignment").objects.values_list("item_id", "college_id")) == [
        (item.pk, college.pk)
    ]
    assert new.get_model("demand", "DemandItemEvent").objects.get().item_id == item.pk
    assert new.get_model("reference", "IndustryCluster").objects.get().industry_codes == ["C36"]
    assert new.get_model("programs", "Program").objects.get(pk=program.pk).major.code == "460701"
    assert new.get_model("enterprises", "Enterprise").objects.get().industry.name == "汽车制造业"
    # Permissions and admin log entries stay attached: the content type moved with the model.
    assert content_types.filter(app_label="demand", model="demanditem").exists()
    assert not content_types.filter(app_label="enterprises", model="demanditem").exists()
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    assert {"enterprises_demanditem", "colleges_demandassignment", "programs_major", "enterprises_industry"} <= tables
