"""The plan's tasks as workbooks: the division table with the latest progress (export) and a task list
to import (code, title, content, lead_units, co_units, due_on; units by name, separated by ";")."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from portal.workbooks import WorkbookRefused, open_workbook
from portal.xlsx import BOLD, HEADER_FILL, new_workbook, safe_text, workbook_bytes

from . import selectors, services
from .choices import ProgressStatus
from .models import Task, Unit

IMPORT_COLUMNS = ["code", "title", "content", "lead_units", "co_units", "due_on"]
# The division table's own headings are accepted too, so the bureau can import the table it keeps.
HEADING_ALIASES = {"编号": "code", "任务": "title", "任务内容": "content", "牵头单位": "lead_units"}
HEADING_ALIASES |= {"责任单位": "co_units", "完成时限": "due_on"}
UNIT_SEPARATORS = re.compile(r"[;；、]")
MAX_ROWS = 2000


class TaskImportInvalid(Exception):
    """The workbook was refused; `errors` is a list of (row, column, message), nothing was saved."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


# ---- export ------------------------------------------------------------------------------------


def division_workbook(tasks, title: str) -> bytes:
    """The division table (序号, 任务, 牵头单位, 责任单位, 完成时限) with each task's latest progress, under a
    title row, wrapped and bordered for printing. `tasks` is a queryset the caller scoped."""
    rows = list(selectors.with_progress(tasks).prefetch_related("lead_units", "co_units").order_by("code"))
    workbook = new_workbook()
    sheet = workbook.create_sheet(_("重点任务分工"))
    columns = [
        (_("序号"), 6),
        (_("任务"), 48),
        (_("牵头单位"), 20),
        (_("责任单位"), 28),
        (_("完成时限"), 12),
        (_("最新进展状态"), 12),
        (_("最新进展"), 60),
    ]
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    heading = sheet.cell(row=1, column=1, value=safe_text(title))
    heading.font = Font(bold=True, size=14)
    heading.alignment = Alignment(horizontal="center")
    for column, (label, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=2, column=column, value=str(label))
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    statuses = dict(ProgressStatus.choices)
    for number, task in enumerate(rows, start=1):
        task_text = f"{task.title}\n{task.content}".strip() if task.content else task.title
        if task.latest_status:
            progress = f"{task.latest_year}Q{task.latest_quarter} {task.latest_unit}：{task.latest_text}"
            status = str(statuses.get(task.latest_status, task.latest_status))
        else:
            progress, status = "", str(_("未报告"))
        if task.overdue:
            status = f"{status}（{_('逾期未报')}）"
        values = [
            number,
            task_text,
            "、".join(u.name for u in task.lead_units.all()),
            "、".join(u.name for u in task.co_units.all()),
            task.due_on,
            status,
            progress,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number + 2, column=column, value=safe_text(value))
            cell.border, cell.alignment = border, wrap
            if isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    return workbook_bytes(workbook)


# ---- import ------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(_text(value))
    except ValueError:
        return None


def read_rows(data: bytes) -> list[tuple[int, dict]]:
    """(row number, {column: value}) of the first sheet, under a header row naming the columns."""
    try:
        with open_workbook(data, max_rows=MAX_ROWS, max_cols=30, data_only=True) as workbook:
            sheet_rows = list(workbook.sheets[0].rows()) if workbook.sheets else []
    except WorkbookRefused as refused:
        raise TaskImportInvalid([("—", "—", refused.message)]) from None
    if not sheet_rows:
        raise TaskImportInvalid([("—", "—", _("工作簿是空的。"))])
    header_number, header = sheet_rows[0]
    names = [HEADING_ALIASES.get(_text(h), _text(h)) for h in header]
    missing = [c for c in IMPORT_COLUMNS if c not in names]
    if missing:
        raise TaskImportInvalid([(header_number, "—", _("缺少列：%(columns)s。") % {"columns": ", ".join(missing)})])
    return [
        (number, {name: values[i] if i < len(values) else None for i, name in enumerate(names) if name})
        for number, values in sheet_rows[1:]
    ]


def import_tasks(data: bytes, *, by) -> int:
    """Create or update (by code) every task of the workbook, all or nothing.

    Units are named by their name in the bureau's list, several separated by ";"; an unknown unit, a
    missing title or lead unit, a bad date or a code given twice is an error of its row. Raises
    TaskImportInvalid with every (row, column, message) and saves nothing; returns the rows saved.
    """
    rows = read_rows(data)
    units = {unit.name: unit for unit in Unit.objects.all()}
    existing = {task.code: task for task in Task.objects.all()}
    errors, seen = [], {}

    def unit_list(number, column, value):
        found = []
        for name in filter(None, (part.strip() for part in UNIT_SEPARATORS.split(_text(value)))):
            if name in units:
                found.append(units[name])
            else:
                errors.append(
                    (number, column, _("未知单位「%(name)s」（须为责任单位名录中的名称）。") % {"name": name})
                )
        return found

    with transaction.atomic():
        for number, row in rows:
            code = _text(row.get("code"))
            if not code:
                errors.append((number, "code", _("编号不能为空。")))
                continue
            if code in seen:
                errors.append(
                    (number, "code", _("编号 %(code)s 与第 %(row)s 行重复。") % {"code": code, "row": seen[code]})
                )
                continue
            seen[code] = number
            before = len(errors)
            lead = unit_list(number, "lead_units", row.get("lead_units"))
            co = unit_list(number, "co_units", row.get("co_units"))
            due_on = _date(row.get("due_on"))
            if due_on is None:
                errors.append((number, "due_on", _("完成时限须为日期（YYYY-MM-DD）。")))
            if len(errors) > before:
                continue
            task = existing.get(code) or Task(code=code)
            task.title, task.content, task.due_on = _text(row.get("title")), _text(row.get("content")), due_on
            try:
                with transaction.atomic():
                    services.task_save(instance=task, lead_units=lead, co_units=co, by=by)
            except ValidationError as error:
                fields = error.message_dict.items() if hasattr(error, "error_dict") else [("—", error.messages)]
                for field, messages in fields:
                    errors.extend((number, field, message) for message in messages)
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise TaskImportInvalid(errors)
    return len(rows)
