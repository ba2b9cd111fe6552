"""The bureau's pages to keep the districts and the 优先发展专业目录 (SPEC 2): a list and a form each.
Every write goes through reference.services; a refusal (a district still in use) shows its message."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.pages import filter_fields, filtered, paginate, perform, role_required, show_errors
from portal.roles import Role

from . import services
from .filtersets import DistrictFilterSet, PriorityMajorFilterSet
from .forms import DistrictForm, PriorityMajorForm
from .models import District, PriorityMajor


class ReferencePages:
    """List, create, edit and delete pages of one kind of reference row (bureau only)."""

    def __init__(self, *, model, form_class, filterset_class, save, delete, prefix, title, filters, related=()):
        self.model, self.form_class, self.filterset_class = model, form_class, filterset_class
        self.save, self.delete_row, self.prefix, self.title = save, delete, prefix, title
        self.filters, self.related = filters, related

    def list(self, request):
        queryset = self.model.objects.restrict(request.user).select_related(*self.related)
        filterset = filtered(request, self.filterset_class, queryset)
        return render(
            request,
            f"reference/{self.prefix}_list.html",
            {
                "title": self.title,
                "filter_fields": filter_fields(filterset, self.filters),
                "page_obj": paginate(request, filterset.qs),
                "create_url": reverse(f"reference:{self.prefix}_create"),
            },
        )

    def create(self, request):
        return self._form_page(request, self.form_class(request.POST or None), _("新增"))

    def edit(self, request, pk):
        instance = get_object_or_404(self.model.objects.restrict(request.user, "change"), pk=pk)
        return self._form_page(request, self.form_class(request.POST or None, instance=instance), _("编辑"))

    def delete(self, request, pk):
        instance = get_object_or_404(self.model.objects.restrict(request.user, "change"), pk=pk)
        perform(request, lambda: self.delete_row(instance, request.user), _("已删除“%(name)s”。") % {"name": instance})
        return redirect(f"reference:{self.prefix}_list")

    def _form_page(self, request, form, verb):
        listing = reverse(f"reference:{self.prefix}_list")
        if request.method == "POST" and form.is_valid():
            try:
                saved = self.save(instance=form.instance, by=request.user)
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, _("已保存“%(name)s”。") % {"name": saved})
                return redirect(listing)
        title = f"{verb}{self.title}"
        return render(request, "reference/form.html", {"form": form, "title": title, "cancel": listing})

    def views(self):
        gate = role_required(Role.BUREAU)
        return gate(self.list), gate(self.create), gate(self.edit), gate(require_POST(self.delete))


districts = ReferencePages(
    model=District,
    form_class=DistrictForm,
    filterset_class=DistrictFilterSet,
    save=services.district_save,
    delete=lambda row, by: services.district_delete(district=row, by=by),
    prefix="district",
    title=gettext_lazy("区县"),
    filters=["name", "code"],
)
priority_majors = ReferencePages(
    model=PriorityMajor,
    form_class=PriorityMajorForm,
    filterset_class=PriorityMajorFilterSet,
    save=services.priority_major_save,
    delete=lambda row, by: services.priority_major_delete(entry=row, by=by),
    prefix="priority_major",
    title=gettext_lazy("优先发展专业"),
    filters=["major_code", "cluster_code", "in_directory_on"],
    related=["major", "cluster"],
)
