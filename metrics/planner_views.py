"""The what-if planner's pages (SPEC 4.3, 8): the bureau keeps scenarios, agencies read them; anyone else 404.

List, create / edit (a change builder over the API's change list), the result of a saved scenario for
the city or a district, duplicate, delete and an Excel export. Checks and evaluation are metrics.scenarios'.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.pages import role_required, show_errors
from portal.periods import Period
from portal.roles import Action, Role, role_of

from . import scenario_report, scenarios
from . import supply_demand as sd
from .forms import ScenarioForm
from .models import Scenario

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
readers = role_required(Role.BUREAU, Role.AGENCY, Role.DEPARTMENT)  # departments read what agencies read
bureau_only = role_required(Role.BUREAU)


def _scenario(request, pk, action=Action.VIEW) -> Scenario:
    return get_object_or_404(Scenario.objects.restrict(request.user, action).select_related("created_by"), pk=pk)


@readers
def scenario_list(request):
    """Every scenario, last changed first: name, base period, number of changes, updated, by."""
    rows = Scenario.objects.restrict(request.user).select_related("created_by")
    return render(
        request,
        "metrics/scenario_list.html",
        {"scenarios": rows, "can_edit": role_of(request.user) == Role.BUREAU},
    )


def _form_page(request, scenario: Scenario):
    periods = sd.run_periods()
    if scenario.pk and Period(scenario.year, scenario.quarter) not in periods:
        periods.append(Period(scenario.year, scenario.quarter))
    form = ScenarioForm(request.POST or None, instance=scenario, periods=periods)
    change_errors = []
    if request.method == "POST" and form.is_valid():
        instance = form.apply()
        try:
            saved = scenarios.scenario_save(instance=instance, by=request.user)
        except ValidationError as error:
            show_errors(form, _named(error))
            change_errors = scenarios.change_errors(instance.changes, Period(instance.year, instance.quarter))
        else:
            messages.success(request, _("方案“%(name)s”已保存。") % {"name": saved.name})
            return redirect("metrics:scenario_detail", pk=saved.pk)
    return render(
        request,
        "metrics/scenario_form.html",
        {
            "form": form,
            "scenario": scenario,
            "options": scenario_report.builder_options(),
            "labels": scenario_report.builder_labels(),
            "change_errors": change_errors,
        },
    )


def _named(error: ValidationError) -> ValidationError:
    """The service's errors keyed by the form's fields: its "changes" are the builder's (changes_json)."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {("changes_json" if field == "changes" else field): messages for field, messages in error.message_dict.items()}
    )


@bureau_only
def scenario_create(request):
    return _form_page(request, Scenario())


@bureau_only
def scenario_edit(request, pk):
    return _form_page(request, _scenario(request, pk, Action.CHANGE))


@readers
def scenario_detail(request, pk):
    """The scenario evaluated on its base period, for the city (default) or one district."""
    scenario = _scenario(request, pk)
    context = {
        "scenario": scenario,
        "changes": scenario_report.describe_changes(scenario.changes),
        "can_edit": role_of(request.user) == Role.BUREAU,
        "share_url": request.build_absolute_uri(request.path),
    }
    try:
        answer = scenarios.scenario_evaluate(year=scenario.year, quarter=scenario.quarter, changes=scenario.changes)
    except ValidationError as error:
        # A change that was valid when saved may name a program deleted since.
        context["evaluation_errors"] = error.messages
        return render(request, "metrics/scenario_detail.html", context)
    scopes = [
        {
            "key": sd.scope_key(s["scope_type"], s["scope_id"]),
            "name": scenario_report.scope_name(s),
            "is_city": s["scope_type"] == "city",
        }
        for s in answer["scopes"]
    ]
    wanted = request.GET.get("scope") or scopes[0]["key"]
    index = next((i for i, s in enumerate(scopes) if s["key"] == wanted), 0)
    context["chart_labels"] = {
        "baseline_graduates": _("毕业生（基准）"),
        "scenario_graduates": _("毕业生（方案）"),
        "baseline_gap": _("缺口（基准）"),
        "scenario_gap": _("缺口（方案）"),
    }
    context.update(
        scopes=scopes, scope=scopes[index], result=scenario_report.scope_result(answer, answer["scopes"][index])
    )
    return render(request, "metrics/scenario_detail.html", context)


@require_POST
@bureau_only
def scenario_duplicate(request, pk):
    scenario = _scenario(request, pk, Action.CHANGE)
    try:
        copy = scenarios.scenario_duplicate(scenario=scenario, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("metrics:scenario_detail", pk=scenario.pk)
    messages.success(request, _("已复制为“%(name)s”。") % {"name": copy.name})
    return redirect("metrics:scenario_detail", pk=copy.pk)


@require_POST
@bureau_only
def scenario_delete(request, pk):
    scenario = _scenario(request, pk, Action.CHANGE)
    name = scenario.name
    scenarios.scenario_delete(scenario=scenario, by=request.user)
    messages.success(request, _("方案“%(name)s”已删除。") % {"name": name})
    return redirect("metrics:scenario_list")


@readers
def scenario_xlsx(request, pk):
    """The scenario's result for the city and every district, its changes and a note, as .xlsx."""
    scenario = _scenario(request, pk)
    try:
        answer = scenarios.scenario_evaluate(year=scenario.year, quarter=scenario.quarter, changes=scenario.changes)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("metrics:scenario_detail", pk=scenario.pk)
    content = scenario_report.workbook(scenario, answer, scenario_report.describe_changes(scenario.changes))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="scenario-{scenario.pk}-{scenario.year}Q{scenario.quarter}.xlsx"'
    )
    return response
