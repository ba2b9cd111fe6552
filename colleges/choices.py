from django.db import models
from django.utils.translation import gettext_lazy as _


class CollegeKind(models.TextChoices):
    SECONDARY = "secondary", _("中等职业学校")
    HIGHER = "higher", _("高职专科院校")
    BACHELOR = "bachelor", _("职业本科院校")
    TECHNICIAN = "technician", _("技工院校")


class BaseKind(models.TextChoices):
    SCHOOL_FACTORY = "school_factory", _("校中厂")
    FACTORY_SCHOOL = "factory_school", _("厂中校")
    PUBLIC = "public", _("公共实训基地")
