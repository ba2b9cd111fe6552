"""Forms of the metric pages: start a period's run, decide an alert, keep a what-if scenario."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import AlertStatus
from .models import Scenario


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
