"""Metric runs: claiming, idempotent reruns, failures that keep the old snapshots, the reaper,
alerts and their review, target progress, selectors, tasks, the schedule and the command."""

import datetime
from dataclasses import astuple, replace

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from metrics import period, registry, review, selectors, services, tasks
from metrics.models import Alert, MetricRun, Snapshot, Target
from portal.periods import Period
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db):
    """A college with one program of each kind of figure, enough for every metric to have a value."""
    college = f.CollegeFactory(code="13290", name="甲职业技术学院", district="清江浦区")
    f.ClusterFactory(code="NEV", industry_codes=["C36"])
    program = f.ProgramFactory(college=college, schooling="5yr_higher")
    f.ProgramYearFactory(
        program=program, year=2025, graduates=40, employed=30, employed_in_field=24, employed_locally=27
    )
    f.TrainingBaseFactory(college=college)
    f.DemandItemFactory(demand_list=f.DemandListFactory(year=2025, quarter=2, status="submitted"), headcount=12)
    return college


def run_period(year=2025, quarter=2):
    return services.metric_run_execute(run_id=services.metric_run_create(year=year, quarter=quarter).id)


def period_rows(year=2025, quarter=2):
    return {
        (s.metric, s.scope_type, s.scope_id): (s.value, s.numerator, s.denominator, s.run_id)
        for s in Snapshot.objects.filter(year=year, quarter=quarter)
    }


def test_run_records_status_progress_and_timings(city):
    run = run_period()
    assert run.status == "succeeded"
    assert run.progress_done == run.progress_total == len(registry.METRICS) + 1
    assert run.started_at <= run.finished_at
    assert run.error == ""
    assert Snapshot.objects.filter(run=run).count() == 16 * 2 + 12  # city + 1 district, 1 college


def test_rerun_replaces_the_period_with_identical_values(city):
    first = run_period()
    before = period_rows()
    other_period = run_period(2024, 4)
    second = run_period()
    after = period_rows()

    assert {k: v[:3] for k, v in after.items()} == {k: v[:3] for k, v in before.items()}
    assert {v[3] for v in after.values()} == {second.id}
    assert first.id != second.id
    assert Snapshot.objects.filter(year=2025, quarter=2).count() == len(before)
    assert Snapshot.objects.filter(run=other_period).count() == len(before)  # other periods untouched


def test_failing_metric_marks_run_failed_and_keeps_previous_snapshots(city, monkeypatch):
    good = run_period()
    before = period_rows()
    f.TrainingBaseFactory(college=city)  # would change training_bases if the run went through

    def broken(frames):
        raise ZeroDivisionError("division by zero in order_classes")

    metrics = [replace(m, compute=broken) if m.key == "order_classes" else m for m in registry.METRICS]
    monkeypatch.setattr(registry, "METRICS", tuple(metrics))
    monkeypatch.setattr(services, "PROGRESS_EVERY_S", 0)  # record every step's progress
    failed = run_period()

    assert failed.status == "failed"
    assert "ZeroDivisionError: division by zero in order_classes" in failed.error
    assert failed.progress_done == 10  # the ten metrics before order_classes
    assert failed.finished_at is not None
    assert period_rows() == before
    assert selectors.latest_run(2025, 2).id == good.id


def test_failure_while_storing_rolls_back_the_replacement(city, monkeypatch):
    run_period()
    before = period_rows()
    f.TrainingBaseFactory(college=city)

    def broken(run, candidates):
        raise RuntimeError("alert table unavailable")

    # Fails after the old snapshots were deleted and the new ones inserted, inside the one transaction.
    monkeypatch.setattr(services, "_raise_alerts", broken)
    failed = run_period()

    assert failed.status == "failed"
    assert "alert table unavailable" in failed.error
    assert period_rows() == before


def test_a_run_is_claimed_once(city):
    run = run_period()
    assert services.metric_run_execute(run_id=run.id) is None
    run.refresh_from_db()
    assert run.status == "succeeded"
    assert Snapshot.objects.filter(run=run).count() == 44


def test_create_validates_the_period(db):
    with pytest.raises(ValidationError) as info:
        services.metric_run_create(year=2025, quarter=5)
    assert "quarter" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.metric_run_create(year=1999, quarter=1)
    assert "year" in info.value.message_dict
    assert MetricRun.objects.count() == 0


def test_reaper_fails_runs_without_heartbeat_only(db):
    now = timezone.now()
    stale = MetricRun.objects.create(year=2025, quarter=1, status="running", started_at=now, heartbeat_at=now)
    alive = MetricRun.objects.create(year=2025, quarter=2, status="running", started_at=now, heartbeat_at=now)
    queued = MetricRun.objects.create(year=2025, quarter=3)
    MetricRun.objects.filter(pk=stale.pk).update(heartbeat_at=now - datetime.timedelta(minutes=11))

    assert tasks.reap_stale_runs.apply().get() == 1

    stale.refresh_from_db()
    alive.refresh_from_db()
    queued.refresh_from_db()
    assert stale.status == "failed"
    assert "无心跳" in stale.error and stale.finished_at is not None
    assert (alive.status, queued.status) == ("running", "queued")


def test_a_reaped_run_cannot_store_late_results(city, monkeypatch):
    run = services.metric_run_create(year=2025, quarter=2)

    def reaped_meanwhile(done):
        MetricRun.objects.filter(pk=run.id).update(status="failed", error="reaped")

    original = period.compute_period
    monkeypatch.setattr(
        period,
        "compute_period",
        lambda year, quarter, on_progress: original(year, quarter, on_progress=reaped_meanwhile),
    )
    result = services.metric_run_execute(run_id=run.id)

    assert result.status == "failed"
    assert Snapshot.objects.count() == 0


def test_enqueue_waits_for_commit_then_the_task_computes(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = services.metric_run_enqueue(year=2025, quarter=2, by=None)
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert run.status == "queued"

    tasks.compute_period_task.apply(args=[run.id])

    run.refresh_from_db()
    assert run.status == "succeeded"
    assert Snapshot.objects.filter(run=run).count() == 44


def test_beat_tasks_compute_current_and_closed_quarter(city):
    tasks.refresh_current_quarter.apply()
    tasks.compute_closed_quarter.apply()
    current = Period.containing()
    year, quarter, closed = current.year, current.quarter, astuple(current.previous())
    runs = {(r.trigger, r.year, r.quarter, r.status) for r in MetricRun.objects.all()}
    assert runs == {("beat_current", year, quarter, "succeeded"), ("beat_closed", *closed, "succeeded")}


def test_periods():
    assert Period.containing(datetime.date(2025, 1, 1)) == Period(2025, 1)
    assert Period.containing(datetime.date(2025, 12, 31)) == Period(2025, 4)
    assert Period(2025, 1).previous() == Period(2024, 4)
    assert Period(2025, 3).previous() == Period(2025, 2)
    assert Period(2025, 4).next() == Period(2026, 1)
    assert (Period(2024, 1).start, Period(2024, 1).end) == (datetime.date(2024, 1, 1), datetime.date(2024, 3, 31))
    assert Period(2025, 2).last_four() == [Period(2024, 3), Period(2024, 4), Period(2025, 1), Period(2025, 2)]


# --- alerts -------------------------------------------------------------------------------------


def figures_of(program, rates):
    """ProgramYears with the given {year: (employed, in_field)}."""
    for year, (employed, in_field) in rates.items():
        f.ProgramYearFactory(
            program=program, year=year, graduates=employed, employed=employed,
            employed_in_field=in_field, employed_locally=0,
        )  # fmt: skip


@pytest.fixture
def programs(db):
    college = f.CollegeFactory(code="13290")
    low = f.ProgramFactory(college=college, schooling="3yr_higher")
    figures_of(low, {2022: (10, 9), 2023: (10, 5), 2024: (10, 4)})
    one_low = f.ProgramFactory(college=college, schooling="5yr_higher")
    figures_of(one_low, {2023: (10, 8), 2024: (10, 1)})
    skipped = f.ProgramFactory(college=college, schooling="secondary")
    # 2024 has no employed graduates: no rate, so the two latest years with data are 2022 and 2023.
    figures_of(skipped, {2022: (20, 10), 2023: (20, 11), 2024: (0, 0)})
    single = f.ProgramFactory(college=college, schooling="bachelor")
    figures_of(single, {2024: (10, 1)})
    future = f.ProgramFactory(college=f.CollegeFactory(code="13291"))
    figures_of(future, {2024: (10, 7), 2025: (10, 1), 2026: (10, 1)})  # years after Y are not looked at
    return {"low": low, "one_low": one_low, "skipped": skipped, "single": single, "future": future}


def test_alert_for_two_latest_years_below_60_percent(programs):
    run = run_period(2025, 2)
    alerts = {(a.program_id, a.year): a for a in Alert.objects.all()}
    assert set(alerts) == {(programs["low"].id, 2024), (programs["skipped"].id, 2023)}
    alert = alerts[(programs["low"].id, 2024)]
    assert alert.rates == {"2024": 0.4, "2023": 0.5}
    assert (alert.status, alert.run_id) == ("open", run.id)


def test_alerts_on_rerun_are_not_duplicated_and_decisions_stay(programs, bureau_user):
    run_period(2025, 2)
    dismissed = Alert.objects.get(program=programs["skipped"])
    review.alert_decide(alert=dismissed, by=bureau_user, decision="keep", note="数据口径问题")
    run_period(2025, 2)
    run_period(2025, 3)
    assert Alert.objects.count() == 2
    dismissed.refresh_from_db()
    assert dismissed.status == "dismissed"


def test_restricting_sets_the_program_enrollment_status(programs, bureau_user):
    run_period(2025, 2)
    alert = Alert.objects.get(program=programs["low"])
    decided = review.alert_decide(alert=alert, by=bureau_user, decision="restrict", note="连续两年对口率低")
    programs["low"].refresh_from_db()
    assert programs["low"].enrollment_status == "restricted"
    assert (decided.status, decided.decided_by, decided.note) == ("restricted", bureau_user, "连续两年对口率低")
    assert decided.decided_at is not None
    # A restricted program raises no new alert next year.
    figures_of(programs["low"], {2025: (10, 1)})
    run_period(2026, 1)
    assert Alert.objects.filter(program=programs["low"]).count() == 1


def test_alert_decision_is_validated_and_final(programs, bureau_user):
    run_period(2025, 2)
    alert = Alert.objects.get(program=programs["low"])
    with pytest.raises(ValidationError) as info:
        review.alert_decide(alert=alert, by=bureau_user, decision="open", note="理由")
    assert "decision" in info.value.message_dict
    review.alert_decide(alert=alert, by=bureau_user, decision="keep", note="数据口径问题")
    with pytest.raises(ValidationError):
        review.alert_decide(alert=alert, by=bureau_user, decision="restrict", note="理由")
    programs["low"].refresh_from_db()
    alert.refresh_from_db()
    assert (programs["low"].enrollment_status, alert.status) == ("normal", "dismissed")


# --- targets ------------------------------------------------------------------------------------


def test_seed_targets_carry_their_policy_clauses(db):
    targets = {t.metric: t for t in Target.objects.all()}
    assert len(targets) == 12
    assert (targets["alignment_rate"].comparator, targets["alignment_rate"].threshold) == (">=", 0.8)
    assert "第三条" in targets["alignment_rate"].source
    assert targets["order_classes"].annual and targets["training_headcount"].annual
    assert targets["training_headcount"].threshold == 20000
    assert {m for m, t in targets.items() if t.deadline_year == 2025} == {
        "training_bases",
        "integration_enterprises",
        "cooperation_projects",
    }
    assert "盘锦" in targets["training_bases"].source


def snapshot(metric, value, year=2025, quarter=2):
    run = MetricRun.objects.get_or_create(year=year, quarter=quarter, status="succeeded")[0]
    return Snapshot.objects.create(
        metric=metric, scope_type="city", scope_id="", scope_name="淮安市", year=year, quarter=quarter,
        value=value, computed_at=timezone.now(), run=run,
    )  # fmt: skip


def test_targets_progress_statuses(db, django_assert_num_queries):
    Target.objects.all().delete()
    achieved = f.TargetFactory(metric="alignment_rate", threshold=0.8)
    near = f.TargetFactory(metric="cluster_coverage", threshold=0.85)
    far = f.TargetFactory(metric="local_retention_rate", threshold=0.85)
    missing = f.TargetFactory(metric="in_field_rate", threshold=0.7)
    null = f.TargetFactory(metric="industry_college_compliance", threshold=1.0)
    late = f.TargetFactory(metric="training_bases", threshold=30, deadline_year=2024)
    annual = f.TargetFactory(metric="training_headcount", threshold=20000, annual=True)
    at_most = f.TargetFactory(metric="supply_demand_match", comparator="<=", threshold=0.5)
    snapshot("alignment_rate", 0.82)
    snapshot("cluster_coverage", 0.8)
    snapshot("local_retention_rate", 0.6)
    snapshot("industry_college_compliance", None)
    snapshot("training_bases", 29)
    snapshot("training_headcount", 9500)  # Q2: pace 10000, 95 % of it
    snapshot("supply_demand_match", 0.625)
    snapshot("alignment_rate", 0.1, quarter=1)  # another period: ignored

    with django_assert_num_queries(2):
        progress = {p["target"].metric: p for p in selectors.targets_progress(year=2025, quarter=2)}

    assert progress["alignment_rate"]["status"] == "achieved"
    assert progress["alignment_rate"]["ratio"] == pytest.approx(0.82 / 0.8)
    assert (progress["cluster_coverage"]["status"], progress["cluster_coverage"]["value"]) == ("on_track", 0.8)
    assert progress["local_retention_rate"]["status"] == "at_risk"
    assert progress["in_field_rate"] == {
        "target": missing, "value": None, "threshold": 0.7, "ratio": None, "status": "no_data",
        "pace_needed": None, "pace_recent": None, "pace_status": None,
    }  # fmt: skip
    assert progress["industry_college_compliance"]["status"] == "no_data"
    assert progress["training_bases"]["status"] == "at_risk"  # near, but its deadline has passed
    assert progress["training_headcount"]["status"] == "on_track"
    assert progress["training_headcount"]["ratio"] == pytest.approx(9500 / 20000)
    assert progress["supply_demand_match"]["ratio"] == pytest.approx(0.8)
    assert progress["supply_demand_match"]["status"] == "at_risk"
    assert selectors.targets_progress(targets=[achieved], year=2025, quarter=2)[0]["status"] == "achieved"
    assert selectors.targets_progress(targets=[annual], year=2025, quarter=4)[0]["status"] == "no_data"
    for target in (near, far, null, late, at_most):
        assert target.metric in progress


def test_deadline_targets_pace_needed_next_to_the_last_four_quarters(db, django_assert_num_queries):
    Target.objects.all().delete()
    on_pace = f.TargetFactory(metric="training_bases", threshold=30, deadline_year=2026)
    behind = f.TargetFactory(metric="cooperation_projects", threshold=100, deadline_year=2026)
    falling = f.TargetFactory(metric="supply_demand_match", comparator="<=", threshold=0.5, deadline_year=2026)
    new = f.TargetFactory(metric="alignment_rate", threshold=0.8, deadline_year=2026)
    passed = f.TargetFactory(metric="industry_colleges", threshold=10, deadline_year=2025)
    f.TargetFactory(metric="order_classes", threshold=40, annual=True, deadline_year=2026)
    f.TargetFactory(metric="cluster_coverage", threshold=0.85)  # no deadline: no pace
    for metric, year_ago, now in [
        ("training_bases", 14, 22),  # +2 a quarter; needs (30 − 22) ÷ 6
        ("cooperation_projects", 40, 44),  # +1 a quarter; needs (100 − 44) ÷ 6
        ("supply_demand_match", 0.8, 0.66),  # −0.035 a quarter; needs (0.5 − 0.66) ÷ 6 ≈ −0.027
        ("industry_colleges", 2, 4),
        ("order_classes", 5, 10),
        ("cluster_coverage", 0.5, 0.6),
    ]:
        snapshot(metric, year_ago, year=2024)
        snapshot(metric, now, year=2025)
    snapshot("alignment_rate", 0.7, year=2025)  # no figure a year ago

    with django_assert_num_queries(2):
        progress = {p["target"].metric: p for p in selectors.targets_progress(year=2025, quarter=2)}

    pace = {m: (p["pace_needed"], p["pace_recent"], p["pace_status"]) for m, p in progress.items()}
    assert pace["training_bases"] == (pytest.approx(8 / 6), 2.0, "on_pace")
    assert pace["cooperation_projects"] == (pytest.approx(56 / 6), 1.0, "behind")
    assert pace["supply_demand_match"] == (pytest.approx(-0.16 / 6), pytest.approx(-0.035), "on_pace")
    assert pace["alignment_rate"] == (pytest.approx(0.1 / 6), None, None)
    assert pace["industry_colleges"] == (pytest.approx(6 / 2), 0.5, "behind")  # two quarters left in 2025
    assert pace["order_classes"] == pace["cluster_coverage"] == (None, None, None)
    assert selectors.targets_progress(year=2025, quarter=4, targets=[passed])[0]["pace_needed"] is None
    assert {on_pace, behind, falling, new} <= {p["target"] for p in progress.values()}


# --- selectors, schedule, command -------------------------------------------------------------


def test_selectors_read_snapshots(city, django_assert_num_queries):
    assert selectors.latest_period_with_snapshots() is None
    run_period(2024, 4)
    run_period(2025, 2)
    assert selectors.latest_period_with_snapshots() == (2025, 2)
    current = {s.metric: s for s in Snapshot.objects.filter(year=2025, quarter=2, scope_type="city")}
    assert len(current) == 16 and current["local_retention_rate"].value == 0.9
    assert selectors.latest_run(2023, 1) is None


def test_setup_schedule_is_idempotent(db):
    from django_celery_beat.models import PeriodicTask

    call_command("setup_schedule")
    call_command("setup_schedule")
    tasks_by_name = {t.name: t for t in PeriodicTask.objects.select_related("crontab")}
    assert set(tasks_by_name) == {
        "metrics: closed quarter",
        "metrics: current quarter",
        "metrics: reap stale runs",
        "exchange: reap stale import jobs",
        "ops: prune data",
        "followup: filing reminders",
        "followup: task report reminders",
    }
    closed = tasks_by_name["metrics: closed quarter"].crontab
    assert (closed.minute, closed.hour, closed.day_of_month, closed.month_of_year) == ("0", "2", "1", "1,4,7,10")
    assert str(closed.timezone) == "Asia/Shanghai"
    assert tasks_by_name["metrics: current quarter"].task == "metrics.tasks.refresh_current_quarter"
    assert tasks_by_name["metrics: reap stale runs"].crontab.minute == "*/10"
    assert tasks_by_name["ops: prune data"].task == "ops.tasks.prune_data"


def test_compute_metrics_command_prints_city_figures(city, capsys):
    call_command("compute_metrics", "--year", "2025", "--quarter", "2")
    out = capsys.readouterr().out
    assert "2025年第2季度 全市指标" in out
    assert "local_retention_rate" in out and "0.9" in out
    assert MetricRun.objects.get().status == "succeeded"


def test_compute_metrics_command_fails_loudly(city, monkeypatch):
    def broken(frames):
        raise ValueError("corrupt frame")

    monkeypatch.setattr(registry, "METRICS", tuple(replace(m, compute=broken) for m in registry.METRICS))
    with pytest.raises(CommandError):
        call_command("compute_metrics", "--year", "2025", "--quarter", "2")
    with pytest.raises(CommandError, match="quarter"):
        call_command("compute_metrics", "--year", "2025", "--quarter", "7")


def test_compute_metrics_all_covers_every_quarter_since_the_data_starts(db):
    year, quarter = astuple(Period.containing())
    f.ProgramYearFactory(year=year)  # the earliest data: this year's figures
    call_command("compute_metrics", "--all")
    assert sorted(MetricRun.objects.filter(status="succeeded").values_list("year", "quarter")) == [
        (year, q) for q in range(1, quarter + 1)
    ]


def test_task_killed_by_time_limit_fails_its_run_at_once(db):
    from billiard.exceptions import TimeLimitExceeded
    from celery.signals import task_failure

    now = timezone.now()
    run = MetricRun.objects.create(year=2025, quarter=2, status="running", started_at=now, heartbeat_at=now)
    done = MetricRun.objects.create(year=2025, quarter=1, status="succeeded", started_at=now, finished_at=now)
    for target in (run, done):
        task_failure.send(
            sender=tasks.compute_period_task,
            task_id="t",
            exception=TimeLimitExceeded(1800),
            args=[target.id],
            kwargs={},
        )
    run.refresh_from_db()
    done.refresh_from_db()
    assert run.status == "failed" and "TimeLimitExceeded" in run.error
    assert done.status == "succeeded"
