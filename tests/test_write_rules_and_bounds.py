"""Issue #15, findings 2, 4 and 7, from outside: who may write which field (decided once, in scoping.py),
plausible bounds on every count, and assignments that do not leak between colleges."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from colleges.models import College
from demand import services as demand_services
from exchange.importer import BundleInvalid, import_bundle
from programs.models import Program, ProgramYear
from tests import factories as f
from tests.exchange_helpers import BASE, write_bundle

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_college_cannot_undo_the_bureaus_restriction_nor_rewrite_its_identity(college, college_user):
    program = f.ProgramFactory(college=college, enrollment_status="restricted")
    response = api(college_user).patch(
        f"/api/v1/programs/{program.pk}/", {"enrollment_status": "normal"}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["enrollment_status"]
    assert Program.objects.get(pk=program.pk).enrollment_status == "restricted"
    for field, value in (("code", "99999"), ("kind", "secondary"), ("district", "淮阴区")):
        response = api(college_user).patch(f"/api/v1/colleges/{college.pk}/", {field: value}, format="json")
        assert response.status_code == 400 and list(response.json()) == [field], (field, response.content)
    assert (
        api(college_user).patch(f"/api/v1/colleges/{college.pk}/", {"name": "新名称学院"}, format="json").status_code
        == 200
    )
    stored = College.objects.get(pk=college.pk)
    assert (stored.code, stored.kind, stored.district, stored.name) == ("13290", college.kind, "清江浦区", "新名称学院")


def test_the_page_forms_leave_out_what_the_role_may_not_set(client, college, college_user):
    program = f.ProgramFactory(college=college)
    client.force_login(college_user)
    assert "enrollment_status" not in client.get(reverse("programs:edit", args=[program.pk])).context["form"].fields
    assert list(client.get(reverse("colleges:edit", args=[college.pk])).context["form"].fields) == ["name"]


def test_an_enterprise_keeps_its_profile_but_not_its_identity(enterprise, enterprise_user):
    other_uscc = f.make_uscc(777)
    assert other_uscc != enterprise.uscc
    response = api(enterprise_user).patch(f"/api/v1/enterprises/{enterprise.pk}/", {"uscc": other_uscc}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["uscc"]
    response = api(enterprise_user).post(
        "/api/v1/training-bases/",
        {"code": "TB1", "name": "厂中校", "enterprise": enterprise.pk, "kind": "factory_school",
         "established_on": "2024-01-01"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 403


@pytest.mark.parametrize("headcount", [100_001, 2_147_483_647, 9_223_372_036_854_775_807])
def test_an_implausible_headcount_is_refused_at_its_field(bureau_user, headcount):
    demand_list = f.DemandListFactory(year=2026, quarter=4, status="draft")
    response = api(bureau_user).post(
        "/api/v1/demand-items/",
        {"demand_list": demand_list.pk, "kind": "talent", "title": "焊工", "headcount": headcount,
         "due_on": "2026-12-31"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400 and "headcount" in response.json()
    assert not demand_list.items.exists()


def test_implausible_graduates_are_refused_in_the_api_and_in_imports(college, college_user, tmp_path):
    program = f.ProgramFactory(college=college)
    body = {"program": program.pk, "year": 2025, "graduates": 100_001, "employed": 0}
    response = api(college_user).post("/api/v1/program-years/", body, format="json")
    assert response.status_code == 400 and "graduates" in response.json()
    import_bundle(write_bundle(tmp_path / "base", BASE))
    header = "college_code,major_code,schooling,year,enrolled,admitted,graduates,"
    header += "employed,employed_in_field,employed_locally\n"
    with pytest.raises(BundleInvalid) as refused:
        import_bundle(
            write_bundle(
                tmp_path / "py", {"program_years": header + "13200,460701,3yr_higher,2025,10,10,2147483647,0,0,0\n"}
            )
        )
    assert [(e.file, e.column) for e in refused.value.errors] == [("program_years.csv", "graduates")]
    assert not ProgramYear.objects.filter(graduates__gt=100_000).exists()


def test_assignments_to_another_college_do_not_leak(client, college, other_college, college_user, bureau_user):
    item = f.DemandItemFactory(demand_list=f.DemandListFactory(status="submitted"), due_on=datetime.date(2030, 1, 1))
    demand_services.demand_item_assign(item=item, college=other_college, by=bureau_user)
    demand_services.demand_item_assign(item=item, college=college, by=bureau_user)
    # The filter reads only the assignments the college may see: none of the other college's.
    found = api(college_user).get("/api/v1/demand-items/", {"college": other_college.pk}).json()
    assert found["count"] == 0
    mine = api(college_user).get("/api/v1/demand-items/", {"college": college.pk}).json()["results"]
    assert [a["college_code"] for a in mine[0]["assignments"]] == [college.code]
    # The history keeps the status change but not the note that names the other college.
    client.force_login(college_user)
    events = client.get(reverse("demand:item_detail", args=[item.pk])).context["events"]
    assert [e.to_status for e in events][-1] == "matched"
    assert all(other_college.name not in e.note for e in events)
    client.force_login(bureau_user)
    events = client.get(reverse("demand:item_detail", args=[item.pk])).context["events"]
    assert any(other_college.name in e.note for e in events)
