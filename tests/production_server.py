"""Gunicorn with production settings on a loopback port, as deploy/ runs it, for the serving tests.

Static files are collected into a temporary STATIC_ROOT first (the documented start). On PostgreSQL
the server uses the pytest-django test database (migrated, empty); on SQLite a migrated file of its own.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def production_env(static_root: Path, database_url: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="portal.settings",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="portal.example.cn,127.0.0.1",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        DB_CONN_MAX_AGE="0",  # no idle connection may outlive the server and block dropping the test DB
        LOG_LEVEL="WARNING",
        CELERY_BROKER_URL="",
        **extra,
    )
    return env


def manage(env: dict, *args) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def server_database_url(tmp: Path) -> str:
    """The test database on PostgreSQL (its name as pytest-django set it up); a fresh SQLite file otherwise."""
    db = connection.settings_dict
    if not db["ENGINE"].endswith("postgresql"):
        return f"sqlite:///{tmp / 'server.sqlite3'}"
    auth = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}{'@' if auth else ''}{db['HOST'] or '127.0.0.1'}{port}/{quote(db['NAME'])}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, env: dict, log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        self._log = open(log_path, "w")  # noqa: SIM115 — closed in stop()
        self.process = subprocess.Popen(
            [str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "-b", f"127.0.0.1:{self.port}", "-w", "1",
             "portal.wsgi"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"gunicorn did not come up:\n{self.log()[-3000:]}")
            try:
                if self.get("/healthz", https=False).status == 200:
                    return
            except OSError:
                time.sleep(0.3)

    def get(self, path: str, *, https: bool = True, host: str = "portal.example.cn", headers=None):
        """(status, headers, body) without following redirects; HTTP errors are answers too."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", headers={"Host": host, **(headers or {})}
        )
        if https:
            request.add_header("X-Forwarded-Proto", "https")
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=20) as response:
                return Answer(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers, error.read())

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
