"""Colleges: assignment of demand items, industry-college partners, and who may save what."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from colleges import selectors, services
from colleges.models import College, CooperationProject, IndustryCollege, IndustryCollegePartner, TrainingBase
from demand import services as demand_services
from demand.models import DemandAssignment, DemandItemEvent
from tests import factories as f

D = datetime.date


# ---- assignment ------------------------------------------------------------------------------


def test_assigning_an_open_item_matches_it_and_records_the_event(college, bureau_user):
    item = f.DemandItemFactory()

    assignment = demand_services.demand_item_assign(item=item, college=college, by=bureau_user)

    assert (assignment.item, assignment.college, assignment.assigned_by) == (item, college, bureau_user)
    item.refresh_from_db()
    assert item.status == "matched"
    event = DemandItemEvent.objects.get(item=item)
    assert (event.from_status, event.to_status, event.note) == ("open", "matched", f"分派给{college.name}")


def test_assigning_twice_is_a_no_op_and_a_second_college_keeps_the_status(college, other_college, bureau_user):
    item = f.DemandItemFactory()
    first = demand_services.demand_item_assign(item=item, college=college, by=bureau_user)

    again = demand_services.demand_item_assign(item=item, college=college, by=bureau_user)
    demand_services.demand_item_assign(item=item, college=other_college, by=bureau_user)

    assert again.pk == first.pk
    assert sorted(DemandAssignment.objects.values_list("college__code", flat=True)) == ["13290", "13291"]
    assert DemandItemEvent.objects.filter(item=item).count() == 1


def test_closed_items_cannot_be_assigned(college, bureau_user):
    item = f.DemandItemFactory(status="cancelled")

    with pytest.raises(ValidationError) as raised:
        demand_services.demand_item_assign(item=item, college=college, by=bureau_user)

    assert raised.value.message_dict == {"item": [f"需求「{item}」已办结，不能再分派。"]}
    assert not DemandAssignment.objects.exists()


def test_items_of_a_draft_list_cannot_be_assigned(college, bureau_user):
    item = f.DemandItemFactory(demand_list__status="draft")

    with pytest.raises(ValidationError) as raised:
        demand_services.demand_item_assign(item=item, college=college, by=bureau_user)

    assert raised.value.message_dict == {"item": [f"清单「{item.demand_list}」尚未提交，不能分派需求。"]}
    assert not DemandAssignment.objects.exists()


def test_unassign(college, other_college, bureau_user):
    item = f.DemandItemFactory()
    demand_services.demand_item_assign(item=item, college=college, by=bureau_user)

    demand_services.demand_item_unassign(item=item, college=college, by=bureau_user)
    assert not DemandAssignment.objects.exists()

    with pytest.raises(ValidationError) as raised:
        demand_services.demand_item_unassign(item=item, college=other_college, by=bureau_user)
    assert raised.value.message_dict == {"college": [f"需求「{item}」没有分派给{other_college}。"]}


def test_only_the_bureau_assigns(college, college_user, enterprise_user):
    item = f.DemandItemFactory()

    for user in (college_user, enterprise_user):
        with pytest.raises(PermissionDenied):
            demand_services.demand_item_assign(item=item, college=college, by=user)
    assert not DemandAssignment.objects.exists()


# ---- industry colleges -----------------------------------------------------------------------


def test_partners_and_chain_leaders_are_set_replaced_and_counted(college, college_user):
    a, b, c, d = (f.EnterpriseFactory() for _ in range(4))
    instance = IndustryCollege(
        code="IC900",
        name="新能源汽车产业学院",
        college=college,
        cluster=f.ClusterFactory(),
        established_on=D(2024, 1, 1),
    )

    services.industry_college_save(
        instance=instance, by=college_user, partner_ids=[a.pk, b.pk], chain_leader_ids=[c.pk]
    )
    flags = dict(IndustryCollegePartner.objects.values_list("enterprise_id", "is_chain_leader"))
    assert flags == {a.pk: False, b.pk: False, c.pk: True}

    # Replace: a leaves, b becomes a chain leader, c stays a partner only, d joins.
    services.industry_college_save(
        instance=instance, by=college_user, partner_ids=[b.pk, c.pk, d.pk], chain_leader_ids=[b.pk]
    )
    flags = dict(IndustryCollegePartner.objects.values_list("enterprise_id", "is_chain_leader"))
    assert flags == {b.pk: True, c.pk: False, d.pk: False}

    # Neither list given: the partners are kept.
    instance.name = "新能源汽车现代产业学院"
    services.industry_college_save(instance=instance, by=college_user)
    row = selectors.industry_colleges_with_counts(IndustryCollege.objects.all()).get()
    assert (row.name, row.partner_count, row.chain_leader_count) == ("新能源汽车现代产业学院", 3, 1)


def test_unknown_partner_is_rejected_and_nothing_is_saved(college, college_user):
    instance = f.IndustryCollegeFactory.build(college=college, cluster=f.ClusterFactory())

    with pytest.raises(ValidationError) as raised:
        services.industry_college_save(instance=instance, by=college_user, partner_ids=[987654])

    assert raised.value.message_dict == {"partners": ["合作企业不存在：987654"]}
    assert not IndustryCollege.objects.exists()


def test_industry_college_counts_in_constant_queries(db, django_assert_num_queries):
    for n in range(3):
        industry_college = f.IndustryCollegeFactory()
        for leader in range(n + 1):
            IndustryCollegePartner.objects.create(
                industry_college=industry_college, enterprise=f.EnterpriseFactory(), is_chain_leader=leader % 2 == 0
            )

    with django_assert_num_queries(1):
        rows = [
            (r.college.name, r.cluster.name, r.partner_count, r.chain_leader_count)
            for r in selectors.industry_colleges_with_counts(IndustryCollege.objects.order_by("code"))
        ]

    assert [row[2:] for row in rows] == [(1, 1), (2, 1), (3, 2)]


# ---- who may save what -----------------------------------------------------------------------


def test_college_admin_cannot_save_rows_into_another_college(other_college, college_user):
    project = CooperationProject(
        code="CP900", name="协同育人", college=other_college, enterprise=f.EnterpriseFactory(), started_on=D(2024, 1, 1)
    )

    with pytest.raises(PermissionDenied):
        services.cooperation_project_save(instance=project, by=college_user)
    with pytest.raises(PermissionDenied):
        services.training_session_save(
            instance=f.TrainingSessionFactory.build(college=other_college, enterprise=project.enterprise),
            by=college_user,
        )
    assert not CooperationProject.objects.exists()


def test_colleges_are_created_by_the_bureau_and_edited_by_their_admin(college, college_user, bureau_user):
    with pytest.raises(PermissionDenied):
        services.college_save(
            instance=College(code="99999", name="新学院", kind="higher", district="洪泽区"), by=college_user
        )
    services.college_save(
        instance=College(code="99999", name="新学院", kind="higher", district="洪泽区"), by=bureau_user
    )

    college.name = "淮安新名称职业技术学院"
    services.college_save(instance=college, by=college_user)

    assert College.objects.get(pk=college.pk).name == "淮安新名称职业技术学院"


def test_training_bases_are_kept_by_colleges_and_the_bureau_not_enterprises(
    enterprise, enterprise_user, other_enterprise, college, bureau_user
):
    own = TrainingBase(
        code="TB901", name="厂中校", enterprise=enterprise, kind="factory_school", established_on=D(2023, 1, 1)
    )
    with pytest.raises(PermissionDenied):
        services.training_base_save(instance=own, by=enterprise_user)
    services.training_base_save(instance=own, by=bureau_user)  # a base of an enterprise alone: the bureau's

    shared = TrainingBase(
        code="TB902",
        name="校中厂",
        college=college,
        enterprise=enterprise,
        kind="school_factory",
        established_on=D(2023, 1, 1),
    )
    with pytest.raises(PermissionDenied):
        services.training_base_save(instance=shared, by=enterprise_user)
    other = TrainingBase(
        code="TB903", name="别家", enterprise=other_enterprise, kind="public", established_on=D(2023, 1, 1)
    )
    with pytest.raises(PermissionDenied):
        services.training_base_save(instance=other, by=enterprise_user)

    assert list(TrainingBase.objects.values_list("code", flat=True)) == ["TB901"]
