"""Form fields for reference data."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.pages import DATE_INPUT

from .models import District, Industry, IndustryCluster, Major, PriorityMajor


class IndustryCodeField(forms.ModelChoiceField):
    """An industry typed by its GB/T 4754 code (the catalogue is too long for a select)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "C3670", "list": "industry-codes"}))
        kwargs.setdefault("error_messages", {"invalid_choice": _("行业代码 %(value)s 不在行业分类中。")})
        super().__init__(queryset=Industry.objects.all(), to_field_name="code", **kwargs)


def district_choices():
    """The bureau's districts in their order, read when the form is built (a new district shows at once)."""
    return [("", "---------"), *((name, name) for name in District.objects.values_list("name", flat=True))]


class DistrictField(forms.TypedChoiceField):
    """A college's or enterprise's district, chosen from the bureau's list by name (SPEC 2)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid_choice": _("区县「%(value)s」不在教育局维护的区县列表中。")})
        super().__init__(choices=district_choices, **kwargs)


class DistrictForm(forms.ModelForm):
    class Meta:
        model = District
        fields = ["name", "code", "order"]


class PriorityMajorForm(forms.ModelForm):
    """An entry of the directory: the major typed by its code, the cluster chosen from the key clusters."""

    major = forms.ModelChoiceField(
        queryset=Major.objects.all(),
        to_field_name="code",
        label=_("专业代码"),
        widget=forms.TextInput(attrs={"placeholder": "460701"}),
        error_messages={"invalid_choice": _("专业代码 %(value)s 不在专业目录中。")},
    )

    class Meta:
        model = PriorityMajor
        fields = ["major", "cluster", "effective_from", "effective_to"]
        widgets = {"effective_from": DATE_INPUT, "effective_to": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = IndustryCluster.objects.order_by("order", "code")
        self.fields["cluster"].to_field_name = "code"
