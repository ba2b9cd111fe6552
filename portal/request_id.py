"""A request id on every request: taken from the proxy's X-Request-ID (nginx sets `$request_id`) or
made here, echoed in the response and put on every log line the request writes (portal.logs)."""

import contextvars
import re
import uuid

from django.core.signals import request_finished

# The request being served in this thread or task, for the log filter; None outside requests.
current_request = contextvars.ContextVar("current_request", default=None)

HEADER = "X-Request-ID"
# A client may pass its own id through, but only a short plain token: it ends up in log lines.
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def request_id_of(request) -> str:
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    return incoming if _VALID.match(incoming) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Sets request.request_id and the X-Request-ID response header; first in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_of(request)
        # Kept until request_finished rather than reset on the way out: Django logs a 4xx response
        # ("Not Found: …") after the last middleware has returned.
        current_request.set(request)
        response = self.get_response(request)
        response[HEADER] = request.request_id
        return response


def _forget_request(**kwargs):
    current_request.set(None)


request_finished.connect(_forget_request, dispatch_uid="portal-request-id")
