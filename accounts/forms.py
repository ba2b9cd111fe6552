from django import forms
from django.utils.translation import gettext_lazy as _


class BulkAccountsForm(forms.Form):
    file = forms.FileField(
        label=_("账号文件（.csv 或 .xlsx）"),
        help_text=_("列：username, name, email, uscc, college_code；每行填写企业的统一社会信用代码或院校代码之一。"),
    )
