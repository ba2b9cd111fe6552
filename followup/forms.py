from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises.choices import EnterpriseTag
from portal.pages import with_all
from reference.models import District

from . import selectors


class ChaseFilterForm(forms.Form):
    """The quarter, district and tag a chase list is shown for (and its reminder sent to)."""

    period = forms.ChoiceField(label=_("季度"), required=False)
    district = forms.ChoiceField(label=_("区县"), required=False)
    tag = forms.ChoiceField(label=_("企业标签"), required=False, choices=with_all(EnterpriseTag.choices))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = selectors.period_choices()
        self.fields["period"].choices = [(period.key, period.label) for period in self.periods]
        self.fields["district"].choices = with_all(
            (name, name) for name in District.objects.order_by("order", "name").values_list("name", flat=True)
        )

    def chosen(self) -> dict:
        """period (a Period), district, tag; defaults (this quarter, all) for anything missing or invalid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        period = next((p for p in self.periods if p.key == data.get("period")), self.periods[0])
        return {"period": period, "district": data.get("district", ""), "tag": data.get("tag", "")}
