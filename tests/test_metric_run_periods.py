"""Metric runs: one active run per period, no future periods, runs the bureau can delete
(issue #15, findings 11 and 12)."""

import threading
from dataclasses import astuple

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from home.dashboard import choose_period
from metrics import services
from metrics.models import MetricRun, Snapshot
from metrics.tasks import compute_period_task
from portal.periods import Period
from tests import factories as f

pytestmark = pytest.mark.django_db


def next_period():
    year, quarter = astuple(Period.containing())
    return (year, quarter + 1) if quarter < 4 else (year + 1, 1)


@pytest.mark.parametrize("period", [(2030, 4), "next"])
def test_api_refuses_a_period_after_the_current_quarter(client, bureau_user, period):
    year, quarter = next_period() if period == "next" else period
    client.force_login(bureau_user)

    response = client.post("/api/v1/metric-runs/", {"year": year, "quarter": quarter}, content_type="application/json")

    assert response.status_code == 400
    assert "尚未到来" in response.json()["quarter"][0]
    assert not MetricRun.objects.exists()


def test_the_current_quarter_may_be_computed(client, bureau_user):
    year, quarter = astuple(Period.containing())
    client.force_login(bureau_user)
    response = client.post("/api/v1/metric-runs/", {"year": year, "quarter": quarter}, content_type="application/json")
    assert response.status_code == 202


def test_page_refuses_a_future_period(client, bureau_user):
    client.force_login(bureau_user)
    response = client.post("/metrics/runs/", {"year": 2030, "quarter": 4})
    assert response.status_code == 200
    assert "尚未到来" in str(response.context["form"].errors)
    assert not MetricRun.objects.exists()


def test_command_refuses_a_future_period():
    with pytest.raises(CommandError, match="尚未到来"):
        call_command("compute_metrics", "--year", "2030", "--quarter", "4")
    assert not MetricRun.objects.exists()


@pytest.mark.parametrize("status", ["queued", "running"])
def test_a_period_already_queued_or_running_answers_with_that_run(client, bureau_user, status):
    active = MetricRun.objects.create(year=2025, quarter=2, status=status)
    client.force_login(bureau_user)

    response = client.post("/api/v1/metric-runs/", {"year": 2025, "quarter": 2}, content_type="application/json")

    assert response.status_code == 200
    assert response.json()["id"] == active.id
    assert MetricRun.objects.count() == 1


def test_page_shows_the_active_run_instead_of_starting_another(client, bureau_user):
    active = MetricRun.objects.create(year=2025, quarter=2, status="queued")
    client.force_login(bureau_user)
    response = client.post("/metrics/runs/", {"year": 2025, "quarter": 2})
    assert response.status_code == 302 and response.url == f"/metrics/runs/{active.pk}/"
    assert MetricRun.objects.count() == 1


def test_database_allows_one_active_run_per_period():
    MetricRun.objects.create(year=2025, quarter=2, status="queued")
    MetricRun.objects.create(year=2025, quarter=2, status="failed")
    MetricRun.objects.create(year=2025, quarter=3, status="running")
    with pytest.raises(IntegrityError), transaction.atomic():
        MetricRun.objects.create(year=2025, quarter=2, status="running")


def test_service_answers_with_the_winner_when_the_insert_loses(monkeypatch):
    # The race as the database sees it: the existence check found nothing, then the insert collided.
    winner = MetricRun.objects.create(year=2025, quarter=2, status="queued")
    calls = []

    original_first = type(MetricRun.objects.all()).first

    def patched(self):
        calls.append(1)
        return None if len(calls) == 1 else original_first(self)

    monkeypatch.setattr(type(MetricRun.objects.all()), "first", patched)
    run, created = services.metric_run_request(year=2025, quarter=2)
    assert (run.id, created) == (winner.id, False)
    assert MetricRun.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two concurrent transactions need PostgreSQL")
def test_concurrent_posts_for_one_period_start_one_run(transactional_db, client, monkeypatch):
    monkeypatch.setattr(compute_period_task, "delay", lambda run_id: None)  # keep the run queued
    users = [f.ProfileFactory(user=f.UserFactory(username=f"bureau_{n}"), role="bureau").user for n in range(4)]
    barrier = threading.Barrier(len(users))
    answers = [None] * len(users)

    def post(index):
        from django.test import Client

        own = Client()
        own.force_login(users[index])
        barrier.wait(timeout=10)
        response = own.post("/api/v1/metric-runs/", {"year": 2025, "quarter": 2}, content_type="application/json")
        answers[index] = (response.status_code, response.json()["id"])
        connection.close()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(users))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(code for code, _id in answers) == [200, 200, 200, 202]
    assert len({run_id for _code, run_id in answers}) == 1
    assert MetricRun.objects.count() == 1


@pytest.fixture
def two_periods(db):
    f.CollegeFactory(code="13290", district="清江浦区")
    older = services.metric_run_execute(run_id=services.metric_run_create(year=2025, quarter=1).id)
    newer = services.metric_run_execute(run_id=services.metric_run_create(year=2025, quarter=2).id)
    assert (older.status, newer.status) == ("succeeded", "succeeded")
    return older, newer


def test_bureau_deletes_a_run_with_its_snapshots_and_the_home_falls_back(client, bureau_user, two_periods):
    older, newer = two_periods
    client.force_login(bureau_user)
    assert client.get("/").context["period"] == Period(2025, 2)

    assert client.delete(f"/api/v1/metric-runs/{newer.pk}/").status_code == 204

    assert not MetricRun.objects.filter(pk=newer.pk).exists()
    assert not Snapshot.objects.filter(year=2025, quarter=2).exists()
    assert Snapshot.objects.filter(run=older).exists()
    assert client.get("/").context["period"] == Period(2025, 1)


def test_bureau_deletes_a_run_from_its_page(client, bureau_user, two_periods):
    _older, newer = two_periods
    client.force_login(bureau_user)
    assert "删除此任务" in client.get(f"/metrics/runs/{newer.pk}/").content.decode()
    response = client.post(f"/metrics/runs/{newer.pk}/delete/")
    assert response.status_code == 302
    assert not MetricRun.objects.filter(pk=newer.pk).exists()


def test_a_running_run_cannot_be_deleted(client, bureau_user):
    running = MetricRun.objects.create(year=2025, quarter=2, status="running")
    client.force_login(bureau_user)
    response = client.delete(f"/api/v1/metric-runs/{running.pk}/")
    assert response.status_code == 400
    assert MetricRun.objects.filter(pk=running.pk).exists()


def test_only_the_bureau_deletes_runs(client, agency_user, college_user):
    run = MetricRun.objects.create(year=2025, quarter=2, status="failed")
    client.force_login(agency_user)
    assert client.delete(f"/api/v1/metric-runs/{run.pk}/").status_code == 403
    client.force_login(college_user)
    assert client.delete(f"/api/v1/metric-runs/{run.pk}/").status_code == 404
    assert client.post(f"/metrics/runs/{run.pk}/delete/").status_code in (403, 404)
    assert MetricRun.objects.filter(pk=run.pk).exists()


def test_home_defaults_to_the_latest_period_that_has_begun():
    periods = [Period(2030, 4), Period(2025, 2), Period(2025, 1)]
    assert choose_period(periods, None) == Period(2025, 2)
    assert choose_period(periods, "2030-4") == Period(2030, 4)  # still reachable until deleted
