"""Browser journey: the bureau reminds an unfiled key enterprise from the chase list; the enterprise's
clerk sees the notice count in the header, opens the notice centre, marks the notice read, and the
count is gone."""

import pytest

from notices.models import Notice
from tests import factories as f
from tests.browser.conftest import assert_accessible, login, make_user

pytestmark = pytest.mark.browser


def logout(page):
    page.click("text=退出登录")
    page.wait_for_url("**/accounts/login/")


def test_bureau_reminds_and_the_enterprise_reads_the_notice(page):
    enterprise = f.EnterpriseFactory(name="淮安链主装备有限公司", tags=["chain_leader"])
    f.EnterpriseFactory(name="淮安小微商贸有限公司", tags=[])  # not key: not on the list
    make_user("bureau_chase")
    make_user("clerk_chase", "enterprise", enterprise=enterprise)

    login(page, "bureau_chase")
    page.click("nav.site-nav >> text=催报督办")
    rows = page.locator("[data-testid=chase-row]")
    assert rows.count() == 1 and "淮安链主装备有限公司" in rows.inner_text()
    assert_accessible(page)
    page.click("[data-testid=remind-all]")
    assert "新发送 1 条" in page.locator(".message--success").inner_text()
    page.click("[data-testid=remind-all]")  # a second click the same day reaches nobody again
    assert "新发送 0 条，今日已提醒过而跳过 1 条" in page.locator(".message--success").inner_text()
    logout(page)

    login(page, "clerk_chase")
    assert page.locator("[data-testid=notice-count]").inner_text() == "1"
    page.click("[data-testid=notice-link]")
    notice = page.locator("[data-testid=notice]")
    assert "需求清单" in notice.inner_text()
    assert_accessible(page)
    notice.locator("[data-testid=mark-read]").click()
    page.locator("[data-testid=notice] .badge", has_text="已读").wait_for()
    assert page.locator("[data-testid=notice-count]").count() == 0
    assert Notice.objects.get().read_at is not None
