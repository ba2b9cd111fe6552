from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import COUNTED_LIST_STATUSES, UNFINISHED_ITEM_STATUSES, ItemKind, ItemStatus, ListStatus, Scale
from .scoping import (
    DemandItemQuerySet,
    DemandListQuerySet,
    EnterpriseQuerySet,
    ReferenceQuerySet,
)
from .validators import codes_match, validate_industry_code, validate_industry_codes, validate_uscc


class Industry(models.Model):
    """A class of 国民经济行业分类 (GB/T 4754-2017); codes nest by prefix (C36 contains C3670)."""

    code = models.CharField(_("行业代码"), max_length=8, unique=True, validators=[validate_industry_code])
    name = models.CharField(_("行业名称"), max_length=100)
    parent_code = models.CharField(_("上级代码"), max_length=8, blank=True)

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
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

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("产业集群")
        verbose_name_plural = _("产业集群")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    def clean(self):
        if not self.is_key or not isinstance(self.industry_codes, list):
            return
        others = IndustryCluster.objects.filter(is_key=True).exclude(pk=self.pk)
        for other in others:
            clash = overlapping_codes(self.industry_codes, other.industry_codes)
            if clash:
                raise ValidationError(
                    {
                        "industry_codes": _(
                            "重点集群之间不得共享行业：%(mine)s 与集群「%(other)s」的 %(theirs)s 重叠。"
                        )
                        % {"mine": clash[0], "other": other.name, "theirs": clash[1]}
                    }
                )


def overlapping_codes(codes_a, codes_b):
    """The first pair (a, b) with a matching b by prefix, or None."""
    for a in codes_a:
        for b in codes_b:
            if codes_match(a, b):
                return (a, b)
    return None


class Enterprise(models.Model):
    """An enterprise (企业) identified by its 统一社会信用代码."""

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField(_("企业名称"), max_length=200)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("所属行业"),
        to_field="code",
        db_column="industry_code",
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    district = models.CharField(_("所在区县"), max_length=50, db_index=True)
    scale = models.CharField(_("企业规模"), max_length=10, choices=Scale.choices)
    tags = models.JSONField(_("企业标签"), default=list, blank=True)
    integration_certified_on = models.DateField(_("产教融合型企业认定日期"), null=True, blank=True)

    objects = EnterpriseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["uscc"]

    def __str__(self):
        return self.name

    def clean(self):
        from .choices import EnterpriseTag

        if not isinstance(self.tags, list):
            raise ValidationError({"tags": _("企业标签必须是列表。")})
        unknown = [tag for tag in self.tags if tag not in EnterpriseTag.values]
        if unknown:
            raise ValidationError({"tags": _("未知的企业标签：%(tags)s") % {"tags": "、".join(unknown)}})


def quarter_end(year: int, quarter: int):
    import datetime

    month = quarter * 3
    next_first = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return next_first - datetime.timedelta(days=1)


class DemandList(models.Model):
    """一企一清单: one enterprise's demand list for one quarter (draft → submitted → accepted / returned)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="demand_lists"
    )
    year = models.PositiveIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    status = models.CharField(_("状态"), max_length=10, choices=ListStatus.choices, default=ListStatus.DRAFT)
    return_reason = models.TextField(_("退回原因"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = DemandListQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("需求清单")
        verbose_name_plural = _("需求清单")
        ordering = ["-year", "-quarter", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year", "quarter"], name="one_list_per_enterprise_quarter"),
            models.CheckConstraint(name="list_quarter_1_to_4", condition=models.Q(quarter__gte=1, quarter__lte=4)),
        ]
        indexes = [
            models.Index(fields=["year", "quarter", "status"]),
            # The API's and pages' "items of year Y" join walks lists by year (bench: count 550 → 300 ms).
            models.Index(fields=["year", "id"]),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.year}Q{self.quarter}"

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:
            copy_list_fields_to_items([self])

    @property
    def is_editable_by_enterprise(self) -> bool:
        return self.status in (ListStatus.DRAFT, ListStatus.RETURNED)


class DemandItem(models.Model):
    """One line of a demand list: talent, tech or training, tracked until fulfilled (销号) or cancelled."""

    demand_list = models.ForeignKey(
        DemandList, verbose_name=_("需求清单"), on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField(_("需求类型"), max_length=10, choices=ItemKind.choices)
    title = models.CharField(_("需求名称"), max_length=200)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("所属行业"),
        to_field="code",
        db_column="industry_code",
        on_delete=models.PROTECT,
        related_name="demand_items",
    )
    # The major catalogue lives a floor above (programs); the code is checked there on import and in forms.
    major_code = models.CharField(_("专业代码"), max_length=6, blank=True)
    headcount = models.PositiveIntegerField(_("需求人数"), null=True, blank=True)
    due_on = models.DateField(_("期望完成日期"))
    status = models.CharField(_("状态"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    fulfilled_on = models.DateField(_("销号日期"), null=True, blank=True)
    fulfilled_headcount = models.PositiveIntegerField(_("实际满足人数"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Copies of the list's period and status (LIST_FIELDS), so that the lists and counts people ask
    # for most ("open items of 2026", "overdue items of submitted lists") are answered from one
    # index of this table instead of a join over every list of the year (province bench: the count
    # of 140 000 open items 49 → ~20 ms, the overdue count 82 → ~15 ms). Kept equal to the list's by
    # save() here and by copy_list_fields_to_items() after any change of a list; never edited.
    year = models.PositiveIntegerField(_("年度"), editable=False)
    quarter = models.PositiveSmallIntegerField(_("季度"), editable=False)
    list_status = models.CharField(_("清单状态"), max_length=10, choices=ListStatus.choices, editable=False)

    objects = DemandItemQuerySet.as_manager()
    # The copies are the list's, audited there.
    history = HistoricalRecords(excluded_fields=["year", "quarter", "list_status"])

    class Meta:
        verbose_name = _("需求事项")
        verbose_name_plural = _("需求事项")
        ordering = ["demand_list_id", "id"]
        constraints = [
            models.CheckConstraint(
                name="item_headcount_positive_for_talent_training",
                condition=models.Q(kind="tech") | models.Q(headcount__gt=0),
            ),
            models.CheckConstraint(
                name="item_fulfilled_has_date",
                condition=~models.Q(status="fulfilled") | models.Q(fulfilled_on__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["status", "demand_list"]),
            # "Items of year Y with status S": the API's and pages' main list. Its page, newest first, walks
            # the first index; its count reads the second, whose repeated keys B-tree deduplication packs
            # ~12× smaller (province: 140 000 items counted in ~9 ms instead of ~16).
            models.Index(fields=["year", "status", "id"], name="item_year_status_idx"),
            models.Index(fields=["year", "status"], name="item_year_status_count_idx"),
            # Overdue items on the bureau home: unfinished items of counted lists, oldest due first.
            models.Index(
                fields=["due_on", "id"],
                condition=models.Q(status__in=UNFINISHED_ITEM_STATUSES, list_status__in=COUNTED_LIST_STATUSES),
                name="item_overdue_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.copy_list_fields()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        self.copy_list_fields()
        super().clean_fields(exclude=exclude)

    def clean(self):
        errors = {}
        if self.kind in (ItemKind.TALENT, ItemKind.TRAINING) and not (self.headcount and self.headcount > 0):
            errors["headcount"] = _("技能人才和员工培训需求的人数必须大于 0。")
        if self.major_code and not (len(self.major_code) == 6 and self.major_code.isdigit()):
            errors["major_code"] = _("专业代码应为6位数字。")
        if self.status == ItemStatus.FULFILLED and not self.fulfilled_on:
            errors["fulfilled_on"] = _("已销号的需求必须填写销号日期。")
        if self.status != ItemStatus.FULFILLED and (self.fulfilled_on or self.fulfilled_headcount is not None):
            errors["fulfilled_on"] = _("只有已销号的需求才能填写销号日期和人数。")
        if errors:
            raise ValidationError(errors)

    def copy_list_fields(self) -> None:
        """Take year, quarter and list_status from `self.demand_list` (services pass the locked, fresh row)."""
        if self.demand_list_id is not None:
            for field, list_field in LIST_FIELDS.items():
                setattr(self, field, getattr(self.demand_list, list_field))

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.status not in (ItemStatus.FULFILLED, ItemStatus.CANCELLED) and self.due_on < timezone.localdate()


# DemandItem field → the DemandList field it copies.
LIST_FIELDS = {"year": "year", "quarter": "quarter", "list_status": "status"}


def copy_list_fields_to_items(lists) -> int:
    """After lists changed (save, bulk import), give their items the lists' year, quarter and status again.

    One UPDATE per distinct (year, quarter, status) among `lists`, touching only items that differ;
    returns how many items changed.
    """
    groups: dict[tuple, list[int]] = {}
    for demand_list in lists:
        groups.setdefault((demand_list.year, demand_list.quarter, demand_list.status), []).append(demand_list.pk)
    changed = 0
    for (year, quarter, status), ids in groups.items():
        changed += (
            DemandItem.objects.filter(demand_list_id__in=ids)
            .exclude(year=year, quarter=quarter, list_status=status)
            .update(year=year, quarter=quarter, list_status=status)
        )
    return changed


class DemandItemEvent(models.Model):
    """One status change of a demand item: from, to, who and when (kept forever)."""

    item = models.ForeignKey(DemandItem, verbose_name=_("需求事项"), on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("原状态"), max_length=12, choices=ItemStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=ItemStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("需求状态变更")
        verbose_name_plural = _("需求状态变更")
        ordering = ["item_id", "at", "id"]

    def __str__(self):
        return f"{self.item_id}: {self.from_status} → {self.to_status}"
