"""Forms of the college pages. A college admin never chooses the college: it is always their own."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises.forms import EnterpriseField, EnterpriseListField
from portal.numbers import check_people_at_the_form
from portal.pages import DATE_INPUT, drop_unwritable_fields
from portal.roles import college_id_of
from reference.forms import DistrictField

from .models import College, CooperationProject, IndustryCollege, TrainingBase, TrainingSession


class CollegeForm(forms.ModelForm):
    """A college; its admin edits the name only (the code is the natural key of bundles and snapshots)."""

    district = DistrictField(label=_("所在区县"))

    class Meta:
        model = College
        fields = ["code", "name", "kind", "district"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        drop_unwritable_fields(self, user)


class OwnedByCollegeForm(forms.ModelForm):
    """A row of one college: the bureau picks the college, a college admin's rows are their own."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        own = college_id_of(user)
        if own is not None:
            del self.fields["college"]
            self.instance.college_id = own
        else:
            self.fields["college"].queryset = College.objects.order_by("code")
        check_people_at_the_form(self)


class IndustryCollegeForm(OwnedByCollegeForm):
    partners = EnterpriseListField(label=_("合作企业"))
    chain_leaders = EnterpriseListField(
        label=_("其中链主企业"), help_text=_("每行一家；链主企业自动计入合作企业。达标要求至少3家。")
    )

    class Meta:
        model = IndustryCollege
        fields = ["code", "name", "college", "cluster", "established_on"]
        widgets = {"established_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = self.fields["cluster"].queryset.order_by("order", "code")
        if self.instance.pk:
            partnerships = self.instance.partnerships.select_related("enterprise").order_by("enterprise__name")
            self.initial["partners"] = [p.enterprise for p in partnerships if not p.is_chain_leader]
            self.initial["chain_leaders"] = [p.enterprise for p in partnerships if p.is_chain_leader]


class TrainingBaseForm(OwnedByCollegeForm):
    enterprise = EnterpriseField(label=_("共建企业"), required=False)

    class Meta:
        model = TrainingBase
        fields = ["code", "name", "college", "enterprise", "kind", "certified", "established_on", "closed_on"]
        widgets = {"established_on": DATE_INPUT, "closed_on": DATE_INPUT}


class CooperationProjectForm(OwnedByCollegeForm):
    enterprise = EnterpriseField(label=_("合作企业"))

    class Meta:
        model = CooperationProject
        fields = ["code", "name", "college", "enterprise", "started_on", "ended_on"]
        widgets = {"started_on": DATE_INPUT, "ended_on": DATE_INPUT}


class TrainingSessionForm(OwnedByCollegeForm):
    enterprise = EnterpriseField(label=_("培训企业"))

    class Meta:
        model = TrainingSession
        fields = ["college", "enterprise", "title", "held_on", "trainees"]
        widgets = {"held_on": DATE_INPUT}
