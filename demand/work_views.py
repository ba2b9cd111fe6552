"""Pages where colleges work the items assigned to them (progress notes, proposals of 销号) and claim items
open for claims (公开揭榜), and where the bureau answers both. Thin: scope, parse, call a service, redirect."""

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Exists, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from colleges.models import College
from portal.pages import filter_fields, filtered, paginate, perform, role_required, with_all
from portal.roles import Role, college_id_of

from . import selectors, services
from .choices import UNFINISHED_ITEM_STATUSES, ClaimStatus, ItemKind, ProposalStatus
from .filtersets import DemandItemFilterSet
from .forms import ClaimForm, DeclineForm, ProgressNoteForm, ProposalForm, SendBackForm
from .models import DemandClaim, DemandItem, FulfilmentProposal
from .scoping import CLAIMABLE_FIELDS

BUREAU = Role.BUREAU
ENTERPRISE = Role.ENTERPRISE
COLLEGE = Role.COLLEGE


def _form_errors(request, form) -> None:
    """Each error of an invalid form as a message naming its field."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


# ---- a college's items -----------------------------------------------------------------------


def assigned_page(request, college: College):
    """The items assigned to `college`, filterable by status, kind and overdue; a constant number of queries."""
    items = selectors.college_items(DemandItem.objects.restrict(request.user), college.pk).select_related(
        "demand_list__enterprise", "industry"
    )
    filterset = filtered(request, DemandItemFilterSet, items)
    widgets = {
        "status": forms.CheckboxSelectMultiple(),
        "kind": forms.CheckboxSelectMultiple(),
        "overdue": forms.Select(choices=with_all([("true", _("仅逾期")), ("false", _("未逾期"))])),
    }
    fields = filter_fields(filterset, ["status", "kind", "overdue"], widgets)
    return render(
        request,
        "demand/assigned_items.html",
        {"college": college, "filter_fields": fields, "page_obj": paginate(request, filterset.qs)},
    )


@role_required(COLLEGE)
def my_items(request):
    """我的任务: the items the bureau assigned to the user's college."""
    return assigned_page(request, get_object_or_404(College, pk=college_id_of(request.user)))


def _own_college(request) -> College:
    return get_object_or_404(College, pk=college_id_of(request.user))


def _assigned_item(request, pk) -> DemandItem:
    return get_object_or_404(DemandItem.objects.restrict(request.user).select_related("demand_list"), pk=pk)


@require_POST
@role_required(COLLEGE)
def item_note(request, pk):
    item = _assigned_item(request, pk)
    form = ProgressNoteForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.demand_item_progress_note(
                item=item, college=_own_college(request), by=request.user, text=form.cleaned_data["text"]
            ),
            _("进展已记录。"),
        )
    else:
        _form_errors(request, form)
    return redirect("demand:item_detail", pk=item.pk)


@require_POST
@role_required(COLLEGE)
def item_propose(request, pk):
    item = _assigned_item(request, pk)
    form = ProposalForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.demand_item_propose_fulfilment(
                item=item, college=_own_college(request), by=request.user, **form.cleaned_data
            ),
            _("销号申请已提交，等待教育局确认。"),
        )
    else:
        _form_errors(request, form)
    return redirect("demand:item_detail", pk=item.pk)


def _pending_proposal(request, pk) -> FulfilmentProposal:
    return get_object_or_404(FulfilmentProposal.objects.restrict(request.user, "change"), pk=pk)


@require_POST
@role_required(BUREAU)
def proposal_confirm(request, pk):
    proposal = _pending_proposal(request, pk)
    perform(
        request, lambda: services.fulfilment_proposal_confirm(proposal=proposal, by=request.user), _("已确认销号。")
    )
    return redirect("demand:item_detail", pk=proposal.item_id)


@require_POST
@role_required(BUREAU)
def proposal_send_back(request, pk):
    proposal = _pending_proposal(request, pk)
    form = SendBackForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.fulfilment_proposal_send_back(
                proposal=proposal, by=request.user, reason=form.cleaned_data["reason"]
            ),
            _("销号申请已退回院校。"),
        )
    else:
        _form_errors(request, form)
    return redirect("demand:item_detail", pk=proposal.item_id)


# ---- open for claims (公开揭榜) ------------------------------------------------------------


@require_POST
@role_required(BUREAU, ENTERPRISE)
def item_claims(request, pk):
    """Open an item for claims (claims_open=1) or close it again (claims_open=0)."""
    item = get_object_or_404(DemandItem.objects.restrict(request.user, "change"), pk=pk)
    claims_open = request.POST.get("claims_open") == "1"
    perform(
        request,
        lambda: services.demand_item_set_claims_open(item=item, by=request.user, claims_open=claims_open),
        _("已公开揭榜，院校可以揭榜承接。") if claims_open else _("已取消公开揭榜。"),
    )
    return redirect("demand:item_detail", pk=item.pk)


class ClaimableFilter(django_filters.FilterSet):
    kind = DemandItemFilterSet.base_filters["kind"]

    class Meta:
        model = DemandItem
        fields = ["kind"]


@role_required(COLLEGE)
def claimable_items(request):
    """揭榜需求: the items open for claims, with only what CLAIMABLE_FIELDS shows, and the college's claims."""
    own = DemandClaim.objects.restrict(request.user)
    items = (
        DemandItem.objects.claimable(request.user)
        .annotate(my_claim=Subquery(own.filter(item_id=OuterRef("pk")).values("status")[:1]))
        .order_by("due_on", "id")
    )
    filterset = filtered(request, ClaimableFilter, items)
    fields = filter_fields(filterset, ["kind"], {"kind": forms.CheckboxSelectMultiple()})
    # A pending claim on an item the bureau assigned directly (or that was closed) waits for nothing any more.
    still_open = Exists(DemandItem.objects.open_for_claims().filter(pk=OuterRef("item_id")))
    claims = own.select_related("item").annotate(still_open=still_open).order_by("-claimed_at", "-id")[:20]
    return render(
        request,
        "demand/claimable_items.html",
        {
            "filter_fields": fields,
            "page_obj": _labelled(paginate(request, filterset.qs.values(*CLAIMABLE_FIELDS, "my_claim"))),
            "claims": claims,
        },
    )


@role_required(COLLEGE)
def claim_create(request, pk):
    """One item open for claims (CLAIMABLE_FIELDS only) and the form to claim it; 404 once it is not open."""
    item = get_object_or_404(DemandItem.objects.claimable(request.user).values(*CLAIMABLE_FIELDS), pk=pk)
    claim = DemandClaim.objects.restrict(request.user).filter(item_id=pk).first()
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = perform(
            request,
            lambda: services.demand_claim_create(
                item=DemandItem.objects.get(pk=pk), college=_own_college(request), by=request.user, **form.cleaned_data
            ),
            _("已揭榜，等待教育局审核。"),
        )
        if done:
            return redirect("demand:claimable_items")
    elif request.method == "POST":
        _form_errors(request, form)
    return render(
        request,
        "demand/claim_form.html",
        {
            "item": item,
            "claim": claim,
            "form": form,
            "kind_labels": dict(DemandItemFilterSet.base_filters["kind"].extra["choices"]),
        },
        status=400 if form.errors else 200,
    )


def _labelled(page):
    """Rows of `CLAIMABLE_FIELDS` values with the labels of their kind and of the college's claim."""
    for row in page.object_list:
        row["kind_label"] = ItemKind(row["kind"]).label
        if row.get("my_claim"):
            row["my_claim_label"] = ClaimStatus(row["my_claim"]).label
    return page


def _pending_claim(request, pk) -> DemandClaim:
    return get_object_or_404(DemandClaim.objects.restrict(request.user, "change"), pk=pk)


@require_POST
@role_required(BUREAU)
def claim_approve(request, pk):
    claim = _pending_claim(request, pk)
    perform(
        request,
        lambda: services.demand_claim_approve(claim=claim, by=request.user),
        _("已批准揭榜，需求已分派给%(college)s。") % {"college": claim.college.name},
    )
    return redirect("demand:item_detail", pk=claim.item_id)


@require_POST
@role_required(BUREAU)
def claim_decline(request, pk):
    claim = _pending_claim(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.demand_claim_decline(claim=claim, by=request.user, reason=form.cleaned_data["reason"]),
            _("已不予批准该揭榜申请。"),
        )
    else:
        _form_errors(request, form)
    return redirect("demand:item_detail", pk=claim.item_id)


# ---- the bureau's desk -----------------------------------------------------------------------


@role_required(BUREAU)
def college_work(request):
    """院校承接: proposals of 销号 and claims waiting for the bureau, oldest first."""
    proposals = (
        FulfilmentProposal.objects.restrict(request.user)
        .filter(status=ProposalStatus.PENDING, item__status__in=UNFINISHED_ITEM_STATUSES)
        .select_related("item__demand_list__enterprise", "college")
    )
    claims = (
        DemandClaim.objects.restrict(request.user)
        .filter(status=ClaimStatus.PENDING)
        .filter(item__in=DemandItem.objects.open_for_claims())
        .select_related("item__demand_list__enterprise", "college")
    )
    return render(
        request,
        "demand/college_work.html",
        {"proposals": paginate(request, proposals), "claims": list(claims[:100])},
    )
