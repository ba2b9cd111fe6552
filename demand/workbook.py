"""The demand-item workbook: the template an enterprise downloads and the upload form that reads it."""

import datetime
import io
import os

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from portal.workbooks import WorkbookRefused, open_workbook

from .choices import ItemKind
from .forms import DemandItemForm

UPLOAD_FIELDS = ["kind", "title", "industry", "major_code", "headcount", "due_on"]
UPLOAD_MAX_ROWS = 2000
UPLOAD_SHEET = _("需求清单")


# The workbook is Chinese whatever the page language (SPEC: Chinese headers), so a template
# downloaded from the English pages uploads anywhere.
WORKBOOK_LANGUAGE = "zh-hans"


def upload_headers() -> list[str]:
    """The Chinese column headers, the same labels the item form shows."""
    with translation.override(WORKBOOK_LANGUAGE):
        form = DemandItemForm(enterprise=Enterprise())
        return [str(form.fields[name].label) for name in UPLOAD_FIELDS]


def _kind_codes() -> dict[str, str]:
    """Item kinds by their Chinese label and by their code, as a workbook cell may hold either."""
    with translation.override(WORKBOOK_LANGUAGE):
        return {**{str(label): value for value, label in ItemKind.choices}, **{v: v for v in ItemKind.values}}


def item_template_workbook() -> bytes:
    """An empty .xlsx with the item columns, a kind drop-down and a sheet explaining each column."""
    with translation.override(WORKBOOK_LANGUAGE):
        return _template_workbook()


def _template_workbook() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(UPLOAD_SHEET)
    sheet.append(upload_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DCE6F1")
    for letter, width in zip("ABCDEF", (12, 36, 16, 12, 10, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    kinds = DataValidation(type="list", formula1='"' + ",".join(str(label) for label in ItemKind.labels) + '"')
    kinds.add("A2:A2001")
    sheet.add_data_validation(kinds)
    # Codes are text: a major code like 010101 must keep its leading zero.
    for column in ("C", "D"):
        for row in range(2, 502):
            sheet[f"{column}{row}"].number_format = "@"
    for row in range(2, 502):
        sheet[f"F{row}"].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(gettext("填写说明"))
    notes.append([gettext("列"), gettext("说明")])
    explanations = [
        gettext("必填：%(kinds)s 之一") % {"kinds": "、".join(str(label) for label in ItemKind.labels)},
        gettext("必填：需求的简要名称"),
        gettext("选填：国民经济行业分类代码（如 C3670），留空为本企业所属行业"),
        gettext("选填：6位职业教育专业代码（如 460701）"),
        gettext("技能人才、员工培训必填，须大于0；技术攻关可不填"),
        gettext("必填：日期，格式 YYYY-MM-DD"),
    ]
    for header, text in zip(upload_headers(), explanations, strict=True):
        notes.append([header, text])
    notes.append([])
    notes.append([gettext("一次上传要么全部导入，要么（有任何错误时）全部不导入。")])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 70
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class ItemUploadForm(forms.Form):
    """An .xlsx of demand items; `clean()` validates every row with DemandItemForm.

    Valid: cleaned_data["rows"] is a list of (row number, item fields). Invalid rows are listed in
    `row_errors` as (row, column, message) so the page can show them all; nothing is saved then.
    """

    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        self.enterprise = enterprise
        self.row_errors: list[tuple[int | str, str, str]] = []
        super().__init__(*args, **kwargs)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if os.path.splitext(upload.name)[1].lower() != ".xlsx":
            raise forms.ValidationError(_("只接受 .xlsx 格式的 Excel 文件，请使用下载的模板。"))
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("文件大小 %(size)s 超过上限 %(limit)s。"),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            )
        return upload

    def clean(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return self.cleaned_data
        try:
            rows = self._read(upload)
        except forms.ValidationError as error:
            self.add_error("file", error)  # the file as a whole is unusable: say so at the file field
            return self.cleaned_data
        cleaned = []
        for number, values in rows:
            form = DemandItemForm(data=values, enterprise=self.enterprise)
            if form.is_valid():
                cleaned.append((number, form.cleaned_data))
                continue
            for field, messages in form.errors.items():
                column = str(form.fields[field].label) if field in form.fields else "—"
                self.row_errors.extend((number, column, message) for message in messages)
        if self.row_errors:
            raise forms.ValidationError(
                _("%(count)s 处错误，未导入任何数据。请按下表修改后重新上传。"), params={"count": len(self.row_errors)}
            )
        self.cleaned_data["rows"] = cleaned
        return self.cleaned_data

    def _read(self, upload) -> list[tuple[int, dict]]:
        try:
            # Checked before it is read: a few KB can declare a million rows (portal.workbooks).
            with open_workbook(
                upload.read(), max_rows=UPLOAD_MAX_ROWS * 5, max_cols=50, max_unpacked=16 * 1024 * 1024, data_only=True
            ) as workbook:
                return self._rows(workbook)
        except WorkbookRefused as refused:
            raise forms.ValidationError(refused.message)

    def _rows(self, workbook) -> list[tuple[int, dict]]:
        with translation.override(WORKBOOK_LANGUAGE):
            sheet_name = str(UPLOAD_SHEET)
        if not workbook.sheets:
            raise forms.ValidationError(_("文件中没有需求数据（从第2行起填写）。"))
        sheet = workbook[sheet_name] if sheet_name in workbook.sheetnames else workbook.sheets[0]
        lines = sheet.rows()
        _number, first = next(lines, (1, ()))
        header = [str(cell).strip() if cell is not None else "" for cell in first]
        labels = dict(zip(upload_headers(), UPLOAD_FIELDS, strict=True))
        missing = [label for label in labels if label not in header]
        if missing:
            raise forms.ValidationError(
                _("第1行缺少列：%(columns)s。请使用下载的模板。"), params={"columns": "、".join(missing)}
            )
        positions = {labels[label]: header.index(label) for label in labels}
        kinds = _kind_codes()
        rows = []
        for number, line in lines:
            if len(rows) >= UPLOAD_MAX_ROWS:
                raise forms.ValidationError(_("一次最多上传 %(max)s 行。"), params={"max": UPLOAD_MAX_ROWS})
            values = {field: _cell(line, index) for field, index in positions.items()}
            values["kind"] = kinds.get(values["kind"], values["kind"])
            if values["major_code"].isdigit() and len(values["major_code"]) < 6:
                values["major_code"] = values["major_code"].zfill(6)  # a code typed as a number lost its zeros
            rows.append((number, values))
        if not rows:
            raise forms.ValidationError(_("文件中没有需求数据（从第2行起填写）。"))
        return rows


def _cell(line, index) -> str:
    value = line[index] if index < len(line) else None
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
