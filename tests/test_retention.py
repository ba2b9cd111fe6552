"""Issue 18: retention (ops.retention, `manage.py prune_data`, nightly in beat) prunes exactly what it should."""

import datetime
import io

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from metrics.models import MetricRun, SupplyDemandMajorRow, SupplyDemandRow, Target
from ops import retention, tasks

NOW = timezone.now()


def days_ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def run(year, quarter, status, finished_days_ago=None, queued_days_ago=None):
    finished = days_ago(finished_days_ago) if finished_days_ago is not None else None
    made = MetricRun.objects.create(year=year, quarter=quarter, status=status, finished_at=finished)
    queued = days_ago(queued_days_ago if queued_days_ago is not None else (finished_days_ago or 0) + 0.01)
    MetricRun.objects.filter(pk=made.pk).update(queued_at=queued)
    for position in range(2):
        SupplyDemandRow.objects.create(
            run=made, scope_type="city", position=position, cluster=f"c{position}", cluster_name="集群",
            demand=1, graduates=1, gap=0,
        )  # fmt: skip
    SupplyDemandMajorRow.objects.create(
        run=made, major_code="460701", major_name="专业", demand=1, graduates=1, local_graduates=1, gap=0,
        forecast_1=1, forecast_2=1, forecast_3=1,
    )  # fmt: skip
    return made


@pytest.fixture
def runs(db):
    return {
        # 2025Q1: A and B superseded by C, and old enough; C is the period's latest succeeded run.
        "A": run(2025, 1, "succeeded", 60),
        "B": run(2025, 1, "failed", 45),
        "C": run(2025, 1, "succeeded", 10),
        # 2025Q2: E is old but still the period's only succeeded run; F superseded but recent; G still running.
        "E": run(2025, 2, "succeeded", 90),
        "F": run(2025, 2, "failed", 2),
        "G": run(2025, 2, "running", queued_days_ago=90),
        # 2025Q3: H superseded by I, both old.
        "H": run(2025, 3, "succeeded", 40),
        "I": run(2025, 3, "succeeded", 35),
    }


@pytest.fixture
def logins(db):
    Session.objects.create(session_key="expired", session_data="", expire_date=days_ago(1))
    Session.objects.create(session_key="live", session_data="", expire_date=days_ago(-1))
    for model, extra in ((AccessLog, {}), (AccessFailureLog, {}), (AccessAttempt, {"failures_since_start": 1})):
        fields = {"ip_address": "10.0.0.1", "user_agent": "ua", "path_info": "/accounts/login/", **extra}
        old = model.objects.create(username="old", **fields)
        model.objects.create(username="recent", **fields)
        model.objects.filter(pk=old.pk).update(attempt_time=days_ago(181))


def rows_left_by_run(runs) -> dict[str, int]:
    names = {made.pk: name for name, made in runs.items()}
    left = {name: 0 for name in runs}
    for run_id in SupplyDemandRow.objects.values_list("run_id", flat=True):
        left[names[run_id]] += 1
    return left


def test_prune_keeps_each_periods_latest_succeeded_run_and_recent_ones(runs, logins, settings):
    settings.RETENTION_RUN_ROWS_DAYS = 30
    settings.RETENTION_AXES_DAYS = 180

    report = retention.data_prune(now=NOW)

    assert report.counts == {
        "metric_run_rows": 6,
        "metric_run_major_rows": 3,
        "sessions": 1,
        "axes_access_logs": 1,
        "axes_failure_logs": 1,
        "axes_attempts": 1,
        "deletions": 0,
    }
    assert rows_left_by_run(runs) == {"A": 0, "B": 0, "C": 2, "E": 2, "F": 2, "G": 2, "H": 0, "I": 2}
    assert MetricRun.objects.count() == 8  # the runs themselves are the audit trail: kept
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        assert list(model.objects.values_list("username", flat=True)) == ["recent"]


def test_dry_run_counts_and_deletes_nothing(runs, logins):
    call_command("prune_data", "--dry-run", stdout=(out := io.StringIO()))
    assert "metric_run_rows: 6" in out.getvalue() and "将删除共 13 行" in out.getvalue()
    assert SupplyDemandRow.objects.count() == 16 and Session.objects.count() == 2 and AccessLog.objects.count() == 2


def test_a_shorter_setting_prunes_more(runs, settings):
    settings.RETENTION_RUN_ROWS_DAYS = 1
    retention.data_prune(now=NOW)
    assert rows_left_by_run(runs) == {"A": 0, "B": 0, "C": 2, "E": 2, "F": 0, "G": 2, "H": 0, "I": 2}


def test_the_deletions_feed_keeps_its_horizon(db, settings):
    from portal.models import Deletion

    old = Deletion.objects.create(resource="demand-items", object_id=1, deleted_at=days_ago(366))
    recent = Deletion.objects.create(resource="demand-items", object_id=2, deleted_at=days_ago(364))
    settings.RETENTION_DELETIONS_DAYS = 365
    assert retention.data_prune(now=NOW).counts["deletions"] == 1
    assert list(Deletion.objects.values_list("pk", flat=True)) == [recent.pk]
    settings.RETENTION_DELETIONS_DAYS = 0  # keep the feed whole
    assert "deletions" not in retention.data_prune(now=NOW + datetime.timedelta(days=1000)).counts
    assert Deletion.objects.filter(pk=recent.pk).exists() and not Deletion.objects.filter(pk=old.pk).exists()


def test_history_is_kept_by_default(db):
    target = Target.objects.create(metric="match_rate", threshold=0.8, source="方案")
    Target.history.update(history_date=days_ago(4000))
    assert "history:metrics.historicaltarget" not in retention.data_prune(now=NOW).counts
    assert target.history.count() == 1


def test_old_history_goes_except_each_objects_latest_record(db, settings):
    settings.RETENTION_HISTORY_DAYS = 365
    edited = Target.objects.create(metric="match_rate", threshold=0.8, source="方案")
    for threshold in (0.85, 0.9):
        edited.threshold = threshold
        edited.save()
    untouched = Target.objects.create(metric="training_bases", threshold=30, source="方案")
    Target.history.update(history_date=days_ago(400))
    recent = Target.objects.create(metric="order_classes", threshold=10, source="方案")
    recent.threshold = 12
    recent.save()

    report = retention.data_prune(now=NOW)

    assert report.counts["history:metrics.historicaltarget"] == 2
    assert list(edited.history.values_list("threshold", flat=True)) == [0.9]  # its latest change stays
    assert untouched.history.count() == 1
    assert recent.history.count() == 2  # younger than the horizon


def test_nightly_task_prunes(runs):
    assert tasks.prune_data.delay().get()["metric_run_rows"] == 6


def test_check_restore_prints_row_counts_and_latest_run_per_period(runs):
    import json

    call_command("check_restore", "--json", stdout=(out := io.StringIO()))
    report = json.loads(out.getvalue())
    assert report["tables"]["metrics_supplydemandrow"] == 16
    assert report["tables"]["metrics_metricrun"] == 8
    assert [(r["period"], r["run"]) for r in report["latest_runs"]] == [
        ("2025Q1", runs["C"].pk),
        ("2025Q2", runs["E"].pk),
        ("2025Q3", runs["I"].pk),
    ]
    assert report["unapplied_migrations"] == []
    call_command("check_restore", stdout=(text := io.StringIO()))
    assert "metrics_supplydemandrow" in text.getvalue() and f"2025Q3  #{runs['I'].pk}" in text.getvalue()
