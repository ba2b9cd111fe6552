"""Forms of the demand-list and demand-item pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from colleges.models import College
from enterprises.models import Enterprise
from portal.numbers import check_people_at_the_form, validate_people
from portal.pages import DATE_INPUT
from reference.forms import IndustryCodeField

from . import rules
from .choices import ITEM_TRANSITIONS, ItemStatus
from .models import DemandItem


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
        check_people_at_the_form(self)
        self.fields["headcount"].error_messages["min_value"] = _("人数不能为负数。")

    def _post_clean(self):
        # A headcount the field refused reaches the model empty, and the model's "must be > 0" would
        # contradict the field's message: the field's own message is the one to show.
        refused = len(self._errors.get("headcount", []))
        super()._post_clean()
        if refused:
            del self._errors["headcount"].data[refused:]

    def clean_industry(self):
        return self.cleaned_data["industry"] or self.enterprise.industry

    def clean_major_code(self):
        code = self.cleaned_data["major_code"].strip()
        try:
            rules.check_major_code(code)
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["major_code"])
        return code


class ReturnForm(forms.Form):
    return_reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("变更为"))
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args, item: DemandItem, **kwargs):
        super().__init__(*args, **kwargs)
        # 销号 has its own form (date and headcount), so it is not offered here.
        allowed = ITEM_TRANSITIONS[ItemStatus(item.status)] - {ItemStatus.FULFILLED}
        self.fields["status"].choices = [(s.value, s.label) for s in ItemStatus if s in allowed]


class FulfilForm(forms.Form):
    # Named like the model fields, so the service's errors land at them.
    fulfilled_on = forms.DateField(label=_("销号日期"), widget=DATE_INPUT)
    fulfilled_headcount = forms.IntegerField(
        label=_("实际满足人数"),
        min_value=0,
        required=False,
        help_text=_("留空则按需求人数"),
        validators=[validate_people],
        error_messages={"min_value": _("人数不能为负数。")},
    )
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
    over_confirmed = forms.BooleanField(label=_("确认实际满足人数超过需求人数"), required=False)


class AssignForm(forms.Form):
    college = forms.ModelChoiceField(label=_("承接院校"), queryset=College.objects.order_by("code"))


class ProgressNoteForm(forms.Form):
    text = forms.CharField(label=_("进展情况"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class ProposalForm(forms.Form):
    # Named like the service's arguments, so its errors land at them.
    headcount = forms.IntegerField(
        label=_("实际满足人数"), min_value=0, required=False, help_text=_("留空则按需求人数")
    )
    fulfilled_on = forms.DateField(label=_("完成日期"), widget=DATE_INPUT)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class SendBackForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class ClaimForm(forms.Form):
    plan = forms.CharField(label=_("承接方案"), max_length=500, widget=forms.Textarea(attrs={"rows": 4}))
    headcount = forms.IntegerField(label=_("计划满足人数"), min_value=0, required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("说明"), max_length=300, required=False)
