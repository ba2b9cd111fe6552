"""Forms of the enterprise and demand-list pages, and the demand-item workbook (template and upload)."""

import datetime
import io
import os

from django import forms
from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.workbooks import WorkbookRefused, open_workbook

from .choices import EnterpriseTag, ItemKind, ItemStatus
from .models import DemandItem, Enterprise, Industry

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IndustryCodeField(forms.ModelChoiceField):
    """An industry typed by its GB/T 4754 code (the catalogue is too long for a select)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "C3670", "list": "industry-codes"}))
        kwargs.setdefault("error_messages", {"invalid_choice": _("行业代码 %(value)s 不在行业分类中。")})
        super().__init__(queryset=Industry.objects.all(), to_field_name="code", **kwargs)


class EnterpriseField(forms.CharField):
    """One enterprise named by its 统一社会信用代码 or its exact name."""

    default_error_messages = {
        "unknown": _("找不到企业“%(value)s”，请填写统一社会信用代码或完整企业名称。"),
        "ambiguous": _("有多家企业名为“%(value)s”，请改填统一社会信用代码。"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", _("统一社会信用代码或完整企业名称"))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            value = Enterprise.objects.filter(pk=value).first()
        return value.uscc if isinstance(value, Enterprise) else value

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        return resolve_enterprise(text, self.error_messages)


class EnterpriseListField(forms.CharField):
    """Several enterprises, one USCC or exact name per line; every unknown line is named in the error."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("每行一家：统一社会信用代码或完整企业名称"))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(e.uscc if isinstance(e, Enterprise) else str(e) for e in value)
        return value

    def clean(self, value):
        text = super().clean(value) or ""
        names = [line.strip() for line in text.replace("；", "\n").replace(";", "\n").splitlines() if line.strip()]
        found, errors = [], []
        for name in dict.fromkeys(names):
            try:
                found.append(resolve_enterprise(name, EnterpriseField.default_error_messages))
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return found


def resolve_enterprise(text: str, messages) -> Enterprise:
    matches = list(Enterprise.objects.filter(Q(uscc=text.upper()) | Q(name=text))[:2])
    if not matches:
        raise forms.ValidationError(messages["unknown"], code="unknown", params={"value": text})
    if len(matches) > 1:
        raise forms.ValidationError(messages["ambiguous"], code="ambiguous", params={"value": text})
    return matches[0]


class EnterpriseForm(forms.ModelForm):
    """The enterprise profile. The bureau edits every field; a clerk leaves the USCC and the certification alone."""

    industry = IndustryCodeField(label=_("所属行业（代码）"))
    tags = forms.MultipleChoiceField(
        label=_("企业标签"), choices=EnterpriseTag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Enterprise
        fields = ["uscc", "name", "industry", "district", "scale", "tags", "integration_certified_on"]
        widgets = {"integration_certified_on": DATE_INPUT}

    # Fields that record the bureau's certifications or the registry key, not the clerk's own data.
    BUREAU_ONLY = ("uscc", "integration_certified_on")

    def __init__(self, *args, bureau: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not bureau:
            for name in self.BUREAU_ONLY:
                del self.fields[name]


class DemandItemForm(forms.ModelForm):
    """One demand item; the industry defaults to the enterprise's. The upload validates each row with it too."""

    industry = IndustryCodeField(label=_("所属行业（代码）"), required=False)

    class Meta:
        model = DemandItem
        fields = ["kind", "title", "industry", "major_code", "headcount", "due_on"]
        widgets = {"due_on": DATE_INPUT, "major_code": forms.TextInput(attrs={"placeholder": "460701"})}
        help_texts = {"headcount": _("技能人才和员工培训必填；技术攻关可不填"), "industry": _("留空则为本企业所属行业")}

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        self.enterprise = enterprise
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["industry"].initial = enterprise.industry_id

    def clean_industry(self):
        return self.cleaned_data["industry"] or self.enterprise.industry

    def clean_major_code(self):
        code = self.cleaned_data["major_code"].strip()
        # The major catalogue is a floor above (programs): looked up by name, as the model notes.
        major = apps.get_model("programs", "Major")
        if code and len(code) == 6 and code.isdigit() and not major.objects.filter(code=code).exists():
            raise forms.ValidationError(_("专业代码 %(code)s 不在职业教育专业目录中。"), params={"code": code})
        return code


class ReturnForm(forms.Form):
    return_reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("变更为"))
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args, item: DemandItem, **kwargs):
        from .choices import ITEM_TRANSITIONS

        super().__init__(*args, **kwargs)
        # 销号 has its own form (date and headcount), so it is not offered here.
        allowed = ITEM_TRANSITIONS[ItemStatus(item.status)] - {ItemStatus.FULFILLED}
        self.fields["status"].choices = [(s.value, s.label) for s in ItemStatus if s in allowed]


class FulfilForm(forms.Form):
    # Named like the model fields, so the service's errors land at them.
    fulfilled_on = forms.DateField(label=_("销号日期"), widget=DATE_INPUT)
    fulfilled_headcount = forms.IntegerField(
        label=_("实际满足人数"), min_value=0, required=False, help_text=_("留空则按需求人数")
    )
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


# --- the demand-item workbook --------------------------------------------------------------

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
