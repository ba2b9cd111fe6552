"""The second round's resources through the API (SPEC 6): districts, priority-majors, supply-demand,
supply-demand-majors and scenarios — role scoping, filters, updated_after, and refusals that change nothing.
The role × operation matrix and the query-count bound of every list are in test_api_matrix.py."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from exchange.importer import import_bundle
from metrics import scenarios, services
from metrics.models import MetricRun, Scenario, Snapshot, SupplyDemandMajorRow, SupplyDemandRow
from programs.models import Program
from reference.models import District, PriorityMajor
from tests import factories as f
from tests.exchange_helpers import small_city_copy


@pytest.fixture(autouse=True)
def _unthrottled():
    cache.clear()


def api(user) -> APIClient:
    client = APIClient()
    client.default_format = "json"  # the API speaks JSON only
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


# Districts -----------------------------------------------------------------------------------------


def test_bureau_keeps_districts_and_everyone_signed_in_reads_them(bureau_user, college_user, agency_user):
    created = api(bureau_user).post("/api/v1/districts/", {"code": "320899", "name": "新设区", "order": 9})
    assert created.status_code == 201, created.content
    assert set(created.json()) == {"id", "code", "name", "order", "updated_at"}
    names = [d["name"] for d in results(api(college_user).get("/api/v1/districts/", {"page_size": 50}))]
    assert names[-1] == "新设区" and "清江浦区" in names
    bad_code = api(bureau_user).post("/api/v1/districts/", {"code": "12", "name": "另一区"})
    assert bad_code.status_code == 400 and bad_code.json()["code"] == ["区划代码应为6位数字（GB/T 2260）。"]
    assert api(agency_user).post("/api/v1/districts/", {"name": "另一区"}).status_code == 403
    assert api(college_user).post("/api/v1/districts/", {"name": "另一区"}).status_code == 403
    assert not District.objects.filter(name="另一区").exists()


def test_deleting_a_district_still_named_by_a_college_or_enterprise_is_a_conflict(bureau_user, college, enterprise):
    district = District.objects.get(name="清江浦区")
    assert college.district == enterprise.district == "清江浦区"
    response = api(bureau_user).delete(f"/api/v1/districts/{district.pk}/")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "区县「清江浦区」仍被 企业 1 个、院校 1 个 使用，不能删除或改名；请先把它们改到其他区县。"
    )
    assert District.objects.filter(pk=district.pk).exists()


def test_renaming_a_district_in_use_is_refused_and_an_unused_one_is_renamed(bureau_user, college):
    client = api(bureau_user)
    used = District.objects.get(name="清江浦区")
    response = client.patch(f"/api/v1/districts/{used.pk}/", {"name": "新清江浦区"})
    assert response.status_code == 400
    assert "院校 1 个" in response.json()["name"][0]
    assert District.objects.get(pk=used.pk).name == "清江浦区"
    unused = District.objects.get(name="涟水县")
    assert client.patch(f"/api/v1/districts/{unused.pk}/", {"name": "涟水区"}).status_code == 200
    assert client.delete(f"/api/v1/districts/{unused.pk}/").status_code == 204


def test_districts_filter_by_updated_after(bureau_user):
    before = timezone.now()
    District.objects.filter(name="淮安区").update(updated_at=before - datetime.timedelta(days=2))
    District.objects.exclude(name="淮安区").update(updated_at=before + datetime.timedelta(seconds=1))
    since = (before - datetime.timedelta(days=1)).isoformat()
    names = {d["name"] for d in results(api(bureau_user).get("/api/v1/districts/", {"updated_after": since}))}
    assert names == {"清江浦区", "淮阴区", "洪泽区", "涟水县"}
    assert api(bureau_user).get("/api/v1/districts/", {"updated_after": "not a date"}).status_code == 400


# Priority majors -----------------------------------------------------------------------------------


@pytest.fixture
def directory(db):
    cluster = f.ClusterFactory(code="NEV", industry_codes=["C36"])
    entries = {
        "always": PriorityMajor.objects.create(
            major=f.MajorFactory(code="460701", name="新能源汽车技术"), cluster=cluster, effective_from="2023-01-01"
        ),
        "ended": PriorityMajor.objects.create(
            major=f.MajorFactory(code="460702"), effective_from="2023-01-01", effective_to="2024-12-31"
        ),
        "later": PriorityMajor.objects.create(major=f.MajorFactory(code="470101"), effective_from="2025-07-01"),
    }
    return entries


def test_priority_majors_in_the_directory_on_a_date(bureau_user, college_user, directory):
    def codes(**params):
        return [e["major_code"] for e in results(api(college_user).get("/api/v1/priority-majors/", params))]

    assert codes(in_directory_on="2024-12-31") == ["460701", "460702"]
    assert codes(in_directory_on="2025-01-01") == ["460701"]
    assert codes(in_directory_on="2025-07-01") == ["460701", "470101"]
    assert codes(cluster_code="NEV") == ["460701"]
    assert codes(major_code="470101") == ["470101"]
    entry = results(api(college_user).get("/api/v1/priority-majors/", {"major_code": "460701"}))[0]
    assert {k: v for k, v in entry.items() if k not in ("id", "updated_at")} == {
        "major_code": "460701",
        "major_name": "新能源汽车技术",
        "cluster_code": "NEV",
        "effective_from": "2023-01-01",
        "effective_to": None,
    }


def test_bureau_writes_the_directory_and_bad_entries_are_400_naming_the_field(bureau_user, college_user, directory):
    client = api(bureau_user)
    before = PriorityMajor.objects.count()
    bad = client.post(
        "/api/v1/priority-majors/",
        {"major_code": "999999", "effective_from": "2025-01-01"},
        format="json",
    )
    assert bad.status_code == 400 and "major_code" in bad.json()
    backwards = client.post(
        "/api/v1/priority-majors/",
        {"major_code": "460702", "effective_from": "2026-01-01", "effective_to": "2025-01-01"},
        format="json",
    )
    assert backwards.status_code == 400 and backwards.json()["effective_to"] == ["失效日期不能早于生效日期。"]
    refused = api(college_user).post(
        "/api/v1/priority-majors/", {"major_code": "460702", "effective_from": "2026-01-01"}, format="json"
    )
    assert refused.status_code == 403
    assert PriorityMajor.objects.count() == before
    made = client.post(
        "/api/v1/priority-majors/", {"major_code": "460702", "effective_from": "2026-01-01"}, format="json"
    )
    assert made.status_code == 201, made.content
    assert made.json()["cluster_code"] is None
    assert client.delete(f"/api/v1/priority-majors/{made.json()['id']}/").status_code == 204


# Supply and demand ---------------------------------------------------------------------------------


def _run(year, quarter, status="succeeded", finished=None):
    return MetricRun.objects.create(year=year, quarter=quarter, status=status, finished_at=finished or timezone.now())


def _line(run, scope_type, scope_id="", cluster="NEV", demand=10.0):
    return SupplyDemandRow.objects.create(
        run=run,
        scope_type=scope_type,
        scope_id=scope_id,
        scope_name=scope_id or "全市",
        position=0,
        cluster=cluster,
        cluster_name="新能源汽车",
        demand=demand,
        graduates=8.0,
        local_graduates=6.0,
        gap=demand - 6.0,
        forecast_1=9.0,
        forecast_2=9.5,
        forecast_3=10.5,
    )


@pytest.fixture
def tables(db, college, other_college):
    """2025Q1: an old and a newer succeeded run, then a failed one; 2025Q2: one succeeded run."""
    now = timezone.now()
    old = _run(2025, 1, finished=now - datetime.timedelta(days=3))
    newer = _run(2025, 1, finished=now - datetime.timedelta(days=2))
    failed = _run(2025, 1, status="failed", finished=now - datetime.timedelta(days=1))
    q2 = _run(2025, 2, finished=now)
    for run, demand in ((old, 1.0), (newer, 2.0), (failed, 3.0), (q2, 4.0)):
        _line(run, "city", demand=demand)
        _line(run, "district", "清江浦区", demand=demand)
        _line(run, "college", college.code, demand=demand)
        _line(run, "college", other_college.code, demand=demand)
        SupplyDemandMajorRow.objects.create(
            run=run,
            major_code="460701",
            major_name="新能源汽车技术",
            level="higher",
            demand=demand,
            graduates=1.0,
            local_graduates=0.5,
            gap=demand - 0.5,
            forecast_1=1.0,
            forecast_2=1.0,
            forecast_3=1.0,
        )
    return {"newer": newer, "q2": q2, "now": now}


def test_supply_demand_reads_the_latest_succeeded_run_of_each_period(agency_user, tables):
    lines = results(api(agency_user).get("/api/v1/supply-demand/", {"scope_type": "city"}))
    assert [(line["year"], line["quarter"], line["demand"]) for line in lines] == [(2025, 1, 2.0), (2025, 2, 4.0)]
    first = lines[0]
    assert first == {
        "id": first["id"],
        "scope_type": "city",
        "scope_id": "",
        "scope_name": "全市",
        "year": 2025,
        "quarter": 1,
        "cluster": "NEV",
        "cluster_name": "新能源汽车",
        "demand": 2.0,
        "graduates": 8.0,
        "local_graduates": 6.0,
        "gap": -4.0,
        "forecast_1": 9.0,
        "forecast_2": 9.5,
        "forecast_3": 10.5,
        "updated_at": first["updated_at"],
    }
    assert datetime.datetime.fromisoformat(first["updated_at"]) == tables["newer"].finished_at


def test_supply_demand_filters(agency_user, college, tables):
    client = api(agency_user)

    def demands(**params):
        return [
            (line["scope_type"], line["scope_id"], line["demand"])
            for line in results(client.get("/api/v1/supply-demand/", params))
        ]

    assert demands(year=2025, quarter=2, scope_type="college", scope_id=college.code) == [
        ("college", college.code, 4.0)
    ]
    assert demands(quarter=1, scope_type="district") == [("district", "清江浦区", 2.0)]
    since = (tables["now"] - datetime.timedelta(hours=1)).isoformat()
    assert {d for _t, _i, d in demands(updated_after=since)} == {4.0}


def test_college_reads_city_and_own_college_lines_enterprise_reads_city_lines(
    college_user, enterprise_user, bureau_user, college, other_college, tables
):
    def scopes(user):
        lines = results(api(user).get("/api/v1/supply-demand/", {"quarter": 2}))
        return sorted((line["scope_type"], line["scope_id"]) for line in lines)

    assert scopes(college_user) == [("city", ""), ("college", college.code)]
    assert scopes(enterprise_user) == [("city", "")]
    assert len(scopes(bureau_user)) == 4
    hidden = SupplyDemandRow.objects.get(run=tables["q2"], scope_id=other_college.code)
    assert api(college_user).get(f"/api/v1/supply-demand/{hidden.pk}/").status_code == 404
    district = SupplyDemandRow.objects.get(run=tables["q2"], scope_type="district")
    assert api(enterprise_user).get(f"/api/v1/supply-demand/{district.pk}/").status_code == 404


def test_supply_demand_majors_are_the_city_table_of_the_latest_runs(enterprise_user, tables):
    client = api(enterprise_user)
    rows = results(client.get("/api/v1/supply-demand-majors/"))
    assert [(r["year"], r["quarter"], r["major_code"], r["level"], r["demand"]) for r in rows] == [
        (2025, 1, "460701", "higher", 2.0),
        (2025, 2, "460701", "higher", 4.0),
    ]
    assert "cluster" not in rows[0] and set(rows[0]) >= {"major_name", "gap", "forecast_3", "updated_at"}
    assert len(results(client.get("/api/v1/supply-demand-majors/", {"scope_type": "city", "year": 2025}))) == 2
    assert results(client.get("/api/v1/supply-demand-majors/", {"scope_type": "district"})) == []
    assert results(client.get("/api/v1/supply-demand-majors/", {"scope_id": "清江浦区"})) == []


def test_a_period_without_a_succeeded_run_has_no_lines(bureau_user, db):
    _line(_run(2024, 4, status="failed"), "city")
    assert results(api(bureau_user).get("/api/v1/supply-demand/")) == []


# Scenarios -----------------------------------------------------------------------------------------


@pytest.fixture
def city(db, tmp_path):
    import_bundle(small_city_copy(tmp_path / "city"))
    scenarios.forget_planner_bases()
    run = services.metric_run_create(year=2024, quarter=4)
    services.metric_run_execute(run_id=run.id)
    yield
    scenarios.forget_planner_bases()


def test_bureau_saves_a_scenario_and_bad_changes_are_400_naming_change_and_field(bureau_user, college, db):
    client = api(bureau_user)
    bad = client.post(
        "/api/v1/scenarios/",
        {
            "name": "试算",
            "year": 2025,
            "quarter": 2,
            "changes": [{"action": "close", "program": 999_999, "on": "2025-07-01"}, {"action": "grow"}],
        },
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json() == {
        "changes": ["第 1 项 program：专业点 999999 不存在。", "第 2 项 action：应为 open、set_intake 或 close。"]
    }
    assert not Scenario.objects.exists()
    program = f.ProgramFactory(college=college)
    made = client.post(
        "/api/v1/scenarios/",
        {
            "name": "试算",
            "year": 2025,
            "quarter": 2,
            "changes": [{"action": "close", "program": program.pk, "on": "2025-07-01"}],
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["name"], body["created_by"], body["changes"][0]["program"]) == ("试算", bureau_user.pk, program.pk)
    assert set(body) == {
        "id",
        "name",
        "description",
        "year",
        "quarter",
        "changes",
        "created_by",
        "created_at",
        "updated_at",
    }
    renamed = client.patch(f"/api/v1/scenarios/{body['id']}/", {"name": "方案甲"}, format="json")
    assert renamed.status_code == 200 and Scenario.objects.get().name == "方案甲"


def test_evaluate_answers_spec_4_3_and_writes_nothing(city, bureau_user, agency_user):
    program = Program.objects.filter(closed_on__isnull=True).order_by("pk").first()
    changes = [{"action": "set_intake", "program": program.pk, "from_year": 2022, "factor": 0}]
    scenario = scenarios.scenario_save(
        instance=Scenario(name="停招", year=2024, quarter=4, changes=changes), by=bureau_user
    )
    snapshots = list(Snapshot.objects.order_by("pk").values_list("pk", "value", "computed_at"))
    client = api(agency_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/api/v1/scenarios/{scenario.pk}/evaluate/")
    assert response.status_code == 200, response.content
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    assert list(Snapshot.objects.order_by("pk").values_list("pk", "value", "computed_at")) == snapshots
    answer = response.json()
    assert answer == scenarios.scenario_evaluate(year=2024, quarter=4, changes=changes)
    assert answer["years"] == [2024, 2025, 2026, 2027, 2028, 2029]
    assert [s["scope_type"] for s in answer["scopes"]] == ["city"] + ["district"] * 5
    city_scope = answer["scopes"][0]
    assert set(city_scope) == {"scope_type", "scope_id", "scope_name", "metrics", "clusters"}
    assert set(city_scope["metrics"]) == {"alignment_rate", "cluster_coverage", "priority_major_share"}
    assert set(city_scope["clusters"][0]) == {"cluster", "cluster_name", "graduates", "gap"}
    assert all(
        len(series) == 6
        for c in city_scope["clusters"]
        for pair in (c["graduates"], c["gap"])
        for series in pair.values()
    )


def test_duplicate_is_the_bureaus_and_scenarios_are_hidden_from_colleges(bureau_user, agency_user, college_user, db):
    scenario = Scenario.objects.create(name="试算", year=2025, quarter=2, changes=[])
    copy = api(bureau_user).post(f"/api/v1/scenarios/{scenario.pk}/duplicate/")
    assert copy.status_code == 201, copy.content
    assert (copy.json()["name"], copy.json()["created_by"]) == ("试算（副本）", bureau_user.pk)
    assert api(agency_user).post(f"/api/v1/scenarios/{scenario.pk}/duplicate/").status_code == 403
    assert api(college_user).post(f"/api/v1/scenarios/{scenario.pk}/duplicate/").status_code == 404
    assert api(college_user).post(f"/api/v1/scenarios/{scenario.pk}/evaluate/").status_code == 404
    assert Scenario.objects.count() == 2


def test_scenarios_filter_by_updated_after(bureau_user, db):
    old = Scenario.objects.create(name="旧方案", year=2025, quarter=1)
    Scenario.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    Scenario.objects.create(name="新方案", year=2025, quarter=2)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    names = [s["name"] for s in results(api(bureau_user).get("/api/v1/scenarios/", {"updated_after": since}))]
    assert names == ["新方案"]


# Target pace ---------------------------------------------------------------------------------------


def test_targets_carry_progress_and_pace_of_the_latest_period(client, bureau_user, agency_user, db):
    from django.urls import reverse

    from metrics.models import Target

    Target.objects.all().delete()
    target = f.TargetFactory(metric="training_bases", threshold=30, deadline_year=2026)
    for year, value in ((2024, 14), (2025, 22)):
        run = MetricRun.objects.create(year=year, quarter=2, status="succeeded")
        Snapshot.objects.create(
            metric="training_bases",
            scope_type="city",
            scope_name="全市",
            year=year,
            quarter=2,
            value=value,
            computed_at=timezone.now(),
            run=run,
        )
    body = results(api(agency_user).get("/api/v1/targets/"))
    assert body[0]["id"] == target.pk
    assert body[0]["progress"] == {
        "year": 2025,
        "quarter": 2,
        "value": 22.0,
        "ratio": pytest.approx(22 / 30),
        "status": "at_risk",
        "pace_needed": pytest.approx(8 / 6),
        "pace_recent": 2.0,
        "pace_status": "on_pace",
    }
    detail = api(agency_user).get(f"/api/v1/targets/{target.pk}/").json()
    assert detail["progress"]["pace_status"] == "on_pace"
    client.force_login(bureau_user)
    page = client.get(reverse("metrics:target_list")).content.decode()
    assert "进度达标" in page and "每季度需要" in page


def test_targets_have_no_progress_before_the_first_run(bureau_user, db):
    assert {t["progress"] for t in results(api(bureau_user).get("/api/v1/targets/"))} == {None}


# Forms choose the district from the bureau's list ---------------------------------------------------


def test_bureau_college_and_enterprise_forms_choose_the_district(client, bureau_user, college, enterprise):
    from django.urls import reverse

    client.force_login(bureau_user)
    District.objects.create(name="新设区", order=9)
    for url in (reverse("colleges:edit", args=[college.pk]), reverse("enterprises:edit", args=[enterprise.pk])):
        field = client.get(url).context["form"].fields["district"]
        assert [value for value, _label in field.choices] == [
            "",
            "清江浦区",
            "淮阴区",
            "淮安区",
            "洪泽区",
            "涟水县",
            "新设区",
        ]
    response = client.post(
        reverse("colleges:edit", args=[college.pk]),
        {"code": college.code, "name": college.name, "kind": college.kind, "district": "不存在区"},
    )
    assert response.context["form"].errors["district"] == ["区县「不存在区」不在教育局维护的区县列表中。"]
    college.refresh_from_db()
    assert college.district == "清江浦区"
    moved = client.post(
        reverse("colleges:edit", args=[college.pk]),
        {"code": college.code, "name": college.name, "kind": college.kind, "district": "新设区"},
    )
    assert moved.status_code == 302
    college.refresh_from_db()
    assert college.district == "新设区"


def test_updated_after_takes_any_offset_and_refuses_moments_out_of_range(bureau_user, db):
    client = api(bureau_user)
    # PostgreSQL itself refuses offsets beyond ±15:59; the filter converts to UTC first.
    assert len(results(client.get("/api/v1/districts/", {"updated_after": "0056-05-02T17:50:21+21:09"}))) == 5
    assert len(results(client.get("/api/v1/scenarios/", {"updated_after": "2000-01-01T00:00:00-23:00"}))) == 0
    assert client.get("/api/v1/districts/", {"updated_after": "0001-01-01T00:00:00+23:00"}).status_code == 400
