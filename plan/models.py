"""The city plan's tasks (SPEC 4.5): units responsible for them, the tasks and their quarterly reports."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import ProgressStatus, ReviewState
from .scoping import TaskQuerySet, TaskReportQuerySet, UnitQuerySet

ATTACHMENT_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "zip"]
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def attachment_size(file) -> None:
    if file and file.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("附件不能超过 %(mb)s MB。") % {"mb": ATTACHMENT_MAX_BYTES // (1024 * 1024)}, code="too_large"
        )


def attachment_path(report, filename: str) -> str:
    # The stored name never carries the uploader's path; the download view names the file again.
    return f"task-reports/{report.year}Q{report.quarter}/{PurePath(filename).name}"


class Unit(models.Model):
    """责任单位: a unit named on plan tasks (市发展改革委, 市人力资源社会保障局 …). The bureau keeps the list."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = UnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Task(models.Model):
    """One task of the plan's division of work (重点任务分工), with its lead and co-responsible units."""

    code = models.CharField(_("编号"), max_length=20, unique=True)
    title = models.CharField(_("任务"), max_length=300)
    content = models.TextField(_("任务内容"), blank=True)
    lead_units = models.ManyToManyField(Unit, verbose_name=_("牵头单位"), related_name="led_tasks")
    co_units = models.ManyToManyField(Unit, verbose_name=_("责任单位"), related_name="co_tasks", blank=True)
    due_on = models.DateField(_("完成时限"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = TaskQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[lead_units, co_units])

    class Meta:
        verbose_name = _("重点任务")
        verbose_name_plural = _("重点任务")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.title}"


class TaskReport(models.Model):
    """A unit's progress report on a task for one quarter; reviewed by the bureau.

    One per task, unit and quarter: resubmitting after a return updates the same row (its history
    keeps every version, the return reasons included). `figures` is a list of {"label", "value"}
    pairs (both short text: "新增订单班: 12个"), so units report whatever their task counts.
    """

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    status = models.CharField(_("进展状态"), max_length=12, choices=ProgressStatus.choices)
    text = models.TextField(_("进展情况"))
    figures = models.JSONField(_("数据"), default=list, blank=True)
    attachment = models.FileField(
        _("附件"),
        upload_to=attachment_path,
        max_length=200,
        blank=True,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS), attachment_size],
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    review_state = models.CharField(
        _("审核状态"), max_length=10, choices=ReviewState.choices, default=ReviewState.SUBMITTED
    )
    review_reason = models.TextField(_("退回原因"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = TaskReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("任务进展报告")
        verbose_name_plural = _("任务进展报告")
        ordering = ["task__code", "-year", "-quarter", "unit__order", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit", "year", "quarter"], name="one_task_report_per_quarter"),
            models.CheckConstraint(
                name="task_report_quarter_1_to_4", condition=models.Q(quarter__gte=1, quarter__lte=4)
            ),
            models.CheckConstraint(
                name="task_report_returned_has_reason",
                condition=~models.Q(review_state="returned") | ~models.Q(review_reason=""),
            ),
        ]

    def __str__(self):
        return f"{self.task.code} · {self.unit} {self.year}Q{self.quarter}"

    def clean(self):
        figures = self.figures
        if not isinstance(figures, list) or any(
            not isinstance(row, dict)
            or set(row) != {"label", "value"}
            or not all(isinstance(row[key], str) and 0 < len(row[key].strip()) <= 100 for key in ("label", "value"))
            for row in figures
        ):
            raise ValidationError({"figures": _("数据应为若干「名称：数值」，每项名称和数值均不超过 100 字。")})
        if len(figures) > 20:
            raise ValidationError({"figures": _("数据最多 20 项。")})
