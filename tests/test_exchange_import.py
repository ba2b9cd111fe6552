"""Bundle import (SPEC 7): the small city, idempotent re-import, and every class of bad input
reported as (file, row, column, message) with nothing saved."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from colleges.models import College, IndustryCollege, IndustryCollegePartner, TrainingBase
from demand.models import DemandItem, DemandItemEvent, DemandList
from enterprises.models import Enterprise
from exchange.errors import MAX_REPORTED_ERRORS, BundleError, BundleInvalid
from exchange.importer import import_bundle
from programs.models import Program, ProgramYear
from reference.models import District, Industry, PriorityMajor
from tests.exchange_helpers import BASE, U1, U2, U3, small_city_copy, table_counts, write_bundle

pytestmark = pytest.mark.django_db

SMALL_CITY_COUNTS = {
    "industries": 43,
    "clusters": 9,
    "majors": 30,
    "enterprises": 140,
    "colleges": 8,
    "programs": 78,
    "program_years": 234,
    "demand_items": 1148,
    "industry_colleges": 12,
    "training_bases": 40,
    "order_classes": 30,
    "cooperation_projects": 35,
    "training_sessions": 60,
}


def test_small_city_imports_every_row(tmp_path):
    result = import_bundle(small_city_copy(tmp_path / "city"))

    assert {name: c.created for name, c in result.counts.items()} == SMALL_CITY_COUNTS
    counts = table_counts()
    assert counts["reference.Industry"] == 43
    assert counts["reference.IndustryCluster"] == 9
    assert counts["reference.Major"] == 30
    assert counts["enterprises.Enterprise"] == 140
    assert counts["colleges.College"] == 8
    assert counts["programs.Program"] == 78
    assert counts["programs.ProgramYear"] == 234
    assert counts["demand.DemandList"] == 384
    assert counts["demand.DemandItem"] == 1148
    assert counts["colleges.IndustryCollege"] == 12
    assert counts["colleges.IndustryCollegePartner"] == 83
    assert counts["colleges.TrainingBase"] == 40
    assert counts["programs.OrderClass"] == 30
    assert counts["colleges.CooperationProject"] == 35
    assert counts["colleges.TrainingSession"] == 60
    # Blank industry_code falls back to the enterprise's; the file's own code wins otherwise.
    first = DemandItem.objects.filter(demand_list__enterprise__uscc="91320800A4C12H3B1R").order_by("id")
    assert [i.industry_id for i in first[:2]] == ["C3819", "I6421"]
    assert DemandItem.history.count() == 1148  # every row has its audit record


def test_reimporting_the_same_bundle_changes_nothing(tmp_path):
    bundle = small_city_copy(tmp_path / "city")
    import_bundle(bundle)
    before = table_counts()

    result = import_bundle(bundle)

    assert table_counts() == before  # no duplicates, not even history rows
    assert {name: (c.created, c.updated, c.deleted) for name, c in result.counts.items()} == {
        name: (0, 0, 0) for name in SMALL_CITY_COUNTS
    }
    assert {name: c.unchanged for name, c in result.counts.items()} == SMALL_CITY_COUNTS


def test_reimport_updates_by_natural_key(tmp_path):
    import_bundle(write_bundle(tmp_path / "base", BASE))
    changed = {
        "colleges": "code,name,kind,district\n13200,淮安第一职业技术学院,higher,清江浦区\n",
        "programs": (
            "college_code,major_code,schooling,established_on,closed_on,enrollment_status,emerging\n"
            "13200,460701,3yr_higher,2020-09-01,2026-07-01,restricted,1\n"
        ),
    }
    result = import_bundle(write_bundle(tmp_path / "changed", changed))

    assert (result.counts["colleges"].updated, result.counts["programs"].updated) == (1, 1)
    assert College.objects.get().name == "淮安第一职业技术学院"
    program = Program.objects.get()
    assert (str(program.closed_on), program.enrollment_status, program.emerging) == ("2026-07-01", "restricted", True)
    assert program.history.count() == 2


DI = (
    "uscc,year,quarter,list_status,kind,title,industry_code,major_code,headcount,due_on,status,"
    "fulfilled_on,fulfilled_headcount\n"
)


def test_demand_items_are_synchronised_by_position_within_their_list(tmp_path):
    import_bundle(write_bundle(tmp_path / "base", BASE))
    first = DI + (
        f"{U1},2025,1,draft,talent,焊工,,,3,2025-03-30,open,,\n"
        f"{U1},2025,1,draft,tech,攻关,C3670,,,2025-06-30,open,,\n"
        f"{U1},2025,1,draft,training,培训,,,9,2025-06-30,matched,,\n"
        f"{U2},2025,1,submitted,talent,电工,,460701,2,2025-03-30,open,,\n"
    )
    import_bundle(write_bundle(tmp_path / "first", {"demand_items": first}))
    kept = list(DemandItem.objects.filter(demand_list__enterprise__uscc=U1).order_by("id"))
    other = DemandItem.objects.get(demand_list__enterprise__uscc=U2)
    events = DemandItemEvent.objects.values_list("item_id", "from_status", "to_status", "by", "note").order_by("id")
    created = [(item.pk, "", item.status, None, "导入") for item in [*kept, other]]
    assert sorted(events) == sorted(created)  # every item's history opens with its creation (demand.rules)

    second = DI + (
        f"{U1},2025,1,submitted,talent,焊工,,,3,2025-03-30,fulfilled,2025-03-01,3\n"
        f"{U1},2025,1,submitted,tech,攻关,C3670,,,2025-06-30,open,,\n"
    )
    result = import_bundle(write_bundle(tmp_path / "second", {"demand_items": second}))

    counts = result.counts["demand_items"]
    assert (counts.created, counts.updated, counts.unchanged, counts.deleted) == (0, 1, 1, 1)
    items = list(DemandItem.objects.filter(demand_list__enterprise__uscc=U1).order_by("id"))
    assert [i.pk for i in items] == [kept[0].pk, kept[1].pk]
    assert (items[0].status, str(items[0].fulfilled_on), items[0].fulfilled_headcount) == ("fulfilled", "2025-03-01", 3)
    assert DemandList.objects.get(enterprise__uscc=U1).status == "submitted"
    assert DemandItem.objects.get(pk=other.pk).status == "open"  # a list absent from the file is left alone
    # The third item went with its history; the first one's change is recorded.
    events = DemandItemEvent.objects.filter(from_status="open").values_list(
        "item_id", "from_status", "to_status", "by", "note"
    )
    assert list(events) == [(kept[0].pk, "open", "fulfilled", None, "导入")]


def test_industry_college_partners_follow_the_file(tmp_path):
    import_bundle(write_bundle(tmp_path / "base", BASE))
    header = "code,name,college_code,cluster_code,established_on,partner_usccs,chain_leader_usccs\n"
    import_bundle(
        write_bundle(
            tmp_path / "a", {"industry_colleges": header + f"IC1,产业学院,13200,NEV,2024-01-01,{U1};{U2},{U1}\n"}
        )
    )
    result = import_bundle(
        write_bundle(tmp_path / "b", {"industry_colleges": header + f"IC1,产业学院,13200,NEV,2024-01-01,{U2},{U2}\n"})
    )

    assert result.counts["industry_colleges"].updated == 1
    partners = IndustryCollegePartner.objects.values_list("enterprise__uscc", "is_chain_leader")
    assert list(partners) == [(U2, True)]
    assert IndustryCollege.objects.count() == 1


def test_bundle_may_refer_to_rows_of_the_same_bundle(tmp_path):
    files = dict(BASE)
    files["program_years"] = (
        "college_code,major_code,schooling,year,enrolled,admitted,graduates,employed,employed_in_field,employed_locally\n"
        "13200,460701,3yr_higher,2024,100,40,30,20,10,15\n"
    )
    files["training_bases"] = (
        f"code,name,college_code,uscc,kind,certified,established_on,closed_on\nTB1,基地,13200,{U1},public,1,2024-01-01,\n"
    )
    import_bundle(write_bundle(tmp_path / "all", files))

    assert ProgramYear.objects.get().employed_locally == 15
    assert TrainingBase.objects.get().enterprise.uscc == U1


def test_gbk_csv_imports_correctly(tmp_path):
    text = "code,name,kind,district\n13209,淮安技师学院（东校区）,technician,淮安区\n"
    import_bundle(write_bundle(tmp_path / "gbk", {"colleges": text.encode("gbk")}))

    college = College.objects.get()
    assert (college.name, college.district) == ("淮安技师学院（东校区）", "淮安区")


def test_utf8_with_bom_and_excel_line_endings_import(tmp_path):
    text = "\ufeffcode,name,kind,district\r\n13209,淮安技师学院,technician,淮安区\r\n\r\n"
    import_bundle(write_bundle(tmp_path / "bom", {"colleges": text.encode("utf-8")}))

    assert College.objects.get().code == "13209"


def test_an_apostrophe_that_neutralised_a_formula_is_removed(tmp_path):
    import_bundle(write_bundle(tmp_path / "base", BASE))
    text = "code,name,kind,district\n13209,'=1+2,technician,'-淮安区\n13210,'普通名,higher,淮安区\n"
    import_bundle(write_bundle(tmp_path / "q", {"colleges": text}))

    assert dict(College.objects.values_list("code", "name")) == {
        "13200": "淮安第1职业技术学院",
        "13209": "=1+2",
        "13210": "'普通名",
    }
    assert College.objects.get(code="13209").district == "-淮安区"


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_bundle_imports_typed_cells(tmp_path):
    import datetime

    path = tmp_path / "bundle.xlsx"
    path.write_bytes(
        _workbook(
            {
                "industries": [["code", "name", "parent_code"], ["C", "制造业", None], ["C36", "汽车制造业", "C"]],
                "enterprises": [
                    ["uscc", "name", "industry_code", "district", "scale", "tags", "integration_certified_on"],
                    [U3, "淮安丙公司", "C36", "淮安区", "medium", "above_scale;specialized", datetime.date(2024, 5, 1)],
                ],
                "colleges": [
                    ["code", "name", "kind", "district"],
                    [13205, "淮安第6职业技术学院", "technician", "淮阴区"],
                ],
            }
        )
    )
    result = import_bundle(path)

    assert {name: c.created for name, c in result.counts.items()} == {"industries": 2, "enterprises": 1, "colleges": 1}
    enterprise = Enterprise.objects.get()
    assert (enterprise.tags, str(enterprise.integration_certified_on)) == (["above_scale", "specialized"], "2024-05-01")
    assert College.objects.get().code == "13205"  # a number cell read as the code text


def test_only_the_bureau_may_import(tmp_path, college_user, bureau_user):
    bundle = write_bundle(tmp_path / "base", BASE)
    before = table_counts()

    with pytest.raises(PermissionDenied):
        import_bundle(bundle, user=college_user)
    assert table_counts() == before

    import_bundle(bundle, user=bureau_user)
    assert Industry.objects.count() == 3
    assert Industry.history.filter(history_user=bureau_user).count() == 3


# --------------------------------------------------------------------------- bad input

BAD_USCC = U3[:-1] + ("0" if U3[-1] != "0" else "1")
E = "uscc,name,industry_code,district,scale,tags,integration_certified_on\n"
P = "college_code,major_code,schooling,established_on,closed_on,enrollment_status,emerging\n"
PY = "college_code,major_code,schooling,year,enrolled,admitted,graduates,employed,employed_in_field,employed_locally\n"
C = "code,name,kind,district\n"
CL = "code,name,industry_codes,is_key,order\n"
IC = "code,name,college_code,cluster_code,established_on,partner_usccs,chain_leader_usccs\n"
TB = "code,name,college_code,uscc,kind,certified,established_on,closed_on\n"
OC = "college_code,major_code,schooling,uscc,year,name,seats,kind\n"
CP = "code,name,college_code,uscc,started_on,ended_on\n"
TS = "college_code,uscc,title,held_on,trainees\n"
D = "code,name,order\n"
PM = "major_code,cluster_code,effective_from,effective_to\n"
NOT_IN = "不存在：既不在数据库中，也不在本次导入的"

BAD_BUNDLES = {
    "bad_uscc_check_digit": (
        {"enterprises": E + f"{BAD_USCC},丙公司,C36,清江浦区,small,,\n"},
        [("enterprises.csv", 2, "uscc", f"统一社会信用代码 {BAD_USCC} 校验位错误。")],
    ),
    "uscc_too_short": (
        {"enterprises": E + "9132080012345678,丙公司,C36,清江浦区,small,,\n"},
        [("enterprises.csv", 2, "uscc", "统一社会信用代码 9132080012345678 格式错误（应为18位数字或大写字母）。")],
    ),
    "unknown_industry": (
        {"enterprises": E + f"{U3},丙公司,C99,清江浦区,small,,\n"},
        [("enterprises.csv", 2, "industry_code", f"行业「C99」{NOT_IN} industries 中。")],
    ),
    "unknown_college": (
        {"programs": P + "99999,460701,3yr_higher,2020-09-01,,normal,0\n"},
        [("programs.csv", 2, "college_code", f"院校「99999」{NOT_IN} colleges 中。")],
    ),
    "unknown_program": (
        {"program_years": PY + "13200,460701,5yr_higher,2024,10,10,10,5,5,5\n"},
        [("program_years.csv", 2, "major_code", f"专业点「13200 / 460701 / 5yr_higher」{NOT_IN} programs 中。")],
    ),
    "unknown_major_of_demand_item": (
        {"demand_items": DI + f"{U1},2025,1,draft,talent,焊工,,999999,3,2025-03-30,open,,\n"},
        [("demand_items.csv", 2, "major_code", f"专业「999999」{NOT_IN} majors 中。")],
    ),
    "unknown_cluster": (
        {"industry_colleges": IC + f"IC1,产业学院,13200,NOPE,2024-01-01,{U1},\n"},
        [("industry_colleges.csv", 2, "cluster_code", f"产业集群「NOPE」{NOT_IN} clusters 中。")],
    ),
    "unknown_partner": (
        {"industry_colleges": IC + f"IC1,产业学院,13200,NEV,2024-01-01,{U1};{U3},\n"},
        [("industry_colleges.csv", 2, "partner_usccs", f"企业「{U3}」{NOT_IN} enterprises 中。")],
    ),
    "unknown_parent_industry": (
        {"industries": "code,name,parent_code\nD44,电力,D\n"},
        [("industries.csv", 2, "parent_code", f"行业「D」{NOT_IN} industries 中。")],
    ),
    "negative_number": (
        {"program_years": PY + "13200,460701,3yr_higher,2024,10,10,-5,0,0,0\n"},
        [("program_years.csv", 2, "graduates", "「graduates」不能为负数（-5）。")],
    ),
    "employed_over_graduates": (
        {"program_years": PY + "13200,460701,3yr_higher,2024,10,10,20,30,5,5\n"},
        [("program_years.csv", 2, "employed", "就业人数（30）不能超过毕业生数（20）。")],
    ),
    "locally_over_employed": (
        {"program_years": PY + "13200,460701,3yr_higher,2024,10,10,20,10,5,12\n"},
        [("program_years.csv", 2, "employed_locally", "本地就业人数（12）不能超过就业人数（10）。")],
    ),
    "date_that_does_not_exist": (
        {"demand_items": DI + f"{U1},2025,1,draft,talent,焊工,,,3,2025-02-30,open,,\n"},
        [("demand_items.csv", 2, "due_on", "日期 2025-02-30 不存在。")],
    ),
    "date_in_wrong_format": (
        {"programs": P + "13200,460701,5yr_higher,2020/09/01,,normal,0\n"},
        [("programs.csv", 2, "established_on", "「established_on」应为 YYYY-MM-DD 格式的日期，而不是「2020/09/01」。")],
    ),
    "quarter_5": (
        {"demand_items": DI + f"{U1},2025,5,draft,talent,焊工,,,3,2025-03-30,open,,\n"},
        [("demand_items.csv", 2, "quarter", "季度应为 1–4，而不是 5。")],
    ),
    "talent_without_headcount": (
        {"demand_items": DI + f"{U1},2025,1,draft,talent,焊工,,,0,2025-03-30,open,,\n"},
        [("demand_items.csv", 2, "headcount", "技能人才和员工培训需求的人数必须大于 0。")],
    ),
    "fulfilled_without_date": (
        {"demand_items": DI + f"{U1},2025,1,draft,tech,攻关,,,,2025-03-30,fulfilled,,\n"},
        [("demand_items.csv", 2, "fulfilled_on", "已销号的需求必须填写销号日期。")],
    ),
    "list_status_differs_within_a_list": (
        {
            "demand_items": DI
            + f"{U1},2025,1,draft,tech,攻关,,,,2025-03-30,open,,\n"
            + f"{U1},2025,1,accepted,tech,攻关二,,,,2025-03-30,open,,\n"
        },
        [
            (
                "demand_items.csv",
                3,
                "list_status",
                f"同一清单（{U1} 2025 年第 1 季度）的 list_status 必须一致：第 2 行为「draft」。",
            )
        ],
    ),
    "duplicate_key_in_file": (
        {"colleges": C + "13201,甲,higher,淮阴区\n13201,乙,higher,淮阴区\n"},
        [("colleges.csv", 3, "", "与第 2 行重复（13201）。")],
    ),
    "duplicate_composite_key_in_file": (
        {
            "order_classes": OC
            + f"13200,460701,3yr_higher,{U1},2025,订单班,30,order\n13200,460701,3yr_higher,{U1},2025,订单班,20,named\n"
        },
        [("order_classes.csv", 3, "", f"与第 2 行重复（13200 / 460701 / 3yr_higher / {U1} / 2025 / 订单班）。")],
    ),
    "duplicate_enterprise_in_partner_list": (
        {"industry_colleges": IC + f"IC1,产业学院,13200,NEV,2024-01-01,{U1};{U1},\n"},
        [("industry_colleges.csv", 2, "partner_usccs", f"「{U1}」在列表中重复。")],
    ),
    "key_clusters_overlap_with_database": (
        {"clusters": CL + "AUTO,汽车零部件,C3670,1,2\n"},
        [
            (
                "clusters.csv",
                2,
                "industry_codes",
                "重点集群之间不得共享行业：C3670 与集群「新能源汽车」（NEV）的 C36 重叠。",
            )
        ],
    ),
    "key_clusters_overlap_within_file": (
        {"clusters": CL + "ELEC,电子信息,C39,1,2\nCOMP,计算机,C391;C40,1,3\n"},
        [
            (
                "clusters.csv",
                3,
                "industry_codes",
                "重点集群之间不得共享行业：C391 与集群「电子信息」（ELEC）的 C39 重叠。",
            )
        ],
    ),
    "bad_industry_code_in_list": (
        {"clusters": CL + "X,某集群,c36,0,1\n"},
        [("clusters.csv", 2, "industry_codes", "行业代码 c36 不符合 GB/T 4754-2017（如 C36、C3670）。")],
    ),
    "empty_industry_code_list": (
        {"majors": "code,name,level,industry_codes\n460702,新能源汽车技术,higher,\n"},
        [("majors.csv", 2, "industry_codes", "「industry_codes」不能为空。")],
    ),
    "major_code_not_six_digits": (
        {"majors": "code,name,level,industry_codes\n46070,新能源汽车技术,higher,C36\n"},
        [("majors.csv", 2, "code", "专业代码应为6位数字。")],
    ),
    "industry_parent_not_a_prefix": (
        {"industries": "code,name,parent_code\nC37,铁路,C36\n"},
        [("industries.csv", 2, "parent_code", "上级代码必须是本行业代码的前缀。")],
    ),
    "unknown_enum_value": (
        {"colleges": C + "13201,甲,huge,淮阴区\n"},
        [
            (
                "colleges.csv",
                2,
                "kind",
                "「huge」不是有效的办学层次，可选值：secondary（中等职业学校）、higher（高职专科院校）、"
                "bachelor（职业本科院校）、technician（技工院校）。",
            )
        ],
    ),
    "unknown_tag": (
        {"enterprises": E + f"{U3},丙公司,C36,清江浦区,small,above_scale;vip,\n"},
        [
            (
                "enterprises.csv",
                2,
                "tags",
                "未知的企业标签：vip；可选值：above_scale（规上企业）、specialized（专精特新）、"
                "little_giant（小巨人）、chain_leader（链主企业）。",
            )
        ],
    ),
    "bad_boolean": (
        {"programs": P + "13200,460701,5yr_higher,2020-09-01,,normal,yes\n"},
        [("programs.csv", 2, "emerging", "「emerging」应为 1 或 0（也可写 true/false），而不是「yes」。")],
    ),
    "not_an_integer": (
        {"clusters": CL + "X,某集群,C13,0,1.5\n"},
        [("clusters.csv", 2, "order", "「order」应为整数，而不是「1.5」。")],
    ),
    "zero_trainees": (
        {"training_sessions": TS + f"13200,{U1},培训,2024-01-01,0\n"},
        [("training_sessions.csv", 2, "trainees", "确保该值大于或等于1。")],
    ),
    "training_base_without_owner": (
        {"training_bases": TB + "TB1,基地,,,public,1,2024-01-01,\n"},
        [("training_bases.csv", 2, "college_code", "实训基地至少要有一个所属院校或所属企业。")],
    ),
    "project_ends_before_start": (
        {"cooperation_projects": CP + f"CP1,项目,13200,{U1},2024-01-01,2023-01-01\n"},
        [("cooperation_projects.csv", 2, "ended_on", "结束日期不能早于开始日期。")],
    ),
    "required_cell_empty": (
        {"colleges": C + "13201,,higher,淮阴区\n"},
        [("colleges.csv", 2, "name", "「name」不能为空。")],
    ),
    "more_cells_than_header": (
        {"colleges": C + "13201,甲,higher,淮阴区,多余\n"},
        [("colleges.csv", 2, "", "本行有 5 个单元格，多于表头的 4 列。")],
    ),
    "missing_column": (
        {"colleges": "code,name,kind\n13201,甲,higher\n"},
        [("colleges.csv", 1, "district", "缺少列「district」。")],
    ),
    "misspelt_column": (
        {"colleges": "code,name,kind,distrct\n13201,甲,higher,淮阴区\n"},
        [
            ("colleges.csv", 1, "distrct", "未知的列「distrct」。是否应为「district」？"),
            ("colleges.csv", 1, "district", "缺少列「district」。"),
        ],
    ),
    "repeated_column": (
        {"colleges": "code,name,kind,district,name\n13201,甲,higher,淮阴区,乙\n"},
        [("colleges.csv", 1, "name", "列「name」重复。")],
    ),
    "empty_file": ({"colleges": ""}, [("colleges.csv", 0, "", "文件为空。")]),
    "blank_lines_only": ({"colleges": "\n\n"}, [("colleges.csv", 0, "", "文件为空。")]),
    "unknown_file_name": (
        {"college": C},
        [("college.csv", 0, "", "未知的文件「college.csv」。是否应为「colleges」？")],
    ),
    "neither_utf8_nor_gbk": (
        {"colleges": bytes(range(128, 256)) * 4},
        [("colleges.csv", 0, "", "无法识别文件编码：请保存为 UTF-8 或 GBK（GB18030）编码的 CSV 文件。")],
    ),
    "binary_with_nul_bytes": (
        {"colleges": b"code,name\x00\x00\x01,kind,district\n"},
        [("colleges.csv", 0, "", "无法识别文件编码：请保存为 UTF-8 或 GBK（GB18030）编码的 CSV 文件。")],
    ),
    "district_not_in_the_districts_file": (
        {"districts": D + "320812,清江浦区,1\n", "colleges": C + "13201,甲,higher,新城区\n"},
        [("colleges.csv", 2, "district", f"区县「新城区」{NOT_IN} districts 中。")],
    ),
    "enterprise_district_not_in_the_districts_file": (
        {"districts": D + "320899,新城区,9\n", "enterprises": E + f"{U3},丙公司,C36,老城区,small,,\n"},
        [("enterprises.csv", 2, "district", f"区县「老城区」{NOT_IN} districts 中。")],
    ),
    "district_code_used_twice": (
        {"districts": D + "320812,清江浦区,1\n320812,新城区,2\n"},
        [("districts.csv", 3, "code", "区划代码「320812」已用于区县「清江浦区」。")],
    ),
    "district_code_of_five_digits": (
        {"districts": D + "32081,新城区,9\n"},
        [("districts.csv", 2, "code", "区划代码应为6位数字（GB/T 2260）。")],
    ),
    "district_named_twice": (
        {"districts": D + ",新城区,1\n,新城区,2\n"},
        [("districts.csv", 3, "", "与第 2 行重复（新城区）。")],
    ),
    "priority_major_unknown_major_and_cluster": (
        {"priority_majors": PM + "999999,NOPE,2024-01-01,\n"},
        [
            ("priority_majors.csv", 2, "major_code", f"专业「999999」{NOT_IN} majors 中。"),
            ("priority_majors.csv", 2, "cluster_code", f"产业集群「NOPE」{NOT_IN} clusters 中。"),
        ],
    ),
    "priority_major_ends_before_it_starts": (
        {"priority_majors": PM + "460701,NEV,2024-01-01,2023-12-31\n"},
        [("priority_majors.csv", 2, "effective_to", "失效日期不能早于生效日期。")],
    ),
    "errors_in_several_files_all_reported": (
        {
            "colleges": C + "13201,甲,higher,\n",
            "training_sessions": TS + f"13201,{U1},培训,2024-02-30,3\n",
        },
        [
            ("colleges.csv", 2, "district", "「district」不能为空。"),
            ("training_sessions.csv", 2, "held_on", "日期 2024-02-30 不存在。"),
        ],
    ),
}


def test_bundle_without_districts_brings_the_names_it_uses(tmp_path):
    bundle = write_bundle(tmp_path / "old", {"colleges": C + "13201,甲,higher,新城区\n13202,乙,higher,淮阴区\n"})

    result = import_bundle(bundle)

    assert list(District.objects.values_list("code", "name", "order")[5:]) == [("", "新城区", 6)]
    assert result.counts["districts"].created == 1
    assert "districts" not in import_bundle(bundle).counts  # nothing new the second time


def test_districts_and_priority_majors_update_by_their_natural_keys(tmp_path):
    import_bundle(write_bundle(tmp_path / "base", BASE))
    files = {
        "districts": D + "320812,清江浦区,1\n,新城区,9\n",
        "colleges": C + "13201,甲,higher,新城区\n",
        "priority_majors": PM + "460701,NEV,2024-01-01,\n460701,,2020-01-01,2023-12-31\n",
    }
    import_bundle(write_bundle(tmp_path / "first", files))
    files["districts"] = D + "320812,清江浦区,1\n320899,新城区,9\n"
    files["priority_majors"] = PM + "460701,NEV,2024-01-01,2026-12-31\n460701,,2020-01-01,2023-12-31\n"

    result = import_bundle(write_bundle(tmp_path / "second", files))

    assert District.objects.get(name="新城区").code == "320899"
    assert District.objects.filter(name="新城区").count() == 1
    assert list(PriorityMajor.objects.values_list("major_id", "cluster_id", "effective_from", "effective_to")) == [
        ("460701", None, date(2020, 1, 1), date(2023, 12, 31)),
        ("460701", "NEV", date(2024, 1, 1), date(2026, 12, 31)),
    ]
    counts = {name: (c.created, c.updated, c.unchanged) for name, c in result.counts.items()}
    assert counts["districts"] == (0, 1, 1)
    assert counts["priority_majors"] == (0, 1, 1)


@pytest.fixture
def base_city(tmp_path):
    import_bundle(write_bundle(tmp_path / "base", BASE))
    return table_counts()


@pytest.mark.parametrize("files,expected", BAD_BUNDLES.values(), ids=BAD_BUNDLES.keys())
def test_bad_bundle_reports_every_error_and_saves_nothing(tmp_path, base_city, files, expected):
    # A valid new college rides along in the same bundle: it must not be saved either.
    files = {"colleges": C + "13299,随行的新院校,higher,淮安区\n", **files}
    bundle = write_bundle(tmp_path / "bad", files)

    with pytest.raises(BundleInvalid) as caught:
        import_bundle(bundle)

    assert [(e.file, e.row, e.column, e.message) for e in caught.value.errors] == expected
    assert table_counts() == base_city


def test_file_over_the_size_limit_is_refused(tmp_path, base_city, settings):
    settings.UPLOAD_MAX_BYTES = 100
    bundle = write_bundle(tmp_path / "big", {"colleges": C + "13201,甲,higher,淮阴区\n" * 10})

    with pytest.raises(BundleInvalid) as caught:
        import_bundle(bundle)

    assert caught.value.errors == [BundleError("colleges.csv", 0, "", "文件大小 294 字节，超过上限 100 字节。")]
    assert table_counts() == base_city


def test_uploaded_workbook_over_the_size_limit_is_refused(base_city, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    upload = io.BytesIO(b"x" * 5000)
    upload.name = "bundle.xlsx"

    with pytest.raises(BundleInvalid) as caught:
        import_bundle(upload)

    assert caught.value.errors == [BundleError("bundle.xlsx", 0, "", "文件大小 1001 字节，超过上限 1000 字节。")]


def test_workbook_with_unknown_sheet_and_formula_is_refused(tmp_path, base_city):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(
        _workbook(
            {
                "colleges": [["code", "name", "kind", "district"], ["13201", "甲", "higher", "淮阴区"]],
                "program_years": [
                    list(PY.strip().split(",")),
                    ["13200", "460701", "3yr_higher", 2024, 10, 10, 10, "=A2*2", 5, 5],
                ],
                "Sheet1": [["anything"]],
                "college": [["code"]],
            }
        )
    )

    with pytest.raises(BundleInvalid) as caught:
        import_bundle(path)

    assert [(e.file, e.row, e.column, e.message) for e in caught.value.errors] == [
        ("program_years", 2, "employed", "单元格是公式（=A2*2）：请粘贴为数值后再导入。"),
        (
            "Sheet1",
            0,
            "",
            "未知的工作表「Sheet1」。可用的名称：" + "、".join(__import__("exchange.spec").spec.FILES) + "。",
        ),
        ("college", 0, "", "未知的工作表「college」。是否应为「colleges」？"),
    ]
    assert table_counts() == base_city


def test_not_a_workbook_is_refused(tmp_path, base_city):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"code,name\n")

    with pytest.raises(BundleInvalid) as caught:
        import_bundle(path)

    assert caught.value.errors == [BundleError("fake.xlsx", 0, "", "无法读取该文件：它不是有效的 .xlsx 工作簿。")]


def test_hundred_thousand_bad_rows_are_reported_quickly_and_capped(tmp_path, base_city):
    rows = "".join(f"{U1},2025,5,draft,talent,焊工{n},,,3,2025-03-30,open,,\n" for n in range(100_000))
    bundle = write_bundle(tmp_path / "flood", {"demand_items": DI + rows})

    with CaptureQueriesContext(connection) as queries, pytest.raises(BundleInvalid) as caught:
        import_bundle(bundle)

    assert len(caught.value.errors) == MAX_REPORTED_ERRORS
    assert caught.value.more == 99_000
    assert caught.value.errors[-1] == BundleError("demand_items.csv", 1001, "quarter", "季度应为 1–4，而不是 5。")
    assert caught.value.lines()[-1] == "……另有 99000 个错误未列出。"
    # Speed comes from checking rows in memory: a handful of preload queries, none per row
    # (≈3 s on an idle machine; a wall-clock bound would only be flaky on a busy CI runner).
    assert len(queries) <= 15, [q["sql"][:80] for q in queries]
    assert table_counts() == base_city


def test_command_prints_counts(tmp_path, capsys):
    call_command("import_bundle", str(write_bundle(tmp_path / "base", BASE)))

    out = capsys.readouterr().out
    assert "colleges：新增 1，更新 0，未变 0，删除 0" in out
    assert "programs：新增 1，更新 0，未变 0，删除 0" in out


def test_command_prints_every_error_and_exits_1(tmp_path, base_city, capsys):
    bundle = write_bundle(tmp_path / "bad", {"colleges": C + "13201,,higher,\n"})

    with pytest.raises(CommandError) as caught:
        call_command("import_bundle", str(bundle))

    assert caught.value.returncode == 1
    assert capsys.readouterr().err.splitlines() == [
        "colleges.csv:2:name: 「name」不能为空。",
        "colleges.csv:2:district: 「district」不能为空。",
    ]
    assert table_counts() == base_city


def test_uploaded_zip_of_csv_files_imports(base_city):
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bundle/colleges.csv", C + "13209,淮安技师学院,technician,淮安区\n")
        archive.writestr("bundle/README.txt", "说明文件会被忽略")
    upload = SimpleUploadedFile("bundle.zip", buffer.getvalue())

    result = import_bundle(upload)

    assert result.counts["colleges"].created == 1
    assert College.objects.filter(code="13209").exists()


def test_uploaded_workbook_imports(base_city):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "bundle.xlsx",
        _workbook(
            {"colleges": [["code", "name", "kind", "district"], ["13209", "淮安技师学院", "technician", "淮安区"]]}
        ),
    )

    import_bundle(upload)

    assert College.objects.get(code="13209").name == "淮安技师学院"


def test_a_chain_leader_not_listed_among_partners_becomes_one(tmp_path):
    """colleges.rules: the same rule as the service — chain leaders are partners too."""
    import_bundle(write_bundle(tmp_path / "base", BASE))
    import_bundle(
        write_bundle(tmp_path / "ic", {"industry_colleges": IC + f"IC1,产业学院,13200,NEV,2024-01-01,{U1},{U2}\n"})
    )
    partners = IndustryCollegePartner.objects.filter(industry_college__code="IC1")
    assert sorted(partners.values_list("enterprise__uscc", "is_chain_leader")) == sorted([(U1, False), (U2, True)])
