"""Browser journey: a college admin enters an impossible figure (employed > graduates), sees the
error at the field, corrects it and saves."""

import pytest

from programs.models import ProgramYear
from tests import factories as f
from tests.browser.conftest import login, make_user

pytestmark = pytest.mark.browser


def test_college_admin_fixes_a_rejected_figure(page):
    college = f.CollegeFactory(code="13980", name="淮安信息职业技术学院")
    major = f.MajorFactory(code="460702", name="新能源汽车技术")
    program = f.ProgramFactory(college=college, major=major)
    make_user("college_journey", "college", college=college)

    login(page, "college_journey")
    page.click("nav.site-nav >> text=专业点")
    page.click("text=新能源汽车技术")
    page.click("text=填报年度数据")
    page.fill("#id_year", "2025")
    for field, value in {"enrolled": 150, "admitted": 50, "graduates": 48, "employed": 52}.items():
        page.fill(f"#id_{field}", str(value))
    page.fill("#id_employed_in_field", "40")
    page.fill("#id_employed_locally", "35")
    page.click("button:has-text('保存')")

    error = page.locator("#id_employed_errors")
    assert error.inner_text().strip() == "就业人数（52）不能超过毕业生数（48）。"
    assert page.locator("#id_employed").input_value() == "52"
    assert not ProgramYear.objects.exists()

    page.fill("#id_employed", "45")
    page.click("button:has-text('保存')")
    page.locator(".message--success").wait_for()
    row = page.locator("[data-testid=program-years] tbody tr").first
    assert row.locator("td").nth(4).inner_text() == "45"
    figures = ProgramYear.objects.get(program=program)
    assert (figures.year, figures.graduates, figures.employed, figures.employed_in_field) == (2025, 48, 45, 40)
