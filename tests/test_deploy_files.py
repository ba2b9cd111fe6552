"""Issue 18: the files in deploy/ stay consistent with the settings they configure."""

import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

from tests.production_server import ROOT

DEPLOY = ROOT / "deploy"


def env_file(path: Path) -> dict[str, str]:
    """KEY=value lines as systemd's EnvironmentFile (and sh) read them."""
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _sep, value = line.partition("=")
            values[key.strip()] = " ".join(shlex.split(value)) if value.strip() else ""
    return values


def test_env_template_passes_the_deploy_checks(tmp_path):
    env = env_file(DEPLOY / "portal.env.example")
    env.update(
        SECRET_KEY=secrets.token_urlsafe(60),
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
        CELERY_BROKER_URL="",
        CACHE_URL="",
        STATIC_ROOT=str(tmp_path / "static"),
        PATH="/usr/bin:/bin",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_units_run_the_files_that_exist():
    for unit in DEPLOY.glob("*.service"):
        text = unit.read_text()
        assert "EnvironmentFile=/etc/portal/portal.env" in text, unit.name
        for path in re.findall(r"deploy/[\w.-]+\.(?:py|conf|sh)\b", text):
            assert (ROOT / path).exists(), f"{unit.name} names {path}"
    assert "-c deploy/gunicorn.conf.py" in (DEPLOY / "portal-web.service").read_text()


def test_sentry_is_initialised_when_a_dsn_is_set(tmp_path):
    code = "import django; django.setup(); import sentry_sdk; print(sentry_sdk.get_client().is_active())"
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "SENTRY_DSN": "https://public@127.0.0.1:9/1",  # never reached: nothing is reported here
    }
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "True", result.stderr
