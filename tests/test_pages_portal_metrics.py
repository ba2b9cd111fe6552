"""Metric pages: runs (start, watch, failures), alerts (filter, decide), targets; role gates and query bounds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metrics.models import Alert, MetricRun, Snapshot
from tests import factories as f
from tests.portal_seed import seed_dashboard


@pytest.fixture
def city(db):
    return seed_dashboard()


BUREAU_PAGES = ["metrics:run_list", "metrics:target_list"]


@pytest.mark.parametrize("name", [*BUREAU_PAGES, "metrics:alert_list"])
def test_metric_pages_open_for_bureau(client, bureau_user, city, name):
    client.force_login(bureau_user)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", BUREAU_PAGES)
@pytest.mark.parametrize("fixture", ["college_user", "enterprise_user", "agency_user"])
def test_bureau_metric_pages_are_404_for_other_roles(client, request, city, name, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse(name)).status_code == 404


@pytest.mark.parametrize("fixture", ["college_user", "enterprise_user", "agency_user"])
def test_run_detail_progress_and_report_are_404_for_other_roles(client, request, city, fixture):
    run = city["runs"][0]
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("metrics:run_detail", args=[run.pk])).status_code == 404
    assert client.get(reverse("metrics:run_progress", args=[run.pk])).status_code == 404
    assert client.get(reverse("report_xlsx")).status_code == 404


@pytest.mark.parametrize("fixture", ["enterprise_user", "agency_user"])
def test_alert_pages_are_404_for_enterprise_and_agency(client, request, city, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("metrics:alert_list")).status_code == 404
    assert client.get(reverse("metrics:alert_detail", args=[city["open_alert"].pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, city):
    response = client.get(reverse("metrics:run_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_bureau_starts_a_run_which_computes_the_period(client, bureau_user, django_capture_on_commit_callbacks):
    f.ProgramYearFactory(program=f.ProgramFactory(), year=2025)
    client.force_login(bureau_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("metrics:run_list"), {"year": 2025, "quarter": 3})
    run = MetricRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("metrics:run_detail", args=[run.pk])
    run.refresh_from_db()
    assert (run.year, run.quarter, run.status, run.requested_by) == (2025, 3, "succeeded", bureau_user)
    assert Snapshot.objects.filter(year=2025, quarter=3, scope_type="city", metric="in_field_rate").get().value == (
        pytest.approx(30 / 36)
    )
    page = client.get(response.url)
    assert "已完成" in page.content.decode()


@pytest.mark.parametrize(
    "data, field",
    [({"year": 2025, "quarter": 5}, "quarter"), ({"year": 1999, "quarter": 1}, "year"), ({"quarter": 1}, "year")],
)
def test_bad_period_is_refused_at_its_field(client, bureau_user, data, field):
    client.force_login(bureau_user)
    response = client.post(reverse("metrics:run_list"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'id="id_{field}_errors"' in response.content.decode()
    assert MetricRun.objects.count() == 0


def test_run_progress_json(client, bureau_user, city):
    run = MetricRun.objects.create(year=2025, quarter=3, status="running", progress_done=6, progress_total=15)
    client.force_login(bureau_user)
    data = client.get(reverse("metrics:run_progress", args=[run.pk])).json()
    assert data == {
        "id": run.pk,
        "status": "running",
        "status_label": "计算中",
        "done": 6,
        "total": 15,
        "percent": 40,
        "finished": False,
        "error": "",
        "duration_s": None,
        "started_at": "",
        "finished_at": "",
    }


def test_failed_run_shows_its_error(client, bureau_user):
    run = MetricRun.objects.create(
        year=2025, quarter=3, status="failed", progress_done=2, progress_total=15, error="ZeroDivisionError: boom"
    )
    client.force_login(bureau_user)
    body = client.get(reverse("metrics:run_detail", args=[run.pk])).content.decode()
    assert "ZeroDivisionError: boom" in body
    assert "badge--failed" in body
    assert client.get(reverse("metrics:run_progress", args=[run.pk])).json()["finished"] is True


def test_run_list_is_paginated_with_constant_queries(client, bureau_user):
    client.force_login(bureau_user)
    MetricRun.objects.bulk_create(
        [MetricRun(year=2025, quarter=1, status="succeeded", requested_by=bureau_user) for _ in range(3)]
    )
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("metrics:run_list"))
    MetricRun.objects.bulk_create(
        [MetricRun(year=2025, quarter=2, status="failed", requested_by=bureau_user) for _ in range(60)]
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("metrics:run_list"))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(response.context["page_obj"].object_list) == 30


def test_alert_list_filters_by_status_and_year(client, bureau_user, city):
    client.force_login(bureau_user)
    everything = client.get(reverse("metrics:alert_list")).context["page_obj"].object_list
    assert len(everything) == 2
    open_only = client.get(reverse("metrics:alert_list"), {"status": "open"}).context["page_obj"].object_list
    assert [a.pk for a in open_only] == [city["open_alert"].pk]
    of_2024 = client.get(reverse("metrics:alert_list"), {"year": 2024}).context["page_obj"].object_list
    assert [a.status for a in of_2024] == ["dismissed"]


def test_alert_list_queries_do_not_grow(client, bureau_user, city):
    client.force_login(bureau_user)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("metrics:alert_list"))
    for _ in range(10):
        Alert.objects.create(program=f.ProgramFactory(), year=2025, rates={"2025": 0.1})
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("metrics:alert_list"))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_bureau_restricts_enrolment_from_an_alert(client, bureau_user, city):
    alert = city["open_alert"]
    client.force_login(bureau_user)
    response = client.post(
        reverse("metrics:alert_detail", args=[alert.pk]), {"decision": "restrict", "note": "连续两年对口率偏低"}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    alert.program.refresh_from_db()
    assert (alert.status, alert.note, alert.decided_by) == ("restricted", "连续两年对口率偏低", bureau_user)
    assert alert.program.enrollment_status == "restricted"
    # A decided alert offers no second decision.
    assert client.get(reverse("metrics:alert_detail", args=[alert.pk])).context["form"] is None


def test_alert_decision_needs_a_choice(client, bureau_user, city):
    alert = city["open_alert"]
    client.force_login(bureau_user)
    response = client.post(reverse("metrics:alert_detail", args=[alert.pk]), {"note": "x"})
    assert response.status_code == 200
    assert "decision" in response.context["form"].errors
    alert.refresh_from_db()
    assert alert.status == "open"


def test_college_admin_reads_own_alerts_but_cannot_decide(client, city):
    admin = f.ProfileFactory(user=f.UserFactory(username="demo_college"), role="college", college=city["college"]).user
    alert = city["open_alert"]
    client.force_login(admin)
    listed = client.get(reverse("metrics:alert_list")).context["page_obj"].object_list
    assert len(listed) == 2
    page = client.get(reverse("metrics:alert_detail", args=[alert.pk]))
    assert page.status_code == 200 and page.context["form"] is None
    client.post(reverse("metrics:alert_detail", args=[alert.pk]), {"decision": "dismissed"})
    alert.refresh_from_db()
    assert alert.status == "open"


def test_other_college_cannot_see_the_alert(client, other_college_user, city):
    client.force_login(other_college_user)
    assert client.get(reverse("metrics:alert_detail", args=[city["open_alert"].pk])).status_code == 404
    assert len(client.get(reverse("metrics:alert_list")).context["page_obj"].object_list) == 0


def test_target_list_shows_progress_of_latest_period(client, bureau_user, city):
    client.force_login(bureau_user)
    response = client.get(reverse("metrics:target_list"))
    assert response.context["period"] == (2025, 2)
    statuses = [(row["target"].metric, row["status"]) for row in response.context["rows"]]
    assert statuses == [
        ("alignment_rate", "achieved"),
        ("order_classes", "achieved"),
        ("training_bases", "on_track"),
        ("integration_enterprises", "at_risk"),
        ("cluster_coverage", "no_data"),
    ]
    body = response.content.decode()
    assert "≥ 80.0%" in body and "82.0%" in body and "93%" in body
