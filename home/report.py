"""The quarterly report workbook the bureau downloads from its home page: for people to read, filter and
print (the bundle export stays machine-shaped).

Layout: every sheet has its title and the period in row 1, one table whose header is row 3 (frozen, with
an autofilter, repeated on every printed page), and prints landscape, one page wide.
- 目标进度: every target with value, threshold, ratio and status;
- one sheet per metric (16), named after the metric: a row per scope (全市, each district, each college,
  names beside codes), then the city's last four quarters and a native line chart of them;
- 供需对照: the per-cluster demand, supply and gap of the period's latest succeeded run, for every scope.
Headers are in the language of the request; text from the database is neutralised against formula injection.
Whole numbers print "#,##0", other numbers one or two decimals, ratios "0.0%".
"""

from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from colleges.models import College
from metrics.choices import Metric, ScopeType
from metrics.models import Snapshot
from metrics.registry import RATIO_METRICS
from portal.periods import Period
from portal.xlsx import BOLD, HEADCOUNT, HEADER_FILL, RATIO, new_workbook, safe_text, sheet_title, workbook_bytes
from reference.matching import OTHER

from .dashboard import supply_demand_table, target_cards

HEADER_ROW = 3
# A number that is not whole: one or two decimals, never a bare trailing "." as "#,##0.##" prints.
DECIMAL = "#,##0.0#"
SNAPSHOT_FIELDS = (
    "metric",
    "scope_type",
    "scope_id",
    "scope_name",
    "value",
    "numerator",
    "denominator",
    "year",
    "quarter",
)


def _number_format(value, ratio: bool = False) -> str | None:
    if not isinstance(value, int | float):
        return None
    if ratio:
        return RATIO
    return HEADCOUNT if float(value).is_integer() else DECIMAL


def _table_sheet(workbook, title: str, period: Period, taken: set[str], headers: list[str], widths: list[int]):
    """A sheet with its title and period in row 1 and the header of its table in HEADER_ROW."""
    sheet = workbook.create_sheet(sheet_title(title, taken))
    sheet["A1"] = _("%(title)s — %(period)s") % {"title": title, "period": period.label}
    sheet["A1"].font = Font(bold=True, size=13)
    for column, (label, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=label)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        sheet.column_dimensions[get_column_letter(column)].width = width
    return sheet


def _write_rows(sheet, rows: list[list], ratio_columns: frozenset = frozenset()) -> int:
    """Write the table's rows under the header; returns the last row of the table."""
    row = HEADER_ROW
    for row, values in enumerate(rows, start=HEADER_ROW + 1):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=safe_text(value))
            number_format = _number_format(value, ratio=column in ratio_columns)
            if number_format:
                cell.number_format = number_format
    return row


def _finish(sheet, columns: int, last_row: int) -> None:
    """Freeze the header, filter the table, and print landscape, one page wide, the header on every page."""
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(columns)}{max(last_row, HEADER_ROW + 1)}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = False


def _targets_sheet(workbook, period: Period, taken: set[str]) -> None:
    headers = [_("指标"), _("范围"), _("比较"), _("目标值"), _("当前值"), _("完成度"), _("状态"), _("政策依据")]
    sheet = _table_sheet(workbook, _("目标进度"), period, taken, headers, [30, 14, 8, 12, 12, 10, 12, 60])
    rows, ratio_rows = [], []
    for card in target_cards(period):
        target = card["target"]
        ratio_rows.append(target.metric in RATIO_METRICS)
        rows.append(
            [
                str(target.get_metric_display()),
                card["scope_name"],
                target.get_comparator_display(),
                target.threshold,
                card["value"],
                card["ratio"],
                str(card["status_label"]),
                target.source,
            ]
        )
    last = _write_rows(sheet, rows, ratio_columns=frozenset({6}))
    for row, ratio in enumerate(ratio_rows, start=HEADER_ROW + 1):
        for column in (4, 5):
            cell = sheet.cell(row=row, column=column)
            cell.number_format = _number_format(cell.value, ratio=ratio) or cell.number_format
    _finish(sheet, len(headers), last)


def _metric_sheets(workbook, period: Period, taken: set[str]) -> None:
    quarters = period.last_four()
    rows = (
        Snapshot.objects.filter(
            Q(year=period.year, quarter=period.quarter)
            | Q(scope_type=ScopeType.CITY, year__in={p.year for p in quarters})
        )
        .order_by("metric", "scope_type", "scope_id")
        .values_list(
            "metric", "scope_type", "scope_id", "scope_name", "value", "numerator", "denominator", "year", "quarter"
        )
    )
    current: dict[str, list] = {}
    trend: dict[str, dict[Period, float | None]] = {}
    for metric, scope_type, scope_id, scope_name, value, numerator, denominator, year, quarter in rows:
        if (year, quarter) == (period.year, period.quarter):
            current.setdefault(metric, []).append((scope_type, scope_id, scope_name, value, numerator, denominator))
        if scope_type == ScopeType.CITY and Period(year, quarter) in quarters:
            trend.setdefault(metric, {})[Period(year, quarter)] = value
    scope_labels = dict(ScopeType.choices)
    order = {ScopeType.CITY: 0, ScopeType.DISTRICT: 1, ScopeType.COLLEGE: 2}
    headers = [_("范围类型"), _("代码"), _("名称"), _("值"), _("分子"), _("分母")]
    for metric, label in Metric.choices:
        ratio = metric in RATIO_METRICS
        sheet = _table_sheet(workbook, str(label), period, taken, headers, [10, 12, 34, 12, 12, 12])
        scopes = sorted(current.get(metric, []), key=lambda r: (order.get(r[0], 9), r[1]))
        table = [
            [str(scope_labels[t]), scope_id if scope_id != name else "", name, value, numerator, denominator]
            for t, scope_id, name, value, numerator, denominator in scopes
        ]
        last = _write_rows(sheet, table, ratio_columns=frozenset({4} if ratio else ()))
        if not table:
            sheet.cell(row=HEADER_ROW + 1, column=1, value=_("本期没有该指标的数据。"))
        _finish(sheet, len(headers), last)
        _trend_chart(sheet, str(label), [(p, trend.get(metric, {}).get(p)) for p in quarters], ratio, last + 2)


def _trend_chart(sheet, label: str, points: list[tuple[Period, float | None]], ratio: bool, row: int) -> None:
    """The city's last four quarters as a small table under the scopes, and a native line chart of it."""
    sheet.cell(row=row, column=1, value=_("全市近四个季度")).font = BOLD
    for column, text in enumerate([_("季度"), _("值")], start=1):
        sheet.cell(row=row + 1, column=column, value=text).font = BOLD
    for offset, (quarter, value) in enumerate(points, start=2):
        sheet.cell(row=row + offset, column=1, value=quarter.label)
        cell = sheet.cell(row=row + offset, column=2, value=value)
        cell.number_format = _number_format(value, ratio=ratio) or cell.number_format
    chart = LineChart()
    chart.title = label
    chart.legend = None
    chart.height, chart.width = 7, 16
    chart.y_axis.number_format = RATIO if ratio else HEADCOUNT
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    last = row + 1 + len(points)
    chart.add_data(Reference(sheet, min_col=2, min_row=row + 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=row + 2, max_row=last))
    sheet.add_chart(chart, f"D{row}")


def _supply_demand_sheet(workbook, period: Period, taken: set[str]) -> None:
    headers = [
        _("范围类型"),
        _("代码"),
        _("名称"),
        _("产业集群"),
        _("需求人数"),
        _("毕业生"),
        _("本地就业"),
        _("缺口"),
    ]
    title = _("供需对照")
    sheet = _table_sheet(workbook, title, period, taken, headers, [10, 12, 30, 26, 12, 12, 12, 12])
    table = supply_demand_table(period, scope_type=None)
    if table is None:
        sheet.cell(row=HEADER_ROW + 1, column=1, value=_("本期没有成功完成的计算任务。"))
        _finish(sheet, len(headers), HEADER_ROW)
        return
    codes = {row["scope_id"] for row in table["rows"] if row["scope_type"] == ScopeType.COLLEGE}
    college_names = dict(College.objects.filter(code__in=codes).values_list("code", "name"))
    scope_labels = dict(ScopeType.choices)
    rows = []
    for item in table["rows"]:
        scope_type, scope_id = item["scope_type"], item["scope_id"]
        if scope_type == ScopeType.COLLEGE:
            code, name = scope_id, college_names.get(scope_id, "")
        else:  # the city has no id; a district's id is its name
            code, name = "", scope_id or str(scope_labels[ScopeType.CITY])
        cluster = _("其他") if item["cluster"] == OTHER else item["cluster_name"]
        rows.append(
            [
                str(scope_labels.get(scope_type, scope_type)),
                code,
                name,
                cluster,
                item["demand"],
                item["graduates"],
                item["local_graduates"],
                item["gap"],
            ]
        )
    _finish(sheet, len(headers), _write_rows(sheet, rows))


def period_workbook(period: Period) -> bytes:
    """The period's report as .xlsx bytes."""
    workbook = new_workbook()
    taken: set[str] = set()
    _targets_sheet(workbook, period, taken)
    _metric_sheets(workbook, period, taken)
    _supply_demand_sheet(workbook, period, taken)
    return workbook_bytes(workbook)
