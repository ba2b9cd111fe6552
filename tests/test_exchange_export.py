"""Bundle export (SPEC 7): the importer's own format, round trip, scoping and formula neutralising."""

import csv

import openpyxl
import pytest
from django.core.management import call_command

from colleges.models import (
    College,
    CooperationProject,
    IndustryCollege,
    IndustryCollegePartner,
    TrainingBase,
    TrainingSession,
)
from demand.models import DemandAssignment, DemandItem, DemandItemEvent, DemandList
from enterprises.models import Enterprise
from exchange.exporter import cell, export_bundle
from exchange.importer import import_bundle
from exchange.spec import FILES
from programs.models import OrderClass, Program, ProgramYear
from reference.models import District, Industry, IndustryCluster, Major, PriorityMajor
from tests import factories as f
from tests.exchange_helpers import small_city_copy, table_counts
from tests.small_city_plus import BUNDLE as SMALL_CITY_PLUS

pytestmark = pytest.mark.django_db


def _sorted(rows):
    return sorted((tuple(row) for row in rows), key=repr)


def canonical_dump() -> dict:
    """Every table by natural keys, without ids or timestamps; a list's items keep their order."""
    return {
        "industries": _sorted(Industry.objects.values_list("code", "name", "parent_code")),
        "clusters": _sorted(
            (c.code, c.name, tuple(c.industry_codes), c.is_key, c.order) for c in IndustryCluster.objects.all()
        ),
        "majors": _sorted((m.code, m.name, m.level, tuple(m.industry_codes)) for m in Major.objects.all()),
        "districts": _sorted(District.objects.values_list("code", "name", "order")),
        "priority_majors": _sorted(
            PriorityMajor.objects.values_list("major_id", "cluster_id", "effective_from", "effective_to")
        ),
        "enterprises": _sorted(
            (e.uscc, e.name, e.industry_id, e.district, e.scale, tuple(e.tags), e.integration_certified_on)
            for e in Enterprise.objects.all()
        ),
        "colleges": _sorted(College.objects.values_list("code", "name", "kind", "district")),
        "programs": _sorted(
            Program.objects.values_list(
                "college__code",
                "major__code",
                "schooling",
                "established_on",
                "closed_on",
                "enrollment_status",
                "emerging",
            )
        ),
        "program_years": _sorted(
            ProgramYear.objects.values_list(
                "program__college__code",
                "program__major__code",
                "program__schooling",
                "year",
                "enrolled",
                "admitted",
                "graduates",
                "employed",
                "employed_in_field",
                "employed_locally",
            )
        ),
        "demand_lists": _sorted(DemandList.objects.values_list("enterprise__uscc", "year", "quarter", "status")),
        "demand_items": list(
            DemandItem.objects.order_by(
                "demand_list__enterprise__uscc", "demand_list__year", "demand_list__quarter", "id"
            ).values_list(
                "demand_list__enterprise__uscc",
                "demand_list__year",
                "demand_list__quarter",
                "kind",
                "title",
                "industry_id",
                "major_code",
                "headcount",
                "due_on",
                "status",
                "fulfilled_on",
                "fulfilled_headcount",
            )
        ),
        "industry_colleges": _sorted(
            IndustryCollege.objects.values_list("code", "name", "college__code", "cluster__code", "established_on")
        ),
        "partners": _sorted(
            IndustryCollegePartner.objects.values_list("industry_college__code", "enterprise__uscc", "is_chain_leader")
        ),
        "training_bases": _sorted(
            TrainingBase.objects.values_list(
                "code", "name", "college__code", "enterprise__uscc", "kind", "certified", "established_on", "closed_on"
            )
        ),
        "order_classes": _sorted(
            OrderClass.objects.values_list(
                "program__college__code",
                "program__major__code",
                "program__schooling",
                "enterprise__uscc",
                "year",
                "name",
                "seats",
                "kind",
            )
        ),
        "cooperation_projects": _sorted(
            CooperationProject.objects.values_list(
                "code", "name", "college__code", "enterprise__uscc", "started_on", "ended_on"
            )
        ),
        "training_sessions": _sorted(
            TrainingSession.objects.values_list("college__code", "enterprise__uscc", "title", "held_on", "trainees")
        ),
    }


def _wipe():
    """Empty every bundle table, children first. A raw delete skips the per-row signals and history
    records of QuerySet.delete(), which would take most of the test's time."""
    for model in (
        DemandItemEvent,
        DemandAssignment,
        DemandItem,
        DemandList,
        IndustryCollegePartner,
        TrainingSession,
        CooperationProject,
        OrderClass,
        TrainingBase,
        IndustryCollege,
        ProgramYear,
        Program,
        PriorityMajor,
        District,
        College,
        Enterprise,
        Major,
        IndustryCluster,
        Industry,
    ):
        model.objects.all()._raw_delete(using="default")


@pytest.mark.parametrize("fmt,target", [("csv", "bundle"), ("xlsx", "bundle.xlsx")])
def test_import_of_export_reproduces_the_database(tmp_path, fmt, target):
    import_bundle(small_city_copy(tmp_path / "city"))
    before = canonical_dump()
    assert len(before["demand_items"]) == 1148

    exported = export_bundle(tmp_path / target, fmt=fmt)
    _wipe()
    assert Enterprise.objects.count() == 0
    import_bundle(exported)

    assert canonical_dump() == before


def test_import_of_export_reproduces_districts_directory_and_cohorts(tmp_path):
    import_bundle(SMALL_CITY_PLUS)
    before = canonical_dump()
    assert (len(before["districts"]), len(before["priority_majors"])) == (5, 14)
    assert max(row[3] for row in before["program_years"]) == 2028  # cohorts still in school

    exported = export_bundle(tmp_path / "out")
    _wipe()
    import_bundle(exported)

    assert canonical_dump() == before


@pytest.mark.parametrize("bundle", ["small-city", "small-city-plus"])
def test_reimporting_an_export_changes_nothing(tmp_path, bundle):
    import_bundle(small_city_copy(tmp_path / "city") if bundle == "small-city" else SMALL_CITY_PLUS)
    counts = table_counts()

    result = import_bundle(export_bundle(tmp_path / "out"))

    assert table_counts() == counts
    assert sum(c.created + c.updated + c.deleted for c in result.counts.values()) == 0


def test_export_writes_every_file_with_canonical_columns_and_a_bom(tmp_path):
    f.EnterpriseFactory()
    folder = export_bundle(tmp_path / "out")

    for name, columns in FILES.items():
        data = (folder / f"{name}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), name
        header = next(csv.reader(data.decode("utf-8-sig").splitlines()))
        assert tuple(header) == columns


DANGEROUS = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "'已有撇号"]


def test_export_neutralises_formulas_and_import_restores_the_text(tmp_path):
    District.objects.create(name="-区", order=9)
    enterprise = f.EnterpriseFactory(name=DANGEROUS[0], district="-区")
    demand_list = f.DemandListFactory(enterprise=enterprise, year=2025, quarter=2)
    for title in DANGEROUS[1:]:
        f.DemandItemFactory(demand_list=demand_list, title=title, kind="talent", headcount=5)

    folder = export_bundle(tmp_path / "out")
    with open(folder / "demand_items.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["title"] for row in rows] == ["'+1+1", "'-2+3", "'@SUM(A1)", "'\tTAB", "'已有撇号"]
    assert {(row["year"], row["quarter"], row["headcount"]) for row in rows} == {("2025", "2", "5")}
    with open(folder / "enterprises.csv", encoding="utf-8-sig", newline="") as handle:
        (row,) = csv.DictReader(handle)
    assert (row["name"], row["district"]) == ('\'=HYPERLINK("http://evil")', "'-区")

    workbook = openpyxl.load_workbook(export_bundle(tmp_path / "out.xlsx", fmt="xlsx"))
    name_cell = workbook["enterprises"]["B2"]
    assert (name_cell.value, name_cell.data_type) == ('\'=HYPERLINK("http://evil")', "s")
    assert workbook["demand_items"]["B2"].value == 2025  # numbers stay numbers

    before = canonical_dump()
    _wipe()
    import_bundle(folder)
    assert canonical_dump() == before


def test_cell_keeps_negative_numbers_as_numbers():
    assert (cell(-5), cell(0), cell("-5"), cell(True), cell(None), cell(["C36", "C39"])) == (
        -5,
        0,
        "'-5",
        1,
        "",
        "C36;C39",
    )


def test_export_holds_only_what_the_user_may_view(tmp_path, enterprise_user, enterprise, other_enterprise):
    own = f.DemandItemFactory(demand_list=f.DemandListFactory(enterprise=enterprise), title="本企业需求")
    f.DemandItemFactory(demand_list=f.DemandListFactory(enterprise=other_enterprise), title="他企业需求")

    folder = export_bundle(tmp_path / "out", user=enterprise_user)

    with open(folder / "enterprises.csv", encoding="utf-8-sig", newline="") as handle:
        assert [row["uscc"] for row in csv.DictReader(handle)] == [enterprise.uscc]
    with open(folder / "demand_items.csv", encoding="utf-8-sig", newline="") as handle:
        assert [row["title"] for row in csv.DictReader(handle)] == [own.title]


def test_export_command_writes_csv_and_xlsx(tmp_path):
    f.CollegeFactory(code="13200", name="淮安第1职业技术学院")

    call_command("export_bundle", str(tmp_path / "csv"))
    call_command("export_bundle", str(tmp_path / "bundle.xlsx"), "--format", "xlsx")

    assert "13200,淮安第1职业技术学院" in (tmp_path / "csv" / "colleges.csv").read_text(encoding="utf-8-sig")
    workbook = openpyxl.load_workbook(tmp_path / "bundle.xlsx")
    assert workbook.sheetnames == list(FILES)
    assert [c.value for c in workbook["colleges"][2]][:2] == ["13200", "淮安第1职业技术学院"]
