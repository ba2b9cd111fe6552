from django.shortcuts import redirect
from django.urls import reverse

from .services import SESSION_FLAG

# Reachable with a one-time password: the form to replace it, signing out, the language switch.
# The API is token-based and role-scoped; static files never reach Django in production.
_ALLOWED_PREFIXES = ("/api/", "/i18n/", "/static/", "/accounts/logout/")


class PasswordChangeRequiredMiddleware:
    """Sends a user signed in with a one-time password to the password change form, on every page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The path first: an API request authenticated by token never loads a session here.
        if not request.path.startswith(_ALLOWED_PREFIXES):
            session = getattr(request, "session", None)
            if session is not None and session.get(SESSION_FLAG) and request.user.is_authenticated:
                target = reverse("accounts:password_change")
                if request.path != target:
                    return redirect(target)
        return self.get_response(request)
