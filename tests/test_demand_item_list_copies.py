"""DemandItem.year, .quarter and .list_status repeat their list's through every way a list or an
item is written: services, import, a list edited in the admin, and the filters that read them."""

import datetime

import pytest
from django.db.models import F
from django.utils import timezone
from rest_framework.test import APIClient

from demand import services
from demand.models import DemandItem, DemandList
from exchange.importer import import_bundle
from tests import factories as f
from tests.exchange_helpers import BASE, U1, small_city_copy, write_bundle

pytestmark = pytest.mark.django_db

D = datetime.date
# An enterprise's new item may not be due before today (issue #15).
DUE = timezone.localdate() + datetime.timedelta(days=90)


def drifted():
    """Items whose copies differ from their list (should always be none)."""
    return list(
        DemandItem.objects.exclude(
            year=F("demand_list__year"), quarter=F("demand_list__quarter"), list_status=F("demand_list__status")
        ).values_list("id", "year", "quarter", "list_status", "demand_list__status")
    )


def _statuses(demand_list):
    return set(DemandItem.objects.filter(demand_list=demand_list).values_list("year", "quarter", "list_status"))


def test_items_follow_their_list_through_the_review_cycle(enterprise, enterprise_user, bureau_user):
    draft = services.demand_list_get_or_create(enterprise=enterprise, year=2025, quarter=3, by=enterprise_user)
    for title in ("电工", "焊工"):
        services.demand_item_create(
            demand_list=draft, by=enterprise_user, kind="talent", title=title, headcount=3, due_on=DUE
        )
    assert _statuses(draft) == {(2025, 3, "draft")}

    services.demand_list_submit(demand_list=draft, by=enterprise_user)
    assert _statuses(draft) == {(2025, 3, "submitted")}
    services.demand_list_return(demand_list=draft, by=bureau_user, reason="人数不实")
    assert _statuses(draft) == {(2025, 3, "returned")}
    services.demand_list_submit(demand_list=draft, by=enterprise_user)
    services.demand_list_accept(demand_list=draft, by=bureau_user)
    assert _statuses(draft) == {(2025, 3, "accepted")}
    # The bureau may still add to an accepted list: the new item takes the list's current state.
    services.demand_item_create(
        demand_list=draft, by=bureau_user, kind="tech", title="攻关", headcount=None, due_on=DUE
    )
    assert _statuses(draft) == {(2025, 3, "accepted")}
    assert drifted() == []


def test_an_item_created_from_a_stale_list_object_takes_the_stored_state(enterprise, enterprise_user, bureau_user):
    # A page loaded the list while it was a draft; the bureau has since received it as submitted.
    stale = services.demand_list_get_or_create(enterprise=enterprise, year=2025, quarter=2, by=enterprise_user)
    services.demand_item_create(
        demand_list=stale, by=enterprise_user, kind="talent", title="电工", headcount=3, due_on=DUE
    )
    services.demand_list_submit(demand_list=DemandList.objects.get(pk=stale.pk), by=enterprise_user)

    item = services.demand_item_create(
        demand_list=stale, by=bureau_user, kind="talent", title="钳工", headcount=2, due_on=DUE
    )

    assert (item.year, item.quarter, item.list_status) == (2025, 2, "submitted")
    assert drifted() == []


def test_a_list_moved_to_another_quarter_in_the_admin_moves_its_items(bureau_user):
    demand_list = f.DemandListFactory(year=2025, quarter=1, status="submitted")
    f.DemandItemFactory.create_batch(3, demand_list=demand_list)
    untouched = f.DemandItemFactory(demand_list__year=2025, demand_list__quarter=1)

    demand_list.quarter = 2
    demand_list.save()  # what ModelAdmin.save_model does

    assert _statuses(demand_list) == {(2025, 2, "submitted")}
    assert (DemandItem.objects.get(pk=untouched.pk).quarter, drifted()) == (1, [])


def test_import_changing_a_list_status_updates_the_items_it_keeps(tmp_path):
    import_bundle(write_bundle(tmp_path / "base", BASE))
    header = (
        "uscc,year,quarter,list_status,kind,title,industry_code,major_code,headcount,due_on,status,"
        "fulfilled_on,fulfilled_headcount\n"
    )
    first = header + f"{U1},2025,1,draft,talent,焊工,,,3,2025-03-30,open,,\n"
    first += f"{U1},2025,1,draft,tech,攻关,,,,2025-06-30,open,,\n"
    import_bundle(write_bundle(tmp_path / "first", {"demand_items": first}))
    assert set(DemandItem.objects.values_list("year", "quarter", "list_status")) == {(2025, 1, "draft")}

    # Same two items unchanged, one more; the list is now submitted.
    second = first.replace(",draft,", ",submitted,") + f"{U1},2025,1,submitted,talent,电工,,,2,2025-03-30,open,,\n"
    result = import_bundle(write_bundle(tmp_path / "second", {"demand_items": second}))

    assert (result.counts["demand_items"].unchanged, result.counts["demand_items"].created) == (2, 1)
    assert set(DemandItem.objects.values_list("year", "quarter", "list_status")) == {(2025, 1, "submitted")}
    assert drifted() == []


def test_the_small_city_imports_with_every_copy_equal_to_its_list(tmp_path):
    import_bundle(small_city_copy(tmp_path / "city"))

    assert DemandItem.objects.count() == 1148
    assert drifted() == []


def test_api_filters_by_the_copies(agency_user):
    submitted = f.DemandListFactory(year=2025, quarter=2, status="submitted")
    draft = f.DemandListFactory(year=2025, quarter=2, status="draft")
    older = f.DemandListFactory(year=2024, quarter=2, status="submitted")
    wanted = f.DemandItemFactory(demand_list=submitted)
    f.DemandItemFactory(demand_list=draft)
    f.DemandItemFactory(demand_list=older)
    client = APIClient()
    client.force_authenticate(agency_user)

    found = client.get("/api/v1/demand-items/", {"year": 2025, "quarter": 2, "list_status": "submitted"}).json()

    assert [row["id"] for row in found["results"]] == [wanted.pk]
    assert (found["results"][0]["year"], found["results"][0]["list_status"]) == (2025, "submitted")
