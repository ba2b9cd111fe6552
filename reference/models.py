"""Reference data (SPEC 2): industries, clusters, majors. Tables keep the names of the apps they
came from (state-only move), so no data moved."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import rules
from .choices import MajorLevel
from .scoping import ReferenceQuerySet
from .validators import validate_industry_code, validate_industry_codes


class Industry(models.Model):
    """A class of 国民经济行业分类 (GB/T 4754-2017); codes nest by prefix (C36 contains C3670)."""

    code = models.CharField(_("行业代码"), max_length=8, unique=True, validators=[validate_industry_code])
    name = models.CharField(_("行业名称"), max_length=100)
    parent_code = models.CharField(_("上级代码"), max_length=8, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords(table_name="enterprises_historicalindustry")

    class Meta:
        db_table = "enterprises_industry"
        verbose_name = _("行业")
        verbose_name_plural = _("行业")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        if self.parent_code and not self.code.startswith(self.parent_code):
            raise ValidationError({"parent_code": _("上级代码必须是本行业代码的前缀。")})


class IndustryCluster(models.Model):
    """A 重点产业集群: a named set of industry codes; key clusters may not overlap by prefix."""

    code = models.CharField(_("集群代码"), max_length=20, unique=True)
    name = models.CharField(_("集群名称"), max_length=100)
    industry_codes = models.JSONField(_("行业代码"), default=list, validators=[validate_industry_codes])
    is_key = models.BooleanField(_("重点集群"), default=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords(table_name="enterprises_historicalindustrycluster")

    class Meta:
        db_table = "enterprises_industrycluster"
        verbose_name = _("产业集群")
        verbose_name_plural = _("产业集群")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    def clean(self):
        if not self.is_key or not isinstance(self.industry_codes, list):
            return
        others = IndustryCluster.objects.filter(is_key=True).exclude(pk=self.pk)
        error = rules.cluster_overlap_error(self.industry_codes, others.values_list("code", "name", "industry_codes"))
        if error:
            raise ValidationError({"industry_codes": error})


class Major(models.Model):
    """A major of the 职业教育专业目录 (2021) with the industries it prepares for."""

    code = models.CharField(
        _("专业代码"), max_length=6, unique=True, validators=[RegexValidator(r"^\d{6}$", _("专业代码应为6位数字。"))]
    )
    name = models.CharField(_("专业名称"), max_length=100)
    level = models.CharField(_("层次"), max_length=10, choices=MajorLevel.choices)
    industry_codes = models.JSONField(_("对应行业"), default=list, validators=[validate_industry_codes])
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords(table_name="programs_historicalmajor")

    class Meta:
        db_table = "programs_major"
        verbose_name = _("专业")
        verbose_name_plural = _("专业")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class District(models.Model):
    """A 区县 of the city (GB/T 2260 code). The bureau keeps the list; every college's and enterprise's
    district is one of these names."""

    code = models.CharField(
        _("区划代码"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^\d{6}$", _("区划代码应为6位数字（GB/T 2260）。"))],
        help_text=_("GB/T 2260，如 320803；由名称生成的区县可暂不填写"),
    )
    name = models.CharField(_("区县名称"), max_length=50, unique=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("区县")
        verbose_name_plural = _("区县")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~models.Q(code=""), name="district_code_unique")
        ]

    def __str__(self):
        return self.name


class PriorityMajor(models.Model):
    """An entry of the 优先发展专业目录: a major, optionally for a cluster, in force from a date (and until one).

    In the directory on date D: effective_from ≤ D and (effective_to empty or effective_to ≥ D).
    """

    major = models.ForeignKey(
        Major,
        verbose_name=_("专业"),
        to_field="code",
        db_column="major_code",
        on_delete=models.PROTECT,
        related_name="priority_entries",
    )
    cluster = models.ForeignKey(
        IndustryCluster,
        verbose_name=_("产业集群"),
        to_field="code",
        db_column="cluster_code",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="priority_majors",
    )
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True, help_text=_("含当日；留空为长期有效"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("优先发展专业")
        verbose_name_plural = _("优先发展专业目录")
        ordering = ["major_id", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["major", "effective_from"], name="one_priority_entry_per_major_and_start"),
            models.CheckConstraint(
                name="priority_major_ends_after_start",
                condition=models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=models.F("effective_from")),
                violation_error_message=_("失效日期不能早于生效日期。"),
            ),
        ]

    def __str__(self):
        return f"{self.major_id} {self.effective_from}–{self.effective_to or ''}"

    def clean(self):
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("失效日期不能早于生效日期。")})
