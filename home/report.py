"""The quarterly report workbook the bureau downloads from its home page.

Layout (chosen so a sheet fits a printed page and every figure has one obvious place):
- 目标进度: every target with value, threshold, ratio and status;
- one sheet per metric (14), named after the metric, with one block per scope type —
  全市, then each district, then each college — rows: scope name, scope id, value, numerator, denominator;
- 供需对照: the per-cluster demand, supply and gap of the period's latest succeeded run, for every scope.
Text from the database (college, district, cluster names) is neutralised against formula injection.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from metrics.choices import Metric, ScopeType
from metrics.models import Snapshot
from metrics.registry import RATIO_METRICS
from portal.periods import Period
from portal.xlsx import BOLD, HEADCOUNT, HEADER_FILL, safe_text, sheet_title
from reference.matching import OTHER

from .dashboard import supply_demand_table, target_cards


def _header(sheet, row: int, labels: list[str]) -> None:
    for column, label in enumerate(labels, start=1):
        cell = sheet.cell(row=row, column=column, value=label)
        cell.font = BOLD
        cell.fill = HEADER_FILL


def _widths(sheet, widths: list[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _value_format(metric: str) -> str:
    return "0.0%" if metric in RATIO_METRICS else "#,##0.##"


def _targets_sheet(workbook, period: Period, taken: set[str]) -> None:
    sheet = workbook.create_sheet(sheet_title(_("目标进度"), taken))
    sheet.append([_("%(year)s年第%(quarter)s季度 目标进度") % {"year": period.year, "quarter": period.quarter}])
    sheet["A1"].font = Font(bold=True, size=13)
    labels = [_("指标"), _("范围"), _("比较"), _("目标值"), _("当前值"), _("完成度"), _("状态"), _("政策依据")]
    _header(sheet, 3, labels)
    for row, card in enumerate(target_cards(period), start=4):
        target = card["target"]
        cells = [
            target.get_metric_display(),
            safe_text(card["scope_name"]),
            target.get_comparator_display(),
            target.threshold,
            card["value"],
            card["ratio"],
            str(card["status_label"]),
            safe_text(target.source),
        ]
        for column, value in enumerate(cells, start=1):
            sheet.cell(row=row, column=column, value=value)
        sheet.cell(row=row, column=4).number_format = _value_format(target.metric)
        sheet.cell(row=row, column=5).number_format = _value_format(target.metric)
        sheet.cell(row=row, column=6).number_format = "0.0%"
    _widths(sheet, [30, 14, 8, 12, 12, 10, 12, 60])


def _metric_sheets(workbook, period: Period, taken: set[str]) -> None:
    rows = (
        Snapshot.objects.filter(year=period.year, quarter=period.quarter)
        .order_by("metric", "scope_type", "scope_id")
        .values_list("metric", "scope_type", "scope_id", "scope_name", "value", "numerator", "denominator")
    )
    by_metric: dict[str, dict[str, list]] = {}
    for metric, scope_type, *rest in rows:
        by_metric.setdefault(metric, {}).setdefault(scope_type, []).append(rest)
    scope_labels = dict(ScopeType.choices)
    for metric, label in Metric.choices:
        sheet = workbook.create_sheet(sheet_title(label, taken))
        sheet.append([str(label), f"{period.year}Q{period.quarter}", metric])
        sheet["A1"].font = Font(bold=True, size=13)
        row = 3
        scopes = by_metric.get(metric, {})
        if not scopes:
            sheet.cell(row=row, column=1, value=_("本期没有该指标的数据。"))
        for scope_type in (ScopeType.CITY, ScopeType.DISTRICT, ScopeType.COLLEGE):
            if scope_type not in scopes:
                continue
            sheet.cell(row=row, column=1, value=str(scope_labels[scope_type])).font = BOLD
            _header(sheet, row + 1, [_("范围名称"), _("范围标识"), _("值"), _("分子"), _("分母")])
            row += 2
            for scope_id, scope_name, value, numerator, denominator in scopes[scope_type]:
                for column, cell_value in enumerate(
                    [safe_text(scope_name), safe_text(scope_id), value, numerator, denominator], start=1
                ):
                    sheet.cell(row=row, column=column, value=cell_value)
                sheet.cell(row=row, column=3).number_format = _value_format(metric)
                row += 1
            row += 1
        _widths(sheet, [32, 16, 12, 12, 12])
        sheet.freeze_panes = "A3"


def _supply_demand_sheet(workbook, period: Period, taken: set[str]) -> None:
    sheet = workbook.create_sheet(sheet_title(_("供需对照"), taken))
    sheet.append([_("人才供需对照（按重点产业集群）"), f"{period.year}Q{period.quarter}"])
    sheet["A1"].font = Font(bold=True, size=13)
    table = supply_demand_table(period, scope_type=None)
    if table is None:
        sheet.cell(row=3, column=1, value=_("本期没有成功完成的计算任务。"))
        return
    _header(
        sheet, 3, [_("范围类型"), _("范围标识"), _("产业集群"), _("需求人数"), _("毕业生"), _("本地就业"), _("缺口")]
    )
    scope_labels = dict(ScopeType.choices)
    for row, item in enumerate(table["rows"], start=4):
        cells = [
            str(scope_labels.get(item["scope_type"], item["scope_type"])),
            safe_text(item["scope_id"]),
            safe_text(_("其他") if item["cluster"] == OTHER else item["cluster_name"]),
            item["demand"],
            item["graduates"],
            item["local_graduates"],
            item["gap"],
        ]
        for column, value in enumerate(cells, start=1):
            sheet.cell(row=row, column=column, value=value).alignment = Alignment(vertical="top")
        for column in (4, 5, 6, 7):
            sheet.cell(row=row, column=column).number_format = HEADCOUNT
    _widths(sheet, [10, 20, 28, 12, 12, 12, 12])


def period_workbook(period: Period) -> bytes:
    """The period's report as .xlsx bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    _targets_sheet(workbook, period, taken)
    _metric_sheets(workbook, period, taken)
    _supply_demand_sheet(workbook, period, taken)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
