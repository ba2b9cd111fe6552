"""Browser journey: the bureau writes and publishes a policy card, an enterprise acknowledges it
(已知晓) in its inbox, and the card's reach rises on the bureau's card page."""

import pytest

from policies.models import PolicyCard
from tests import factories as f
from tests.browser.conftest import login, make_user

pytestmark = pytest.mark.browser


def logout(page):
    page.click("text=退出登录")
    page.wait_for_url("**/accounts/login/")


def test_card_published_acknowledged_and_reach_rises(page):
    enterprise = f.EnterpriseFactory(name="淮安精密机械有限公司")
    f.EnterpriseFactory(name="淮安化工新材料有限公司")
    make_user("bureau_policy")
    make_user("clerk_policy", "enterprise", enterprise=enterprise)

    login(page, "bureau_policy")
    page.click("nav.site-nav >> text=政策")
    page.click("text=新建政策卡")
    page.fill("#id_title", "研发费用加计扣除政策")
    page.select_option("#id_category", "tax")
    page.fill("#id_issuer", "淮安市税务局")
    page.fill("#id_document_no", "淮税发〔2025〕8号")
    page.fill("#id_effective_from", "2025-01-01")
    page.fill("#id_summary", "科技型中小企业研发费用按100%在税前加计扣除。")
    page.fill("#id_body", "一、适用对象……\n二、申报方式……")
    page.click("button:has-text('保存')")
    page.locator("[data-testid=card-status]", has_text="草稿").wait_for()
    page.click("[data-testid=publish-card]")
    page.click("button:has-text('确认发布')")  # the confirm step (issue 17)
    page.locator("[data-testid=card-status]", has_text="已发布").wait_for()
    assert page.locator("[data-testid=deliveries]").inner_text() == "2"
    assert page.locator("[data-testid=reach-ratio]").inner_text() == "0.0%"
    card_url = page.url
    logout(page)

    login(page, "clerk_policy")
    page.click("nav.site-nav >> text=政策")
    page.click("text=我收到的政策")
    row = page.locator("tr", has_text="研发费用加计扣除政策")
    row.locator("button:has-text('已知晓')").click()
    page.locator(".message--success").wait_for()
    assert row.locator(".badge--acknowledged").inner_text() == "已知晓"
    logout(page)

    login(page, "bureau_policy")
    page.goto(card_url)
    assert page.locator("[data-testid=acknowledged]").inner_text() == "1"
    assert page.locator("[data-testid=reach-ratio]").inner_text() == "50.0%"
    assert PolicyCard.objects.get().deliveries.filter(acknowledged_at__isnull=False).count() == 1
