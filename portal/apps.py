from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户与用户")

    def ready(self):
        # The API router names the resources (and their models) whose deletions the feed reports.
        from . import deletions
        from .api_urls import router

        deletions.track(router)
