"""The quarterly Excel report: sheets, values per scope, formula-injection safety, language."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from metrics.choices import Metric
from tests.portal_seed import COLLEGE_CODE, COLLEGE_NAME, DISTRICT, seed_dashboard


@pytest.fixture
def city(db):
    return seed_dashboard()


def _workbook(client, **params):
    response = client.get(reverse("report_xlsx"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return response, load_workbook(io.BytesIO(response.content))


def _rows(sheet):
    return [row for row in sheet.iter_rows(values_only=True) if any(cell is not None for cell in row)]


def test_report_has_targets_one_sheet_per_metric_and_supply_demand(client, bureau_user, city):
    client.force_login(bureau_user)
    response, book = _workbook(client)
    assert response["Content-Disposition"] == 'attachment; filename="metrics-report-2025Q2.xlsx"'
    assert book.sheetnames == [
        "目标进度",
        "专业设置与产业匹配度",
        "重点产业领域专业覆盖率",
        "人才供需匹配指数",
        "毕业生本地留存率（五年制高职）",
        "专业对口就业率",
        "实训基地数",
        "产教融合型企业数",
        "产学合作协同育人项目数",
        "产业学院、产教联合体数",  # "/" is not allowed in a sheet name
        "产业学院对接链主企业达标率",
        "订单班冠名班数",
        "职工技能培训人次",
        "企业需求销号率",
        "惠企政策应知尽知率",
        "优先发展专业占比",
        "重点企业清单报送率",
        "供需对照",
    ]
    assert len(book.sheetnames) == len(Metric.choices) + 2


def test_metric_sheet_has_a_block_per_scope_type(client, bureau_user, city):
    client.force_login(bureau_user)
    _response, book = _workbook(client)
    rows = _rows(book["专业设置与产业匹配度"])
    assert rows[0] == ("专业设置与产业匹配度", "2025Q2", "alignment_rate", None, None)
    assert rows[1:] == [
        ("全市", None, None, None, None),
        ("范围名称", "范围标识", "值", "分子", "分母"),
        ("全市", None, 0.82, 82.0, 100.0),
        ("区县", None, None, None, None),
        ("范围名称", "范围标识", "值", "分子", "分母"),
        (DISTRICT, DISTRICT, pytest.approx(0.8), 5.0, 5.0),
        ("院校", None, None, None, None),
        ("范围名称", "范围标识", "值", "分子", "分母"),
        (COLLEGE_NAME, COLLEGE_CODE, 1.0, 2.0, 4.0),
    ]
    assert book["专业设置与产业匹配度"]["C5"].number_format == "0.0%"
    assert _rows(book["企业需求销号率"])[1] == ("本期没有该指标的数据。", None, None)


def test_targets_and_supply_demand_sheets(client, bureau_user, city):
    client.force_login(bureau_user)
    _response, book = _workbook(client)
    targets = _rows(book["目标进度"])
    assert targets[1] == ("指标", "范围", "比较", "目标值", "当前值", "完成度", "状态", "政策依据")
    assert targets[2] == (
        "专业设置与产业匹配度",
        "全市",
        "≥",
        0.8,
        0.82,
        pytest.approx(1.025),
        "已达成",
        "实施意见第三条",
    )
    assert targets[6][0] == "重点产业领域专业覆盖率" and targets[6][4] is None and targets[6][6] == "暂无数据"
    supply = _rows(book["供需对照"])
    assert supply[2:] == [
        ("全市", None, "新能源汽车及零部件", 120, 100, 80, 40),
        ("全市", None, "其他", 30, 60, 50, -20),
        ("院校", COLLEGE_CODE, "新能源汽车及零部件", 0, 100, 80, -80),
        ("院校", COLLEGE_CODE, "其他", 0, 60, 50, -50),
    ]


def test_report_of_an_older_period(client, bureau_user, city):
    client.force_login(bureau_user)
    response, book = _workbook(client, period="2024-4")
    assert response["Content-Disposition"].endswith('metrics-report-2024Q4.xlsx"')
    assert _rows(book["专业设置与产业匹配度"])[3][2] == pytest.approx(0.70)


def test_text_from_the_database_cannot_become_a_formula(client, bureau_user, city):
    from metrics.models import Snapshot

    Snapshot.objects.filter(scope_type="college").update(scope_name='=HYPERLINK("http://evil","x")')
    client.force_login(bureau_user)
    _response, book = _workbook(client)
    cell = book["专业设置与产业匹配度"]["A13"]
    assert cell.value == '\'=HYPERLINK("http://evil","x")'
    assert cell.data_type == "s"


def test_report_without_snapshots_is_404(client, bureau_user):
    client.force_login(bureau_user)
    assert client.get(reverse("report_xlsx")).status_code == 404


def test_report_in_english_has_english_sheet_names(client, bureau_user, city):
    client.force_login(bureau_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    _response, book = _workbook(client)
    assert book.sheetnames[:3] == ["Target progress", "Program–industry alignment", "Key cluster coverage"]
    assert book.sheetnames[-1] == "Supply and demand"
