"""Enterprise and demand-list pages through the Django test client: scoping, forms, reviews, item list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from demand.models import DemandItem, DemandItemEvent, DemandList
from enterprises.models import Enterprise
from tests import factories as f

pytestmark = pytest.mark.django_db


def this_quarter():
    today = timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


def draft_list(enterprise, **kwargs):
    year, quarter = this_quarter()
    return f.DemandListFactory(enterprise=enterprise, year=year, quarter=quarter, status="draft", **kwargs)


ITEM = {"kind": "talent", "title": "数控机床操作工", "industry": "", "major_code": "", "headcount": "12"}


def item_data(**overrides):
    return {**ITEM, "due_on": "2030-06-30", **overrides}


# ---- enterprise directory and profile -------------------------------------------------------


def test_bureau_searches_and_filters_enterprises(client, bureau_user, enterprise, other_enterprise):
    client.force_login(bureau_user)
    response = client.get(reverse("enterprises:enterprise_list"), {"district": "淮阴区"})
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [other_enterprise]
    response = client.get(reverse("enterprises:enterprise_list"), {"q": enterprise.uscc})
    assert list(response.context["page_obj"]) == [enterprise]


def test_clerk_is_sent_to_own_profile_and_college_gets_404(client, enterprise_user, enterprise, college_user):
    client.force_login(enterprise_user)
    response = client.get(reverse("enterprises:enterprise_list"))
    assert response.status_code == 302
    assert response.url == reverse("enterprises:detail", args=[enterprise.pk])
    client.force_login(college_user)
    assert client.get(reverse("enterprises:enterprise_list")).status_code == 404


def test_clerk_sees_own_profile_not_another(client, enterprise_user, enterprise, other_enterprise):
    client.force_login(enterprise_user)
    assert client.get(reverse("enterprises:detail", args=[enterprise.pk])).status_code == 200
    assert client.get(reverse("enterprises:detail", args=[other_enterprise.pk])).status_code == 404
    assert client.get(reverse("enterprises:edit", args=[other_enterprise.pk])).status_code == 404


def test_clerk_edits_own_profile_but_not_its_uscc(client, enterprise_user, enterprise):
    client.force_login(enterprise_user)
    uscc = enterprise.uscc
    url = reverse("enterprises:edit", args=[enterprise.pk])
    assert "uscc" not in client.get(url).context["form"].fields
    response = client.post(
        url,
        {"name": "淮安新能源科技有限公司", "industry": "C36", "district": "淮安区", "scale": "large", "uscc": "X"},
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.district, enterprise.scale) == ("淮安新能源科技有限公司", "淮安区", "large")
    assert enterprise.uscc == uscc


def test_bureau_bad_uscc_is_named_at_its_field_and_nothing_saved(client, bureau_user):
    client.force_login(bureau_user)
    f.IndustryFactory(code="C36")
    valid = f.make_uscc(4242)
    wrong_check = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    response = client.post(
        reverse("enterprises:enterprise_create"),
        {"uscc": wrong_check, "name": "新企业", "industry": "C99", "district": "清江浦区", "scale": "small"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["uscc"] == [f"统一社会信用代码 {wrong_check} 校验位错误。"]
    assert errors["industry"] == ["行业代码 C99 不在行业分类中。"]
    assert not Enterprise.objects.filter(name="新企业").exists()


# ---- demand lists ---------------------------------------------------------------------------


def test_clerk_opens_the_current_quarter_list_once(client, enterprise_user, enterprise):
    client.force_login(enterprise_user)
    url = reverse("demand:list_open_current")
    first = client.post(url)
    second = client.post(url)
    demand_list = DemandList.objects.get(enterprise=enterprise)
    assert first.url == second.url == reverse("demand:list_detail", args=[demand_list.pk])
    assert (demand_list.year, demand_list.quarter, demand_list.status) == (*this_quarter(), "draft")


def test_item_form_defaults_industry_and_saves(client, enterprise_user, enterprise):
    demand_list = draft_list(enterprise)
    client.force_login(enterprise_user)
    url = reverse("demand:item_create", args=[demand_list.pk])
    assert client.get(url).context["form"]["industry"].value() == "C36"
    response = client.post(url, item_data())
    assert response.status_code == 302
    item = DemandItem.objects.get(demand_list=demand_list)
    assert (item.title, item.industry_id, item.headcount, item.status) == ("数控机床操作工", "C36", 12, "open")


def test_item_form_errors_at_fields_and_nothing_saved(client, enterprise_user, enterprise):
    demand_list = draft_list(enterprise)
    client.force_login(enterprise_user)
    response = client.post(
        reverse("demand:item_create", args=[demand_list.pk]),
        item_data(headcount="0", major_code="999999", due_on="30/06/2030"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["headcount"] == ["技能人才和员工培训需求的人数必须大于 0。"]
    assert errors["major_code"] == ["专业代码 999999 不在职业教育专业目录中。"]
    assert "due_on" in errors
    assert 'class="field__errors"' in response.content.decode()
    assert not DemandItem.objects.exists()


def test_submitted_list_is_read_only_to_the_clerk(client, enterprise_user, enterprise):
    demand_list = draft_list(enterprise)
    item = f.DemandItemFactory(demand_list=demand_list)
    demand_list.status = "submitted"
    demand_list.save()
    client.force_login(enterprise_user)
    # The forms do not open: the clerk is sent back to the list with the reason (issue 17).
    response = client.post(reverse("demand:item_create", args=[demand_list.pk]), item_data(), follow=True)
    assert "不能再修改" in response.content.decode()
    response = client.post(reverse("demand:item_edit", args=[item.pk]), item_data(title="改过的标题"))
    assert response.status_code == 302
    client.post(reverse("demand:item_delete", args=[item.pk]))
    item.refresh_from_db()
    assert item.title != "改过的标题"
    assert DemandItem.objects.filter(demand_list=demand_list).count() == 1


def test_another_enterprise_list_and_items_are_404(client, enterprise_user, other_enterprise):
    demand_list = draft_list(other_enterprise)
    item = f.DemandItemFactory(demand_list=demand_list)
    client.force_login(enterprise_user)
    for url in (
        reverse("demand:list_detail", args=[demand_list.pk]),
        reverse("demand:item_create", args=[demand_list.pk]),
        reverse("demand:list_upload", args=[demand_list.pk]),
        reverse("demand:item_detail", args=[item.pk]),
        reverse("demand:item_edit", args=[item.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("demand:list_submit", args=[demand_list.pk])).status_code == 404
    assert client.post(reverse("demand:item_delete", args=[item.pk])).status_code == 404
    demand_list.refresh_from_db()
    assert demand_list.status == "draft"
    assert DemandItem.objects.filter(pk=item.pk).exists()


def test_empty_list_cannot_be_submitted(client, enterprise_user, enterprise):
    demand_list = draft_list(enterprise)
    client.force_login(enterprise_user)
    response = client.post(reverse("demand:list_submit", args=[demand_list.pk]), follow=True)
    assert "还没有需求事项，不能提交" in response.content.decode()
    demand_list.refresh_from_db()
    assert demand_list.status == "draft"


def test_submit_then_bureau_accepts(client, enterprise_user, bureau_user, enterprise):
    demand_list = draft_list(enterprise)
    f.DemandItemFactory(demand_list=demand_list)
    client.force_login(enterprise_user)
    client.post(reverse("demand:list_submit", args=[demand_list.pk]))
    demand_list.refresh_from_db()
    assert demand_list.status == "submitted"
    # The clerk cannot accept its own list: the action does not exist for them.
    assert client.post(reverse("demand:list_accept", args=[demand_list.pk])).status_code == 404
    client.force_login(bureau_user)
    client.post(reverse("demand:list_accept", args=[demand_list.pk]))
    demand_list.refresh_from_db()
    assert (demand_list.status, demand_list.reviewed_by) == ("accepted", bureau_user)


def test_return_needs_a_reason_at_its_field(client, bureau_user, enterprise):
    demand_list = f.DemandListFactory(enterprise=enterprise, status="submitted")
    client.force_login(bureau_user)
    url = reverse("demand:list_return", args=[demand_list.pk])
    response = client.post(url, {"return_reason": "  "})
    assert response.status_code == 400
    assert "return_reason" in response.context["return_form"].errors
    demand_list.refresh_from_db()
    assert demand_list.status == "submitted"
    client.post(url, {"return_reason": "人数与岗位不符，请核实"})
    demand_list.refresh_from_db()
    assert (demand_list.status, demand_list.return_reason) == ("returned", "人数与岗位不符，请核实")


def test_bureau_filters_lists_by_status_and_district(client, bureau_user, enterprise, other_enterprise):
    f.DemandListFactory(enterprise=enterprise, status="submitted")
    wanted = f.DemandListFactory(enterprise=other_enterprise, status="submitted")
    f.DemandListFactory(enterprise=other_enterprise, status="draft", quarter=1)
    client.force_login(bureau_user)
    response = client.get(reverse("demand:demand_list_list"), {"status": "submitted", "district": "淮阴区"})
    assert list(response.context["page_obj"]) == [wanted]


def test_clerk_lists_only_own_lists(client, enterprise_user, enterprise, other_enterprise):
    mine = f.DemandListFactory(enterprise=enterprise)
    f.DemandListFactory(enterprise=other_enterprise)
    client.force_login(enterprise_user)
    response = client.get(reverse("demand:demand_list_list"))
    assert list(response.context["page_obj"]) == [mine]


# ---- items: list, detail, transitions, 销号 -------------------------------------------------


@pytest.mark.parametrize("url_name", ["demand:items", "demand:demand_list_list", "enterprises:enterprise_list"])
def test_bureau_lists_take_constant_queries(client, bureau_user, django_assert_max_num_queries, url_name):
    from demand.models import DemandAssignment

    def add(n):
        for i in range(n):
            lst = f.DemandListFactory(enterprise=f.EnterpriseFactory(), status="submitted")
            item = f.DemandItemFactory(demand_list=lst, due_on=datetime.date(2020 if i % 2 else 2099, 1, 1))
            DemandAssignment.objects.create(item=item, college=f.CollegeFactory())

    client.force_login(bureau_user)
    add(5)
    with django_assert_max_num_queries(12) as small:
        assert client.get(reverse(url_name)).status_code == 200
    add(25)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(reverse(url_name))
    assert len(response.context["page_obj"]) == 30
    assert len(large.captured_queries) == len(small.captured_queries)


def test_overdue_items_stand_out(client, bureau_user, enterprise):
    lst = f.DemandListFactory(enterprise=enterprise, status="accepted")
    late = f.DemandItemFactory(demand_list=lst, title="逾期的需求", due_on=datetime.date(2020, 1, 1))
    f.DemandItemFactory(demand_list=lst, title="未到期的需求", due_on=datetime.date(2099, 1, 1))
    f.DemandItemFactory(
        demand_list=lst,
        title="已销号的需求",
        due_on=datetime.date(2020, 1, 1),
        status="fulfilled",
        fulfilled_on=datetime.date(2019, 12, 1),
    )
    client.force_login(bureau_user)
    response = client.get(reverse("demand:items"), {"overdue": "true"})
    assert list(response.context["page_obj"]) == [late]
    html = client.get(reverse("demand:items")).content.decode()
    assert html.count('class="overdue"') == 1
    assert html.count("逾期</span>") == 1


def test_bureau_ticks_off_an_item_and_history_shows_it(client, bureau_user, enterprise):
    item = f.DemandItemFactory(demand_list=f.DemandListFactory(enterprise=enterprise, status="accepted"))
    client.force_login(bureau_user)
    today = timezone.localdate()
    response = client.post(
        reverse("demand:item_fulfil", args=[item.pk]),
        {"fulfilled_on": today.isoformat(), "fulfilled_headcount": "8", "note": "订单班输送"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.fulfilled_on, item.fulfilled_headcount) == ("fulfilled", today, 8)
    page = client.get(reverse("demand:item_detail", args=[item.pk])).content.decode()
    assert "订单班输送" in page and "已销号" in page
    event = DemandItemEvent.objects.get(item=item)
    assert (event.from_status, event.to_status, event.by) == ("open", "fulfilled", bureau_user)


def test_fulfil_in_the_future_is_refused_at_the_date(client, bureau_user, enterprise):
    item = f.DemandItemFactory(demand_list=f.DemandListFactory(enterprise=enterprise, status="accepted"))
    client.force_login(bureau_user)
    response = client.post(
        reverse("demand:item_fulfil", args=[item.pk]), {"fulfilled_on": "2099-01-01", "fulfilled_headcount": "3"}
    )
    assert response.status_code == 400
    assert response.context["fulfil_form"].errors["fulfilled_on"] == ["销号日期不能晚于今天。"]
    item.refresh_from_db()
    assert item.status == "open" and not DemandItemEvent.objects.filter(item=item).exists()


def test_bureau_moves_an_item_along_and_clerk_cannot(client, bureau_user, enterprise_user, enterprise):
    item = f.DemandItemFactory(demand_list=f.DemandListFactory(enterprise=enterprise, status="submitted"))
    url = reverse("demand:item_transition", args=[item.pk])
    client.force_login(enterprise_user)
    assert client.post(url, {"status": "in_progress"}).status_code == 404
    assert client.get(reverse("demand:item_detail", args=[item.pk])).status_code == 200
    client.force_login(bureau_user)
    client.post(url, {"status": "in_progress", "note": "校企对接中"})
    item.refresh_from_db()
    assert item.status == "in_progress"
    response = client.post(url, {"status": "open"})
    assert response.status_code == 400 and "status" in response.context["transition_form"].errors


def test_clerk_item_list_shows_only_own_items(client, enterprise_user, enterprise, other_enterprise):
    mine = f.DemandItemFactory(demand_list=f.DemandListFactory(enterprise=enterprise))
    f.DemandItemFactory(demand_list=f.DemandListFactory(enterprise=other_enterprise))
    client.force_login(enterprise_user)
    response = client.get(reverse("demand:items"))
    assert list(response.context["page_obj"]) == [mine]
    # The bureau-only filters (district, college) are not offered to a clerk.
    assert [field.name for field in response.context["filter_fields"]] == [
        "status",
        "kind",
        "year",
        "quarter",
        "overdue",
    ]
