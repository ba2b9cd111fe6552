"""The quarterly Excel report: sheets, values per scope, formula-injection safety, language."""

import io
import re
import shutil
import subprocess

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


def test_metric_sheet_has_one_table_of_scopes_with_names_beside_codes(client, bureau_user, city):
    client.force_login(bureau_user)
    _response, book = _workbook(client)
    sheet = book["专业设置与产业匹配度"]
    rows = _rows(sheet)
    assert rows[0][0] == "专业设置与产业匹配度 — 2025年第2季度"
    assert rows[1:4] == [
        ("范围类型", "代码", "名称", "值", "分子", "分母"),
        ("全市", None, "全市", 0.82, 82, 100),
        ("区县", None, DISTRICT, pytest.approx(0.8), 5, 5),
    ]
    assert rows[4] == ("院校", COLLEGE_CODE, COLLEGE_NAME, 1.0, 2, 4)
    # The city's last four quarters under the table, for the chart (2025Q1 had no snapshot of 2024Q3).
    assert rows[5:] == [
        ("全市近四个季度", None, None, None, None, None),
        ("季度", "值", None, None, None, None),
        ("2024年第3季度", None, None, None, None, None),
        ("2024年第4季度", 0.7, None, None, None, None),
        ("2025年第1季度", 0.75, None, None, None, None),
        ("2025年第2季度", 0.82, None, None, None, None),
    ]
    assert not any("alignment_rate" in str(cell) for row in rows for cell in row)
    assert _rows(book["企业需求销号率"])[2][0] == "本期没有该指标的数据。"


def test_targets_and_supply_demand_sheets(client, bureau_user, city):
    client.force_login(bureau_user)
    _response, book = _workbook(client)
    targets = _rows(book["目标进度"])
    assert targets[0][0] == "目标进度 — 2025年第2季度"
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
        ("全市", None, "全市", "新能源汽车及零部件", 120, 100, 80, 40),
        ("全市", None, "全市", "其他", 30, 60, 50, -20),
        ("院校", COLLEGE_CODE, COLLEGE_NAME, "新能源汽车及零部件", 0, 100, 80, -80),
        ("院校", COLLEGE_CODE, COLLEGE_NAME, "其他", 0, 60, 50, -50),
    ]


def test_report_of_an_older_period(client, bureau_user, city):
    client.force_login(bureau_user)
    response, book = _workbook(client, period="2024-4")
    assert response["Content-Disposition"].endswith('metrics-report-2024Q4.xlsx"')
    assert _rows(book["专业设置与产业匹配度"])[2][3] == pytest.approx(0.70)


def test_text_from_the_database_cannot_become_a_formula(client, bureau_user, city):
    from metrics.models import Snapshot

    Snapshot.objects.filter(scope_type="college").update(scope_name='=HYPERLINK("http://evil","x")')
    client.force_login(bureau_user)
    _response, book = _workbook(client)
    cell = book["专业设置与产业匹配度"]["C6"]
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
    rows = _rows(book["Program–industry alignment"])
    assert rows[0][0] == "Program–industry alignment — 2025 Q2"
    assert rows[1] == ("Scope type", "Code", "Name", "Value", "Numerator", "Denominator")
    assert _rows(book["Supply and demand"])[1][4:] == ("Demand (headcount)", "Graduates", "Employed locally", "Gap")


def test_every_sheet_freezes_its_header_filters_its_table_and_prints_one_page_wide(client, bureau_user, city):
    client.force_login(bureau_user)
    _response, book = _workbook(client)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A4", sheet.title  # the header row (3) stays, the title (1) scrolls away
        assert sheet.auto_filter.ref.startswith("A3:"), sheet.title
        assert sheet.print_title_rows == "$3:$3", sheet.title
        assert sheet.page_setup.orientation == "landscape"
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert book["专业设置与产业匹配度"].auto_filter.ref == "A3:F6"
    assert book["供需对照"].auto_filter.ref == "A3:H7"


def test_numbers_have_distinct_formats_for_counts_decimals_and_ratios(client, bureau_user, city):
    from metrics.models import Snapshot

    Snapshot.objects.filter(metric="training_headcount", scope_type="city", year=2025, quarter=2).update(value=9800.5)
    client.force_login(bureau_user)
    _response, book = _workbook(client)
    ratio = book["专业设置与产业匹配度"]
    assert [ratio[f"{c}5"].number_format for c in "DEF"] == ["0.0%", "#,##0", "#,##0"]
    counts = book["订单班冠名班数"]
    assert counts["D4"].value == 21 and counts["D4"].number_format == "#,##0"
    assert book["职工技能培训人次"]["D4"].number_format == "#,##0.0#"  # 9 800.5, never "9,800.5." nor "25."
    targets = book["目标进度"]
    assert [targets[f"{c}4"].number_format for c in "DEF"] == ["0.0%", "0.0%", "0.0%"]
    assert [targets[f"{c}5"].number_format for c in "DE"] == ["#,##0", "#,##0"]
    formats = {cell.number_format for sheet in book.worksheets for row in sheet.iter_rows() for cell in row}
    assert "#,##0.##" not in formats


def test_each_metric_sheet_has_a_native_line_chart(client, bureau_user, city):
    client.force_login(bureau_user)
    _response, book = _workbook(client)
    for label in [str(label) for _key, label in Metric.choices]:
        sheet = next(s for s in book.worksheets if s.title == label.replace("/", "、"))
        assert len(sheet._charts) == 1, sheet.title
    assert book["目标进度"]._charts == [] and book["供需对照"]._charts == []


@pytest.mark.parametrize("period", ["2023-1", "2025-9", "abc", ""])
def test_an_unknown_period_is_a_400_naming_the_quarters_there_are(client, bureau_user, city, period):
    client.force_login(bureau_user)
    response = client.get(reverse("report_xlsx"), {"period": period})
    assert response.status_code == 400
    assert "2025-2、2025-1、2024-4" in response.content.decode()


def test_the_report_prints_landscape_one_page_per_sheet_in_libreoffice(client, bureau_user, city, tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (make browser installs libreoffice-calc-nogui)")
    client.force_login(bureau_user)
    response, book = _workbook(client)
    (tmp_path / "report.xlsx").write_bytes(response.content)
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    subprocess.run(
        [
            office,
            profile,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "report.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = (tmp_path / "report.pdf").read_bytes()
    boxes = [tuple(map(float, box.split())) for box in re.findall(rb"/MediaBox\s*\[([\d.\s]+)\]", pdf)]
    pages = re.findall(rb"/Type\s*/Page\b", pdf)
    # The small city fits each sheet on one page: as many pages as sheets, so none spills onto a second width.
    assert len(pages) == len(book.sheetnames)
    assert all(x1 - x0 > y1 - y0 for x0, y0, x1, y1 in boxes), boxes  # landscape
