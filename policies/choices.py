from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyCategory(models.TextChoices):
    TAX = "tax", _("税收优惠")
    FINANCE = "finance", _("财政奖补")
    LAND = "land", _("用地保障")
    CREDIT = "credit", _("金融信贷")
    TALENT = "talent", _("人才支持")
    OTHER = "other", _("其他")


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    ARCHIVED = "archived", _("已归档")
