"""Writing .xlsx tables people filter and print: a bold header row that stays in view (frozen), an
autofilter over the data, column widths, number formats, and text that Excel will never run as a formula.

Ground floor: the report, the supply–demand analysis and the planner exports all write through here.
"""

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
HEADER_FILL = PatternFill("solid", fgColor="DCE6F2")
BOLD = Font(bold=True)
# Whole people with thousands separators; "#,##0.##" would print "120." for a whole number.
HEADCOUNT = "#,##0"
DECIMAL = "#,##0.0"
RATIO = "0.0%"


def safe_text(value):
    """A cell value that Excel will never run as a formula (OWASP CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def sheet_title(label: str, taken: set[str]) -> str:
    """An Excel-legal, unique sheet name (≤ 31 characters, none of []:*?/\\)."""
    base = _SHEET_FORBIDDEN.sub("、", str(label)).strip("'")[:31] or "sheet"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def table_sheet(workbook: Workbook, title: str, columns: list[tuple[str, str | None, int]], rows, taken: set[str]):
    """A sheet holding one table: the header in row 1 (frozen, with an autofilter), then `rows`.

    `columns` are (header, number format or None, width); text cells are neutralised against formulas.
    """
    sheet = workbook.create_sheet(sheet_title(title, taken))
    for column, (label, _format, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=column, value=str(label))
        cell.font = BOLD
        cell.fill = HEADER_FILL
        sheet.column_dimensions[get_column_letter(column)].width = width
    count = 0
    for count, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=count + 1, column=column, value=safe_text(value))
            number_format = columns[column - 1][1]
            if number_format and isinstance(value, int | float):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return sheet


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def new_workbook() -> Workbook:
    """An empty workbook (no default sheet)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook
