"""Form fields for reference data."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Industry


class IndustryCodeField(forms.ModelChoiceField):
    """An industry typed by its GB/T 4754 code (the catalogue is too long for a select)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "C3670", "list": "industry-codes"}))
        kwargs.setdefault("error_messages", {"invalid_choice": _("行业代码 %(value)s 不在行业分类中。")})
        super().__init__(queryset=Industry.objects.all(), to_field_name="code", **kwargs)
