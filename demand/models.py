"""Demand lists (一企一清单), their items, the items' status history and their assignment to colleges.

Tables keep the names of the apps they came from (enterprises, colleges: a state-only move)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from colleges.models import College
from enterprises.models import Enterprise
from portal.numbers import validate_people
from portal.periods import quarter_label
from reference.models import Industry

from .choices import (
    COUNTED_LIST_STATUSES,
    UNFINISHED_ITEM_STATUSES,
    ClaimStatus,
    EventKind,
    ItemKind,
    ItemStatus,
    ListStatus,
    ProposalStatus,
)
from .scoping import (
    DemandAssignmentQuerySet,
    DemandClaimQuerySet,
    DemandItemQuerySet,
    DemandListQuerySet,
    FulfilmentProposalQuerySet,
)


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
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = DemandListQuerySet.as_manager()
    history = HistoricalRecords(table_name="enterprises_historicaldemandlist")

    class Meta:
        db_table = "enterprises_demandlist"
        verbose_name = _("需求清单")
        verbose_name_plural = _("需求清单")
        ordering = ["-year", "-quarter", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "quarter"],
                name="one_list_per_enterprise_quarter",
                violation_error_message=_("该企业这一季度的需求清单已存在。"),
            ),
            models.CheckConstraint(name="list_quarter_1_to_4", condition=models.Q(quarter__gte=1, quarter__lte=4)),
        ]
        indexes = [
            models.Index(fields=["year", "quarter", "status"]),
            # The API's and pages' "items of year Y" join walks lists by year (bench: count 550 → 300 ms).
            models.Index(fields=["year", "id"]),
        ]

    def __str__(self):
        return f"{self.enterprise} {quarter_label(self.year, self.quarter)}"

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
    headcount = models.PositiveIntegerField(_("需求人数"), null=True, blank=True, validators=[validate_people])
    due_on = models.DateField(_("期望完成日期"))
    status = models.CharField(_("状态"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    fulfilled_on = models.DateField(_("销号日期"), null=True, blank=True)
    fulfilled_headcount = models.PositiveIntegerField(
        _("实际满足人数"), null=True, blank=True, validators=[validate_people]
    )
    # 公开揭榜: the enterprise offers the item to every college, which may claim it (DemandClaim).
    claims_open = models.BooleanField(_("公开揭榜"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)
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
    history = HistoricalRecords(
        table_name="enterprises_historicaldemanditem", excluded_fields=["year", "quarter", "list_status"]
    )

    class Meta:
        db_table = "enterprises_demanditem"
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
            # The few items open for claims (公开揭榜), found without walking the table (a college's home counts them).
            models.Index(fields=["due_on", "id"], condition=models.Q(claims_open=True), name="item_claims_open_idx"),
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

        # The rule of demand.selectors.overdue_q, for one loaded item.
        return self.status in UNFINISHED_ITEM_STATUSES and self.due_on < timezone.localdate()

    @property
    def over_delivered(self) -> int:
        """How many people more than requested were delivered at 销号 (confirmed then), else 0."""
        if self.fulfilled_headcount is None or self.headcount is None:
            return 0
        return max(0, self.fulfilled_headcount - self.headcount)


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
            .update(year=year, quarter=quarter, list_status=status, updated_at=timezone.now())
        )
    return changed


class DemandItemEvent(models.Model):
    """One entry of a demand item's history, kept forever: a status change (from, to) or, by `kind`, a
    college's progress note, a fulfilment proposal and the bureau's answer, the opening of claims and a claim.
    Entries that change nothing keep from_status = to_status."""

    item = models.ForeignKey(DemandItem, verbose_name=_("需求事项"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(
        _("类别"), max_length=16, choices=EventKind.choices, default=EventKind.STATUS, db_default=EventKind.STATUS
    )
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
    # The college an entry concerns (an assignment, its progress, its claim): shown to that college and the
    # bureau; other colleges do not read its note (demand.selectors.item_history).
    college = models.ForeignKey(
        College, verbose_name=_("相关院校"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "enterprises_demanditemevent"
        verbose_name = _("需求状态变更")
        verbose_name_plural = _("需求状态变更")
        ordering = ["item_id", "at", "id"]

    def __str__(self):
        return f"{self.item_id}: {self.from_status} → {self.to_status}"


class DemandAssignment(models.Model):
    """The bureau assigns a demand item to a college that is to fill it."""

    item = models.ForeignKey(
        DemandItem, verbose_name=_("需求事项"), on_delete=models.CASCADE, related_name="assignments"
    )
    college = models.ForeignKey(
        College, verbose_name=_("承接院校"), on_delete=models.CASCADE, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分派人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("分派时间"), auto_now_add=True)

    objects = DemandAssignmentQuerySet.as_manager()

    class Meta:
        db_table = "colleges_demandassignment"
        verbose_name = _("需求分派")
        verbose_name_plural = _("需求分派")
        constraints = [models.UniqueConstraint(fields=["item", "college"], name="one_assignment_per_college")]

    def __str__(self):
        return f"{self.item} → {self.college}"


class FulfilmentProposal(models.Model):
    """A college proposes to tick an assigned item off (销号) with the headcount it delivered and the date;
    the bureau confirms it (the item becomes fulfilled with these figures) or sends it back with a reason."""

    item = models.ForeignKey(
        DemandItem, verbose_name=_("需求事项"), on_delete=models.CASCADE, related_name="fulfilment_proposals"
    )
    college = models.ForeignKey(College, verbose_name=_("申请院校"), on_delete=models.CASCADE, related_name="+")
    headcount = models.PositiveIntegerField(_("实际满足人数"), null=True, blank=True, validators=[validate_people])
    fulfilled_on = models.DateField(_("完成日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.CharField(_("退回原因"), max_length=300, blank=True)

    objects = FulfilmentProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("销号申请")
        verbose_name_plural = _("销号申请")
        ordering = ["proposed_at", "id"]
        constraints = [
            # One proposal waits for the bureau at a time per item.
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(status="pending"), name="one_pending_proposal_per_item"
            ),
        ]

    def __str__(self):
        return f"{self.item} ← {self.college}"


class DemandClaim(models.Model):
    """A college claims an item open for claims (揭榜) with a short plan; the bureau approves one claim
    (it becomes a DemandAssignment) or declines it. One claim per college and item."""

    item = models.ForeignKey(DemandItem, verbose_name=_("需求事项"), on_delete=models.CASCADE, related_name="claims")
    college = models.ForeignKey(College, verbose_name=_("揭榜院校"), on_delete=models.CASCADE, related_name="+")
    plan = models.CharField(_("承接方案"), max_length=500)
    headcount = models.PositiveIntegerField(_("计划满足人数"), null=True, blank=True, validators=[validate_people])
    status = models.CharField(_("状态"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("揭榜人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("揭榜时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.CharField(_("说明"), max_length=300, blank=True)

    objects = DemandClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("揭榜申请")
        verbose_name_plural = _("揭榜申请")
        ordering = ["claimed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "college"], name="one_claim_per_college_item")]

    def __str__(self):
        return f"{self.item} ← {self.college}"
