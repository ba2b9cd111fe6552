"""The benchmark's SQL floor computes SPEC 4 exactly: it reproduces every figure of the small city.

A floor that computed less than the engine would flatter the engine's ratio; this pins it to the
worked example (the same expected figures the engine is held to).
"""

import json

import pytest
from django.db import connection

from bench import floor
from colleges.models import College
from exchange.importer import import_bundle
from tests.test_metrics_small_city import EXAMPLES, PERIODS

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: the floor is PostgreSQL SQL (GROUPING SETS, jsonb)"
    ),
    pytest.mark.django_db,
]


def _value(metric, numerator, denominator):
    if metric == "supply_demand_match" or denominator is None:
        return None if numerator is None else float(numerator)
    return numerator / denominator if denominator else None


@pytest.mark.parametrize(("year", "quarter"), PERIODS)
def test_floor_reproduces_every_expected_figure_of_the_small_city(year, quarter):
    import_bundle(EXAMPLES / "small-city")
    codes = dict(College.objects.values_list("id", "code"))
    computed = {
        (metric, scope_type, codes[scope_id] if scope_type == "college" else scope_id): _value(metric, *pair)
        for metric, scopes in floor.compute(year, quarter).items()
        if metric != "headcounts"  # SPEC 4.2, checked on small-city-plus
        for (scope_type, scope_id), pair in scopes.items()
    }
    expected = [
        row
        for row in json.loads((EXAMPLES / "small-city-expected.json").read_text(encoding="utf-8"))
        if (row["year"], row["quarter"]) == (year, quarter)
    ]
    assert len(expected) > 100
    wrong = []
    for row in expected:
        # The floor emits only scopes that have rows. An empty scope counts 0, covers 0 of the key
        # clusters, and has a null ratio.
        default = None if row["metric"] in RATIO_METRICS - {"cluster_coverage"} else 0.0
        got = computed.get((row["metric"], row["scope_type"], row["scope_key"]), default)
        if (got is None) != (row["value"] is None) or (got is not None and got != pytest.approx(row["value"])):
            wrong.append((row["metric"], row["scope_type"], row["scope_key"], got, row["value"]))
    assert wrong == []


RATIO_METRICS = {
    "alignment_rate",
    "cluster_coverage",
    "supply_demand_match",
    "local_retention_rate",
    "in_field_rate",
    "industry_college_compliance",
    "demand_fulfilment_rate",
    "policy_reach",
}


@pytest.mark.parametrize(("year", "quarter"), PERIODS)
def test_engine_and_floor_agree_on_every_snapshot_and_headcount_row(year, quarter):
    """The benchmark's mismatch report is empty when engine and floor follow SPEC 4 and 4.2 alike."""
    from bench.runner import floor_mismatches, headcount_mismatches
    from metrics import services

    import_bundle(EXAMPLES / "small-city")
    run = services.metric_run_execute(run_id=services.metric_run_create(year=year, quarter=quarter).id)
    _seconds, figures = floor.timed(year, quarter)
    headcounts = figures.pop("headcounts")
    assert len(headcounts) > 50
    assert floor_mismatches(run.id, figures) == []
    assert headcount_mismatches(run.id, headcounts) == []
