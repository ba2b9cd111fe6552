from django.db import models
from django.utils.translation import gettext_lazy as _


class MajorLevel(models.TextChoices):
    SECONDARY = "secondary", _("中职")
    HIGHER = "higher", _("高职专科")
    BACHELOR = "bachelor", _("职业本科")
