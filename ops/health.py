"""/healthz and /readyz for load balancers, systemd and monitoring: JSON, no login, no secrets.

/healthz: the process answers (no database). /readyz: the database answers and has every migration,
the replica and the broker answer when configured, and how old the latest succeeded metric run is.
503 when the portal cannot serve (database unreachable or not migrated); a broker that is down or a
stale metric run is reported ("degraded") but keeps the web process in rotation, since pages still work.

Answered by a middleware placed before the host check and the HTTPS redirect, because probes come
from the machine itself (http://127.0.0.1:8000/healthz, Host 127.0.0.1) rather than through the proxy.
"""

import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from metrics.choices import RunStatus
from metrics.models import MetricRun
from portal.db_router import REPLICA

BROKER_TIMEOUT_S = 2
# Migrations don't change under a running process once all are applied; checking them costs
# ~0.2 s (every migration file is loaded), so a positive answer is kept for the process's life.
_migrations_applied = False


def _error(exc: Exception) -> str:
    # The class only: messages of connection errors name hosts and users.
    return type(exc).__name__


def check_database(alias: str = DEFAULT_DB_ALIAS) -> dict:
    started = time.perf_counter()
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": _error(exc)}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def check_migrations() -> dict:
    global _migrations_applied
    if not _migrations_applied:
        try:
            executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
            unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except Exception as exc:
            return {"ok": False, "error": _error(exc)}
        if unapplied:
            return {"ok": False, "unapplied": len(unapplied)}
        _migrations_applied = True
    return {"ok": True}


def check_broker() -> dict:
    if not settings.CELERY_BROKER_URL:
        return {"ok": True, "configured": False}
    from portal.celery import app

    started = time.perf_counter()
    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as connection:
            connection.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_S)
    except Exception as exc:
        return {"ok": False, "configured": True, "error": _error(exc)}
    return {"ok": True, "configured": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def check_metric_run() -> dict:
    run = (
        MetricRun.objects.filter(status=RunStatus.SUCCEEDED, finished_at__isnull=False)
        .order_by("-finished_at")
        .values("id", "year", "quarter", "finished_at")
        .first()
    )
    if run is None:
        return {"ok": False, "run": None}
    age_s = (timezone.now() - run["finished_at"]).total_seconds()
    return {
        "ok": age_s <= settings.READYZ_RUN_MAX_AGE_H * 3600,
        "run": run["id"],
        "period": f"{run['year']}Q{run['quarter']}",
        "finished_at": timezone.localtime(run["finished_at"]).isoformat(),
        "age_s": round(age_s),
    }


def readiness() -> tuple[int, dict]:
    """(HTTP status, body) of /readyz."""
    checks = {"database": check_database()}
    if checks["database"]["ok"]:
        checks["migrations"] = check_migrations()
    if REPLICA in settings.DATABASES:
        # The API's reads fail without it, but pages and writes still work: degraded, not unavailable.
        checks["replica"] = check_database(REPLICA)
    checks["broker"] = check_broker()
    if checks["database"]["ok"] and checks["migrations"]["ok"]:
        try:
            checks["metric_run"] = check_metric_run()
        except Exception as exc:
            checks["metric_run"] = {"ok": False, "error": _error(exc)}
    serving = checks["database"]["ok"] and checks.get("migrations", {}).get("ok", False)
    if not serving:
        return 503, {"status": "unavailable", "checks": checks}
    degraded = not all(check["ok"] for check in checks.values())
    return 200, {"status": "degraded" if degraded else "ok", "checks": checks}


def _json(status: int, body: dict) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    add_never_cache_headers(response)
    return response


class HealthCheckMiddleware:
    """Answers GET/HEAD /healthz and /readyz before anything else looks at the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in {"GET", "HEAD"}:
            if request.path == "/healthz":
                return _json(200, {"status": "ok"})
            if request.path == "/readyz":
                return _json(*readiness())
        return self.get_response(request)
