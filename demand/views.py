"""Pages of demand lists and demand items: review, items, the list workbook, assignment to colleges
and the programs suggested for a talent item. Thin: scope, parse, call a service, render."""

from dataclasses import astuple

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from colleges.models import College
from enterprises.models import Enterprise
from enterprises.selectors import district_choices
from portal.pages import filter_fields, filtered, paginate, perform, role_required, search, show_errors, with_all
from portal.periods import Period, quarter_choices
from portal.roles import Role, enterprise_id_of, role_of

from . import selectors, services
from .choices import COUNTED_LIST_STATUSES, ItemKind, ItemStatus, ListStatus, ProposalStatus
from .filtersets import DemandItemFilterSet, DemandListFilterSet
from .forms import (
    AssignForm,
    DeclineForm,
    DemandItemForm,
    FulfilForm,
    ProgressNoteForm,
    ProposalForm,
    ReturnForm,
    SendBackForm,
    TransitionForm,
)
from .models import DemandAssignment, DemandClaim, DemandItem, DemandList, FulfilmentProposal
from .work_views import assigned_page
from .workbook import UPLOAD_FIELDS, ItemUploadForm, item_template_workbook, upload_headers

BUREAU = Role.BUREAU
ENTERPRISE = Role.ENTERPRISE
COLLEGE = Role.COLLEGE


class DemandListPageFilter(DemandListFilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("企业名称或代码"))

    def search(self, queryset, name, value):
        return search(queryset, value, "enterprise__name", "enterprise__uscc")


@role_required(BUREAU, ENTERPRISE)
def demand_list_list(request):
    """The bureau reviews every enterprise's lists; a clerk sees their own and opens this quarter's."""
    queryset = (
        DemandList.objects.restrict(request.user)
        .select_related("enterprise")
        .annotate(item_count=Count("items"))
        .order_by("-year", "-quarter", "enterprise__name")
    )
    filterset = filtered(request, DemandListPageFilter, queryset)
    names = ["year", "quarter", "status"]
    widgets = {"quarter": forms.Select(choices=with_all(quarter_choices())), "status": forms.CheckboxSelectMultiple()}
    if role_of(request.user) == BUREAU:
        names = ["q", *names, "district"]
        widgets["district"] = forms.Select(choices=district_choices())
    fields = filter_fields(filterset, names, widgets)
    year, quarter = astuple(Period.containing())
    current = None
    if role_of(request.user) == ENTERPRISE:
        current = DemandList.objects.filter(
            enterprise_id=enterprise_id_of(request.user), year=year, quarter=quarter
        ).first()
    return render(
        request,
        "demand/demand_list_list.html",
        {
            "filter_fields": fields,
            "page_obj": paginate(request, filterset.qs),
            "year": year,
            "quarter": quarter,
            "current": current,
        },
    )


@require_POST
@role_required(ENTERPRISE)
def demand_list_open_current(request):
    """Open (creating if needed) the clerk's list of the current quarter."""
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user, "change"))
    year, quarter = astuple(Period.containing())
    demand_list = services.demand_list_get_or_create(enterprise=enterprise, year=year, quarter=quarter, by=request.user)
    return redirect("demand:list_detail", pk=demand_list.pk)


def _list_page(request, demand_list, return_form=None, status=200):
    items = demand_list.items.select_related("industry").order_by("id")
    role = role_of(request.user)
    editable = role == BUREAU or (role == ENTERPRISE and demand_list.is_editable_by_enterprise)
    return render(
        request,
        "demand/demand_list_detail.html",
        {
            "demand_list": demand_list,
            "items": items,
            "editable": editable,
            "can_submit": role == ENTERPRISE and demand_list.is_editable_by_enterprise,
            "can_review": role == BUREAU and demand_list.status == ListStatus.SUBMITTED,
            "return_form": return_form or ReturnForm(),
        },
        status=status,
    )


@role_required(BUREAU, ENTERPRISE)
def demand_list_detail(request, pk):
    demand_list = get_object_or_404(DemandList.objects.restrict(request.user).select_related("enterprise"), pk=pk)
    return _list_page(request, demand_list)


def _changeable_list(request, pk):
    return get_object_or_404(DemandList.objects.restrict(request.user, "change").select_related("enterprise"), pk=pk)


def _closed_to_enterprise(request, demand_list):
    """A redirect to the list, with the reason, when the clerk may no longer change it (submitted or
    accepted): the edit forms do not open only to fail on save. None when the form may open."""
    if role_of(request.user) == ENTERPRISE and not demand_list.is_editable_by_enterprise:
        messages.info(
            request,
            _("清单「%(list)s」%(status)s，企业不能再修改；如需修改请联系教育局退回。")
            % {"list": demand_list, "status": demand_list.get_status_display()},
        )
        return redirect("demand:list_detail", pk=demand_list.pk)
    return None


@role_required(ENTERPRISE)
def demand_list_submit(request, pk):
    """GET asks to confirm (submitting hands the list to the bureau, read-only after); POST submits."""
    demand_list = _changeable_list(request, pk)
    if request.method != "POST":
        closed = _closed_to_enterprise(request, demand_list)
        return closed or render(
            request,
            "demand/list_submit_confirm.html",
            {"demand_list": demand_list, "item_count": demand_list.items.count()},
        )
    perform(
        request,
        lambda: services.demand_list_submit(demand_list=demand_list, by=request.user),
        _("清单已提交，等待教育局受理。"),
    )
    return redirect("demand:list_detail", pk=pk)


@require_POST
@role_required(BUREAU)
def demand_list_accept(request, pk):
    demand_list = _changeable_list(request, pk)
    perform(request, lambda: services.demand_list_accept(demand_list=demand_list, by=request.user), _("清单已受理。"))
    return redirect("demand:list_detail", pk=pk)


@require_POST
@role_required(BUREAU)
def demand_list_return(request, pk):
    demand_list = _changeable_list(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.demand_list_return(
                demand_list=demand_list, by=request.user, reason=form.cleaned_data["return_reason"]
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("清单已退回企业修改。"))
            return redirect("demand:list_detail", pk=pk)
    return _list_page(request, demand_list, return_form=form, status=400)


@role_required(BUREAU, ENTERPRISE)
def item_create(request, pk):
    demand_list = _changeable_list(request, pk)
    if closed := _closed_to_enterprise(request, demand_list):
        return closed
    form = DemandItemForm(request.POST or None, enterprise=demand_list.enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            services.demand_item_create(demand_list=demand_list, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("已添加需求“%(title)s”。") % {"title": form.cleaned_data["title"]})
            if "add_another" in request.POST:
                return redirect("demand:item_create", pk=pk)
            return redirect("demand:list_detail", pk=pk)
    return render(request, "demand/item_form.html", {"form": form, "demand_list": demand_list})


def _changeable_item(request, pk):
    queryset = DemandItem.objects.restrict(request.user, "change").select_related("demand_list__enterprise", "industry")
    return get_object_or_404(queryset, pk=pk)


@role_required(BUREAU, ENTERPRISE)
def item_edit(request, pk):
    item = _changeable_item(request, pk)
    if closed := _closed_to_enterprise(request, item.demand_list):
        return closed
    form = DemandItemForm(request.POST or None, instance=item, enterprise=item.demand_list.enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            services.demand_item_update(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("需求已保存。"))
            return redirect("demand:list_detail", pk=item.demand_list_id)
    return render(request, "demand/item_form.html", {"form": form, "demand_list": item.demand_list, "item": item})


@role_required(BUREAU, ENTERPRISE)
def item_delete(request, pk):
    item = _changeable_item(request, pk)
    if closed := _closed_to_enterprise(request, item.demand_list):
        return closed
    if request.method == "POST":
        perform(
            request,
            lambda: services.demand_item_delete(item=item, by=request.user),
            _("已删除需求“%(title)s”。") % {"title": item.title},
        )
        return redirect("demand:list_detail", pk=item.demand_list_id)
    return render(request, "demand/item_confirm_delete.html", {"item": item})


@role_required(BUREAU, ENTERPRISE)
def item_upload(request, pk):
    """Add items from an .xlsx: every row is validated first; one bad row means nothing is saved."""
    demand_list = _changeable_list(request, pk)
    if closed := _closed_to_enterprise(request, demand_list):
        return closed
    form = ItemUploadForm(request.POST or None, request.FILES or None, enterprise=demand_list.enterprise)
    if request.method == "POST" and form.is_valid():
        rows = form.cleaned_data["rows"]
        columns = dict(zip(UPLOAD_FIELDS, upload_headers(), strict=True))
        refusal = None
        with transaction.atomic():
            for number, fields in rows:
                try:
                    services.demand_item_create(demand_list=demand_list, by=request.user, **fields)
                except ValidationError as error:
                    if "demand_list" in error.message_dict:
                        # The list itself refuses (e.g. already submitted): say it once, not per row.
                        refusal = error.message_dict["demand_list"]
                        break
                    for field, problems in error.message_dict.items():
                        form.row_errors.extend((number, columns.get(field, "—"), problem) for problem in problems)
            if refusal or form.row_errors:
                transaction.set_rollback(True)
        if refusal:
            form.add_error(None, refusal)
        elif form.row_errors:
            form.add_error(None, _("%(count)s 处错误，未导入任何数据。") % {"count": len(form.row_errors)})
        else:
            messages.success(request, _("已导入 %(count)s 条需求。") % {"count": len(rows)})
            return redirect("demand:list_detail", pk=pk)
    status = 400 if form.errors else 200
    return render(request, "demand/item_upload.html", {"form": form, "demand_list": demand_list}, status=status)


@role_required(BUREAU, ENTERPRISE)
def upload_template(request):
    response = HttpResponse(
        item_template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename=demand-items-template.xlsx"
    return response


@role_required(BUREAU, ENTERPRISE)
def item_list(request):
    """Demand items across lists; overdue ones stand out. The bureau sees all, a clerk their own."""
    queryset = (
        DemandItem.objects.restrict(request.user)
        .select_related("demand_list__enterprise", "industry")
        .prefetch_related("assignments__college")
        .order_by("due_on", "id")
    )
    filterset = filtered(request, DemandItemFilterSet, queryset)
    names = ["status", "kind", "year", "quarter", "overdue"]
    widgets = {
        "status": forms.CheckboxSelectMultiple(),
        "kind": forms.CheckboxSelectMultiple(),
        "quarter": forms.Select(choices=with_all(quarter_choices())),
        "overdue": forms.Select(choices=with_all([("true", _("仅逾期")), ("false", _("未逾期"))])),
    }
    if role_of(request.user) == BUREAU:
        names += ["district", "college"]
        widgets["district"] = forms.Select(choices=district_choices())
        widgets["college"] = forms.Select(choices=with_all(College.objects.order_by("code").values_list("pk", "name")))
    fields = filter_fields(filterset, names, widgets, {"college": _("承接院校")})
    return render(
        request,
        "demand/item_list.html",
        {"filter_fields": fields, "page_obj": paginate(request, filterset.qs)},
    )


@role_required(BUREAU, ENTERPRISE, COLLEGE)
def item_detail(request, pk):
    queryset = DemandItem.objects.restrict(request.user).select_related("demand_list__enterprise", "industry")
    item = get_object_or_404(queryset, pk=pk)
    return _item_page(request, item)


def _item_page(request, item, transition_form=None, fulfil_form=None, status=200):
    bureau = role_of(request.user) == BUREAU
    open_item = item.status not in (ItemStatus.FULFILLED, ItemStatus.CANCELLED)
    counted = item.demand_list.status in COUNTED_LIST_STATUSES
    assignments = list(DemandAssignment.objects.restrict(request.user).filter(item=item).select_related("college"))
    suggestions = selectors.suggested_programs(item=item) if item.kind == ItemKind.TALENT else None
    shown = selectors.SUGGESTIONS_SHOWN
    return render(
        request,
        "demand/item_detail.html",
        {
            **_work_context(request, item, open_item and counted),
            "item": item,
            "events": selectors.item_history(item, request.user),
            "assignments": assignments,
            "can_assign": bureau,
            "assign_form": AssignForm(),
            "suggestions": suggestions[:shown] if suggestions is not None else None,
            "more_suggestions": suggestions[shown:] if suggestions else [],
            "can_assign_suggestion": bureau and open_item and counted,
            "assigned_college_ids": {assignment.college_id for assignment in assignments},
            "can_move": bureau and open_item and counted,
            "transition_form": transition_form or TransitionForm(item=item),
            "fulfil_form": fulfil_form
            or FulfilForm(initial={"fulfilled_on": timezone.localdate(), "fulfilled_headcount": item.headcount}),
        },
        status=status,
    )


def _work_context(request, item, workable: bool) -> dict:
    """What the item page shows of the colleges' work: the pending proposal of 销号 (with the bureau's answer
    forms, or the college's note and proposal forms), the claims, the switch of 公开揭榜 (the item's owner)."""
    role = role_of(request.user)
    proposals = FulfilmentProposal.objects.restrict(request.user).filter(item=item).select_related("college")
    pending = proposals.filter(status=ProposalStatus.PENDING).first() if workable else None
    context = {"pending_proposal": pending}
    if role == COLLEGE and workable:
        context.update(note_form=ProgressNoteForm(), proposal_form=ProposalForm(initial={"headcount": item.headcount}))
    if role == BUREAU:
        context.update(
            send_back_form=SendBackForm(),
            claims=DemandClaim.objects.restrict(request.user).filter(item=item).select_related("college"),
            decline_form=DeclineForm(),
        )
    if role in (BUREAU, ENTERPRISE) and workable:
        context["can_open_claims"] = not item.claims_open and not item.assignments.exists()
        context["can_close_claims"] = item.claims_open
    return context


@require_POST
@role_required(BUREAU)
def item_transition(request, pk):
    item = _changeable_item(request, pk)
    form = TransitionForm(request.POST, item=item)
    if form.is_valid():
        try:
            services.demand_item_transition(
                item=item, by=request.user, to_status=form.cleaned_data["status"], note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("需求状态已变更为“%(status)s”。") % {"status": item.get_status_display()})
            return redirect("demand:item_detail", pk=pk)
    return _item_page(request, item, transition_form=form, status=400)


@require_POST
@role_required(BUREAU)
def item_fulfil(request, pk):
    item = _changeable_item(request, pk)
    form = FulfilForm(request.POST)
    if form.is_valid():
        try:
            services.demand_item_fulfil(
                item=item,
                by=request.user,
                on=form.cleaned_data["fulfilled_on"],
                headcount=form.cleaned_data["fulfilled_headcount"],
                note=form.cleaned_data["note"],
                over_confirmed=form.cleaned_data["over_confirmed"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("需求已销号。"))
            return redirect("demand:item_detail", pk=pk)
    return _item_page(request, item, fulfil_form=form, status=400)


@role_required(BUREAU, COLLEGE)
def assigned_items(request, pk):
    """The demand items the bureau assigned to this college."""
    college = get_object_or_404(College.objects.restrict(request.user, "change"), pk=pk)
    return assigned_page(request, college)


@require_POST
@role_required(BUREAU)
def item_assign(request, item_pk):
    item = get_object_or_404(
        DemandItem.objects.restrict(request.user, "change").select_related("demand_list"), pk=item_pk
    )
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            services.demand_item_assign(item=item, college=form.cleaned_data["college"], by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已分派给%(college)s。") % {"college": form.cleaned_data["college"]})
    else:
        messages.error(request, _("请选择承接院校。"))
    return redirect("demand:item_detail", pk=item.pk)


@require_POST
@role_required(BUREAU)
def item_unassign(request, item_pk, college_pk):
    item = get_object_or_404(DemandItem.objects.restrict(request.user, "change"), pk=item_pk)
    college = get_object_or_404(College, pk=college_pk)
    try:
        services.demand_item_unassign(item=item, college=college, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已撤回对%(college)s的分派。") % {"college": college})
    return redirect("demand:item_detail", pk=item.pk)
