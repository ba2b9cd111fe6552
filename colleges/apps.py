from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollegesConfig(AppConfig):
    name = "colleges"
    verbose_name = _("院校与合作")
