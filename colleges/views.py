"""Pages of colleges and their rows (industry colleges, training bases, projects, training sessions).

The bureau sees every college; a college admin sees and edits only their own (another college's
rows are simply absent: 404).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.pages import filter_fields, filtered, paginate, role_required, show_errors
from portal.roles import Role, college_id_of, role_of

from . import services
from .filtersets import (
    CollegeFilterSet,
    CooperationProjectFilterSet,
    IndustryCollegeFilterSet,
    TrainingBaseFilterSet,
    TrainingSessionFilterSet,
)
from .forms import (
    CollegeForm,
    CooperationProjectForm,
    IndustryCollegeForm,
    TrainingBaseForm,
    TrainingSessionForm,
)
from .models import College, CooperationProject, IndustryCollege, TrainingBase, TrainingSession
from .selectors import industry_colleges_with_counts

BUREAU = Role.BUREAU
COLLEGE = Role.COLLEGE


def _count_of(model):
    rows = model.objects.filter(college=OuterRef("pk")).order_by().values("college").annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n"), output_field=IntegerField()), 0)


def college_choices():
    return [("", _("全部")), *College.objects.order_by("code").values_list("pk", "name")]


def save_form_page(request, form, save, *, success, template, context):
    """POST: validate, call `save(form)` (a service), redirect to `success` with a message; else show the form."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("已保存“%(name)s”。") % {"name": saved})
            return redirect(success)
    return render(request, template, {"form": form, **context})


# ---- colleges -------------------------------------------------------------------------------


@role_required(BUREAU, COLLEGE)
def college_list(request):
    """Every college for the bureau; a college admin goes to their own college."""
    if role_of(request.user) == COLLEGE:
        return redirect("college_detail", pk=college_id_of(request.user))
    # One join at most: the other counts are subqueries, so rows never multiply across relations.
    queryset = (
        College.objects.restrict(request.user)
        .annotate(
            program_count=Count("programs"),
            industry_college_count=_count_of(IndustryCollege),
            base_count=_count_of(TrainingBase),
        )
        .order_by("code")
    )
    filterset = filtered(request, CollegeFilterSet, queryset)
    districts = College.objects.order_by("district").values_list("district", flat=True).distinct()
    fields = filter_fields(
        filterset,
        ["name", "kind", "district"],
        {
            "kind": forms.CheckboxSelectMultiple(),
            "district": forms.Select(choices=[("", _("全部")), *((d, d) for d in districts)]),
        },
    )
    return render(
        request, "colleges/college_list.html", {"filter_fields": fields, "page_obj": paginate(request, filterset.qs)}
    )


def _college(request, pk):
    # "change" scope: a college admin's pages show their own college only, never a neighbour's.
    return get_object_or_404(College.objects.restrict(request.user, "change"), pk=pk)


@role_required(BUREAU)
def college_create(request):
    form = CollegeForm(request.POST or None, user=request.user)
    return save_form_page(
        request,
        form,
        lambda form: services.college_save(instance=form.instance, by=request.user),
        success=reverse("colleges:college_list"),
        template="colleges/form.html",
        context={"title": _("新增院校"), "cancel": reverse("colleges:college_list")},
    )


@role_required(BUREAU, COLLEGE)
def college_edit(request, pk):
    college = _college(request, pk)
    form = CollegeForm(request.POST or None, instance=college, user=request.user)
    detail = reverse("college_detail", args=[pk])
    return save_form_page(
        request,
        form,
        lambda form: services.college_save(instance=form.instance, by=request.user),
        success=detail,
        template="colleges/form.html",
        context={"title": _("编辑院校信息"), "cancel": detail, "college": college},
    )


# ---- rows owned by a college: one list, create and edit page each ----------------------------


class RowPages:
    """List, create and edit pages of one kind of college-owned row, all scoped by `restrict()`."""

    def __init__(self, *, model, form_class, filterset_class, save, prefix, title, filters, related=()):
        self.model, self.form_class, self.filterset_class = model, form_class, filterset_class
        self.save, self.prefix, self.title, self.filters, self.related = save, prefix, title, filters, related

    def queryset(self, request, action="view"):
        return self.model.objects.restrict(request.user, action)

    def list(self, request):
        # Explicit order: Meta.ordering is dropped once counts are annotated (GROUP BY).
        queryset = self.queryset(request).select_related("college", *self.related).order_by(*self.model._meta.ordering)
        if self.model is IndustryCollege:
            queryset = industry_colleges_with_counts(queryset)
        filterset = filtered(request, self.filterset_class, queryset)
        names = list(self.filters)
        widgets = {}
        if role_of(request.user) == BUREAU:
            names.insert(0, "college")
            widgets["college"] = forms.Select(choices=college_choices())
        return render(
            request,
            f"colleges/{self.prefix}_list.html",
            {
                "title": self.title,
                "filter_fields": filter_fields(filterset, names, widgets, {"college": _("院校")}),
                "page_obj": paginate(request, filterset.qs),
                "create_url": reverse(f"colleges:{self.prefix}_create"),
            },
        )

    def create(self, request):
        form = self.form_class(request.POST or None, user=request.user)
        return self._form_page(request, form, _("新增%(what)s") % {"what": self.title})

    def edit(self, request, pk):
        instance = get_object_or_404(self.queryset(request, "change"), pk=pk)
        form = self.form_class(request.POST or None, instance=instance, user=request.user)
        return self._form_page(request, form, _("编辑%(what)s") % {"what": self.title})

    def _form_page(self, request, form, title):
        listing = reverse(f"colleges:{self.prefix}_list")
        return save_form_page(
            request,
            form,
            lambda form: self.save(form, request.user),
            success=listing,
            template="colleges/form.html",
            context={"title": title, "cancel": listing},
        )

    def views(self):
        gate = role_required(BUREAU, COLLEGE)
        return gate(self.list), gate(self.create), gate(self.edit)


def _save_industry_college(form, by):
    return services.industry_college_save(
        instance=form.instance,
        by=by,
        partner_ids=[e.pk for e in form.cleaned_data["partners"]],
        chain_leader_ids=[e.pk for e in form.cleaned_data["chain_leaders"]],
    )


industry_colleges = RowPages(
    model=IndustryCollege,
    form_class=IndustryCollegeForm,
    filterset_class=IndustryCollegeFilterSet,
    save=_save_industry_college,
    prefix="industry_college",
    title=gettext_lazy("产业学院"),
    filters=["name", "established_on"],
)
training_bases = RowPages(
    model=TrainingBase,
    form_class=TrainingBaseForm,
    filterset_class=TrainingBaseFilterSet,
    save=lambda form, by: services.training_base_save(instance=form.instance, by=by),
    prefix="training_base",
    title=gettext_lazy("实训基地"),
    filters=["name", "kind", "certified"],
    related=("enterprise",),
)
projects = RowPages(
    model=CooperationProject,
    form_class=CooperationProjectForm,
    filterset_class=CooperationProjectFilterSet,
    save=lambda form, by: services.cooperation_project_save(instance=form.instance, by=by),
    prefix="project",
    title=gettext_lazy("协同育人项目"),
    filters=["name", "active_on"],
    related=("enterprise",),
)
training_sessions = RowPages(
    model=TrainingSession,
    form_class=TrainingSessionForm,
    filterset_class=TrainingSessionFilterSet,
    save=lambda form, by: services.training_session_save(instance=form.instance, by=by),
    prefix="session",
    title=gettext_lazy("职工技能培训"),
    filters=["title", "year"],
    related=("enterprise",),
)


# ---- assignment of demand items (a section of the item page) --------------------------------
