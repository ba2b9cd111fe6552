"""A real Celery worker on the Redis broker, for the tests marked `broker`.

The worker is a subprocess (`celery -A portal worker -P solo`) pointed at the pytest-django TEST
database, so the tests that use it must use `transactional_db` (their rows are committed and
visible to it). Skipped, with the reason, without CELERY_BROKER_URL or on SQLite.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

READY_TIMEOUT_S = 30


def skip_without_broker():
    if not settings.CELERY_BROKER_URL:
        pytest.skip("CELERY_BROKER_URL is not set: no Redis broker for a real Celery worker")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        pytest.skip("a worker process cannot share the SQLite test database: set DATABASE_URL to PostgreSQL")


def test_database_url() -> str:
    """DATABASE_URL of the database the tests run on (settings hold the test DB's name by now)."""
    db = settings.DATABASES["default"]
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}{'@' if auth else ''}{host}{port}/{quote(db['NAME'])}"


test_database_url.__test__ = False  # a helper, not a test


def purge_broker():
    """Drop every message left on the broker's default queue and in its unacked set by earlier runs."""
    import redis

    from portal.celery import app

    app.control.purge()
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete("unacked", "unacked_index", "unacked_mutex")


class Worker:
    """One `celery worker` subprocess; extra env (e.g. METRICS_TEST_DELAY_S) per instance."""

    def __init__(self, log_dir: Path, **env):
        self.log_path = log_dir / f"worker-{time.monotonic_ns()}.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": test_database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "DB_CONN_MAX_AGE": "0",  # no idle connection may outlive the worker and block dropping the test DB
            **{key: str(value) for key, value in env.items()},
        }
        self.process = None

    def start(self) -> "Worker":
        self._log = open(self.log_path, "w")  # noqa: SIM115 — closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "solo", "-c", "1",
             "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "info",
             "-n", f"pytest-{os.getpid()}-{time.monotonic_ns()}@%h"],
            cwd=settings.BASE_DIR, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + READY_TIMEOUT_S
        while "ready." not in self.log():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"the Celery worker did not start:\n{self.log()[-3000:]}")
            time.sleep(0.2)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: the worker dies in the middle of whatever it does, as on an OOM kill."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()


@pytest.fixture
def celery_worker_factory(tmp_path):
    """Start workers with `celery_worker_factory(**env)`; all are stopped after the test."""
    skip_without_broker()
    purge_broker()
    workers = []

    def start(**env) -> Worker:
        worker = Worker(tmp_path, **env).start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def wait_for(predicate, *, timeout=60, interval=0.25, message="condition", log=None):
    """Poll predicate() until it returns something truthy; fail with the worker log after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {message}\n{(log() if log else '')[-3000:]}")
