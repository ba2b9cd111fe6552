from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reference import rules as reference_rules
from reference.models import Industry

from . import rules
from .choices import Scale
from .scoping import EnterpriseQuerySet
from .validators import validate_uscc


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
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = EnterpriseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["uscc"]

    def __str__(self):
        return self.name

    def clean(self):
        if not isinstance(self.tags, list):
            raise ValidationError({"tags": _("企业标签必须是列表。")})
        errors = {
            "tags": rules.unknown_tags_error(self.tags),
            "district": reference_rules.district_error(self.district),
        }
        if any(errors.values()):
            raise ValidationError({field: message for field, message in errors.items() if message})
