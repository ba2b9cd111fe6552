"""A page import through a real Celery worker on Redis (queue `imports`): dry run, then the import."""

import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from enterprises.models import Enterprise
from exchange import services
from exchange.models import ImportJob
from tests.celery_worker import celery_worker_factory, wait_for  # noqa: F401 — the fixture
from tests.exchange_helpers import SMALL_CITY
from tests.test_exchange_import import SMALL_CITY_COUNTS

pytestmark = [
    pytest.mark.broker,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="CELERY_BROKER_URL is not set: no Redis broker"),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
        reason="a worker process cannot share the SQLite test database: set DATABASE_URL to PostgreSQL",
    ),
]


def small_city_zip() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(SMALL_CITY.glob("*.csv")):
            archive.writestr(path.name, path.read_bytes())
    return SimpleUploadedFile("city.zip", buffer.getvalue())


def finished(job):
    return ImportJob.objects.filter(pk=job.pk, status__in=("valid", "invalid", "applied", "failed")).first()


def test_worker_runs_the_dry_run_then_the_confirmed_import(transactional_db, bureau_user, celery_worker_factory):  # noqa: F811
    worker = celery_worker_factory()
    job = services.import_job_create(upload=small_city_zip(), by=bureau_user)

    done = wait_for(lambda: finished(job), message="the dry run", log=worker.log)
    assert (done.status, done.error) == ("valid", "")
    assert {name: n["created"] for name, n in done.counts.items()} == SMALL_CITY_COUNTS
    assert done.progress_done == done.progress_total == 1 + 2 * len(SMALL_CITY_COUNTS)
    assert Enterprise.objects.count() == 0

    services.import_job_confirm(job=done, by=bureau_user)
    applied = wait_for(lambda: finished(job), message="the import", log=worker.log)
    assert (applied.mode, applied.status) == ("apply", "applied")
    assert Enterprise.objects.count() == 140
    assert "exchange.tasks.import_job_task" in worker.log()
