"""Pages of programs (专业点) with their annual figures and order classes. The bureau sees all; a
college admin only their own college's."""

from django import forms
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from colleges.views import college_choices, save_form_page
from portal.pages import filter_fields, filtered, paginate, role_required
from portal.roles import Role, role_of

from . import services
from .filtersets import OrderClassFilterSet, ProgramFilterSet
from .forms import OrderClassForm, ProgramForm, ProgramYearForm
from .models import OrderClass, Program, ProgramYear

BUREAU = Role.BUREAU
COLLEGE = Role.COLLEGE
college_pages = role_required(BUREAU, COLLEGE)


def _bureau_college_filter(request, names, widgets):
    if role_of(request.user) == BUREAU:
        names.insert(0, "college")
        widgets["college"] = forms.Select(choices=college_choices())


# ---- programs and annual figures ------------------------------------------------------------


@college_pages
def program_list(request):
    """Programs with their latest annual figures (two queries for the figures whatever the page size)."""
    queryset = (
        Program.objects.restrict(request.user)
        .select_related("college", "major")
        .prefetch_related(Prefetch("years", queryset=ProgramYear.objects.order_by("-year"), to_attr="figures"))
        .order_by("college__code", "major__code", "schooling")
    )
    filterset = filtered(request, ProgramFilterSet, queryset)
    names = ["major_code", "schooling", "enrollment_status", "emerging"]
    widgets = {"schooling": forms.CheckboxSelectMultiple(), "enrollment_status": forms.CheckboxSelectMultiple()}
    _bureau_college_filter(request, names, widgets)
    return render(
        request,
        "programs/program_list.html",
        {
            "filter_fields": filter_fields(filterset, names, widgets, {"college": _("院校")}),
            "page_obj": paginate(request, filterset.qs),
        },
    )


def _program(request, pk, action="view"):
    queryset = Program.objects.restrict(request.user, action).select_related("college", "major")
    return get_object_or_404(queryset, pk=pk)


@college_pages
def program_detail(request, pk):
    program = _program(request, pk)
    return render(
        request,
        "programs/program_detail.html",
        {"program": program, "years": program.years.order_by("-year")},
    )


def _save_program(form, by):
    return services.program_save(instance=form.instance, by=by)


@college_pages
def program_create(request):
    form = ProgramForm(request.POST or None, user=request.user)
    listing = reverse("programs:program_list")
    return save_form_page(
        request,
        form,
        lambda form: _save_program(form, request.user),
        success=listing,
        template="colleges/form.html",
        context={"title": _("新增专业点"), "cancel": listing},
    )


@college_pages
def program_edit(request, pk):
    program = _program(request, pk, "change")
    form = ProgramForm(request.POST or None, instance=program, user=request.user)
    detail = reverse("programs:detail", args=[pk])
    return save_form_page(
        request,
        form,
        lambda form: _save_program(form, request.user),
        success=detail,
        template="colleges/form.html",
        context={"title": _("编辑专业点"), "cancel": detail},
    )


def _year_page(request, form, program, title):
    detail = reverse("programs:detail", args=[program.pk])
    return save_form_page(
        request,
        form,
        lambda form: services.program_year_save(instance=form.instance, by=request.user),
        success=detail,
        template="programs/year_form.html",
        context={"title": title, "cancel": detail, "program": program},
    )


@college_pages
def program_year_create(request, pk):
    program = _program(request, pk, "change")
    form = ProgramYearForm(request.POST or None, program=program, initial={"year": timezone.localdate().year})
    return _year_page(request, form, program, _("填报年度数据"))


@college_pages
def program_year_edit(request, pk):
    queryset = ProgramYear.objects.restrict(request.user, "change").select_related("program__college", "program__major")
    figures = get_object_or_404(queryset, pk=pk)
    form = ProgramYearForm(request.POST or None, instance=figures, program=figures.program)
    return _year_page(request, form, figures.program, _("修改 %(year)s 年度数据") % {"year": figures.year})


# ---- order classes --------------------------------------------------------------------------


@college_pages
def order_class_list(request):
    queryset = OrderClass.objects.restrict(request.user).select_related(
        "program__college", "program__major", "enterprise"
    )
    filterset = filtered(request, OrderClassFilterSet, queryset)
    names = ["year", "kind", "name"]
    widgets = {"kind": forms.CheckboxSelectMultiple()}
    _bureau_college_filter(request, names, widgets)
    return render(
        request,
        "programs/order_class_list.html",
        {
            "filter_fields": filter_fields(filterset, names, widgets, {"college": _("院校")}),
            "page_obj": paginate(request, filterset.qs),
        },
    )


def _order_class_page(request, form, title):
    listing = reverse("programs:order_class_list")
    return save_form_page(
        request,
        form,
        lambda form: services.order_class_save(instance=form.instance, by=request.user),
        success=listing,
        template="colleges/form.html",
        context={"title": title, "cancel": listing},
    )


@college_pages
def order_class_create(request):
    form = OrderClassForm(request.POST or None, user=request.user, initial={"year": timezone.localdate().year})
    return _order_class_page(request, form, _("新增订单班"))


@college_pages
def order_class_edit(request, pk):
    order_class = get_object_or_404(OrderClass.objects.restrict(request.user, "change"), pk=pk)
    form = OrderClassForm(request.POST or None, instance=order_class, user=request.user)
    return _order_class_page(request, form, _("编辑订单班"))


# ---- suggested programs (a section of the demand-item page) ----------------------------------
