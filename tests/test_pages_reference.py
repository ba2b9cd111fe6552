"""The bureau's pages for the districts and the priority-major directory (SPEC 2)."""

from django.urls import reverse

from reference.models import District, PriorityMajor
from tests import factories as f


def test_bureau_adds_and_renames_a_district(client, bureau_user):
    client.force_login(bureau_user)
    listing = client.get(reverse("reference:district_list"))
    assert [d.name for d in listing.context["page_obj"]][:2] == ["清江浦区", "淮阴区"]
    response = client.post(reverse("reference:district_create"), {"name": "新设区", "code": "320899", "order": 9})
    assert response.status_code == 302
    district = District.objects.get(name="新设区")
    response = client.post(
        reverse("reference:district_edit", args=[district.pk]), {"name": "新设区二", "code": "320899", "order": 9}
    )
    assert response.status_code == 302
    assert District.objects.get(pk=district.pk).name == "新设区二"
    bad = client.post(reverse("reference:district_create"), {"name": "坏代码区", "code": "12", "order": 1})
    assert bad.context["form"].errors["code"] == ["区划代码应为6位数字（GB/T 2260）。"]


def test_a_district_in_use_is_not_deleted_and_says_why(client, bureau_user, college):
    client.force_login(bureau_user)
    used = District.objects.get(name="清江浦区")
    response = client.post(reverse("reference:district_delete", args=[used.pk]), follow=True)
    assert "仍被 院校 1 个 使用" in response.content.decode()
    assert District.objects.filter(pk=used.pk).exists()
    renamed = client.post(
        reverse("reference:district_edit", args=[used.pk]), {"name": "改名区", "code": "", "order": 1}
    )
    assert "院校 1 个" in renamed.context["form"].errors["name"][0]
    unused = District.objects.get(name="涟水县")
    client.post(reverse("reference:district_delete", args=[unused.pk]))
    assert not District.objects.filter(pk=unused.pk).exists()


def test_bureau_keeps_the_directory_by_major_code(client, bureau_user):
    client.force_login(bureau_user)
    f.MajorFactory(code="460701")
    f.ClusterFactory(code="NEV", industry_codes=["C36"])
    response = client.post(
        reverse("reference:priority_major_create"),
        {"major": "460701", "cluster": "NEV", "effective_from": "2025-01-01"},
    )
    assert response.status_code == 302
    entry = PriorityMajor.objects.get()
    assert (entry.major_id, entry.cluster_id, entry.effective_to) == ("460701", "NEV", None)
    unknown = client.post(
        reverse("reference:priority_major_create"), {"major": "999999", "effective_from": "2025-01-01"}
    )
    assert unknown.context["form"].errors["major"] == ["专业代码 999999 不在专业目录中。"]
    listing = client.get(reverse("reference:priority_major_list"), {"in_directory_on": "2024-12-31"})
    assert list(listing.context["page_obj"]) == []
    client.post(reverse("reference:priority_major_delete", args=[entry.pk]))
    assert not PriorityMajor.objects.exists()


def test_reference_pages_are_the_bureaus(client, college_user, agency_user):
    for user in (college_user, agency_user):
        client.force_login(user)
        assert client.get(reverse("reference:district_list")).status_code == 404
        district = District.objects.first()
        assert client.post(reverse("reference:district_delete", args=[district.pk])).status_code == 404
    assert District.objects.count() == 5
