"""Browser journey: an enterprise fills and submits its quarter's demand list; the bureau accepts it,
assigns an item to a college, ticks an item off (销号) and sees the fulfilment rate rise after a recompute."""

import pytest
from django.utils import timezone

from demand.models import DemandItem
from metrics.services import metric_run_enqueue
from portal.periods import quarter_end
from tests import factories as f
from tests.browser.conftest import ARTIFACTS, login, make_user

pytestmark = pytest.mark.browser


def logout(page):
    page.click("text=退出登录")
    page.wait_for_url("**/accounts/login/")


def fulfilment_rate(page) -> str:
    """The city's 企业需求销号率 of the newest period on the scope page."""
    page.goto(page.base_url + "/metrics/scope/city/")
    row = page.locator("tr", has=page.locator("th", has_text="企业需求销号率"))
    return row.locator("td").first.inner_text().split("\n")[0].strip()


def add_item(page, title, headcount, due):
    page.select_option("#id_kind", "talent")
    page.fill("#id_title", title)
    page.fill("#id_headcount", str(headcount))
    page.fill("#id_due_on", due.isoformat())


def test_enterprise_submits_its_list_and_the_bureau_ticks_an_item_off(page):
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    due = quarter_end(year, quarter)  # due within the period, so both items count
    enterprise = f.EnterpriseFactory(name="淮安新能源电池有限公司")
    f.CollegeFactory(code="13999", name="淮安技师学院")
    make_user("clerk_journey", "enterprise", enterprise=enterprise)
    make_user("bureau_journey")

    # The clerk opens this quarter's list, adds two items and submits it.
    login(page, "clerk_journey")
    page.click("nav.site-nav >> text=需求清单")
    page.click("[data-testid=open-current]")
    page.click("text=添加需求")
    add_item(page, "电池装配工", 10, due)
    page.click("button[name=add_another]")
    page.locator(".message--success").wait_for()
    add_item(page, "设备维修工", 6, due)
    page.click("button[name=save]")
    assert page.locator("table.table tbody tr").count() == 2
    page.click("text=提交清单")
    page.click("button:has-text('确认提交')")  # the confirm step (issue 17)
    page.locator("[data-testid=list-status]", has_text="已提交").wait_for()
    logout(page)

    metric_run_enqueue(year=year, quarter=quarter)  # the figure before anything is ticked off
    login(page, "bureau_journey")
    assert fulfilment_rate(page) == "0.0%"

    # The bureau accepts the list, assigns the first item to a college and ticks it off.
    page.goto(page.base_url + "/enterprises/lists/")
    page.locator("tr", has_text="淮安新能源电池有限公司").locator("text=查看").click()
    page.click("text=受理清单")
    page.locator("[data-testid=list-status]", has_text="已受理").wait_for()
    page.click("text=电池装配工")
    page.select_option("#id_college", label="淮安技师学院")
    page.click("[data-testid=assignments] button:has-text('分派')")
    page.locator("[data-testid=item-status]", has_text="已对接").wait_for()
    page.fill("#id_fulfilled_headcount", "9")
    page.click("text=确认销号")
    page.locator("[data-testid=item-status]", has_text="已销号").wait_for()
    history = page.locator("[data-testid=item-history]").inner_text()
    assert "待对接" in history and "已对接" in history and "已销号" in history
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "demand_item_ticked_off.png"), full_page=True)

    # A recompute on the runs page, then the city's figure has moved.
    page.click("nav.site-nav >> text=指标计算")
    page.fill("#id_year", str(year))
    page.select_option("#id_quarter", str(quarter))
    page.click("text=开始计算")
    page.wait_for_url("**/metrics/runs/*/")
    page.locator("[data-role=status]", has_text="已完成").wait_for()
    assert fulfilment_rate(page) == "50.0%"
    item = DemandItem.objects.get(title="电池装配工")
    assert (item.status, item.fulfilled_headcount, item.assignments.get().college.name) == (
        "fulfilled",
        9,
        "淮安技师学院",
    )
