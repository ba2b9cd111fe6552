"""Forms of the metric pages: start a period's run; the program review's rules, answers and decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import AlertDecision
from .models import ReviewRule


class RunForm(forms.Form):
    """A period (year, quarter) to compute."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("季度"), coerce=int, choices=[(q, _("第%(q)s季度") % {"q": q}) for q in range(1, 5)]
    )


class AlertDecisionForm(forms.Form):
    """The bureau's decision on an open alert, with its reason (SPEC 4.4)."""

    decision = forms.ChoiceField(label=_("研判结果"), widget=forms.RadioSelect, choices=AlertDecision.choices)
    note = forms.CharField(label=_("研判理由"), widget=forms.Textarea(attrs={"rows": 3}))


class AlertAnswerForm(forms.Form):
    """The college's rectification plan (整改说明) for an open alert of one of its programs."""

    answer_plan = forms.CharField(label=_("整改说明"), widget=forms.Textarea(attrs={"rows": 4}))
    answer_targets = forms.CharField(
        label=_("整改目标"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：2026 年对口就业率达到 65%"),
    )


class ReviewRuleForm(forms.ModelForm):
    """A review rule: exactly one test, a comparator with a threshold or a bottom percent (the model's clean())."""

    class Meta:
        model = ReviewRule
        fields = [
            "code",
            "name",
            "figure",
            "years",
            "level",
            "active",
            "source",
            "comparator",
            "threshold",
            "bottom_percent",
        ]
