from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _


class RejectNulMiddleware:
    """400 for a NUL character in the path or the query string.

    PostgreSQL refuses NUL in text ("A string literal cannot contain NUL"), so one `%00` in a URL
    argument or a filter (`/metrics/scope/college/%00/`, admin `?district=%00`) would reach the
    database as a 500 from any view that looks it up; no real address or filter contains one.
    The API's answer is JSON like its other errors, in the request's language (this runs before
    LocaleMiddleware).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            if request.path.startswith("/api/"):
                with translation.override(translation.get_language_from_request(request)):
                    return JsonResponse({"detail": _("网址中含有空字符（%00）。")}, status=400)
            return HttpResponseBadRequest(_("网址中含有空字符（%00）。"), content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy header (every asset is served by the portal itself)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The interactive API docs (swagger-ui) need inline bootstrap code.
        if not request.path.startswith("/api/docs"):
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
