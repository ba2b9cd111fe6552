from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollegesConfig(AppConfig):
    name = "colleges"
    verbose_name = _("院校与合作")

    def ready(self):
        from reference.rules import DISTRICT_HOLDERS

        from .models import College

        if College not in DISTRICT_HOLDERS:  # ready() may run twice in tests
            DISTRICT_HOLDERS.append(College)
