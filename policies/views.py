"""Pages of policy cards (惠企政策明白卡): published cards for everyone, the bureau's drafting,
publishing, reach and feedback, and an enterprise's inbox with 已知晓 and 回头看 answers."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.pages import filter_fields, filtered, paginate, perform, role_required, show_errors
from portal.roles import Role, enterprise_id_of, role_of

from . import services
from .choices import PolicyCategory, PolicyStatus
from .filtersets import PolicyCardFilterSet
from .forms import FeedbackForm, PolicyCardForm, SampleForm
from .models import PolicyCard, PolicyDelivery, PolicyFeedback
from .selectors import card_reach

BUREAU = Role.BUREAU
ENTERPRISE = Role.ENTERPRISE
everyone = role_required(Role.BUREAU, Role.COLLEGE, Role.ENTERPRISE, Role.AGENCY, Role.DEPARTMENT)


def _categories(request):
    """Category tabs: (value, label, url, active) keeping the other filters."""
    current = request.GET.get("category", "")
    query = request.GET.copy()
    query.pop("page", None)
    tabs = []
    for value, label in [("", _("全部")), *PolicyCategory.choices]:
        query["category"] = value
        tabs.append({"label": label, "url": "?" + query.urlencode(), "active": value == current})
    return tabs


@everyone
def card_list(request):
    """Published cards by category for everyone; the bureau also sees drafts and each card's reach."""
    bureau = role_of(request.user) == BUREAU
    queryset = PolicyCard.objects.restrict(request.user)
    if bureau:
        queryset = card_reach(queryset)
    else:
        queryset = queryset.filter(status=PolicyStatus.PUBLISHED)
    filterset = filtered(request, PolicyCardFilterSet, queryset.order_by("-published_at", "-id"))
    names = ["title", "issuer"] + (["status"] if bureau else [])
    fields = filter_fields(filterset, names, {"status": forms.CheckboxSelectMultiple()} if bureau else {})
    return render(
        request,
        "policies/card_list.html",
        {
            "filter_fields": fields,
            "category_tabs": _categories(request),
            "page_obj": paginate(request, filterset.qs),
            "bureau": bureau,
        },
    )


@everyone
def card_detail(request, pk):
    bureau = role_of(request.user) == BUREAU
    queryset = (
        card_reach(PolicyCard.objects.restrict(request.user)) if bureau else PolicyCard.objects.restrict(request.user)
    )
    card = get_object_or_404(queryset, pk=pk)
    context = {"card": card, "bureau": bureau}
    if bureau:
        feedback = card.feedback.select_related("enterprise").order_by("-year", "-quarter", "enterprise__name")
        context.update(sample_form=SampleForm(), feedback_page=paginate(request, feedback))
    elif role_of(request.user) == ENTERPRISE:
        own = enterprise_id_of(request.user)
        context.update(
            delivery=PolicyDelivery.objects.filter(card=card, enterprise_id=own).first(),
            pending=PolicyFeedback.objects.filter(card=card, enterprise_id=own, answered_at__isnull=True),
        )
    return render(request, "policies/card_detail.html", context)


def _card_form_page(request, form, title):
    if request.method == "POST" and form.is_valid():
        try:
            card = services.policy_card_save(instance=form.instance, by=request.user)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("已保存政策卡“%(title)s”。") % {"title": card.title})
            return redirect("policies:detail", pk=card.pk)
    return render(request, "policies/card_form.html", {"form": form, "title": title})


@role_required(BUREAU)
def card_create(request):
    return _card_form_page(request, PolicyCardForm(request.POST or None), _("新建政策明白卡"))


@role_required(BUREAU)
def card_edit(request, pk):
    card = get_object_or_404(PolicyCard.objects.restrict(request.user, "change"), pk=pk)
    return _card_form_page(request, PolicyCardForm(request.POST or None, instance=card), _("编辑政策明白卡"))


@role_required(BUREAU)
def card_publish(request, pk):
    """GET asks to confirm (publishing delivers the card to every enterprise of its audience at once);
    POST publishes."""
    card = get_object_or_404(PolicyCard.objects.restrict(request.user, "change"), pk=pk)
    if request.method != "POST":
        return render(request, "policies/card_publish_confirm.html", {"card": card})
    perform(
        request, lambda: services.policy_card_publish(card=card, by=request.user), _("政策卡已发布并送达适用企业。")
    )
    return redirect("policies:detail", pk=pk)


@require_POST
@role_required(BUREAU)
def card_archive(request, pk):
    card = get_object_or_404(PolicyCard.objects.restrict(request.user, "change"), pk=pk)
    perform(request, lambda: services.policy_card_archive(card=card, by=request.user), _("政策卡已归档。"))
    return redirect("policies:detail", pk=pk)


@require_POST
@role_required(BUREAU)
def card_sample(request, pk):
    card = get_object_or_404(PolicyCard.objects.restrict(request.user, "change"), pk=pk)
    form = SampleForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.policy_feedback_sample(card=card, by=request.user, **form.cleaned_data),
            lambda drawn: _("已抽取 %(count)s 家企业回访。") % {"count": len(drawn)},
        )
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}：{'；'.join(errors)}")
    return redirect("policies:detail", pk=pk)


# ---- an enterprise's inbox ------------------------------------------------------------------


@role_required(ENTERPRISE)
def inbox(request):
    """The cards delivered to the clerk's enterprise, unacknowledged first, and its pending feedback."""
    deliveries = (
        PolicyDelivery.objects.restrict(request.user)
        .select_related("card")
        .order_by("acknowledged_at", "-delivered_at")
        .exclude(card__status=PolicyStatus.DRAFT)
    )
    category = request.GET.get("category")
    if category in PolicyCategory.values:
        deliveries = deliveries.filter(card__category=category)
    pending = PolicyFeedback.objects.restrict(request.user).filter(answered_at__isnull=True).select_related("card")
    return render(
        request,
        "policies/inbox.html",
        {"page_obj": paginate(request, deliveries), "pending": pending, "category_tabs": _categories(request)},
    )


@require_POST
@role_required(ENTERPRISE)
def acknowledge(request, pk):
    delivery = get_object_or_404(PolicyDelivery.objects.restrict(request.user, "change"), pk=pk)
    perform(request, lambda: services.policy_acknowledge(delivery=delivery, by=request.user), _("已确认知晓。"))
    if request.POST.get("back") == "inbox":
        return redirect("policies:inbox")
    return redirect("policies:detail", pk=delivery.card_id)


@role_required(ENTERPRISE)
def feedback_answer(request, pk):
    feedback = get_object_or_404(PolicyFeedback.objects.restrict(request.user, "change").select_related("card"), pk=pk)
    initial = {"comment": feedback.comment}
    if feedback.benefited is not None:
        initial["benefited"] = "yes" if feedback.benefited else "no"
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_feedback_answer(feedback=feedback, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("感谢反馈，已提交。"))
            return redirect("policies:inbox")
    return render(request, "policies/feedback_form.html", {"form": form, "feedback": feedback})
