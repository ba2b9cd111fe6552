"""Program review pages (SPEC 4.4): the review board (bureau: every alert; a college: its own), one alert
with its trips, the college's answer and the bureau's decision, the Excel export, and the bureau's rules.
Thin: parse, call metrics.review, render."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from openpyxl import Workbook

from colleges.models import College
from portal.pages import filtered, paginate, role_required, show_errors
from portal.roles import Action, Role, college_id_of, role_of
from reference.models import District, IndustryCluster

from . import review
from .choices import AlertStatus, ReviewLevel
from .filtersets import AlertFilterSet
from .forms import AlertAnswerForm, AlertDecisionForm, ReviewRuleForm
from .models import Alert, ReviewRule

bureau_only = role_required(Role.BUREAU)
EXPORT_LIMIT = 20000  # a province has a few thousand alerts a year; the sheet stays readable


def _alerts(user):
    return Alert.objects.restrict(user).select_related("program__college", "program__major", "decided_by")


@role_required(Role.BUREAU, Role.COLLEGE)
def alert_list(request):
    """The review board: filters (level, district, college, cluster, status, answered), counts by level,
    and `?export=xlsx` for the filtered alerts as a workbook."""
    filterset = filtered(request, AlertFilterSet, _alerts(request.user))
    alerts = filterset.qs
    if request.GET.get("export") == "xlsx":
        return _export(alerts)
    counts = dict(alerts.order_by().values_list("level").annotate(n=Count("id")))
    is_bureau = role_of(request.user) == Role.BUREAU
    page_obj = paginate(request, alerts)
    page_obj.object_list = review.with_rates(page_obj.object_list)
    return render(
        request,
        "metrics/alert_list.html",
        {
            "page_obj": page_obj,
            "filter_errors": filterset.errors,
            "counts": [(value, label, counts.get(value, 0)) for value, label in ReviewLevel.choices],
            "statuses": AlertStatus.choices,
            "levels": ReviewLevel.choices,
            "districts": District.objects.order_by("order", "code").values_list("name", flat=True),
            "colleges": College.objects.restrict(request.user).order_by("code").values_list("id", "name")
            if is_bureau
            else [],
            "clusters": IndustryCluster.objects.filter(is_key=True).order_by("order").values_list("code", "name"),
            "years": list(_alerts(request.user).order_by("-year").values_list("year", flat=True).distinct()),
            "selected": request.GET,
            "export_query": _with(request.GET, export="xlsx"),
        },
    )


def _with(query, **extra) -> str:
    params = query.copy()
    params.pop("page", None)
    for name, value in extra.items():
        params[name] = value
    return params.urlencode()


def _export(alerts) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("专业预警")
    sheet.append(
        [
            _("院校代码"),
            _("院校"),
            _("区县"),
            _("专业代码"),
            _("专业"),
            _("学制"),
            _("年度"),
            _("预警等级"),
            _("触发规则"),
            _("状态"),
            _("整改说明"),
            _("整改目标"),
            _("研判结果"),
            _("研判理由"),
            _("研判时间"),
        ]
    )
    for alert in alerts[:EXPORT_LIMIT]:
        program = alert.program
        trips = "；".join(
            f"{trip['rule']}({', '.join(f'{y}: {v}' for y, v in sorted(trip['values'].items()))})"
            for trip in alert.trips
        )
        sheet.append(
            [
                program.college.code,
                program.college.name,
                program.college.district,
                program.major.code,
                program.major.name,
                str(program.get_schooling_display()),
                alert.year,
                str(alert.get_level_display()),
                trips,
                str(alert.get_status_display()),
                alert.answer_plan,
                alert.answer_targets,
                str(alert.get_decision_display()) if alert.decision else "",
                alert.note,
                alert.decided_at.replace(tzinfo=None) if alert.decided_at else None,
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="alerts.xlsx"'
    return response


@role_required(Role.BUREAU, Role.COLLEGE)
def alert_detail(request, pk):
    """One alert: the rules it tripped with their values against the tests, the college's answer (its own
    college answers an open alert here) and the bureau's decision (the bureau decides here), with history."""
    alert = get_object_or_404(_alerts(request.user).select_related("run", "answered_by"), pk=pk)
    role = role_of(request.user)
    own = role == Role.COLLEGE and college_id_of(request.user) == alert.program.college_id
    can_answer = own and not alert.is_decided
    can_decide = role == Role.BUREAU and not alert.is_decided
    # A college's POST is an answer, the bureau's a decision: each role has one step here.
    posted = request.POST if request.method == "POST" else None
    answer_form = AlertAnswerForm(
        posted if can_answer else None,
        initial={"answer_plan": alert.answer_plan, "answer_targets": alert.answer_targets},
    )
    form = AlertDecisionForm(posted) if can_decide else None
    if posted and can_answer and answer_form.is_valid():
        if _perform(
            answer_form,
            lambda: review.alert_answer(
                alert=alert,
                by=request.user,
                plan=answer_form.cleaned_data["answer_plan"],
                targets=answer_form.cleaned_data["answer_targets"],
            ),
        ):
            messages.success(request, _("整改说明已提交。"))
            return _back(request, alert)
    if posted and form is not None and form.is_valid():
        if _perform(
            form,
            lambda: review.alert_decide(
                alert=alert, by=request.user, decision=form.cleaned_data["decision"], note=form.cleaned_data["note"]
            ),
        ):
            messages.success(request, _("研判结果已保存。"))
            return redirect("metrics:alert_detail", pk=alert.pk)
    history = alert.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "metrics/alert_detail.html",
        {
            "alert": alert,
            "trips": review.trips_with_rules(alert),
            "form": form,
            "answer_form": answer_form if can_answer else None,
            "history": history,
        },
    )


def _perform(form, action) -> bool:
    try:
        action()
    except ValidationError as error:
        show_errors(form, error)
        return False
    except PermissionDenied as error:
        form.add_error(None, str(error))
        return False
    return True


def _back(request, alert):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("metrics:alert_detail", pk=alert.pk)


@role_required(Role.BUREAU, Role.COLLEGE)
def rule_list(request):
    """The review rules in force and switched off; the bureau adds and edits them."""
    rules = ReviewRule.objects.restrict(request.user)
    return render(request, "metrics/rule_list.html", {"rules": rules, "can_edit": role_of(request.user) == Role.BUREAU})


@bureau_only
def rule_form(request, pk=None):
    """Create or edit a review rule; a rule with no test, both tests or a bad percentile is refused at the field."""
    rule = get_object_or_404(ReviewRule.objects.restrict(request.user, Action.CHANGE), pk=pk) if pk else ReviewRule()
    form = ReviewRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        if _perform(form, lambda: review.review_rule_save(instance=form.instance, by=request.user)):
            messages.success(request, _("预警规则已保存，下次指标计算时生效。"))
            return redirect("metrics:rule_list")
    return render(request, "metrics/rule_form.html", {"form": form, "rule": rule})
