"""Forms of the program pages: programs, their annual figures and order classes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from colleges.forms import OwnedByCollegeForm
from enterprises.forms import EnterpriseField
from portal.numbers import check_people_at_the_form
from portal.pages import DATE_INPUT, drop_unwritable_fields

from .models import OrderClass, Program, ProgramYear


class ProgramForm(OwnedByCollegeForm):
    """A 专业点. Only the bureau sets the enrollment status (限制招生 is its decision, SPEC 4)."""

    class Meta:
        model = Program
        fields = ["college", "major", "schooling", "established_on", "closed_on", "enrollment_status", "emerging"]
        widgets = {"established_on": DATE_INPUT, "closed_on": DATE_INPUT}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        drop_unwritable_fields(self, user)


class ProgramYearForm(forms.ModelForm):
    """The annual figures of one program; the model's rules (就业人数 ≤ 毕业生数 …) show at their fields."""

    class Meta:
        model = ProgramYear
        fields = ["year", "enrolled", "admitted", "graduates", "employed", "employed_in_field", "employed_locally"]

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.program = program
        for field in self.fields.values():
            field.widget.attrs.setdefault("min", 0)
        check_people_at_the_form(self)

    def clean_year(self):
        # The (program, year) constraint names no form field of its own, so say it at the year.
        year = self.cleaned_data["year"]
        others = ProgramYear.objects.filter(program=self.instance.program, year=year).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("该专业点 %(year)s 年的数据已存在，请修改原记录。"), params={"year": year})
        return year


class OrderClassForm(forms.ModelForm):
    enterprise = EnterpriseField(label=_("合作企业"))

    class Meta:
        model = OrderClass
        fields = ["program", "enterprise", "year", "name", "seats", "kind"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only programs the user may change: a college admin picks among their own programs.
        check_people_at_the_form(self)
        programs = Program.objects.restrict(user, "change").select_related("college", "major")
        self.fields["program"].queryset = programs.order_by("college__code", "major__code", "schooling")
