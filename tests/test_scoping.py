"""Row scoping from the outside: each role sees exactly its own rows (SPEC 1)."""

from demand.models import DemandList
from tests import factories as f


def test_enterprise_sees_only_its_own_demand_lists(enterprise_user, enterprise, other_enterprise):
    mine = f.DemandListFactory(enterprise=enterprise)
    f.DemandListFactory(enterprise=other_enterprise)
    assert list(DemandList.objects.restrict(enterprise_user)) == [mine]


def test_college_admin_sees_no_demand_lists(college_user, enterprise):
    f.DemandListFactory(enterprise=enterprise)
    assert DemandList.objects.restrict(college_user).count() == 0


def test_agency_reads_all_but_changes_nothing(agency_user, enterprise, other_enterprise):
    f.DemandListFactory(enterprise=enterprise)
    f.DemandListFactory(enterprise=other_enterprise)
    assert DemandList.objects.restrict(agency_user).count() == 2
    assert DemandList.objects.restrict(agency_user, "change").count() == 0


def test_anonymous_sees_nothing(enterprise):
    from django.contrib.auth.models import AnonymousUser

    f.DemandListFactory(enterprise=enterprise)
    assert DemandList.objects.restrict(AnonymousUser()).count() == 0
