from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enterprises.models import Enterprise

from .choices import PolicyCategory, PolicyStatus
from .scoping import DeliveryQuerySet, FeedbackQuerySet, PolicyCardQuerySet


class PolicyCard(models.Model):
    """惠企政策明白卡: a policy explained on one card, delivered on publishing to its audience."""

    title = models.CharField(_("标题"), max_length=200)
    category = models.CharField(_("类别"), max_length=10, choices=PolicyCategory.choices)
    summary = models.CharField(_("摘要"), max_length=500)
    body = models.TextField(_("正文"))
    issuer = models.CharField(_("发文单位"), max_length=100)
    document_no = models.CharField(_("文号"), max_length=100, blank=True)
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    # Empty audience_tags = every enterprise; otherwise enterprises carrying any of the tags.
    audience_tags = models.JSONField(_("适用企业标签"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
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

    objects = PolicyCardQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("政策明白卡")
        verbose_name_plural = _("政策明白卡")
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return self.title

    def clean(self):
        from enterprises.choices import EnterpriseTag

        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("失效日期不能早于生效日期。")})
        if not isinstance(self.audience_tags, list) or any(t not in EnterpriseTag.values for t in self.audience_tags):
            raise ValidationError(
                {"audience_tags": _("适用企业标签只能是：%(tags)s") % {"tags": ", ".join(EnterpriseTag.values)}}
            )


class PolicyDelivery(models.Model):
    """A published card delivered to one enterprise, and when that enterprise acknowledged it (已知晓)."""

    card = models.ForeignKey(PolicyCard, verbose_name=_("政策卡"), on_delete=models.CASCADE, related_name="deliveries")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="policy_deliveries"
    )
    delivered_at = models.DateTimeField(_("送达时间"))
    acknowledged_at = models.DateTimeField(_("知晓时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("政策送达")
        verbose_name_plural = _("政策送达")
        ordering = ["-delivered_at", "id"]
        constraints = [models.UniqueConstraint(fields=["card", "enterprise"], name="one_delivery_per_enterprise")]

    def __str__(self):
        return f"{self.card} → {self.enterprise}"


class PolicyFeedback(models.Model):
    """政策落实回头看: the bureau samples an enterprise in a quarter; the enterprise answers."""

    card = models.ForeignKey(PolicyCard, verbose_name=_("政策卡"), on_delete=models.CASCADE, related_name="feedback")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="policy_feedback"
    )
    year = models.PositiveIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    requested_at = models.DateTimeField(_("抽样时间"), auto_now_add=True)
    benefited = models.BooleanField(_("是否享受"), null=True, blank=True)
    comment = models.TextField(_("意见建议"), blank=True)
    answered_at = models.DateTimeField(_("回复时间"), null=True, blank=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("政策落实回访")
        verbose_name_plural = _("政策落实回访")
        ordering = ["-year", "-quarter", "id"]
        constraints = [
            models.UniqueConstraint(fields=["card", "enterprise", "year", "quarter"], name="one_feedback_per_quarter"),
            models.CheckConstraint(name="feedback_quarter_1_to_4", condition=models.Q(quarter__gte=1, quarter__lte=4)),
        ]

    def __str__(self):
        return f"{self.card} · {self.enterprise} {self.year}Q{self.quarter}"
