from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.numbers import validate_finite
from programs.models import Program
from reference.choices import MajorLevel

from .choices import (
    ACTIVE_STATUSES,
    AlertDecision,
    AlertStatus,
    Comparator,
    Metric,
    ReviewComparator,
    ReviewFigure,
    ReviewLevel,
    RunStatus,
    ScopeType,
)
from .scoping import (
    AlertQuerySet,
    MetricRunQuerySet,
    ReviewRuleQuerySet,
    ScenarioQuerySet,
    SnapshotQuerySet,
    SupplyDemandMajorRowQuerySet,
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
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

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

    objects = SupplyDemandMajorRowQuerySet.as_manager()

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
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

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
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = TargetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.get_metric_display()} {self.comparator} {self.threshold}"


class ReviewRule(models.Model):
    """A review rule of the bureau (SPEC 4.4): a program figure tested in its N latest years with data,
    either against a threshold (`comparator` + `threshold`) or against the bottom p % of the city's
    programs of the same level (`bottom_percent`) — exactly one of the two."""

    code = models.SlugField(_("规则代码"), max_length=40, unique=True)
    name = models.CharField(_("规则名称"), max_length=200)
    figure = models.CharField(_("考核指标"), max_length=20, choices=ReviewFigure.choices)
    years = models.PositiveSmallIntegerField(
        _("连续年数"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    level = models.CharField(_("预警等级"), max_length=6, choices=ReviewLevel.choices, default=ReviewLevel.YELLOW)
    active = models.BooleanField(_("启用"), default=True)
    source = models.CharField(_("政策依据"), max_length=300, blank=True)
    comparator = models.CharField(_("比较"), max_length=3, choices=ReviewComparator.choices, blank=True)
    threshold = models.FloatField(_("阈值"), null=True, blank=True, validators=[validate_finite])
    bottom_percent = models.FloatField(
        _("末位百分比"), null=True, blank=True, validators=[validate_finite], help_text=_("0 < p < 100")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = ReviewRuleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")
        ordering = ["code"]
        constraints = [
            # The database keeps what clean() says, for writes that skip it (admin actions, SQL).
            models.CheckConstraint(
                condition=(
                    models.Q(comparator__in=ReviewComparator.values, threshold__isnull=False, bottom_percent=None)
                    | models.Q(comparator="", threshold=None, bottom_percent__gt=0, bottom_percent__lt=100)
                ),
                name="review_rule_exactly_one_test",
            ),
            models.CheckConstraint(condition=models.Q(years__gte=1), name="review_rule_years_at_least_one"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_bottom(self) -> bool:
        return self.bottom_percent is not None

    def test_label(self) -> str:
        """The test in words, e.g. "< 0.6" or "末位 10%"."""
        if self.is_bottom:
            return _("同层次末位 %(p)s%%") % {"p": f"{self.bottom_percent:g}"}
        return f"{ReviewComparator(self.comparator).label} {self.threshold:g}" if self.comparator else ""

    def clean(self):
        """Exactly one test: a comparator with a threshold, or a bottom percent in (0, 100)."""
        threshold_test = bool(self.comparator) or self.threshold is not None
        bottom_test = self.bottom_percent is not None
        if threshold_test and bottom_test:
            raise ValidationError({"bottom_percent": _("阈值检验与末位百分比检验只能设一种。")})
        if not threshold_test and not bottom_test:
            message = _("请设置阈值检验（比较 + 阈值）或末位百分比检验之一。")
            raise ValidationError({"threshold": message, "bottom_percent": message})
        if bottom_test and not 0 < self.bottom_percent < 100:
            raise ValidationError({"bottom_percent": _("末位百分比须大于 0 且小于 100。")})
        if threshold_test and not self.comparator:
            raise ValidationError({"comparator": _("阈值检验须选择比较方式。")})
        if threshold_test and self.threshold is None:
            raise ValidationError({"threshold": _("阈值检验须填写阈值。")})


class Alert(models.Model):
    """专业预警 (SPEC 4.4): a program that tripped review rules for a year, the rules it tripped (`trips`),
    the college's rectification plan (整改说明) and the bureau's decision. Status stays `open` until the
    decision; `rates` keeps the program's in-field rates of the years looked at (the field of the first,
    60 % rule, read by older API clients)."""

    program = models.ForeignKey(Program, verbose_name=_("专业点"), on_delete=models.CASCADE, related_name="alerts")
    year = models.PositiveIntegerField(_("年度"))
    level = models.CharField(_("预警等级"), max_length=6, choices=ReviewLevel.choices, default=ReviewLevel.RED)
    trips = models.JSONField(_("触发规则"), default=list, blank=True)
    rates = models.JSONField(_("对口就业率"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    raised_at = models.DateTimeField(_("预警时间"), auto_now_add=True)
    run = models.ForeignKey(MetricRun, verbose_name=_("计算任务"), null=True, blank=True, on_delete=models.SET_NULL)
    answer_plan = models.TextField(_("整改说明"), blank=True)
    answer_targets = models.TextField(_("整改目标"), blank=True, help_text=_("如：2026 年对口就业率达到 65%"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("整改说明提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("整改说明提交时间"), null=True, blank=True)
    decision = models.CharField(_("研判结果"), max_length=8, choices=AlertDecision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("研判人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("研判时间"), null=True, blank=True)
    note = models.TextField(_("研判理由"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = AlertQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("专业预警")
        verbose_name_plural = _("专业预警")
        ordering = ["-year", "status", "id"]
        constraints = [models.UniqueConstraint(fields=["program", "year"], name="one_alert_per_program_year")]

    def __str__(self):
        return f"{self.program} {self.year}"

    @property
    def is_decided(self) -> bool:
        return self.status != AlertStatus.OPEN


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
