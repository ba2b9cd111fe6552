"""Browser journey: a college finds an item assigned to it under 我的任务, notes progress and proposes 销号;
the bureau finds the proposal under 院校承接 and confirms it, and the item shows 已销号 with those figures."""

import datetime

import pytest
from django.utils import timezone

from demand import services
from demand.models import DemandItem
from tests import factories as f
from tests.browser.conftest import ARTIFACTS, login, make_user

pytestmark = pytest.mark.browser


def test_college_proposes_fulfilment_and_the_bureau_confirms_it(page):
    college = f.CollegeFactory(code="13998", name="淮安交通技师学院")
    enterprise = f.EnterpriseFactory(name="淮安汽车零部件有限公司")
    demand_list = f.DemandListFactory(enterprise=enterprise, year=2026, quarter=3)
    item = f.DemandItemFactory(
        demand_list=demand_list,
        title="汽车装调工",
        headcount=12,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    bureau = make_user("bureau_work")
    make_user("college_work", "college", college=college)
    services.demand_item_assign(item=item, college=college, by=bureau)
    done_on = timezone.localdate() - datetime.timedelta(days=1)

    login(page, "college_work")
    page.locator("[data-testid=college-tasks]", has_text="汽车装调工").wait_for()
    page.click("nav.site-nav >> text=我的任务")
    page.click("[data-testid=assigned-items] >> text=汽车装调工")
    page.fill("#id_text", "已完成岗前培训，企业面试通过 11 人")
    page.click("text=记录进展")
    page.locator(".message--success").wait_for()
    page.fill("#id_headcount", "11")
    page.fill("#id_fulfilled_on", done_on.isoformat())
    page.click("text=提交销号申请")
    page.locator("[data-testid=pending-proposal]").wait_for()
    page.locator("[data-testid=item-status]", has_text="推进中").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "college_item_proposed.png"), full_page=True)
    page.click("text=退出登录")
    page.wait_for_url("**/accounts/login/")

    login(page, "bureau_work")
    page.click("nav.site-nav >> text=院校承接")
    page.click("[data-testid=pending-proposals] >> text=汽车装调工")
    page.click("[data-testid=confirm-proposal]")
    page.locator("[data-testid=item-status]", has_text="已销号").wait_for()
    history = page.locator("[data-testid=item-history]").inner_text()
    assert "申请销号" in history and "确认销号" in history and "已完成岗前培训" in history

    item = DemandItem.objects.get(pk=item.pk)
    assert (item.status, item.fulfilled_headcount, item.fulfilled_on) == ("fulfilled", 11, done_on)
