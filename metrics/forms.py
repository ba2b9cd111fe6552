"""Forms of the metric pages: start a period's run, decide an alert."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import AlertStatus


class RunForm(forms.Form):
    """A period (year, quarter) to compute."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("季度"), coerce=int, choices=[(q, _("第%(q)s季度") % {"q": q}) for q in range(1, 5)]
    )


class AlertDecisionForm(forms.Form):
    """The bureau's decision on an open 限制招生预警."""

    decision = forms.ChoiceField(
        label=_("研判结果"),
        widget=forms.RadioSelect,
        choices=[(AlertStatus.RESTRICTED, _("限制招生")), (AlertStatus.DISMISSED, _("忽略（不限制）"))],
    )
    note = forms.CharField(label=_("研判意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
