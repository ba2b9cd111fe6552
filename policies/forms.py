"""Forms of the policy pages: the card, the bureau's feedback sample and an enterprise's answer."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.choices import EnterpriseTag
from portal.pages import DATE_INPUT
from portal.periods import quarter_choices

from .models import PolicyCard


class PolicyCardForm(forms.ModelForm):
    audience_tags = forms.MultipleChoiceField(
        label=_("适用企业"),
        choices=EnterpriseTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则发送给全部企业；选中时发送给带有任一标签的企业。"),
    )

    class Meta:
        model = PolicyCard
        fields = [
            "title",
            "category",
            "issuer",
            "document_no",
            "effective_from",
            "effective_to",
            "summary",
            "body",
            "audience_tags",
        ]
        widgets = {
            "effective_from": DATE_INPUT,
            "effective_to": DATE_INPUT,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 12}),
        }


class SampleForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("季度"), choices=quarter_choices, coerce=int)
    size = forms.IntegerField(label=_("抽样企业数"), min_value=1, max_value=1000, initial=10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["quarter"].initial = (today.month - 1) // 3 + 1


class FeedbackForm(forms.Form):
    benefited = forms.TypedChoiceField(
        label=_("是否享受到该政策"),
        choices=[("yes", _("是，已享受")), ("no", _("否，未享受"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("意见建议"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
