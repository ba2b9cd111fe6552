"""Issue 18: probes in-process, request ids and JSON logs, trusted proxies, ADMINS, the replica router
and the Celery queues."""

import datetime
import json
import logging
import subprocess
import sys
import textwrap

import pytest
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.authtoken.models import Token

from metrics.models import MetricRun
from portal import db_router, logs, proxy
from portal import settings as portal_settings
from portal.request_id import current_request
from tests.production_server import ROOT, server_database_url


def test_healthz_needs_no_database(client):
    # No `db` fixture: any query would fail this test.
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_reports_the_age_of_the_latest_succeeded_run(client, db):
    finished = timezone.now() - datetime.timedelta(hours=3)
    run = MetricRun.objects.create(year=2026, quarter=3, status="succeeded", finished_at=finished)
    MetricRun.objects.create(year=2026, quarter=4, status="failed", finished_at=timezone.now())
    body = client.get("/readyz").json()
    assert body["status"] == "ok"
    assert body["checks"]["metric_run"]["run"] == run.pk
    assert body["checks"]["metric_run"]["period"] == "2026Q3"
    assert 3 * 3600 - 5 <= body["checks"]["metric_run"]["age_s"] <= 3 * 3600 + 5
    assert body["checks"]["metric_run"]["finished_at"].endswith("+08:00")


def test_readyz_degraded_but_serving_when_the_broker_is_down(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    MetricRun.objects.create(year=2026, quarter=3, status="succeeded", finished_at=timezone.now())
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["broker"]["ok"] is False
    assert "127.0.0.1" not in response.content.decode()


def test_stale_metric_run_is_reported(client, db, settings):
    settings.READYZ_RUN_MAX_AGE_H = 48
    MetricRun.objects.create(
        year=2026, quarter=3, status="succeeded", finished_at=timezone.now() - datetime.timedelta(days=3)
    )
    body = client.get("/readyz").json()
    assert body["status"] == "degraded" and body["checks"]["metric_run"]["ok"] is False


def json_line(record: logging.LogRecord) -> dict:
    logs.RequestContextFilter().filter(record)
    return json.loads(logs.JsonFormatter().format(record))


def test_json_log_line_carries_shanghai_time_request_id_user_and_role(bureau_user):
    request = RequestFactory().get("/")
    request.request_id = "abc123"
    request.user = bureau_user
    assert bureau_user.profile.role == "bureau"  # loaded by the request already (a log line never queries)
    token = current_request.set(request)
    try:
        line = json_line(logging.LogRecord("portal", logging.WARNING, __file__, 1, "清单 %s 已退回", ("7",), None))
    finally:
        current_request.reset(token)
    assert line["message"] == "清单 7 已退回"
    assert line["time"].endswith("+08:00")
    assert (line["level"], line["logger"], line["request_id"], line["user_id"], line["role"]) == (
        "WARNING",
        "portal",
        "abc123",
        bureau_user.pk,
        "bureau",
    )


def test_json_log_line_outside_a_request():
    line = json_line(logging.LogRecord("celery", logging.INFO, __file__, 1, "done", (), None))
    assert (line["request_id"], line["user_id"], line["role"]) == ("-", None, None)


def test_log_lines_of_a_request_carry_its_id(client, bureau_user):
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(json_line(record))

    handler = Keep()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    client.force_login(bureau_user)
    try:
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-1")
    finally:
        logger.removeHandler(handler)
    assert response["X-Request-ID"] == "req-1"
    assert [(r["request_id"], r["user_id"]) for r in records] == [("req-1", bureau_user.pk)]


def test_client_address_behind_a_trusted_proxy(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert proxy.client_ip(request) == "127.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert proxy.client_ip(request) == "203.0.113.9"  # 6.6.6.6 was written by the client itself


def test_admins_and_proxy_header_from_the_environment(monkeypatch):
    monkeypatch.setenv("ADMINS", "运维值班 <ops@example.cn>, dba@example.cn")
    assert portal_settings.env_admins("ADMINS") == [
        ("运维值班", "ops@example.cn"),
        ("dba@example.cn", "dba@example.cn"),
    ]
    monkeypatch.setenv("X_PROXY", "X-Forwarded-Proto: https")
    assert portal_settings.env_proxy_header("X_PROXY", "") == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv("X_PROXY", "")
    assert portal_settings.env_proxy_header("X_PROXY", "X-Forwarded-Proto: https") is None


def test_tasks_are_routed_to_their_queues():
    from portal.celery import app

    def queue(task):
        return app.amqp.router.route({}, task)["queue"].name

    assert queue("metrics.tasks.compute_period_task") == "metrics"
    assert queue("exchange.tasks.import_bundle") == "imports"
    assert queue("policies.tasks.notify") == "notices"
    assert queue("ops.tasks.prune_data") == "celery"
    # A worker started without -Q consumes every queue (the test worker and the demo do).
    assert set(app.amqp.queues) == {"celery", "metrics", "imports", "notices"}


def test_router_sends_only_api_reads_to_the_replica():
    router = db_router.ReplicaRouter()
    from django.contrib.sessions.models import Session

    from enterprises.models import Enterprise

    assert router.db_for_read(Enterprise) == "default"
    token = db_router._reads_from_replica.set(True)
    try:
        assert router.db_for_read(Enterprise) == "replica"
        assert router.db_for_read(Session) == "default"  # sign-in data: always the primary
        assert router.db_for_write(Enterprise) == "default"
    finally:
        db_router._reads_from_replica.reset(token)
    assert router.allow_migrate("replica", "enterprises") is False


REPLICA_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION="Token " + sys.argv[1])
    seen = {}
    run = {"year": 2026, "quarter": 1}
    for label, call in [
        ("api_get", lambda: client.get("/api/v1/enterprises/")),
        ("api_post", lambda: client.post("/api/v1/metric-runs/", run, content_type="application/json")),
    ]:
        with CaptureQueriesContext(connections["default"]) as primary:
            with CaptureQueriesContext(connections["replica"]) as replica:
                status = call().status_code
        seen[label] = {"status": status, "primary": [q["sql"] for q in primary], "replica": [q["sql"] for q in replica]}
    seen["readyz_replica"] = client.get("/readyz").json()["checks"]["replica"]
    print(json.dumps(seen))
    """
)


@pytest.mark.postgres
def test_api_reads_go_to_the_replica_and_metric_runs_to_the_primary(transactional_db, bureau_user, tmp_path):
    url = server_database_url(tmp_path)
    if url.startswith("sqlite"):
        pytest.skip("the replica alias is tested on PostgreSQL (DATABASE_URL)")
    token = Token.objects.create(user=bureau_user)
    env = {
        **{k: v for k, v in __import__("os").environ.items() if k not in {"DJANGO_ENV", "DEBUG"}},
        "DATABASE_URL": url,
        # The same server and database under a second alias, as a streaming replica would be.
        "DATABASE_REPLICA_URL": url + "?application_name=portal-replica",
        "CELERY_BROKER_URL": "",
        "DB_CONN_MAX_AGE": "0",
    }
    result = subprocess.run(
        [sys.executable, "-c", REPLICA_SCRIPT, token.key],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    get, post = seen["api_get"], seen["api_post"]
    assert get["status"] == 200 and post["status"] == 202
    assert any("enterprises_enterprise" in sql for sql in get["replica"])
    assert not any("enterprises_enterprise" in sql for sql in get["primary"])
    assert any("authtoken_token" in sql for sql in get["primary"])  # sign-in data from the primary
    assert any("metrics_metricrun" in sql for sql in post["primary"]) and post["replica"] == []
    assert seen["readyz_replica"]["ok"] is True
