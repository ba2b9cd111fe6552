"""Pages of enterprises: the bureau's directory and each enterprise's profile. Thin: scope, parse,
call a service, render."""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.pages import filter_fields, filtered, paginate, role_required, search, show_errors
from portal.roles import Role, enterprise_id_of, role_of

from . import services
from .filtersets import EnterpriseFilterSet
from .forms import EnterpriseForm
from .models import Enterprise
from .selectors import district_choices

BUREAU = Role.BUREAU
ENTERPRISE = Role.ENTERPRISE


class EnterprisePageFilter(EnterpriseFilterSet):
    """The API's enterprise filters plus one search box over name and USCC."""

    q = django_filters.CharFilter(method="search", label=gettext_lazy("企业名称或代码"))

    def search(self, queryset, name, value):
        return search(queryset, value, "name", "uscc")


@role_required(BUREAU, ENTERPRISE)
def enterprise_list(request):
    """The bureau's searchable directory; a clerk goes straight to their own profile."""
    if role_of(request.user) == ENTERPRISE:
        return redirect("enterprises:detail", pk=enterprise_id_of(request.user))
    queryset = (
        Enterprise.objects.restrict(request.user)
        .select_related("industry")
        .annotate(list_count=Count("demand_lists"))
        .order_by("name")
    )
    filterset = filtered(request, EnterprisePageFilter, queryset)
    fields = filter_fields(
        filterset,
        ["q", "district", "industry_prefix", "scale", "tag"],
        {"district": forms.Select(choices=district_choices()), "scale": forms.CheckboxSelectMultiple()},
    )
    return render(
        request,
        "enterprises/enterprise_list.html",
        {"filter_fields": fields, "page_obj": paginate(request, filterset.qs)},
    )


@role_required(BUREAU, ENTERPRISE)
def enterprise_detail(request, pk):
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user).select_related("industry"), pk=pk)
    lists = enterprise.demand_lists.annotate(item_count=Count("items")).order_by("-year", "-quarter")
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {"enterprise": enterprise, "lists": lists},
    )


@role_required(BUREAU)
def enterprise_create(request):
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("已登记企业“%(name)s”。") % {"name": enterprise.name})
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/enterprise_form.html", {"form": form})


@role_required(BUREAU, ENTERPRISE)
def enterprise_edit(request, pk):
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user, "change"), pk=pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update(enterprise=enterprise, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("企业信息已保存。"))
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/enterprise_form.html", {"form": form, "enterprise": enterprise})


# ---- demand lists -------------------------------------------------------------------------


# ---- demand items -------------------------------------------------------------------------
