"""Metric pages (SPEC 8): start a period and watch its run, see targets (the bureau's; anyone else gets 404).
The program review's pages (alerts, rules) are in metrics.review_views.
"""

from dataclasses import astuple

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from portal.pages import paginate, role_required, show_errors
from portal.periods import Period
from portal.roles import Action, Role

from . import selectors, services
from .choices import PaceStatus, RunStatus, TargetStatus
from .forms import RunForm
from .models import MetricRun, Target
from .registry import RATIO_METRICS

bureau_only = role_required(Role.BUREAU)

# How a run was started (MetricRun.trigger is free text written by services, tasks and the API).
TRIGGER_LABELS = {
    "manual": gettext_lazy("手动发起"),
    "beat_current": gettext_lazy("每晚刷新本季度"),
    "beat_closed": gettext_lazy("季初计算上季度"),
}


@bureau_only
def run_list(request):
    """Every run, newest first, and the form that starts a period."""
    if request.method == "POST":
        form = RunForm(request.POST)
        if form.is_valid():
            try:
                run, created = services.metric_run_enqueue_request(
                    year=form.cleaned_data["year"], quarter=form.cleaned_data["quarter"], by=request.user
                )
            except ValidationError as error:
                show_errors(form, error)
            else:
                period = {"year": run.year, "quarter": run.quarter}
                if created:
                    messages.success(request, _("已发起 %(year)s 年第 %(quarter)s 季度的指标计算。") % period)
                else:
                    messages.info(request, _("%(year)s 年第 %(quarter)s 季度已在排队或计算中，未重复发起。") % period)
                return redirect("metrics:run_detail", pk=run.pk)
    else:
        year, quarter = astuple(Period.containing())
        form = RunForm(initial={"year": year, "quarter": quarter})
    runs = MetricRun.objects.restrict(request.user).select_related("requested_by")
    page_obj = paginate(request, runs)
    for run in page_obj:
        run.trigger_label = TRIGGER_LABELS.get(run.trigger, run.trigger)
    return render(request, "metrics/run_list.html", {"form": form, "page_obj": page_obj})


@bureau_only
def run_detail(request, pk):
    run = get_object_or_404(MetricRun.objects.restrict(request.user).select_related("requested_by"), pk=pk)
    run.trigger_label = TRIGGER_LABELS.get(run.trigger, run.trigger)
    return render(request, "metrics/run_detail.html", {"run": run, "progress": _progress(run)})


@require_POST
@bureau_only
def run_delete(request, pk):
    """Delete a run and its snapshots (e.g. a period computed by mistake); a running one is refused."""
    run = get_object_or_404(MetricRun.objects.restrict(request.user, Action.CHANGE), pk=pk)
    try:
        services.metric_run_delete(run=run, by=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("metrics:run_detail", pk=run.pk)
    messages.success(request, _("已删除计算任务 #%(pk)s 及其指标快照。") % {"pk": pk})
    return redirect("metrics:run_list")


@require_GET
@bureau_only
def run_progress(request, pk):
    """The run's progress as JSON, polled every 2 s by metrics/run_progress.js."""
    run = get_object_or_404(MetricRun.objects.restrict(request.user), pk=pk)
    return JsonResponse(_progress(run))


def _progress(run: MetricRun) -> dict:
    total = run.progress_total or 0
    return {
        "id": run.pk,
        "status": run.status,
        "status_label": str(run.get_status_display()),
        "done": run.progress_done,
        "total": total,
        "percent": round(100 * run.progress_done / total) if total else 0,
        "finished": run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED),
        "error": run.error,
        "duration_s": run.duration_s,
        "started_at": _local(run.started_at),
        "finished_at": _local(run.finished_at),
    }


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


@bureau_only
def target_list(request):
    """Every target with its progress in the latest period that has snapshots."""
    period = selectors.latest_period_with_snapshots()
    targets = Target.objects.restrict(request.user)
    if period:
        rows = selectors.targets_progress(year=period[0], quarter=period[1], targets=targets)
    else:
        rows = [{"target": target, "value": None, "ratio": None, "status": None} for target in targets]
    for row in rows:
        row["is_ratio"] = row["target"].metric in RATIO_METRICS
        row["status_label"] = TargetStatus(row["status"]).label if row["status"] else ""
        row["pace_label"] = PaceStatus(row["pace_status"]).label if row.get("pace_status") else ""
    return render(request, "metrics/target_list.html", {"rows": rows, "period": period})
