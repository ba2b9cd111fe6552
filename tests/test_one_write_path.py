"""One rule, one place: the same rows fed through the services (pages, API) and through the bundle
import (the bulk path) are stored alike — defaults, catalogue checks, chain leaders and item history."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from colleges import services as college_services
from colleges.models import College, IndustryCollege, IndustryCollegePartner
from demand import services as demand_services
from demand.models import DemandItem, DemandList
from enterprises.models import Enterprise
from exchange.importer import BundleInvalid, import_bundle
from reference.models import IndustryCluster
from tests.exchange_helpers import BASE, U1, U2, write_bundle

D = datetime.date
ITEM_FIELDS = ("kind", "title", "industry_id", "major_code", "headcount", "due_on", "status", "fulfilled_on")
ROWS = [
    # kind, title, industry_code, major_code, headcount, due_on, status, fulfilled_on, fulfilled_headcount
    ("talent", "焊工", "", "460701", 3, "2025-03-30", "open", "", ""),
    ("tech", "攻关", "C3670", "", "", "2025-06-30", "matched", "", ""),
    ("training", "培训", "", "", 9, "2025-06-30", "fulfilled", "2025-05-01", ""),
    ("talent", "电工", "C36", "", 2, "2025-06-30", "fulfilled", "2025-05-02", "1"),
]


def _stored(demand_list):
    items = list(demand_list.items.order_by("id"))
    fields = [tuple(getattr(item, name) for name in (*ITEM_FIELDS, "fulfilled_headcount")) for item in items]
    events = [list(item.events.order_by("id").values_list("from_status", "to_status", "by")) for item in items]
    return fields, events


@pytest.fixture
def base(db, tmp_path):
    import_bundle(write_bundle(tmp_path / "base", BASE))


def test_demand_items_through_services_and_import_are_stored_alike(base, tmp_path):
    # Bulk path: U1's list of 2025 Q1 from a bundle.
    header = "uscc,year,quarter,list_status,kind,title,industry_code,major_code,headcount,due_on,status,"
    header += "fulfilled_on,fulfilled_headcount\n"
    lines = "".join(f"{U1},2025,1,submitted," + ",".join(map(str, row)) + "\n" for row in ROWS)
    import_bundle(write_bundle(tmp_path / "items", {"demand_items": header + lines}))
    # Single-row path: the same rows for U2 of 2025 Q1, as the system (by=None) like the import.
    other = Enterprise.objects.get(uscc=U2)
    other.industry_id = "C36"  # the same default industry as U1
    other.save()
    demand_list = demand_services.demand_list_get_or_create(enterprise=other, year=2025, quarter=1, by=None)
    for kind, title, industry, major, headcount, due_on, status, fulfilled_on, fulfilled in ROWS:
        demand_services.demand_item_create(
            demand_list=demand_list,
            by=None,
            kind=kind,
            title=title,
            industry_id=industry or None,
            major_code=major,
            headcount=headcount or None,
            due_on=D.fromisoformat(due_on),
            status=status,
            fulfilled_on=D.fromisoformat(fulfilled_on) if fulfilled_on else None,
            fulfilled_headcount=int(fulfilled) if fulfilled else None,
        )

    imported = DemandList.objects.get(enterprise__uscc=U1)
    assert _stored(imported) == _stored(demand_list)
    fields, events = _stored(imported)
    assert [f[2] for f in fields] == ["C36", "C3670", "C36", "C36"]  # the enterprise's industry by default
    assert fields[2][-1] == 9 and fields[3][-1] == 1  # delivered = requested unless given
    assert events == [[("", row[6], None)] for row in ROWS]  # every history opens with the creation


def test_an_unknown_major_is_refused_by_both_paths(base, tmp_path):
    header = "uscc,year,quarter,list_status,kind,title,industry_code,major_code,headcount,due_on,status,"
    header += "fulfilled_on,fulfilled_headcount\n"
    with pytest.raises(BundleInvalid) as raised:
        import_bundle(
            write_bundle(
                tmp_path / "bad",
                {"demand_items": header + f"{U1},2025,1,draft,talent,焊工,,999999,3,2025-03-30,open,,\n"},
            )
        )
    assert [e.column for e in raised.value.errors] == ["major_code"]
    demand_list = demand_services.demand_list_get_or_create(
        enterprise=Enterprise.objects.get(uscc=U1), year=2025, quarter=2, by=None
    )
    with pytest.raises(ValidationError) as refused:
        demand_services.demand_item_create(
            demand_list=demand_list,
            by=None,
            kind="talent",
            title="焊工",
            major_code="999999",
            headcount=3,
            due_on=D(2025, 6, 30),
        )
    assert list(refused.value.message_dict) == ["major_code"]
    assert not DemandItem.objects.exists()


def test_chain_leaders_become_partners_through_both_paths(base, tmp_path):
    header = "code,name,college_code,cluster_code,established_on,partner_usccs,chain_leader_usccs\n"
    import_bundle(
        write_bundle(tmp_path / "ic", {"industry_colleges": header + f"IC1,甲学院,13200,NEV,2024-01-01,{U1},{U2}\n"})
    )
    page = IndustryCollege(
        code="IC2",
        name="乙学院",
        college=College.objects.get(code="13200"),
        cluster=IndustryCluster.objects.get(code="NEV"),
        established_on=D(2024, 1, 1),
    )
    u1, u2 = (Enterprise.objects.get(uscc=u).pk for u in (U1, U2))
    college_services.industry_college_save(instance=page, by=None, partner_ids=[u1], chain_leader_ids=[u2])

    def flags(code):
        rows = IndustryCollegePartner.objects.filter(industry_college__code=code)
        return sorted(rows.values_list("enterprise__uscc", "is_chain_leader"))

    assert flags("IC1") == flags("IC2") == [(U1, False), (U2, True)]
