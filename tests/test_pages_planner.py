"""The what-if planner's pages (SPEC 4.3, 8) on the small city: the bureau creates, edits, duplicates,
exports and deletes scenarios and sees baseline, scenario and difference; agencies read; others get 404."""

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from exchange.importer import import_bundle
from metrics import scenarios, services
from metrics.models import Scenario
from programs.models import Program
from tests.exchange_helpers import small_city_copy

LIST = reverse("metrics:scenario_list")
CREATE = reverse("metrics:scenario_create")


@pytest.fixture
def city(db, tmp_path):
    import_bundle(small_city_copy(tmp_path / "city"))
    scenarios.forget_planner_bases()
    run = services.metric_run_create(year=2024, quarter=4)
    services.metric_run_execute(run_id=run.id)
    yield
    scenarios.forget_planner_bases()


def _programs():
    """Two programs active now that have graduates ahead, ordered."""
    return list(Program.objects.filter(closed_on__isnull=True, enrollment_status="normal").order_by("pk")[:2])


def _changes():
    closing, halving = _programs()
    return [
        {"action": "close", "program": closing.pk, "on": "2025-09-01"},
        {"action": "set_intake", "program": halving.pk, "from_year": 2022, "factor": 0.5},
    ]


@pytest.fixture
def scenario(city, bureau_user):
    return scenarios.scenario_save(
        instance=Scenario(name="压减方案", description="试算", year=2024, quarter=4, changes=_changes()), by=bureau_user
    )


def _post(client, url, name="新方案", changes=None, period="2024-4", description=""):
    return client.post(
        url,
        {
            "name": name,
            "description": description,
            "period": period,
            "changes_json": json.dumps(changes if changes is not None else [], ensure_ascii=False),
        },
    )


def test_bureau_creates_a_scenario_and_sees_the_difference(client, bureau_user, city):
    client.force_login(bureau_user)
    form = client.get(CREATE)
    assert form.status_code == 200
    options = form.context["options"]
    assert len(options["programs"]) == Program.objects.count() and options["colleges"]
    response = _post(client, CREATE, changes=_changes())
    saved = Scenario.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("metrics:scenario_detail", args=[saved.pk])
    assert (saved.name, saved.year, saved.quarter, saved.created_by) == ("新方案", 2024, 4, bureau_user)
    assert saved.changes == _changes()
    detail = client.get(response["Location"])
    result = detail.context["result"]
    assert detail.context["scope"]["key"] == "city" and result["changed"] is True
    assert result["years"] == [2024, 2025, 2026, 2027, 2028, 2029]
    total = lambda key: [sum(c["graduates"][key][i] for c in result["clusters"]) for i in range(6)]  # noqa: E731
    assert total("scenario")[5] < total("baseline")[5]
    assert total("scenario")[0] == total("baseline")[0]  # the closing in 2025 leaves 2024's cohort
    body = detail.content.decode()
    assert "停办" in body and "招生 × 0.5" in body and 'data-planner-chart="0"' in body
    assert detail.context["share_url"].endswith(reverse("metrics:scenario_detail", args=[saved.pk]))


def test_empty_scenario_shows_identical_baseline_and_scenario(client, bureau_user, city):
    client.force_login(bureau_user)
    response = _post(client, CREATE, name="空方案")
    detail = client.get(response["Location"])
    result = detail.context["result"]
    assert result["changed"] is False
    for row in result["metrics"]:
        assert row["baseline"] == row["scenario"]
    for cluster in result["clusters"]:
        assert cluster["graduates"]["baseline"] == cluster["graduates"]["scenario"]
        assert set(cluster["gap"]["diff"]) == {0.0}
    assert "方案与基准没有差别" in detail.content.decode()


def test_bad_changes_are_shown_naming_the_change_and_field_and_nothing_is_saved(client, bureau_user, city):
    client.force_login(bureau_user)
    changes = [_changes()[0], {"action": "set_intake", "program": 999_999, "from_year": 2025, "factor": -1}]
    response = _post(client, CREATE, changes=changes)
    assert response.status_code == 200
    assert not Scenario.objects.exists()
    errors = response.context["form"].errors["changes_json"]
    assert [e.split("：")[0] for e in errors] == ["第 2 项 program", "第 2 项 factor"]
    assert response.context["change_errors"][0] == {}
    assert set(response.context["change_errors"][1]) == {"program", "factor"}
    body = response.content.decode()
    assert 'data-testid="change-errors"' in body and "第 2 项 factor" in body


def test_changes_that_are_not_json_are_refused_at_the_field(client, bureau_user, city):
    client.force_login(bureau_user)
    response = client.post(CREATE, {"name": "x", "period": "2024-4", "changes_json": "[{oops"})
    assert response.status_code == 200 and not Scenario.objects.exists()
    assert "不是有效的 JSON" in response.context["form"].errors["changes_json"][0]


def test_bureau_edits_a_scenario(client, bureau_user, scenario):
    client.force_login(bureau_user)
    url = reverse("metrics:scenario_edit", args=[scenario.pk])
    form = client.get(url)
    assert json.loads(form.context["form"]["changes_json"].value()) == scenario.changes
    assert form.context["form"]["period"].value() == "2024-4"
    response = _post(client, url, name="压减方案二", changes=scenario.changes[:1])
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert (scenario.name, len(scenario.changes)) == ("压减方案二", 1)


def test_district_scope_of_the_result(client, bureau_user, scenario):
    client.force_login(bureau_user)
    page = client.get(reverse("metrics:scenario_detail", args=[scenario.pk]))
    districts = [s for s in page.context["scopes"] if not s["is_city"]]
    assert districts
    other = client.get(reverse("metrics:scenario_detail", args=[scenario.pk]), {"scope": districts[0]["key"]})
    assert other.context["scope"] == districts[0]
    unknown = client.get(reverse("metrics:scenario_detail", args=[scenario.pk]), {"scope": "district:月球"})
    assert unknown.context["scope"]["key"] == "city"


def test_duplicate_and_delete(client, bureau_user, scenario):
    client.force_login(bureau_user)
    response = client.post(reverse("metrics:scenario_duplicate", args=[scenario.pk]))
    copy = Scenario.objects.exclude(pk=scenario.pk).get()
    assert response["Location"] == reverse("metrics:scenario_detail", args=[copy.pk])
    assert (copy.name, copy.changes) == ("压减方案（副本）", scenario.changes)
    response = client.post(reverse("metrics:scenario_delete", args=[copy.pk]))
    assert response["Location"] == LIST
    assert list(Scenario.objects.values_list("pk", flat=True)) == [scenario.pk]
    assert client.get(reverse("metrics:scenario_delete", args=[scenario.pk])).status_code == 405


def test_list_shows_name_period_changes_updated_and_author(client, bureau_user, scenario):
    client.force_login(bureau_user)
    response = client.get(LIST)
    body = response.content.decode()
    assert "压减方案" in body and "2024年第4季度" in body and "bureau" in body
    assert '<td class="num">2</td>' in body
    assert CREATE in body


def test_excel_export_of_a_scenario(client, bureau_user, scenario):
    client.force_login(bureau_user)
    response = client.get(reverse("metrics:scenario_xlsx", args=[scenario.pk]))
    assert response.status_code == 200
    assert f'filename="scenario-{scenario.pk}-2024Q4.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["指标", "产业集群", "调整", "说明"]
    metrics, clusters = book["指标"], book["产业集群"]
    assert [c.value for c in metrics[1]] == ["范围", "指标", "年度", "基准", "方案", "差值"]
    assert metrics["A2"].value == "全市" and metrics["C2"].value == 2024 and metrics["D2"].number_format == "0.0%"
    answer = scenarios.scenario_evaluate(year=2024, quarter=4, changes=scenario.changes)
    scopes = len(answer["scopes"])
    assert metrics.max_row == 1 + scopes * 3 * 6
    assert clusters.max_row == 1 + scopes * len(answer["scopes"][0]["clusters"]) * 6
    assert clusters["D2"].number_format == "#,##0" and clusters["F2"].number_format == "+#,##0;-#,##0;0"
    for sheet in (metrics, clusters):
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    city_last = answer["scopes"][0]["clusters"][0]["graduates"]
    row = 1 + 6  # the header, then the city's first cluster, years Y..Y+5: Y+5 is row 7
    assert clusters.cell(row=row, column=4).value == pytest.approx(city_last["baseline"][5])
    assert clusters.cell(row=row, column=5).value == pytest.approx(city_last["scenario"][5])
    assert [r[1].value for r in book["调整"].iter_rows(min_row=2)] == ["停办", "调整招生"]


def test_agency_reads_but_cannot_change(client, agency_user, scenario):
    client.force_login(agency_user)
    assert client.get(LIST).status_code == 200
    detail = client.get(reverse("metrics:scenario_detail", args=[scenario.pk]))
    assert detail.status_code == 200 and detail.context["can_edit"] is False
    body = detail.content.decode()
    assert reverse("metrics:scenario_edit", args=[scenario.pk]) not in body
    assert reverse("metrics:scenario_delete", args=[scenario.pk]) not in body
    assert client.get(reverse("metrics:scenario_xlsx", args=[scenario.pk])).status_code == 200
    assert client.get(CREATE).status_code == 404
    assert client.get(reverse("metrics:scenario_edit", args=[scenario.pk])).status_code == 404
    assert client.post(reverse("metrics:scenario_duplicate", args=[scenario.pk])).status_code == 404
    assert client.post(reverse("metrics:scenario_delete", args=[scenario.pk])).status_code == 404
    assert Scenario.objects.count() == 1


@pytest.mark.parametrize("fixture", ["college_user", "enterprise_user"])
def test_planner_is_404_for_colleges_and_enterprises(client, request, scenario, fixture):
    client.force_login(request.getfixturevalue(fixture))
    for url in (
        LIST,
        CREATE,
        reverse("metrics:scenario_detail", args=[scenario.pk]),
        reverse("metrics:scenario_xlsx", args=[scenario.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("metrics:scenario_delete", args=[scenario.pk])).status_code == 404
    assert Scenario.objects.count() == 1


def test_planner_pages_query_counts_are_bounded(client, bureau_user, scenario, django_assert_max_num_queries):
    client.force_login(bureau_user)
    url = reverse("metrics:scenario_detail", args=[scenario.pk])
    client.get(url)  # prepares the period's base once per process (SPEC 4.3: then milliseconds)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    for _n in range(5):
        scenarios.scenario_duplicate(scenario=scenario, by=bureau_user)
    with django_assert_max_num_queries(8):
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("metrics:scenario_edit", args=[scenario.pk])).status_code == 200
