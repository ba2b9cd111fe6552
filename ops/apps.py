from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the portal: health probes, data retention, restore checks. Top floor: reads every app."""

    name = "ops"
    verbose_name = _("运维")
