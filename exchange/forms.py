from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("数据包"),
        help_text=_("CSV 文件打成的 .zip 压缩包，或每个文件一张工作表的 .xlsx 工作簿（格式与导出的数据包相同）。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,.xlsx,.csv"}),
    )
