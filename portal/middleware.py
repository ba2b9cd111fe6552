from django.conf import settings


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
