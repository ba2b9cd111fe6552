"""Browser journeys of the bureau: the dashboard's charts in both languages, a metric run from
start to finish, and axe accessibility checks of the main pages."""

import pytest

from metrics import services
from metrics.models import MetricRun
from tests.browser.conftest import ARTIFACTS, assert_accessible, login, make_user
from tests.portal_seed import seed_dashboard

pytestmark = pytest.mark.browser


@pytest.fixture
def bureau(transactional_db):
    return make_user("bureau_browser")


def _charts_drawn(page, expected: int) -> None:
    page.wait_for_function("n => document.querySelectorAll('[data-chart-metric] canvas').length >= n", arg=expected)


def test_dashboard_draws_charts_in_chinese_and_english(page, bureau):
    seed_dashboard()
    login(page, "bureau_browser")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("h1").inner_text() == "产教融合工作看板"
    _charts_drawn(page, 6)
    assert page.locator(".target-card").count() == 5
    assert page.locator(".target-card .badge--achieved").count() == 2

    page.click("[data-testid=language-switch]")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Industry–education integration dashboard"
    _charts_drawn(page, 6)
    assert "Achieved" in page.locator(".target-card .badge--achieved").first.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard_en.png"), full_page=True)

    page.click("[data-testid=language-switch]")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "zh-CN"


def test_bureau_starts_a_metric_run_and_sees_it_finish(page, bureau):
    seed_dashboard()
    login(page, "bureau_browser")
    page.click("nav.site-nav >> text=指标计算")
    page.fill("#id_year", "2025")
    page.select_option("#id_quarter", "3")
    page.click("text=开始计算")
    # Without a broker the task runs in-process when the request commits.
    page.wait_for_url("**/metrics/runs/*/")
    page.locator("[data-role=status]", has_text="已完成").wait_for()
    run = MetricRun.objects.get(year=2025, quarter=3)
    assert run.status == "succeeded"
    assert run.requested_by.username == "bureau_browser"
    page.click("text=查看本季度看板")
    page.wait_for_url("**/?period=2025-3")
    assert page.locator("#period-select").input_value() == "2025-3"


def test_run_page_polls_progress_until_the_run_finishes(page, bureau):
    run = services.metric_run_create(year=2025, quarter=2, by=bureau)
    login(page, "bureau_browser")
    page.goto(page.base_url + f"/metrics/runs/{run.pk}/")
    assert page.locator("[data-role=status]").inner_text() == "排队中"
    services.metric_run_execute(run_id=run.pk)
    # The page learns it from the progress endpoint (polled every 2 s), not from a reload.
    page.locator("[data-role=status]", has_text="已完成").wait_for(timeout=10_000)
    assert page.locator("[data-role=done]").inner_text() == page.locator("[data-role=total]").inner_text()
    assert page.locator("[data-role=done-links]").is_visible()
    assert page.locator("[data-role=finished-at]").inner_text() != "—"


def test_main_pages_have_no_serious_accessibility_violations(page, bureau):
    seed_dashboard()
    page.goto(page.base_url + "/accounts/login/")
    assert_accessible(page)
    login(page, "bureau_browser")
    _charts_drawn(page, 6)
    assert_accessible(page)
    for path in ("/metrics/runs/", "/metrics/alerts/", "/metrics/targets/"):
        page.goto(page.base_url + path)
        assert_accessible(page)
