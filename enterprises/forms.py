"""Forms of the enterprise pages, and the fields other apps use to name enterprises."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.pages import DATE_INPUT, drop_unwritable_fields
from reference.forms import DistrictField, IndustryCodeField

from .choices import EnterpriseTag
from .models import Enterprise


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
    district = DistrictField(label=_("所在区县"))
    tags = forms.MultipleChoiceField(
        label=_("企业标签"), choices=EnterpriseTag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Enterprise
        fields = ["uscc", "name", "industry", "district", "scale", "tags", "integration_certified_on"]
        widgets = {"integration_certified_on": DATE_INPUT}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        drop_unwritable_fields(self, user)


# --- the demand-item workbook --------------------------------------------------------------
