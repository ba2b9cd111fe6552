"""The API's behaviour beyond the role matrix: filters, search, ordering, the extra actions,
field-level errors, metric runs, tokens and throttling (SPEC 6)."""

import datetime

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.throttling import UserRateThrottle

from demand.models import DemandAssignment, DemandItem, DemandItemEvent, DemandList
from metrics.models import Alert, MetricRun, Snapshot
from policies.models import PolicyDelivery
from portal.models import UserProfile
from programs.models import Program, ProgramYear
from tests import factories as f
from tests.test_api_matrix import api_client


@pytest.fixture(autouse=True)
def _fast_and_unthrottled(settings):
    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# ---- filters, search, ordering -----------------------------------------------------------


def _snapshot(run, metric, scope_type, scope_id, year, quarter, value=0.5):
    return Snapshot.objects.create(
        metric=metric,
        scope_type=scope_type,
        scope_id=scope_id,
        scope_name=scope_id or "全市",
        year=year,
        quarter=quarter,
        value=value,
        computed_at=timezone.now(),
        run=run,
    )


def test_snapshots_filter_by_metric_scope_and_period(agency_user):
    run = MetricRun.objects.create(year=2025, quarter=2, status="succeeded")
    city = _snapshot(run, "alignment_rate", "city", "", 2025, 2)
    district = _snapshot(run, "alignment_rate", "district", "清江浦区", 2025, 2)
    college = _snapshot(run, "alignment_rate", "college", "13290", 2025, 2)
    other_metric = _snapshot(run, "order_classes", "city", "", 2025, 2, value=12)
    earlier = _snapshot(run, "alignment_rate", "city", "", 2025, 1)
    last_year = _snapshot(run, "alignment_rate", "city", "", 2024, 2)
    client = api_client(agency_user)

    assert sorted(_ids(client.get("/api/v1/snapshots/", {"metric": "order_classes"}))) == [other_metric.pk]
    assert _ids(client.get("/api/v1/snapshots/", {"scope_type": "district"})) == [district.pk]
    assert _ids(client.get("/api/v1/snapshots/", {"scope_type": "college", "scope_id": "13290"})) == [college.pk]
    assert sorted(_ids(client.get("/api/v1/snapshots/", {"year": 2024}))) == [last_year.pk]
    assert sorted(_ids(client.get("/api/v1/snapshots/", {"year": 2025, "quarter": 1}))) == [earlier.pk]
    assert sorted(
        _ids(client.get("/api/v1/snapshots/", {"metric": "alignment_rate", "scope_type": "city", "year": 2025}))
    ) == sorted([city.pk, earlier.pk])
    body = client.get("/api/v1/snapshots/", {"metric": "alignment_rate", "scope_type": "city", "quarter": 2}).json()
    assert body["count"] == 2
    assert {(row["year"], row["quarter"], row["value"]) for row in body["results"]} == {(2025, 2, 0.5), (2024, 2, 0.5)}


def test_snapshot_filter_rejects_an_unknown_metric_with_a_field_error(agency_user):
    response = api_client(agency_user).get("/api/v1/snapshots/", {"metric": "no_such_metric"})
    assert response.status_code == 400
    assert list(response.json()) == ["metric"]


def test_demand_items_filter_by_year_status_overdue_and_assigned_college(bureau_user, enterprise, college):
    old = f.DemandItemFactory(demand_list__enterprise=enterprise, demand_list__year=2024, status="open")
    matched = f.DemandItemFactory(demand_list__enterprise=enterprise, demand_list__year=2025, status="matched")
    fulfilled = f.DemandItemFactory(
        demand_list__enterprise=enterprise,
        demand_list__year=2025,
        demand_list__quarter=3,
        status="fulfilled",
        fulfilled_on=datetime.date(2025, 8, 1),
    )
    future = f.DemandItemFactory(
        demand_list=matched.demand_list, status="open", due_on=timezone.localdate() + datetime.timedelta(days=30)
    )
    DemandAssignment.objects.create(item=matched, college=college)
    client = api_client(bureau_user)

    assert sorted(_ids(client.get("/api/v1/demand-items/", {"year": 2025}))) == sorted(
        [matched.pk, fulfilled.pk, future.pk]
    )
    assert _ids(client.get("/api/v1/demand-items/", {"year": 2025, "status": "fulfilled"})) == [fulfilled.pk]
    both = client.get("/api/v1/demand-items/?status=open&status=matched&ordering=id")
    assert _ids(both) == sorted([old.pk, matched.pk, future.pk])
    # Overdue: not finished and due before today (the factory's due date is 2025-06-30).
    assert sorted(_ids(client.get("/api/v1/demand-items/", {"overdue": "true"}))) == sorted([old.pk, matched.pk])
    assert _ids(client.get("/api/v1/demand-items/", {"college_code": college.code})) == [matched.pk]
    assert _ids(client.get("/api/v1/demand-items/", {"college": college.pk})) == [matched.pk]
    assert client.get("/api/v1/demand-items/", {"year": "last"}).status_code == 400


def test_search_and_ordering(bureau_user):
    f.EnterpriseFactory(name="甲新能源有限公司", district="淮安区")
    f.EnterpriseFactory(name="乙化工有限公司", district="清江浦区")
    f.EnterpriseFactory(name="丙新能源有限公司", district="涟水县")
    client = api_client(bureau_user)

    names = [row["name"] for row in client.get("/api/v1/enterprises/", {"search": "新能源"}).json()["results"]]
    assert sorted(names) == ["丙新能源有限公司", "甲新能源有限公司"]
    districts = [
        row["district"] for row in client.get("/api/v1/enterprises/", {"ordering": "-district"}).json()["results"]
    ]
    assert districts == sorted(districts, reverse=True)
    assert len(districts) == 3
    assert [row["name"] for row in client.get("/api/v1/enterprises/", {"district": "淮安区"}).json()["results"]] == [
        "甲新能源有限公司"
    ]


def test_programs_filter_by_active_date_and_cluster(bureau_user, college):
    cluster = f.ClusterFactory(code="NEV", industry_codes=["C36"])
    f.ClusterFactory(code="CHEM", industry_codes=["C26"])
    serving = f.ProgramFactory(college=college, major=f.MajorFactory(industry_codes=["C3670"]))
    closed = f.ProgramFactory(
        college=college,
        major=f.MajorFactory(industry_codes=["C26"]),
        closed_on=datetime.date(2024, 7, 1),
    )
    client = api_client(bureau_user)

    assert _ids(client.get("/api/v1/programs/", {"cluster_code": cluster.code})) == [serving.pk]
    assert _ids(client.get("/api/v1/programs/", {"active_on": "2025-01-01"})) == [serving.pk]
    assert sorted(_ids(client.get("/api/v1/programs/", {"active_on": "2024-01-01"}))) == sorted([serving.pk, closed.pk])
    assert _ids(client.get("/api/v1/programs/", {"college_code": "nope"})) == []


def test_rows_carry_natural_keys_for_joining(agency_user, college, enterprise):
    program = f.ProgramFactory(college=college, major=f.MajorFactory(code="460701"), schooling="5yr_higher")
    f.ProgramYearFactory(program=program, year=2025)
    f.OrderClassFactory(program=program, enterprise=enterprise)
    client = api_client(agency_user)

    row = client.get("/api/v1/program-years/").json()["results"][0]
    assert (row["college_code"], row["major_code"], row["schooling"], row["year"]) == (
        "13290",
        "460701",
        "5yr_higher",
        2025,
    )
    row = client.get("/api/v1/order-classes/").json()["results"][0]
    assert (row["college_code"], row["major_code"], row["uscc"]) == ("13290", "460701", enterprise.uscc)


# ---- errors ------------------------------------------------------------------------------


def test_bad_figures_get_field_level_chinese_errors_and_nothing_is_saved(college_user, college):
    program = f.ProgramFactory(college=college)
    body = {"program": program.pk, "year": 2025, "graduates": 10, "employed": 12}
    response = api_client(college_user).post("/api/v1/program-years/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"employed": ["就业人数（12）不能超过毕业生数（10）。"]}
    assert ProgramYear.objects.count() == 0


def test_a_bad_uscc_is_a_400_naming_the_field(bureau_user):
    body = {"uscc": "91320800000000001X", "name": "某公司", "industry": "C36", "district": "淮安区", "scale": "small"}
    f.IndustryFactory(code="C36")
    response = api_client(bureau_user).post("/api/v1/enterprises/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["uscc"]
    assert "统一社会信用代码" in response.json()["uscc"][0]


def test_deleting_a_major_still_taught_is_a_409_and_keeps_it(bureau_user):
    program = f.ProgramFactory()
    response = api_client(bureau_user).delete(f"/api/v1/majors/{program.major_id}/")
    assert response.status_code == 409
    assert response.json() == {"detail": "仍有其他数据引用它，不能删除。"}
    assert Program.objects.filter(pk=program.pk).exists()


def test_a_college_admin_cannot_move_a_program_into_another_college(college_user, college, other_college):
    program = f.ProgramFactory(college=college)
    response = api_client(college_user).patch(
        f"/api/v1/programs/{program.pk}/", {"college": other_college.pk}, format="json"
    )
    assert response.status_code == 400
    assert "college" in response.json()
    program.refresh_from_db()
    assert program.college_id == college.pk


def test_garbage_json_is_a_400(bureau_user):
    response = api_client(bureau_user).generic(
        "POST", "/api/v1/industries/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400


# ---- demand lists and items --------------------------------------------------------------


def test_enterprise_submits_and_bureau_returns_then_accepts(enterprise_user, bureau_user, enterprise):
    clerk, bureau = api_client(enterprise_user), api_client(bureau_user)
    created = clerk.post(
        "/api/v1/demand-lists/", {"enterprise": enterprise.pk, "year": 2026, "quarter": 1}, format="json"
    )
    assert created.status_code == 201
    list_id = created.json()["id"]
    again = clerk.post(
        "/api/v1/demand-lists/", {"enterprise": enterprise.pk, "year": 2026, "quarter": 1}, format="json"
    )
    assert (again.status_code, again.json()["id"]) == (200, list_id)

    empty = clerk.post(f"/api/v1/demand-lists/{list_id}/submit/")
    assert empty.status_code == 400
    assert list(empty.json()) == ["items"]
    due_on = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()  # not before today (issue #15)
    item = {"demand_list": list_id, "kind": "talent", "title": "焊工", "headcount": 3, "due_on": due_on}
    assert clerk.post("/api/v1/demand-items/", item, format="json").status_code == 201

    submitted = clerk.post(f"/api/v1/demand-lists/{list_id}/submit/")
    assert (submitted.status_code, submitted.json()["status"]) == (200, "submitted")
    assert clerk.post(f"/api/v1/demand-lists/{list_id}/accept/").status_code == 403
    no_reason = bureau.post(f"/api/v1/demand-lists/{list_id}/return/", {}, format="json")
    assert (no_reason.status_code, list(no_reason.json())) == (400, ["reason"])
    returned = bureau.post(f"/api/v1/demand-lists/{list_id}/return/", {"reason": "人数不实"}, format="json")
    assert (returned.json()["status"], returned.json()["return_reason"]) == ("returned", "人数不实")
    assert clerk.post(f"/api/v1/demand-lists/{list_id}/submit/").json()["status"] == "submitted"
    assert bureau.post(f"/api/v1/demand-lists/{list_id}/accept/").json()["status"] == "accepted"
    assert DemandList.objects.get(pk=list_id).status == "accepted"


def test_enterprise_cannot_edit_an_item_of_a_submitted_list(enterprise_user, enterprise):
    item = f.DemandItemFactory(demand_list__enterprise=enterprise, demand_list__status="submitted", title="原标题")
    response = api_client(enterprise_user).patch(f"/api/v1/demand-items/{item.pk}/", {"title": "新标题"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["demand_list"]
    item.refresh_from_db()
    assert item.title == "原标题"


def test_bureau_assigns_transitions_and_fulfils_an_item(
    bureau_user, college_user, enterprise_user, college, enterprise
):
    item = f.DemandItemFactory(demand_list__enterprise=enterprise, headcount=10)
    bureau, clerk = api_client(bureau_user), api_client(enterprise_user)

    assigned = bureau.post(f"/api/v1/demand-items/{item.pk}/assign/", {"college": college.pk}, format="json")
    assert assigned.status_code == 200
    assert assigned.json()["status"] == "matched"
    assert [a["college_code"] for a in assigned.json()["assignments"]] == ["13290"]
    # The college now sees the item, read-only.
    seen = api_client(college_user).get(f"/api/v1/demand-items/{item.pk}/")
    assert seen.status_code == 200
    assert api_client(college_user).post(f"/api/v1/demand-items/{item.pk}/fulfil/").status_code == 403

    assert clerk.post(f"/api/v1/demand-items/{item.pk}/fulfil/").status_code == 403
    moved = bureau.post(f"/api/v1/demand-items/{item.pk}/transition/", {"to_status": "in_progress"}, format="json")
    assert moved.json()["status"] == "in_progress"
    bad = bureau.post(f"/api/v1/demand-items/{item.pk}/transition/", {"to_status": "open"}, format="json")
    assert (bad.status_code, list(bad.json())) == (400, ["status"])
    done = bureau.post(
        f"/api/v1/demand-items/{item.pk}/fulfil/", {"on": "2025-06-01", "headcount": 8}, format="json"
    ).json()
    assert (done["status"], done["fulfilled_on"], done["fulfilled_headcount"]) == ("fulfilled", "2025-06-01", 8)
    twice = bureau.post(f"/api/v1/demand-items/{item.pk}/fulfil/")
    assert twice.status_code == 400
    assert [e.to_status for e in DemandItemEvent.objects.filter(item=item).order_by("id")] == [
        "matched",
        "in_progress",
        "fulfilled",
    ]


def test_enterprise_reads_suggestions_for_its_own_item_only(
    enterprise_user, other_enterprise_user, enterprise, college
):
    f.ClusterFactory(code="NEV", industry_codes=["C36"])
    program = f.ProgramFactory(college=college, major=f.MajorFactory(code="460702", industry_codes=["C36"]))
    f.ProgramYearFactory(program=program, year=2026, graduates=44)
    item = f.DemandItemFactory(demand_list__enterprise=enterprise, major_code="460702")

    response = api_client(enterprise_user).get(f"/api/v1/demand-items/{item.pk}/suggestions/")
    assert response.status_code == 200
    assert response.json() == [
        {
            "program": program.pk,
            "college_code": "13290",
            "college_name": college.name,
            "major_code": "460702",
            "major_name": program.major.name,
            "schooling": "3yr_higher",
            "rank": 1,
            "reason": "同专业",
            "expected_graduates": 44,
            "graduates_year": 2026,
        }
    ]
    assert api_client(other_enterprise_user).get(f"/api/v1/demand-items/{item.pk}/suggestions/").status_code == 404


# ---- policies and alerts -----------------------------------------------------------------


def test_policy_publish_delivers_and_the_enterprise_acknowledges_once(bureau_user, enterprise_user, enterprise):
    card = f.PolicyCardFactory()
    bureau, clerk = api_client(bureau_user), api_client(enterprise_user)
    assert clerk.get(f"/api/v1/policies/{card.pk}/").status_code == 404  # drafts are the bureau's

    published = bureau.post(f"/api/v1/policies/{card.pk}/publish/").json()
    assert (published["status"], published["deliveries_count"], published["acknowledged_count"]) == ("published", 1, 0)
    assert clerk.post(f"/api/v1/policies/{card.pk}/publish/").status_code == 403
    assert bureau.post(f"/api/v1/policies/{card.pk}/acknowledge/").status_code == 403

    acknowledged = clerk.post(f"/api/v1/policies/{card.pk}/acknowledge/")
    assert acknowledged.status_code == 200
    assert acknowledged.json()["acknowledged_at"] is not None
    assert clerk.post(f"/api/v1/policies/{card.pk}/acknowledge/").status_code == 400
    assert bureau.get(f"/api/v1/policies/{card.pk}/").json()["reach"] == 1.0
    assert PolicyDelivery.objects.get(card=card, enterprise=enterprise).acknowledged_by == enterprise_user


def test_bureau_decides_an_alert_and_the_college_cannot(bureau_user, college_user, college):
    program = f.ProgramFactory(college=college)
    alert = Alert.objects.create(program=program, year=2025, rates={"2024": 0.5, "2025": 0.55})

    refused = api_client(college_user).post(
        f"/api/v1/alerts/{alert.pk}/decide/", {"decision": "keep", "note": "保留"}, format="json"
    )
    assert refused.status_code == 403
    bad = api_client(bureau_user).post(f"/api/v1/alerts/{alert.pk}/decide/", {"decision": "maybe"}, format="json")
    assert (bad.status_code, list(bad.json())) == (400, ["decision"])
    decided = api_client(bureau_user).post(
        f"/api/v1/alerts/{alert.pk}/decide/", {"decision": "restrict", "note": "连续两年对口率低"}, format="json"
    )
    assert (decided.status_code, decided.json()["status"]) == (200, "restricted")
    program.refresh_from_db()
    assert program.enrollment_status == "restricted"


# ---- metric runs -------------------------------------------------------------------------


def test_post_metric_run_answers_202_and_runs_after_commit(bureau_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api_client(bureau_user).post("/api/v1/metric-runs/", {"year": 2025, "quarter": 2}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert (body["year"], body["quarter"], body["status"], body["trigger"]) == (2025, 2, "queued", "manual")
    assert "requested_by" not in body
    assert len(callbacks) == 1
    # Without a broker the task ran in-process once the run was committed.
    assert MetricRun.objects.get(pk=body["id"]).status == "succeeded"


def test_a_run_detail_carries_its_supply_demand_table_and_the_list_does_not(agency_user):
    from tests.portal_seed import SUPPLY_DEMAND, seed_dashboard

    run = seed_dashboard()["runs"][-1]
    client = api_client(agency_user)

    listed = client.get("/api/v1/metric-runs/").json()["results"]
    detail = client.get(f"/api/v1/metric-runs/{run.pk}/").json()

    assert "supply_demand" not in listed[0]
    city = [row for row in detail["supply_demand"] if row["scope_type"] == "city"]
    assert [(row["cluster"], row["demand"], row["gap"]) for row in city] == [
        (row["cluster"], row["demand"], row["gap"]) for row in SUPPLY_DEMAND
    ]
    assert {row["scope_type"] for row in detail["supply_demand"]} == {"city", "college"}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"year": 1999, "quarter": 2}, ["year"]),
        ({"year": 2025, "quarter": 5}, ["quarter"]),
        ({"year": "next", "quarter": 0}, ["year", "quarter"]),
        ({}, ["year", "quarter"]),
    ],
)
def test_post_metric_run_with_a_bad_period_is_a_400_naming_the_fields(bureau_user, body, fields):
    response = api_client(bureau_user).post("/api/v1/metric-runs/", body, format="json")
    assert response.status_code == 400
    assert sorted(response.json()) == sorted(fields)
    assert MetricRun.objects.count() == 0


# ---- authentication, tokens, throttling --------------------------------------------------


def test_session_users_read_the_api_too(client, college_user):
    client.force_login(college_user)
    assert client.get("/api/v1/colleges/").status_code == 200


def test_issue_token_command_creates_an_agency_and_revokes(db, capsys):
    call_command("issue_token", "stats-bureau", "--agency")
    key = capsys.readouterr().out.strip()
    token = Token.objects.get(key=key)
    assert UserProfile.objects.get(user=token.user).role == "agency"
    assert not token.user.has_usable_password()
    assert api_client().get("/api/v1/snapshots/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    call_command("issue_token", "stats-bureau")
    new_key = capsys.readouterr().out.strip()
    assert new_key != key
    assert api_client().get("/api/v1/snapshots/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401

    call_command("issue_token", "stats-bureau", "--revoke")
    assert not Token.objects.filter(user=token.user).exists()
    assert api_client().get("/api/v1/snapshots/", HTTP_AUTHORIZATION=f"Token {new_key}").status_code == 401
    with pytest.raises(CommandError):
        call_command("issue_token", "nobody-here")


def test_token_page_is_the_bureaus_and_shows_a_new_key_once(client, bureau_user, agency_user, college_user):
    client.force_login(college_user)
    assert client.get("/api-tokens/").status_code == 404
    client.force_login(bureau_user)
    assert client.get("/api-tokens/").status_code == 200

    response = client.post("/api-tokens/", {"username": "housing-dept", "create_agency": "on"})
    token = Token.objects.get(user__username="housing-dept")
    assert response.status_code == 200
    assert token.key in response.content.decode()
    listing = client.get("/api-tokens/").content.decode()
    assert "housing-dept" in listing and token.key not in listing

    missing = client.post("/api-tokens/", {"username": "ghost"})
    assert missing.status_code == 400
    assert "用户 ghost 不存在" in missing.content.decode()

    client.post(f"/api-tokens/{token.user_id}/revoke/")
    assert not Token.objects.filter(user__username="housing-dept").exists()


def test_each_token_is_throttled_on_its_own(monkeypatch, agency_user, bureau_user):
    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", "3/min")
    agency = api_client(agency_user)
    assert [agency.get("/api/v1/colleges/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert api_client(bureau_user).get("/api/v1/colleges/").status_code == 200


def test_lists_of_items_hide_assignments_of_other_colleges(college_user, college, other_college, enterprise):
    item = f.DemandItemFactory(demand_list__enterprise=enterprise)
    DemandAssignment.objects.create(item=item, college=college)
    DemandAssignment.objects.create(item=item, college=other_college)
    row = api_client(college_user).get("/api/v1/demand-items/").json()["results"][0]
    assert [a["college_code"] for a in row["assignments"]] == [college.code]
    assert DemandItem.objects.count() == 1


def test_an_absurd_year_filter_is_a_400_not_a_server_error(agency_user):
    # Found by the schemathesis run: ?year=3e16 on a date field's year once raised inside date().
    response = api_client(agency_user).get("/api/v1/training-sessions/", {"year": "3.038834361185101e+16"})
    assert response.status_code == 400
    assert list(response.json()) == ["year"]
