"""Every write to units, tasks and task reports (SPEC 4.5)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.periods import Period
from portal.roles import Role, role_of, unit_id_of
from portal.services import require_bureau, save_validated

from .choices import ReviewState
from .models import Task, TaskReport, Unit


@transaction.atomic
def unit_save(*, instance: Unit, by) -> Unit:
    """Create or edit a unit of the reference list (bureau)."""
    require_bureau(by, _("只有教育局可以维护责任单位。"))
    instance._history_user = by
    return save_validated(instance)


@transaction.atomic
def task_save(*, instance: Task, lead_units, co_units=(), by) -> Task:
    """Create or edit a task with its units (bureau). A task has at least one lead unit; a unit is lead
    or co-responsible, not both."""
    require_bureau(by, _("只有教育局可以维护重点任务。"))
    lead, co = list(lead_units), list(co_units)
    if not lead:
        raise ValidationError({"lead_units": _("任务「%(code)s」至少需要一个牵头单位。") % {"code": instance.code}})
    both = sorted({u.name for u in lead} & {u.name for u in co})
    if both:
        raise ValidationError(
            {"co_units": _("%(units)s 已是牵头单位，不能同时列为责任单位。") % {"units": "、".join(both)}}
        )
    instance._history_user = by
    save_validated(instance)
    instance.lead_units.set(lead)
    instance.co_units.set(co)
    return instance


@transaction.atomic
def task_report_submit(
    *, task: Task, year: int, quarter: int, by, status: str, text: str, figures=None, attachment=None, unit=None
) -> TaskReport:
    """A unit files (or refiles) its report on a task for a quarter.

    The acting department user reports for its own unit, on a task that unit leads or shares; the system
    (by=None: commands, the demo) names the unit. A report not yet reviewed may be corrected; a returned
    one is resubmitted (back to 待审核, the reason kept in its history); an accepted one is final.
    A user reports on the current quarter or the three before it. `attachment=None` keeps the stored file.
    """
    if by is not None:
        if role_of(by) != Role.DEPARTMENT:
            raise PermissionDenied(_("只有责任单位可以填报任务进展。"))
        unit = Unit.objects.get(pk=unit_id_of(by))
    if unit is None:
        raise ValidationError({"unit": _("请指定填报单位。")})
    task = Task.objects.select_for_update().get(pk=task.pk)
    if not (task.lead_units.filter(pk=unit.pk).exists() or task.co_units.filter(pk=unit.pk).exists()):
        raise PermissionDenied(_("「%(unit)s」不是该任务的牵头或责任单位。") % {"unit": unit})
    try:
        period = Period(int(year), int(quarter))
    except (TypeError, ValueError):
        raise ValidationError({"quarter": _("季度必须是 1 到 4。")}) from None
    today = timezone.localdate()
    if period.start > today:
        raise ValidationError({"quarter": _("%(period)s 尚未开始，不能填报。") % {"period": period}})
    if by is not None and period not in Period.containing(today).last_four():
        # Units catch up on the last year at most; older history is the system's to load.
        raise ValidationError({"quarter": _("只能填报本季度及前三个季度的进展。")})
    report = (
        TaskReport.objects.select_for_update()
        .filter(task=task, unit=unit, year=period.year, quarter=period.quarter)
        .first()
    )
    if report is None:
        report = TaskReport(task=task, unit=unit, year=period.year, quarter=period.quarter)
    elif report.review_state == ReviewState.ACCEPTED:
        raise ValidationError({"status": _("%(period)s 的报告已审核通过，不能再修改。") % {"period": period}})
    report.status = status
    report.text = (text or "").strip()
    report.figures = figures if figures is not None else []
    if attachment is not None:
        report.attachment = attachment
    report.author = by
    report.submitted_at = timezone.now()
    report.review_state = ReviewState.SUBMITTED
    report.review_reason = ""
    report.reviewer = None
    report.reviewed_at = None
    report._history_user = by
    return save_validated(report)


@transaction.atomic
def task_report_review(*, report: TaskReport, accept: bool, reason: str = "", by) -> TaskReport:
    """The bureau accepts a submitted report or returns it with a reason (shown to the unit)."""
    require_bureau(by, _("只有教育局可以审核任务进展。"))
    report = TaskReport.objects.select_for_update().get(pk=report.pk)
    if report.review_state != ReviewState.SUBMITTED:
        raise ValidationError({"review_state": _("只有待审核的报告可以审核。")})
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"review_reason": _("退回时请填写退回原因。")})
    report.review_state = ReviewState.ACCEPTED if accept else ReviewState.RETURNED
    report.review_reason = "" if accept else reason
    report.reviewer = by
    report.reviewed_at = timezone.now()
    report._history_user = by
    return save_validated(report)
