from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Portal accounts: bureau users, bulk accounts for enterprises and colleges, one-time passwords,
    password change and reset. Top floor: it looks up enterprises and colleges by their codes."""

    name = "accounts"
    verbose_name = _("账号")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import services

        user_logged_in.connect(services.remember_password_change_required, dispatch_uid="accounts-one-time-password")
