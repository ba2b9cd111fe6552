"""Issue 17 in the browser: the bureau follows the overdue count to the items, assigns a suggested
program's college in one click, and confirms before publishing; the clerk confirms before submitting
and finds their profile in the menu. Screenshots of each step in test-artifacts/."""

import datetime

import pytest
from django.utils import timezone

from demand.models import DemandAssignment
from policies.models import PolicyCard
from tests import factories as f
from tests.browser.conftest import ARTIFACTS, login, make_user
from tests.portal_seed import seed_dashboard

pytestmark = pytest.mark.browser


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"daily_use_{name}.png"), full_page=True)


def _talent_item_with_suggestions():
    f.ClusterFactory(code="NEV", name="新能源汽车", industry_codes=["C36"])
    cars = f.MajorFactory(code="460701", name="汽车制造与试验技术", industry_codes=["C3670"])
    item = f.DemandItemFactory(
        demand_list__year=2025,
        title="汽车装调工",
        industry=f.IndustryFactory(code="C3670"),
        major_code="460701",
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    for code, graduates in (("13801", 12), ("13802", 40)):
        program = f.ProgramFactory(college=f.CollegeFactory(code=code, name=f"示范学院{code}"), major=cars)
        f.ProgramYearFactory(
            program=program, year=2026, graduates=graduates, employed=0, employed_in_field=0, employed_locally=0
        )
    return item


def test_bureau_follows_overdue_assigns_a_suggestion_and_confirms_publishing(page, transactional_db):
    make_user("bureau_daily")
    seed_dashboard()
    item = _talent_item_with_suggestions()
    card = f.PolicyCardFactory(title="稳岗返还政策", status="draft")
    login(page, "bureau_daily")

    # The overdue count is a link to the same items.
    page.click("[data-testid=overdue-link]")
    page.wait_for_url("**/enterprises/items/?overdue=true*")
    assert page.locator("table.table tbody tr").count() == 3
    _shot(page, "overdue_items")

    # The suggestions, best first with their reasons; one click assigns.
    page.goto(f"{page.base_url}/enterprises/items/{item.pk}/")
    first = page.locator("[data-testid=suggestion]").first
    assert "示范学院13802" in first.inner_text() and "同专业" in first.inner_text()
    first.locator("[data-testid=assign-suggestion]").click()
    page.locator(".message--success", has_text="已分派给示范学院13802").wait_for()
    assert page.locator("[data-testid=item-status]").inner_text() == "已对接"
    assert DemandAssignment.objects.filter(item=item, college__code="13802").exists()
    _shot(page, "assigned_from_suggestion")

    # Publishing asks first.
    page.goto(f"{page.base_url}/policies/{card.pk}/")
    page.click("[data-testid=publish-card]")
    page.locator("[data-testid=confirm-publish]").wait_for()
    assert PolicyCard.objects.get(pk=card.pk).status == "draft"
    _shot(page, "confirm_publish")
    page.click("button:has-text('确认发布')")
    page.locator("[data-testid=card-status]", has_text="已发布").wait_for()


def test_clerk_finds_the_profile_and_confirms_before_submitting(page, transactional_db):
    enterprise = f.EnterpriseFactory(name="淮安示范汽车部件有限公司")
    make_user("clerk_daily", "enterprise", enterprise=enterprise)
    today = timezone.localdate()
    demand_list = f.DemandListFactory(
        enterprise=enterprise, year=today.year, quarter=(today.month - 1) // 3 + 1, status="draft"
    )
    f.DemandItemFactory(demand_list=demand_list, due_on=today + datetime.timedelta(days=30))
    login(page, "clerk_daily")

    page.click("nav.site-nav >> text=企业信息")
    page.locator("h1", has_text="淮安示范汽车部件有限公司").wait_for()

    page.goto(f"{page.base_url}/enterprises/lists/{demand_list.pk}/")
    page.click("[data-testid=submit-list]")
    page.locator("[data-testid=confirm-submit]").wait_for()
    _shot(page, "confirm_submit")
    page.click("button:has-text('确认提交')")
    page.locator("[data-testid=list-status]", has_text="已提交").wait_for()
    # The list is the clerk's no more: its forms do not open.
    page.goto(f"{page.base_url}/enterprises/lists/{demand_list.pk}/items/new/")
    page.locator(".message", has_text="企业不能再修改").wait_for()
    _shot(page, "submitted_list_redirect")

    # In English the quarter is written "2026 Q4", one format per language (portal.periods.quarter_label).
    page.click("[data-testid=language-switch]")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    assert f"{demand_list.year} Q{demand_list.quarter}" in page.locator("h1").inner_text()
    _shot(page, "submitted_list_en")


def test_bureau_and_clerk_journeys_in_english(page, transactional_db):
    """The same new links and confirmations in English: labels, messages and statuses translated."""
    make_user("bureau_en")
    seed_dashboard()
    item = _talent_item_with_suggestions()
    card = f.PolicyCardFactory(title="Job retention rebate", status="draft")
    login(page, "bureau_en")
    page.click("[data-testid=language-switch]")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"

    page.click("[data-testid=overdue-link]")
    page.wait_for_url("**/enterprises/items/?overdue=true*")
    assert page.locator("table.table tbody tr").count() == 3

    page.goto(f"{page.base_url}/enterprises/items/{item.pk}/")
    first = page.locator("[data-testid=suggestion]").first
    assert "Same major" in first.inner_text()
    first.locator("[data-testid=assign-suggestion]").click()
    page.locator(".message--success", has_text="Assigned to").wait_for()
    assert page.locator("[data-testid=item-status]").inner_text() == "Matched"
    _shot(page, "assigned_from_suggestion_en")

    page.goto(f"{page.base_url}/policies/{card.pk}/")
    page.click("[data-testid=publish-card]")
    page.locator("[data-testid=confirm-publish]").wait_for()
    _shot(page, "confirm_publish_en")
    page.locator("[data-testid=confirm-publish] button[type=submit]").click()
    page.locator("[data-testid=card-status]", has_text="Published").wait_for()
