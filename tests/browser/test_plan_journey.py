"""Browser journey: a department user files its unit's quarterly report on a plan task (status, text,
figures, attachment); the bureau returns it with a reason; the department user sees the reason."""

import pytest

from plan.models import TaskReport
from tests import factories as f
from tests.browser.conftest import login, make_user

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def logout(page):
    page.click("text=退出登录")
    page.wait_for_url("**/accounts/login/")


def test_a_report_is_filed_returned_with_a_reason_and_the_unit_sees_it(page, tmp_path):
    ndrc = f.UnitFactory(name="市发展改革委")
    finance = f.UnitFactory(name="市财政局")
    f.TaskFactory(code="01", title="培育认定产教融合型企业", lead_units=[ndrc], co_units=[finance])
    make_user("bureau_plan")
    make_user("dept_plan", "department", unit=ndrc)
    evidence = tmp_path / "入库名单.pdf"
    evidence.write_bytes(b"%PDF-1.4 demo")

    login(page, "dept_plan")
    page.click("nav.site-nav >> text=重点任务")
    page.click("text=培育认定产教融合型企业")
    page.select_option("#id_status", "in_progress")
    page.fill("#id_text", "已建立产教融合型企业入库培育名单，首批 12 家。")
    page.fill("#id_figures", "入库培育企业数：12")
    page.set_input_files("#id_attachment", str(evidence))
    page.click("button:has-text('提交报告')")
    page.locator(".message--success").wait_for()
    assert page.locator("[data-testid=review-state]").inner_text() == "待审核"
    task_url = page.url
    logout(page)

    login(page, "bureau_plan")
    page.goto(task_url)
    row = page.locator("tr", has_text="首批 12 家")
    row.locator("input[value=return]").check()
    row.locator("textarea[name=reason]").fill("请补充入库企业名单附件说明")
    row.locator("button:has-text('提交审核')").click()
    page.locator(".message--success").wait_for()
    assert page.locator("[data-testid=review-state]").inner_text() == "已退回"
    logout(page)

    login(page, "dept_plan")
    page.goto(task_url)
    assert "请补充入库企业名单附件说明" in page.locator("[data-testid=return-reason]").inner_text()
    report = TaskReport.objects.get()
    assert (report.review_state, report.figures) == ("returned", [{"label": "入库培育企业数", "value": "12"}])
    assert report.attachment.name.endswith(".pdf")
