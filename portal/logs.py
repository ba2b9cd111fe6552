"""Log records with the request's id, user and role; LOG_FORMAT=json writes one JSON object per line."""

import datetime
import json
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.functional import empty

from .request_id import current_request


def _user_and_role(request) -> tuple[int | None, str | None]:
    """The signed-in user's id and role, from what the request already loaded: a log line never
    queries the database (it may be the database that is failing)."""
    user = request.__dict__.get("user")  # set by AuthenticationMiddleware, replaced by DRF's authentication
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None, None
    if not getattr(user, "is_authenticated", False):
        return None, None
    profile = user._state.fields_cache.get("profile") if hasattr(user, "_state") else None
    role = profile.role if profile is not None else ("bureau" if user.is_superuser else None)
    return user.pk, role


class RequestContextFilter(logging.Filter):
    """Adds request_id, user_id and role to every record ("-" / None outside a request)."""

    def filter(self, record):
        request = current_request.get()
        record.request_id = getattr(request, "request_id", "-") if request is not None else "-"
        record.user_id, record.role = (None, None)
        if request is not None:
            try:
                record.user_id, record.role = _user_and_role(request)
            except Exception:  # a log line must never fail the request
                pass
        return True


class JsonFormatter(logging.Formatter):
    """{"time": "2026-12-03T09:30:00.123+08:00", "level", "logger", "message", "request_id", "user_id",
    "role", and "exc" with the traceback}: one line each, times in the portal's zone with their offset."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Gunicorn's master configures its log handlers before Django's settings are loaded.
        self.zone = ZoneInfo(settings.TIME_ZONE if settings.configured else "Asia/Shanghai")

    def format(self, record):
        moment = datetime.datetime.fromtimestamp(record.created, tz=self.zone)
        entry = {
            "time": moment.isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "user_id": getattr(record, "user_id", None),
            "role": getattr(record, "role", None),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
