"""Metric runs through a real Celery worker on Redis (SPEC 5), including a worker killed mid-run."""

import pytest
from django.conf import settings

from metrics import services, tasks
from metrics.models import MetricRun, Snapshot
from tests import factories as f
from tests.celery_worker import celery_worker_factory, wait_for  # noqa: F401 — the fixture

pytestmark = [
    pytest.mark.broker,
    pytest.mark.postgres,
    pytest.mark.slow,
    # Decided at collection, so a suite without a broker does not even set up a database for these.
    pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="CELERY_BROKER_URL is not set: no Redis broker"),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
        reason="a worker process cannot share the SQLite test database: set DATABASE_URL to PostgreSQL",
    ),
]


def status_of(run):
    return MetricRun.objects.values_list("status", flat=True).get(pk=run.pk)


def snapshot_state(year, quarter):
    return sorted(Snapshot.objects.filter(year=year, quarter=quarter).values_list("id", "run_id", "metric", "value"))


@pytest.fixture
def little_city(transactional_db):
    college = f.CollegeFactory(code="13290", name="甲职业技术学院", district="清江浦区")
    f.ClusterFactory(code="NEV", industry_codes=["C36"])
    program = f.ProgramFactory(college=college, schooling="5yr_higher")
    f.ProgramYearFactory(
        program=program, year=2025, graduates=40, employed=30, employed_in_field=24, employed_locally=27
    )
    f.TrainingBaseFactory(college=college)
    return college


def test_worker_computes_an_enqueued_run(little_city, celery_worker_factory):  # noqa: F811
    worker = celery_worker_factory()
    run = services.metric_run_enqueue(year=2025, quarter=2)

    wait_for(lambda: status_of(run) in ("succeeded", "failed"), message="the run to finish", log=worker.log)

    run.refresh_from_db()
    assert run.status == "succeeded", run.error
    assert run.progress_done == run.progress_total
    assert Snapshot.objects.filter(run=run).count() == 44
    assert Snapshot.objects.get(metric="local_retention_rate", scope_type="city", year=2025, quarter=2).value == 0.9


def test_worker_killed_mid_run_keeps_snapshots_and_run_is_reaped(little_city, celery_worker_factory):  # noqa: F811
    done = services.metric_run_execute(run_id=services.metric_run_create(year=2025, quarter=2).id)
    before = snapshot_state(2025, 2)
    assert done.status == "succeeded" and len(before) == 44

    # METRICS_TEST_DELAY_S (test-only) makes each metric take 1 s, so the kill lands mid-run.
    slow = celery_worker_factory(METRICS_TEST_DELAY_S=1)
    run = services.metric_run_enqueue(year=2025, quarter=2)
    wait_for(lambda: MetricRun.objects.filter(pk=run.pk, progress_done__gte=2).exists(), log=slow.log,
             message="the run to make progress")  # fmt: skip
    slow.kill()

    assert status_of(run) == "running"
    assert snapshot_state(2025, 2) == before

    # The reaper (here on a fresh worker, stale after 2 s without heartbeat) marks the dead run failed.
    reaper = celery_worker_factory(METRICS_STALE_AFTER_S=2)

    def reaped():
        tasks.reap_stale_runs.delay()  # what beat sends every 10 minutes
        return status_of(run) == "failed"

    wait_for(reaped, interval=1, log=reaper.log, message="the reaper to fail the dead run")
    run.refresh_from_db()
    assert "无心跳" in run.error
    assert run.progress_done < run.progress_total
    assert snapshot_state(2025, 2) == before

    rerun = services.metric_run_enqueue(year=2025, quarter=2)
    wait_for(lambda: status_of(rerun) == "succeeded", log=reaper.log, message="the rerun to succeed")
    after = Snapshot.objects.filter(year=2025, quarter=2)
    assert after.count() == 44
    assert set(after.values_list("run_id", flat=True)) == {rerun.id}
