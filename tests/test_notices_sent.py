"""Notices that existing services send: a list returned or accepted (its enterprise's users), an item
assigned (the college's users), a review answer due (the colleges of newly raised alerts)."""

import pytest
from django.urls import reverse

from demand.services import demand_item_assign
from metrics import services as metric_services
from notices.models import Notice
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_list_returned_reaches_the_enterprise_user_only(
    client, bureau_user, enterprise, enterprise_user, other_enterprise_user
):
    demand_list = f.DemandListFactory(enterprise=enterprise, status="submitted")
    client.force_login(bureau_user)
    client.post(reverse("demand:list_return", args=[demand_list.pk]), {"return_reason": "人数与岗位不符，请核实"})
    notice = Notice.objects.get()
    assert (notice.recipient, notice.kind) == (enterprise_user, "list_returned")
    assert "人数与岗位不符" in notice.body and notice.url == reverse("demand:list_detail", args=[demand_list.pk])
    client.force_login(enterprise_user)
    assert 'data-testid="notice-count"' in client.get(reverse("home")).content.decode()


def test_a_refused_return_sends_nothing(client, bureau_user, enterprise, enterprise_user):
    demand_list = f.DemandListFactory(enterprise=enterprise, status="submitted")
    client.force_login(bureau_user)
    client.post(reverse("demand:list_return", args=[demand_list.pk]), {"return_reason": " "})
    assert not Notice.objects.exists()


def test_list_returned_twice_the_same_day_notifies_twice(client, bureau_user, enterprise, enterprise_user):
    demand_list = f.DemandListFactory(enterprise=enterprise, status="submitted")
    client.force_login(bureau_user)
    client.post(reverse("demand:list_return", args=[demand_list.pk]), {"return_reason": "第一次"})
    demand_list.__class__.objects.filter(pk=demand_list.pk).update(status="submitted")
    client.post(reverse("demand:list_return", args=[demand_list.pk]), {"return_reason": "第二次"})
    assert Notice.objects.filter(recipient=enterprise_user, kind="list_returned").count() == 2


def test_list_accepted_reaches_the_enterprise_user(client, bureau_user, enterprise, enterprise_user):
    demand_list = f.DemandListFactory(enterprise=enterprise, status="submitted")
    client.force_login(bureau_user)
    client.post(reverse("demand:list_accept", args=[demand_list.pk]))
    assert Notice.objects.get().kind == "list_accepted"


def test_item_assigned_reaches_the_college_users_once(bureau_user, college, college_user, other_college_user):
    item = f.DemandItemFactory()
    demand_item_assign(item=item, college=college, by=bureau_user)
    demand_item_assign(item=item, college=college, by=bureau_user)  # a no-op: no second notice
    notice = Notice.objects.get()
    assert (notice.recipient, notice.kind) == (college_user, "item_assigned")


def test_a_new_alert_asks_its_college_for_an_answer_once(college, college_user, other_college_user):
    program = f.ProgramFactory(college=college)
    for year, in_field in ((2023, 5), (2024, 4)):
        f.ProgramYearFactory(
            program=program, year=year, graduates=10, employed=10, employed_in_field=in_field, employed_locally=10
        )
    for _run in range(2):  # the second run raises nothing new
        metric_services.metric_run_execute(run_id=metric_services.metric_run_create(year=2025, quarter=2).id)
    notice = Notice.objects.get()
    assert (notice.recipient, notice.kind, notice.url) == (college_user, "review_due", reverse("metrics:alert_list"))
