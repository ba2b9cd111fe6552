from django.db import models
from django.utils.translation import gettext_lazy as _


class Scale(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class EnterpriseTag(models.TextChoices):
    ABOVE_SCALE = "above_scale", _("规上企业")
    SPECIALIZED = "specialized", _("专精特新")
    LITTLE_GIANT = "little_giant", _("小巨人")
    CHAIN_LEADER = "chain_leader", _("链主企业")
