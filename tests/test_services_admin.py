"""The Django admin of the domain apps: every changelist loads for a superuser in a number of
queries that does not grow with its rows; audit history per object; the publish action."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from colleges.models import IndustryCollegePartner
from demand import services as demand_services
from demand.models import DemandAssignment, DemandItemEvent
from enterprises import services as enterprise_services
from policies.models import PolicyDelivery, PolicyFeedback
from tests import factories as f


def _event(n):
    item = f.DemandItemFactory()
    return DemandItemEvent.objects.create(item=item, from_status="", to_status="open")


def _partner(n):
    return IndustryCollegePartner.objects.create(
        industry_college=f.IndustryCollegeFactory(), enterprise=f.EnterpriseFactory(), is_chain_leader=True
    )


def _delivery(n):
    return PolicyDelivery.objects.create(
        card=f.PolicyCardFactory(), enterprise=f.EnterpriseFactory(), delivered_at="2025-07-01T08:00Z"
    )


def _feedback(n):
    return PolicyFeedback.objects.create(
        card=f.PolicyCardFactory(), enterprise=f.EnterpriseFactory(), year=2025, quarter=3
    )


def _assignment(n):
    return DemandAssignment.objects.create(item=f.DemandItemFactory(), college=f.CollegeFactory())


def _user(n):
    college = f.CollegeFactory()
    return f.ProfileFactory(user=f.UserFactory(), role="college", college=college).user


ROWS = {
    "reference_industry": lambda n: f.IndustryFactory(code=f"C{40 + n}"),
    "reference_industrycluster": lambda n: f.ClusterFactory(industry_codes=[f"C{40 + n}"]),
    "enterprises_enterprise": lambda n: f.EnterpriseFactory(),
    "demand_demandlist": lambda n: f.DemandListFactory(),
    "demand_demanditem": lambda n: f.DemandItemFactory(),
    "demand_demanditemevent": _event,
    "colleges_college": lambda n: f.CollegeFactory(),
    "colleges_industrycollege": _partner,
    "colleges_trainingbase": lambda n: f.TrainingBaseFactory(enterprise=f.EnterpriseFactory()),
    "colleges_cooperationproject": lambda n: f.CooperationProjectFactory(),
    "colleges_trainingsession": lambda n: f.TrainingSessionFactory(),
    "demand_demandassignment": _assignment,
    "reference_major": lambda n: f.MajorFactory(),
    "programs_program": lambda n: f.ProgramFactory(),
    "programs_programyear": lambda n: f.ProgramYearFactory(),
    "programs_orderclass": lambda n: f.OrderClassFactory(),
    "policies_policycard": lambda n: f.PolicyCardFactory(),
    "policies_policydelivery": _delivery,
    "policies_policyfeedback": _feedback,
    "auth_user": _user,
}


@pytest.fixture
def admin_client_(client, db):
    superuser = get_user_model().objects.create_superuser("root", "root@example.com", "Passw0rd!Portal")
    client.force_login(superuser)
    return client


def _changelist(client, name):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"admin:{name}_changelist"))
    return response, len(queries)


@pytest.mark.parametrize("name", sorted(ROWS))
def test_changelist_loads_in_constant_queries(admin_client_, name):
    make = ROWS[name]
    make(0)
    response, few = _changelist(admin_client_, name)
    assert response.status_code == 200
    for n in range(1, 5):
        make(n)

    response, many = _changelist(admin_client_, name)

    assert response.status_code == 200
    assert many == few, f"{name}: {few} queries with 1 row, {many} with 5"


def test_change_form_of_an_item_shows_its_status_history(admin_client_, bureau_user):
    item = f.DemandItemFactory()
    demand_services.demand_item_transition(item=item, to_status="matched", by=bureau_user, note="对接中")

    response = admin_client_.get(reverse("admin:demand_demanditem_change", args=[item.pk]))

    assert response.status_code == 200
    assert "对接中" in response.content.decode()


def test_object_history_shows_who_changed_what(admin_client_, enterprise, enterprise_user):
    enterprise_services.enterprise_update(enterprise=enterprise, by=enterprise_user, district="洪泽区")

    response = admin_client_.get(reverse("admin:enterprises_enterprise_history", args=[enterprise.pk]))

    assert response.status_code == 200
    assert enterprise_user.username in response.content.decode()
    assert list(enterprise.history.values_list("district", "history_user__username")[:1]) == [("洪泽区", "clerk")]


def test_publish_action_delivers_through_the_service(admin_client_, enterprise, other_enterprise):
    card = f.PolicyCardFactory()

    response = admin_client_.post(
        reverse("admin:policies_policycard_changelist"),
        {"action": "publish", "_selected_action": [card.pk]},
        follow=True,
    )

    assert response.status_code == 200
    card.refresh_from_db()
    assert card.status == "published"
    assert set(card.deliveries.values_list("enterprise_id", flat=True)) == {enterprise.pk, other_enterprise.pk}


def test_admin_form_rejects_overlapping_key_cluster(admin_client_):
    f.ClusterFactory(code="NEV", name="新能源汽车", industry_codes=["C36"])

    response = admin_client_.post(
        reverse("admin:reference_industrycluster_add"),
        {"code": "X", "name": "重叠", "industry_codes": '["C3670"]', "is_key": "on", "order": "1"},
    )

    assert response.status_code == 200
    assert "重点集群之间不得共享行业" in response.content.decode()


def test_user_change_page_edits_the_portal_role_inline(admin_client_, college_user):
    response = admin_client_.get(reverse("admin:auth_user_change", args=[college_user.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="profile-0-role"' in page
    assert 'name="profile-0-college"' in page
