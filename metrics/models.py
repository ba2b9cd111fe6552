from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.numbers import validate_finite
from programs.models import Program
from reference.choices import MajorLevel

from .choices import ACTIVE_STATUSES, AlertStatus, Comparator, Metric, RunStatus, ScopeType
from .scoping import (
    AlertQuerySet,
    MetricRunQuerySet,
    ScenarioQuerySet,
    SnapshotQuerySet,
    SupplyDemandRowQuerySet,
    TargetQuerySet,
)

QUARTER_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]


class MetricRun(models.Model):
    """One computation of every metric of a period: queued → running → succeeded | failed."""

    year = models.PositiveIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("季度"), validators=QUARTER_VALIDATORS)
    status = models.CharField(_("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress_done = models.PositiveIntegerField(_("已完成指标数"), default=0)
    progress_total = models.PositiveIntegerField(_("指标总数"), default=0)
    queued_at = models.DateTimeField(_("排队时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # Touched after every metric: a running run whose heartbeat stops is reaped as failed.
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    trigger = models.CharField(_("触发方式"), max_length=20, default="manual")
    # SPEC 4.2: counted talent items of the four quarters that named no major (not in the by-major table).
    items_without_major = models.PositiveIntegerField(_("未填专业的人才需求条数"), null=True, blank=True)

    objects = MetricRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标计算任务")
        verbose_name_plural = _("指标计算任务")
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["year", "quarter", "status"])]
        constraints = [
            # One queued or running run per period: concurrent requests get the same run (services).
            models.UniqueConstraint(
                fields=["year", "quarter"],
                condition=models.Q(status__in=ACTIVE_STATUSES),
                name="one_active_run_per_period",
            )
        ]

    def __str__(self):
        return f"{self.year}Q{self.quarter} #{self.pk} {self.get_status_display()}"

    @property
    def duration_s(self):
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class SupplyDemandRow(models.Model):
    """One line of a run's supply–demand table (SPEC 4.2): a scope's headcounts for one key cluster or
    `other`. Rows rather than one document per run, so a page reads only the scope it shows (a province
    run holds ~4 500 lines: 452 scopes × 10 buckets). Plain floats, rounded only for display.

    Rows of runs made before SPEC 4.2 keep the figures of their time: one quarter's demand, `graduates`
    as the supply, zeros for local graduates and the forecast; recomputing the period replaces them."""

    run = models.ForeignKey(
        MetricRun, verbose_name=_("计算任务"), on_delete=models.CASCADE, related_name="supply_demand"
    )
    scope_type = models.CharField(_("范围类型"), max_length=10, choices=ScopeType.choices)
    scope_id = models.CharField(_("范围标识"), max_length=50, blank=True)
    scope_name = models.CharField(_("范围名称"), max_length=200, blank=True)
    # Key clusters in their order, then `other`.
    position = models.PositiveSmallIntegerField(_("序号"))
    cluster = models.CharField(_("产业集群"), max_length=20)
    cluster_name = models.CharField(_("集群名称"), max_length=100)
    demand = models.FloatField(_("需求人数"), validators=[validate_finite])
    graduates = models.FloatField(_("毕业生数"), validators=[validate_finite])
    local_graduates = models.FloatField(_("本地就业毕业生数"), default=0.0, validators=[validate_finite])
    gap = models.FloatField(_("缺口（需求−本地就业）"), validators=[validate_finite])
    forecast_1 = models.FloatField(_("预计毕业生（Y+1）"), default=0.0, validators=[validate_finite])
    forecast_2 = models.FloatField(_("预计毕业生（Y+2）"), default=0.0, validators=[validate_finite])
    forecast_3 = models.FloatField(_("预计毕业生（Y+3）"), default=0.0, validators=[validate_finite])

    objects = SupplyDemandRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("供需对照")
        verbose_name_plural = _("供需对照")
        ordering = ["run", "scope_type", "scope_id", "position"]
        indexes = [models.Index(fields=["run", "scope_type", "scope_id", "position"])]

    def __str__(self):
        return f"{self.run_id} {self.scope_type}:{self.scope_id} {self.cluster}"


class SupplyDemandMajorRow(models.Model):
    """One line of a run's by-major table (SPEC 4.2, city only): which majors to add or shrink."""

    run = models.ForeignKey(
        MetricRun, verbose_name=_("计算任务"), on_delete=models.CASCADE, related_name="supply_demand_majors"
    )
    major_code = models.CharField(_("专业代码"), max_length=6)
    major_name = models.CharField(_("专业名称"), max_length=100)
    level = models.CharField(_("层次"), max_length=10, choices=MajorLevel.choices, blank=True)
    demand = models.FloatField(_("需求人数"))
    graduates = models.FloatField(_("毕业生数"))
    local_graduates = models.FloatField(_("本地就业毕业生数"))
    gap = models.FloatField(_("缺口（需求−本地就业）"))
    forecast_1 = models.FloatField(_("预计毕业生（Y+1）"))
    forecast_2 = models.FloatField(_("预计毕业生（Y+2）"))
    forecast_3 = models.FloatField(_("预计毕业生（Y+3）"))

    class Meta:
        verbose_name = _("供需对照（按专业）")
        verbose_name_plural = _("供需对照（按专业）")
        ordering = ["run", "major_code"]
        constraints = [models.UniqueConstraint(fields=["run", "major_code"], name="one_major_row_per_run")]

    def __str__(self):
        return f"{self.run_id} {self.major_code}"


class Snapshot(models.Model):
    """The value of one metric for one scope and period; a rerun replaces the period's set."""

    metric = models.CharField(_("指标"), max_length=40, choices=Metric.choices)
    scope_type = models.CharField(_("范围类型"), max_length=10, choices=ScopeType.choices)
    # city: ""; district: the district's name; college: the college's code.
    scope_id = models.CharField(_("范围标识"), max_length=50, blank=True)
    scope_name = models.CharField(_("范围名称"), max_length=200)
    year = models.PositiveIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), validators=QUARTER_VALIDATORS)
    value = models.FloatField(_("值"), null=True, blank=True, validators=[validate_finite])
    numerator = models.FloatField(_("分子"), null=True, blank=True, validators=[validate_finite])
    denominator = models.FloatField(_("分母"), null=True, blank=True, validators=[validate_finite])
    computed_at = models.DateTimeField(_("计算时间"))
    run = models.ForeignKey(MetricRun, verbose_name=_("计算任务"), on_delete=models.PROTECT, related_name="snapshots")

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标快照")
        verbose_name_plural = _("指标快照")
        ordering = ["year", "quarter", "metric", "scope_type", "scope_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "scope_type", "scope_id", "year", "quarter"], name="one_snapshot_per_scope_period"
            )
        ]
        indexes = [models.Index(fields=["year", "quarter", "scope_type"])]

    def __str__(self):
        return f"{self.metric} {self.scope_name} {self.year}Q{self.quarter} = {self.value}"


class Target(models.Model):
    """A commitment: a metric (for a scope) compared with a threshold by a deadline, from a policy clause."""

    metric = models.CharField(_("指标"), max_length=40, choices=Metric.choices)
    scope_type = models.CharField(_("范围类型"), max_length=10, choices=ScopeType.choices, default=ScopeType.CITY)
    scope_id = models.CharField(_("范围标识"), max_length=50, blank=True)
    comparator = models.CharField(_("比较"), max_length=2, choices=Comparator.choices, default=Comparator.GTE)
    threshold = models.FloatField(_("目标值"), validators=[validate_finite])
    deadline_year = models.PositiveIntegerField(_("完成年度"), null=True, blank=True)
    annual = models.BooleanField(_("按年度考核"), default=False, help_text=_("每年都要达到（如每年订单班数）"))
    source = models.CharField(_("政策依据"), max_length=300)
    order = models.PositiveIntegerField(_("排序"), default=0)

    objects = TargetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.get_metric_display()} {self.comparator} {self.threshold}"


class Alert(models.Model):
    """限制招生预警: a program whose in-field rate stayed below 60 % in its two latest years of data."""

    program = models.ForeignKey(Program, verbose_name=_("专业点"), on_delete=models.CASCADE, related_name="alerts")
    year = models.PositiveIntegerField(_("年度"))
    rates = models.JSONField(_("对口就业率"), default=dict)
    status = models.CharField(_("状态"), max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    raised_at = models.DateTimeField(_("预警时间"), auto_now_add=True)
    run = models.ForeignKey(MetricRun, verbose_name=_("计算任务"), null=True, blank=True, on_delete=models.SET_NULL)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("研判人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("研判时间"), null=True, blank=True)
    note = models.TextField(_("研判意见"), blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("限制招生预警")
        verbose_name_plural = _("限制招生预警")
        ordering = ["-year", "status", "id"]
        constraints = [models.UniqueConstraint(fields=["program", "year"], name="one_alert_per_program_year")]

    def __str__(self):
        return f"{self.program} {self.year}"


class Scenario(models.Model):
    """A what-if plan (SPEC 4.3): named program changes on top of a base period, kept by the bureau and
    shared by link. `changes` is the API's list of {"action": "open" | "set_intake" | "close", …}."""

    name = models.CharField(_("方案名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    year = models.PositiveIntegerField(_("基准年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("基准季度"), validators=QUARTER_VALIDATORS)
    changes = models.JSONField(_("专业调整"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = ScenarioQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("规划方案")
        verbose_name_plural = _("规划方案")
        ordering = ["-updated_at", "-id"]

    def __str__(self):
        return self.name
