"""Browser journey of the what-if planner (SPEC 4.3): the bureau reads the supply–demand panel and the
full analysis, builds a scenario that closes one program and halves another's intake, sees the difference
in the tables, duplicates the scenario and exports it to Excel."""

import io

import pytest
from openpyxl import load_workbook

from exchange.importer import import_bundle
from metrics import scenarios, services
from metrics.models import Scenario
from programs.models import Program
from tests.browser.conftest import ARTIFACTS, login, make_user
from tests.exchange_helpers import small_city_copy

pytestmark = pytest.mark.browser


@pytest.fixture
def small_city(transactional_db, tmp_path):
    import_bundle(small_city_copy(tmp_path / "city"))
    scenarios.forget_planner_bases()
    run = services.metric_run_create(year=2024, quarter=4)
    services.metric_run_execute(run_id=run.id)
    yield
    scenarios.forget_planner_bases()


def test_bureau_plans_closing_one_program_and_halving_another(page, small_city):
    make_user("bureau_planner")
    closing, halving = Program.objects.filter(closed_on__isnull=True, enrollment_status="normal").order_by("pk")[:2]
    ARTIFACTS.mkdir(exist_ok=True)

    login(page, "bureau_planner")
    panel = page.locator("table.table--supply")
    assert panel.locator(".gap").count() >= 1
    page.wait_for_function("document.querySelectorAll('[data-sparkline] canvas').length >= 1")
    panel_section = page.locator("section[aria-labelledby=gap-title]")
    panel_section.screenshot(path=str(ARTIFACTS / "planner_home_supply_demand.png"))

    page.click("text=完整供需分析")
    page.wait_for_url("**/metrics/supply-demand/**")
    assert page.locator("[data-testid=major-table] tbody tr").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "planner_supply_demand_analysis.png"), full_page=True)

    page.click("nav.site-nav >> text=规划方案")
    page.click("text=新建方案")
    page.fill("#id_name", "压减两个专业点")
    page.fill("#id_description", "停办一个专业点，另一个自 2022 级起招生减半")
    assert page.locator("#id_changes_json").is_hidden()  # the builder replaces the JSON field

    page.click("[data-add-change=close]")
    first = page.locator(".change-row").nth(0)
    first.locator("[data-field=program]").select_option(str(closing.pk))
    first.locator("[data-field=on]").fill("2025-09-01")
    page.click("[data-add-change=set_intake]")
    second = page.locator(".change-row").nth(1)
    second.locator("[data-field=program]").select_option(str(halving.pk))
    second.locator("[data-field=from_year]").fill("2022")
    second.locator("[data-field=factor]").fill("0.5")
    page.screenshot(path=str(ARTIFACTS / "planner_form.png"), full_page=True)
    page.click("button:has-text('保存并推演')")

    page.wait_for_url("**/metrics/scenarios/*/")
    scenario = Scenario.objects.get()
    assert scenario.changes == [
        {"action": "close", "program": closing.pk, "on": "2025-09-01"},
        {"action": "set_intake", "program": halving.pk, "from_year": 2022, "factor": 0.5},
    ]
    assert page.locator("[data-testid=change-list] li").count() == 2
    page.wait_for_function("document.querySelectorAll('[data-planner-chart] canvas').length >= 1")
    # Fewer graduates in the scenario: at least one cluster shows a negative difference.
    assert page.locator("[data-testid=cluster-card] .row-diff .diff-down").count() >= 1
    assert page.locator("[data-testid=unchanged]").count() == 0
    assert page.locator("#share-url").input_value().endswith(f"/metrics/scenarios/{scenario.pk}/")
    page.screenshot(path=str(ARTIFACTS / "planner_result.png"), full_page=True)
    page.locator("[data-testid=cluster-card]").first.screenshot(path=str(ARTIFACTS / "planner_result_cluster.png"))

    page.click("[data-testid=duplicate]")
    page.locator(".message--success").wait_for()
    copy = Scenario.objects.exclude(pk=scenario.pk).get()
    assert page.url.endswith(f"/metrics/scenarios/{copy.pk}/")
    assert page.locator("h1").inner_text() == "压减两个专业点（副本）"

    with page.expect_download() as download_info:
        page.click("[data-testid=export]")
    download = download_info.value
    path = ARTIFACTS / "planner_scenario.xlsx"
    download.save_as(str(path))
    book = load_workbook(io.BytesIO(path.read_bytes()))
    assert book.sheetnames == ["指标", "产业集群", "调整", "说明"]
    assert [row[1].value for row in book["调整"].iter_rows(min_row=2)] == ["停办", "调整招生"]

    page.click("nav.site-nav >> text=规划方案")
    assert page.locator("[data-testid=scenario-table] tbody tr").count() == 2
