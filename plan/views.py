"""Pages of the city plan's tasks (SPEC 4.5): list, board by status and unit, detail with the quarterly
reports, a unit's filing, the bureau's review, the division-table export and the task import.

Bureau, agencies and department users read (each through plan.scoping); a department files its own
unit's reports, the bureau reviews and imports. Anyone else gets 404."""

import mimetypes
from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.pages import filter_fields, filtered, paginate, role_required, show_errors
from portal.periods import Period
from portal.roles import Action, Role, role_of, unit_id_of

from . import selectors, services
from .filtersets import TaskFilterSet
from .forms import ReportForm, ReviewForm, TaskImportForm, figures_text
from .models import Task, TaskReport, Unit
from .workbook import TaskImportInvalid, division_workbook, import_tasks

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
readers = role_required(Role.BUREAU, Role.AGENCY, Role.DEPARTMENT)
bureau_only = role_required(Role.BUREAU)
department_only = role_required(Role.DEPARTMENT)


def _visible_units(user):
    """The units a user's lists and board show: a department its own, everyone else all."""
    units = Unit.objects.all()
    return units.filter(pk=unit_id_of(user)) if role_of(user) == Role.DEPARTMENT else units


@readers
def task_list(request):
    """Tasks with their latest progress; overdue ones stand out. Filters: title, unit, overdue."""
    tasks = selectors.with_progress(Task.objects.restrict(request.user)).prefetch_related("lead_units", "co_units")
    filterset = filtered(request, TaskFilterSet, tasks.order_by("code"))
    units = forms.Select(choices=[("", _("全部")), *((u.pk, u.name) for u in _visible_units(request.user))])
    overdue = forms.Select(choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))])
    fields = filter_fields(
        filterset, ["title", "unit", "overdue"], {"unit": units, "overdue": overdue}, {"unit": _("单位")}
    )
    return render(
        request,
        "plan/task_list.html",
        {
            "filter_fields": fields,
            "page_obj": paginate(request, filterset.qs),
            "closed": selectors.closed_period(),
            "overdue_count": selectors.overdue_tasks(Task.objects.restrict(request.user)).count(),
            "bureau": role_of(request.user) == Role.BUREAU,
        },
    )


@readers
def task_board(request):
    """The board: per unit, how many of its tasks stand at each status (its own latest report)."""
    tasks = Task.objects.restrict(request.user)
    return render(
        request,
        "plan/task_board.html",
        {
            "board": selectors.board(tasks, _visible_units(request.user)),
            "overdue": selectors.with_progress(selectors.overdue_tasks(tasks)).prefetch_related("lead_units"),
            "closed": selectors.closed_period(),
        },
    )


def _task(request, pk) -> Task:
    queryset = selectors.with_progress(Task.objects.restrict(request.user)).prefetch_related("lead_units", "co_units")
    return get_object_or_404(queryset, pk=pk)


@readers
def task_detail(request, pk):
    """A task, its units, and every report it has, by quarter; the unit's form and the bureau's review."""
    return _detail_page(request, pk)


def _detail_page(request, pk, report_form=None):
    task = _task(request, pk)
    reports = (
        TaskReport.objects.restrict(request.user)
        .filter(task=task)
        .select_related("unit", "author", "reviewer")
        .order_by("-year", "-quarter", "unit__order", "unit__code")
    )
    quarters = {}
    for report in reports:
        quarters.setdefault(Period(report.year, report.quarter), []).append(report)
    own_unit = unit_id_of(request.user)
    is_unit = own_unit is not None and any(u.pk == own_unit for u in [*task.lead_units.all(), *task.co_units.all()])
    if is_unit and report_form is None:
        now = Period.containing()
        current = next((r for r in reports if r.unit_id == own_unit and Period(r.year, r.quarter) == now), None)
        initial = {"period": now.key}
        if current is not None:
            initial |= {"status": current.status, "text": current.text, "figures": figures_text(current.figures)}
        report_form = ReportForm(initial=initial)
    return render(
        request,
        "plan/task_detail.html",
        {
            "task": task,
            "quarters": sorted(quarters.items(), reverse=True),
            "report_form": report_form if is_unit else None,
            "can_review": role_of(request.user) == Role.BUREAU,
            "own_unit": own_unit,
        },
    )


@require_POST
@department_only
def report_file(request, pk):
    """The unit files (or corrects, or resubmits) its report for a quarter."""
    task = get_object_or_404(Task.objects.restrict(request.user), pk=pk)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        period = form.cleaned_data["period"]
        try:
            services.task_report_submit(
                task=task,
                year=period.year,
                quarter=period.quarter,
                by=request.user,
                status=form.cleaned_data["status"],
                text=form.cleaned_data["text"],
                figures=form.cleaned_data["figures"],
                attachment=form.cleaned_data["attachment"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("已提交 %(period)s 的进展报告，等待教育局审核。") % {"period": period})
            return redirect("plan:task_detail", pk=task.pk)
    return _detail_page(request, pk, report_form=form)


@require_POST
@bureau_only
def report_review(request, pk):
    """The bureau accepts a report or returns it with a reason."""
    report = get_object_or_404(TaskReport.objects.restrict(request.user, Action.CHANGE), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择审核结果。"))
        return redirect("plan:task_detail", pk=report.task_id)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.task_report_review(report=report, accept=accept, reason=form.cleaned_data["reason"], by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("报告已通过。") if accept else _("报告已退回，单位将看到退回原因。"))
    return redirect("plan:task_detail", pk=report.task_id)


@readers
def report_attachment(request, pk):
    """A report's attachment, to whoever may read the report; always downloaded, never shown inline."""
    report = get_object_or_404(TaskReport.objects.restrict(request.user), pk=pk)
    if not report.attachment:
        raise Http404
    name = PurePath(report.attachment.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(report.attachment.open("rb"), as_attachment=True, filename=name, content_type=content_type)


@readers
def task_export(request):
    """The division table with each task's latest progress, as the user sees it."""
    content = division_workbook(Task.objects.restrict(request.user), _("深化产教融合重点任务分工及进展"))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="plan-tasks-{Period.containing().label}.xlsx"'
    return response


@bureau_only
def task_import(request):
    """Upload a workbook of tasks (code, title, content, lead_units, co_units, due_on); all or nothing."""
    form = TaskImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            count = import_tasks(form.cleaned_data["file"].read(), by=request.user)
        except TaskImportInvalid as invalid:
            row_errors = invalid.errors
            form.add_error(None, _("%(count)s 处错误，未导入任何任务。") % {"count": len(row_errors)})
        else:
            messages.success(request, _("已导入 %(count)s 项任务。") % {"count": count})
            return redirect("plan:task_list")
    return render(request, "plan/task_import.html", {"form": form, "row_errors": row_errors})
