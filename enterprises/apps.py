from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("企业与需求")

    def ready(self):
        from reference.rules import DISTRICT_HOLDERS

        from .models import Enterprise

        if Enterprise not in DISTRICT_HOLDERS:  # ready() may run twice in tests
            DISTRICT_HOLDERS.append(Enterprise)
