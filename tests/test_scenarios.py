"""What-if scenarios on a real database (SPEC 4.3): the planner's baseline is the run's forecast, an
empty scenario is the baseline, bad changes are refused naming the change and field, nothing is written."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from exchange.importer import import_bundle
from metrics import scenarios, services
from metrics.models import Scenario, Snapshot, SupplyDemandRow
from programs.models import Program
from tests.exchange_helpers import small_city_copy


@pytest.fixture
def city(db, tmp_path):
    import_bundle(small_city_copy(tmp_path / "city"))
    scenarios.forget_planner_bases()
    run = services.metric_run_create(year=2024, quarter=4)
    services.metric_run_execute(run_id=run.id)
    yield
    scenarios.forget_planner_bases()


def _city(answer):
    return answer["scopes"][0]


def test_empty_scenario_is_the_baseline_and_the_baseline_is_the_forecast(city):
    answer = scenarios.scenario_evaluate(year=2024, quarter=4, changes=[])
    assert answer["years"] == [2024, 2025, 2026, 2027, 2028, 2029]
    city_scope = _city(answer)
    assert city_scope["scope_type"] == "city" and [s["scope_type"] for s in answer["scopes"][1:]] == ["district"] * 5
    rows = {r.cluster: r for r in SupplyDemandRow.objects.filter(scope_type="city")}
    for cluster in city_scope["clusters"]:
        graduates = cluster["graduates"]
        assert graduates["scenario"] == graduates["baseline"]
        row = rows[cluster["cluster"]]
        assert graduates["baseline"][:4] == [row.graduates, row.forecast_1, row.forecast_2, row.forecast_3]
    alignment = city_scope["metrics"]["alignment_rate"]
    assert alignment["scenario"] == alignment["baseline"]
    # The year-end figure of Y equals the period's snapshot when the base is Q4 (E = 31 December).
    snapshot = Snapshot.objects.get(metric="alignment_rate", scope_type="city", year=2024, quarter=4)
    assert alignment["baseline"][0] == pytest.approx(snapshot.value)


def test_stopping_intake_of_a_program_lowers_its_clusters_future_graduates(city):
    program = Program.objects.filter(closed_on__isnull=True).order_by("pk").first()
    base = scenarios.scenario_evaluate(year=2024, quarter=4, changes=[])
    stopped = scenarios.scenario_evaluate(
        year=2024, quarter=4, changes=[{"action": "set_intake", "program": program.pk, "from_year": 2022, "factor": 0}]
    )
    total = lambda answer, year: sum(c["graduates"]["scenario"][year] for c in _city(answer)["clusters"])  # noqa: E731
    assert total(stopped, 0) == total(base, 0)  # set_intake never changes the year Y column
    assert total(stopped, 5) <= total(base, 5)


def test_bad_changes_are_refused_naming_the_change_and_the_field(city, bureau_user):
    bad = [
        {"action": "set_intake", "program": 999_999, "from_year": 2025, "factor": 0.5},
        {
            "action": "open",
            "college_code": "13200",
            "major_code": "460701",
            "schooling": "3yr_higher",
            "first_intake_year": 2025,
            "intake": -5,
        },
        {"action": "close", "program": Program.objects.first().pk, "on": "2023-01-01"},
        {"action": "grow"},
    ]
    with pytest.raises(ValidationError) as refused:
        scenarios.scenario_save(instance=Scenario(name="试算", year=2024, quarter=4, changes=bad), by=bureau_user)
    messages = refused.value.message_dict["changes"]
    assert [m.split("：")[0] for m in messages] == ["第 1 项 program", "第 2 项 intake", "第 3 项 on", "第 4 项 action"]
    assert not Scenario.objects.exists()


def test_only_the_bureau_saves_and_a_duplicate_is_a_copy(city, bureau_user, college_user):
    changes = [{"action": "close", "program": Program.objects.first().pk, "on": "2025-07-01"}]
    with pytest.raises(PermissionDenied):
        scenarios.scenario_save(instance=Scenario(name="试算", year=2024, quarter=4, changes=changes), by=college_user)
    saved = scenarios.scenario_save(
        instance=Scenario(name="试算", year=2024, quarter=4, changes=changes), by=bureau_user
    )
    copy = scenarios.scenario_duplicate(scenario=saved, by=bureau_user)
    assert (copy.name, copy.changes, copy.created_by) == ("试算（副本）", changes, bureau_user)
    assert copy.pk != saved.pk
