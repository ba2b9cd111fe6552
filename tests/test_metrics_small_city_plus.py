"""SPEC 4.2 and the newer metrics on the database: import small-city-plus, compute 2024 Q4 and 2025 Q2
through the run services, and compare every figure of small-city-plus-expected.json."""

import pytest
from django.db import transaction

from exchange.importer import import_bundle
from metrics import services
from metrics.choices import Metric, RunStatus
from metrics.models import Snapshot, SupplyDemandMajorRow, SupplyDemandRow
from portal.periods import Period
from reference.models import District, PriorityMajor
from tests.small_city_plus import BUNDLE, PERIODS, bundle, expected

pytestmark = pytest.mark.django_db

FIGURES = ["demand", "graduates", "local_graduates", "gap", "forecast_1", "forecast_2", "forecast_3"]
NEWER = {Metric.PRIORITY_MAJOR_SHARE.value, Metric.FILING_RATE.value}


@pytest.fixture(scope="module")
def plus_city(django_db_setup, django_db_blocker):
    """Import once and compute both periods for the whole module; rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        import_bundle(BUNDLE)
        runs = {}
        for year, quarter in PERIODS:
            run = services.metric_run_create(year=year, quarter=quarter)
            runs[(year, quarter)] = services.metric_run_execute(run_id=run.id)
        run_ids = [run.id for run in runs.values()]
        yield {
            "runs": runs,
            "rows": {
                (r.scope_type, r.scope_id, r.cluster, r.run.year, r.run.quarter): r
                for r in SupplyDemandRow.objects.filter(run_id__in=run_ids).select_related("run")
            },
            "major_rows": {
                (r.major_code, r.run.year, r.run.quarter): r
                for r in SupplyDemandMajorRow.objects.filter(run_id__in=run_ids).select_related("run")
            },
            "snapshots": {
                (s.metric, s.scope_type, s.scope_id, s.year, s.quarter): s
                for s in Snapshot.objects.filter(run_id__in=run_ids, metric__in=NEWER)
            },
            "districts": list(District.objects.values_list("code", "name", "order")),
            "priority_majors": PriorityMajor.objects.count(),
        }
        transaction.set_rollback(True)


def _mismatches(expected_rows, computed, key, fields):
    wrong = []
    for figure in expected_rows:
        row = computed.get(key(figure))
        if row is None:
            wrong.append((key(figure), "missing"))
            continue
        for name in fields:
            want, got = figure[name], getattr(row, name)
            if want is None or got is None:
                if want is not got:
                    wrong.append((key(figure), name, want, got))
            elif got != pytest.approx(want, rel=1e-9, abs=1e-12):
                wrong.append((key(figure), name, want, got))
    return wrong


def _row_key(figure):
    return (figure["scope_type"], figure["scope_key"], figure["cluster"], figure["year"], figure["quarter"])


def _major_key(figure):
    return (figure["major_code"], figure["year"], figure["quarter"])


def _snapshot_key(figure):
    return (figure["metric"], figure["scope_type"], figure["scope_key"], figure["year"], figure["quarter"])


def test_plus_city_imports_its_districts_and_directory(plus_city):
    assert plus_city["districts"] == [
        ("320813", "洪泽区", 1),
        ("320826", "涟水县", 2),
        ("320803", "淮安区", 3),
        ("320804", "淮阴区", 4),
        ("320812", "清江浦区", 5),
    ]
    assert plus_city["priority_majors"] == 14


def test_plus_city_runs_succeed(plus_city):
    for run in plus_city["runs"].values():
        assert run.status == RunStatus.SUCCEEDED, run.error


def test_plus_city_supply_demand_rows_are_exactly_the_expected(plus_city):
    rows = expected()["supply_demand"]
    assert len(rows) == 252
    assert _mismatches(rows, plus_city["rows"], _row_key, FIGURES) == []
    assert set(plus_city["rows"]) == {_row_key(figure) for figure in rows}


def test_plus_city_by_major_rows_are_exactly_the_expected(plus_city):
    rows = expected()["supply_demand_majors"]
    assert _mismatches(rows, plus_city["major_rows"], _major_key, FIGURES) == []
    assert set(plus_city["major_rows"]) == {_major_key(figure) for figure in rows}


def test_plus_city_counts_the_talent_items_without_a_major(plus_city):
    # The expected file has no such figure: counted from the CSVs (the four quarters ending with the period).
    talent = bundle()["talent"]
    for (year, quarter), run in plus_city["runs"].items():
        quarters = {(q.year, q.quarter) for q in Period(year, quarter).last_four()}
        of_year = talent[[(y, q) in quarters for y, q in zip(talent["year"], talent["quarter"], strict=True)]]
        assert run.items_without_major == int(of_year["major_code"].isna().sum()) > 0


def test_plus_city_priority_major_share_and_filing_rate(plus_city):
    figures = expected()["snapshots"]
    assert {f["metric"] for f in figures} == NEWER
    assert _mismatches(figures, plus_city["snapshots"], _snapshot_key, ["value"]) == []
    assert set(plus_city["snapshots"]) == {_snapshot_key(figure) for figure in figures}
