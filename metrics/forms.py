"""Forms of the metric pages: start a period's run; the program review's rules, answers and decisions;
keep a what-if scenario."""

import json

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .choices import AlertDecision
from .models import ReviewRule, Scenario


def _quarter_choices():
    # A callable, so the labels follow the language of each request, not of the import.
    return [(q, gettext("第%(q)s季度") % {"q": q}) for q in range(1, 5)]


class RunForm(forms.Form):
    """A period (year, quarter) to compute."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("季度"), coerce=int, choices=_quarter_choices)


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


class ScenarioForm(forms.ModelForm):
    """A what-if scenario: name, description, base period and its changes (a JSON list the change
    builder writes; scenario_save checks it)."""

    period = forms.ChoiceField(label=_("基准季度"))
    changes_json = forms.CharField(
        label=_("专业调整（JSON）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "mono", "spellcheck": "false"}),
        help_text=_("由下方的调整编辑器填写；也可直接粘贴 API 格式的调整列表。"),
    )

    class Meta:
        model = Scenario
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.key, p.label) for p in periods]
        if self.instance.pk:
            self.fields["period"].initial = f"{self.instance.year}-{self.instance.quarter}"
            self.fields["changes_json"].initial = json.dumps(self.instance.changes, ensure_ascii=False, indent=1)
        elif periods:
            self.fields["period"].initial = periods[0].key

    def clean_changes_json(self):
        text = self.cleaned_data["changes_json"].strip()
        if not text:
            return []
        try:
            return json.loads(text)
        except ValueError as error:
            raise forms.ValidationError(_("调整列表不是有效的 JSON：%(error)s") % {"error": error}) from None

    def apply(self) -> Scenario:
        """The instance with the form's period and changes set (not saved: scenario_save checks and saves)."""
        scenario = self.instance
        scenario.year, scenario.quarter = (int(part) for part in self.cleaned_data["period"].split("-"))
        scenario.changes = self.cleaned_data["changes_json"]
        return scenario
