"""Page forms: a unit's quarterly report, the bureau's review, the task workbook upload."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.periods import Period

from .choices import ProgressStatus
from .models import ATTACHMENT_EXTENSIONS

FIGURE_SEPARATORS = ("：", ":")


def reportable_periods(today=None) -> list[Period]:
    """The quarters a unit may report on: the current one and the three before it, newest first."""
    return list(reversed(Period.containing(today).last_four()))


def parse_figures(text: str) -> list[dict]:
    """Lines "名称：数值" → [{"label", "value"}]; a line without a separator is an error naming it."""
    figures = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        for separator in FIGURE_SEPARATORS:
            if separator in line:
                label, value = (part.strip() for part in line.split(separator, 1))
                break
        else:
            raise forms.ValidationError(_("「%(line)s」缺少冒号：每行写作「名称：数值」。") % {"line": line[:40]})
        figures.append({"label": label, "value": value})
    return figures


def figures_text(figures) -> str:
    """The stored figures as the form's lines, in the request's language (both colons parse back)."""
    return "\n".join(gettext("%(label)s：%(value)s") % row for row in figures or [])


class ReportForm(forms.Form):
    period = forms.ChoiceField(label=_("季度"))
    status = forms.ChoiceField(label=_("进展状态"), choices=ProgressStatus.choices)
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    figures = forms.CharField(
        label=_("数据"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("新增订单班：12个")}),
        help_text=_("每行一项，写作「名称：数值」。"),
    )
    attachment = forms.FileField(label=_("附件"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # In the request's language (a class-level `_() % …` would be fixed in the language of the import).
        self.fields["attachment"].help_text = gettext("可选；%(types)s，不超过 10 MB。") % {
            "types": ", ".join(ATTACHMENT_EXTENSIONS)
        }
        self.fields["period"].choices = [(p.key, p.label) for p in reportable_periods()]

    def clean_figures(self):
        return parse_figures(self.cleaned_data["figures"])

    def clean_period(self):
        year, quarter = self.cleaned_data["period"].split("-")
        return Period(int(year), int(quarter))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结果"), choices=[("accept", _("通过")), ("return", _("退回"))], widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("退回原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TaskImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("只接受 .xlsx 格式的 Excel 文件。"))
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("文件超过上传大小上限。"))
        return upload
