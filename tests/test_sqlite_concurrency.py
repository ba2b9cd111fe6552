"""On SQLite, the embedded default, concurrent writers get the same answers as on PostgreSQL: the
loser of a race is a 400, never a 500 "database is locked" (issue #15, finding 6)."""

import json
import os
import subprocess
import sys

from django.conf import settings


def test_concurrent_fulfils_on_a_sqlite_file_give_one_200_and_one_400(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "CELERY_BROKER_URL": "",
        "LOG_LEVEL": "ERROR",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.sqlite_race"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome == {"codes": [200, 400], "events": ["in_progress"]}, done.stderr[-3000:]


def test_sqlite_takes_the_write_lock_when_a_transaction_begins():
    options = settings.DATABASES["default"]["OPTIONS"]
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert options["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in options["init_command"]
