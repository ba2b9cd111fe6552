from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enterprises.models import Enterprise
from portal.numbers import validate_people
from reference import rules as reference_rules
from reference.models import IndustryCluster

from .choices import BaseKind, CollegeKind
from .scoping import (
    CollegeOwnedQuerySet,
    CollegeQuerySet,
    IndustryCollegeQuerySet,
    TrainingBaseQuerySet,
)


class College(models.Model):
    """A vocational college (职业院校) of the city."""

    code = models.CharField(_("院校代码"), max_length=20, unique=True)
    name = models.CharField(_("院校名称"), max_length=200)
    kind = models.CharField(_("办学层次"), max_length=12, choices=CollegeKind.choices)
    district = models.CharField(_("所在区县"), max_length=50, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = CollegeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("院校")
        verbose_name_plural = _("院校")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def clean(self):
        error = reference_rules.district_error(self.district)
        if error:
            raise ValidationError({"district": error})


def _check_dates(start_field, end_field, start, end):
    if start and end and end < start:
        raise ValidationError({end_field: _("结束日期不能早于开始日期。")})


def closed_before_established(established_on, closed_on) -> dict:
    """SPEC 7: a program or training base that closes before it opens is refused, in forms and imports
    alike (the model's clean(), which both run). Returns the error by field, empty when the dates fit."""
    if established_on and closed_on and closed_on < established_on:
        return {"closed_on": _("撤销日期不能早于设立日期。")}
    return {}


class IndustryCollege(models.Model):
    """产业学院 / 产教联合体 of a college, serving a cluster, with partner enterprises (some chain leaders)."""

    code = models.CharField(_("编号"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    college = models.ForeignKey(
        College, verbose_name=_("牵头院校"), on_delete=models.CASCADE, related_name="industry_colleges"
    )
    cluster = models.ForeignKey(
        IndustryCluster, verbose_name=_("对接产业集群"), on_delete=models.PROTECT, related_name="industry_colleges"
    )
    established_on = models.DateField(_("成立日期"))
    partners = models.ManyToManyField(
        Enterprise, verbose_name=_("合作企业"), through="IndustryCollegePartner", related_name="industry_colleges"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = IndustryCollegeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("产业学院")
        verbose_name_plural = _("产业学院")
        ordering = ["code"]

    def __str__(self):
        return self.name


class IndustryCollegePartner(models.Model):
    """A partner enterprise of an industry college; `is_chain_leader` marks the 链主 partners."""

    industry_college = models.ForeignKey(IndustryCollege, on_delete=models.CASCADE, related_name="partnerships")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="+")
    is_chain_leader = models.BooleanField(_("链主企业"), default=False)

    class Meta:
        verbose_name = _("产业学院合作企业")
        verbose_name_plural = _("产业学院合作企业")
        constraints = [models.UniqueConstraint(fields=["industry_college", "enterprise"], name="one_partnership")]

    def __str__(self):
        return f"{self.industry_college} · {self.enterprise}"


class TrainingBase(models.Model):
    """实训基地 owned by a college and/or an enterprise; counted when certified and active.

    Like a program, a base closed before it was established is kept and never active.
    """

    code = models.CharField(_("编号"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    college = models.ForeignKey(
        College,
        verbose_name=_("所属院校"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="training_bases",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="training_bases",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=BaseKind.choices)
    certified = models.BooleanField(_("已认定"), default=False)
    established_on = models.DateField(_("建成日期"))
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = TrainingBaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("实训基地")
        verbose_name_plural = _("实训基地")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="base_has_owner", condition=models.Q(college__isnull=False) | models.Q(enterprise__isnull=False)
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = closed_before_established(self.established_on, self.closed_on)
        if not self.college_id and not self.enterprise_id:
            errors["college"] = _("实训基地至少要有一个所属院校或所属企业。")
        if errors:
            raise ValidationError(errors)


class CooperationProject(models.Model):
    """产学合作协同育人项目 between a college and an enterprise."""

    code = models.CharField(_("编号"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    college = models.ForeignKey(College, verbose_name=_("院校"), on_delete=models.CASCADE, related_name="projects")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="projects"
    )
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = CollegeOwnedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("协同育人项目")
        verbose_name_plural = _("协同育人项目")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def clean(self):
        _check_dates("started_on", "ended_on", self.started_on, self.ended_on)


class TrainingSession(models.Model):
    """职工技能培训: a college trains an enterprise's staff on a day."""

    college = models.ForeignKey(
        College, verbose_name=_("院校"), on_delete=models.CASCADE, related_name="training_sessions"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="training_sessions"
    )
    title = models.CharField(_("培训名称"), max_length=200)
    held_on = models.DateField(_("培训日期"))
    trainees = models.PositiveIntegerField(_("培训人次"), validators=[validate_people, MinValueValidator(1)])
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = CollegeOwnedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("职工技能培训")
        verbose_name_plural = _("职工技能培训")
        ordering = ["-held_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["college", "enterprise", "title", "held_on"], name="one_session_per_day"),
            models.CheckConstraint(name="session_trainees_positive", condition=models.Q(trainees__gt=0)),
        ]

    def __str__(self):
        return self.title
