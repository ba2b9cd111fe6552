from django.db import models
from django.utils.translation import gettext_lazy as _


class Schooling(models.TextChoices):
    SECONDARY = "secondary", _("中职")
    HIGHER_3YR = "3yr_higher", _("三年制高职")
    HIGHER_5YR = "5yr_higher", _("五年制高职")
    BACHELOR = "bachelor", _("职业本科")


class EnrollmentStatus(models.TextChoices):
    NORMAL = "normal", _("正常招生")
    RESTRICTED = "restricted", _("限制招生")
    STOPPED = "stopped", _("停止招生")


class OrderClassKind(models.TextChoices):
    ORDER = "order", _("订单班")
    NAMED = "named", _("冠名班")
