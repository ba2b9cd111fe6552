"""Program review (SPEC 4.4) from the outside: rules applied by a run, the bottom-p % test, one alert per
(program, year) with every tripped rule, the college's answer, the bureau's decision and what it changes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse
from rest_framework.test import APIClient

from metrics import engine, review, services
from metrics.models import Alert, ReviewRule
from portal.periods import Period
from tests import factories as f


def run_period(year=2025, quarter=2):
    return services.metric_run_execute(run_id=services.metric_run_create(year=year, quarter=quarter).id)


def figures(program, year, *, graduates=10, employed=10, in_field=None, local=None, enrolled=40, admitted=40):
    """A ProgramYear; in-field and local default to all employed."""
    in_field = employed if in_field is None else in_field
    local = employed if local is None else local
    return f.ProgramYearFactory(
        program=program,
        year=year,
        graduates=graduates,
        employed=employed,
        employed_in_field=in_field,
        employed_locally=local,
        enrolled=enrolled,
        admitted=admitted,
    )


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def yellow_rule(db):
    """Employment below 95 % in the latest year: yellow."""
    return f.ReviewRuleFactory(code="employment_95", figure="employment_rate", years=1, level="yellow", threshold=0.95)


@pytest.fixture
def tripping(college, yellow_rule):
    """`both` trips in_field_60 (red) and employment_95 (yellow); `yellow` only employment_95."""
    both = f.ProgramFactory(college=college)
    figures(both, 2023, employed=10, in_field=5)
    figures(both, 2024, employed=9, in_field=4)
    yellow = f.ProgramFactory(college=college)
    figures(yellow, 2024, employed=9, in_field=9)
    fine = f.ProgramFactory(college=college)
    figures(fine, 2024)
    return {"both": both, "yellow": yellow, "fine": fine}


def test_seeded_rule_reproduces_the_60_percent_rule(db):
    rule = ReviewRule.objects.get(code="in_field_60")
    assert (rule.figure, rule.comparator, rule.threshold, rule.years, rule.level, rule.active) == (
        "in_field_rate",
        "lt",
        0.60,
        2,
        "red",
        True,
    )


def test_program_tripping_two_rules_gets_one_alert_naming_both_at_the_worst_level(tripping):
    run_period()
    alerts = {a.program_id: a for a in Alert.objects.all()}
    assert set(alerts) == {tripping["both"].id, tripping["yellow"].id}
    both = alerts[tripping["both"].id]
    assert (both.year, both.level, both.status) == (2024, "red", "open")
    assert both.trips == [
        {"rule": "employment_95", "level": "yellow", "values": {"2024": 0.9}},
        {"rule": "in_field_60", "level": "red", "values": {"2024": 0.4444, "2023": 0.5}},
    ]
    assert both.rates == {"2024": 0.4444, "2023": 0.5}
    yellow = alerts[tripping["yellow"].id]
    assert (yellow.year, yellow.level, [t["rule"] for t in yellow.trips]) == (2024, "yellow", ["employment_95"])


def test_alert_year_is_the_latest_year_any_tripped_rule_looked_at(college):
    f.ReviewRuleFactory(code="intake_80", figure="intake_fill", years=1, level="yellow", threshold=0.8)
    program = f.ProgramFactory(college=college)
    figures(program, 2023, employed=10, in_field=5)
    figures(program, 2024, employed=10, in_field=5, enrolled=40, admitted=30)
    # A cohort in school graduating in 2025: intake figures only (no graduates, so no in-field rate).
    figures(program, 2025, graduates=0, employed=0, in_field=0, local=0, enrolled=40, admitted=20)
    run_period(2025, 2)
    alert = Alert.objects.get(program=program)
    assert (alert.year, alert.level) == (2025, "red")
    assert {t["rule"]: t["values"] for t in alert.trips} == {
        "in_field_60": {"2024": 0.5, "2023": 0.5},
        "intake_80": {"2025": 0.5},
    }


@pytest.fixture
def ladder(college):
    """Employment rates in 2024 of the city's higher-level programs: 0.0 (restricted), 0.1, 0.2, 0.3, 0.3,
    0.5 … 0.9 (n = 10); one without graduates (no figure, not counted) and two secondary-level programs."""
    programs = {}
    restricted = f.ProgramFactory(college=college, enrollment_status="restricted")
    figures(restricted, 2024, employed=0, in_field=0, local=0)
    programs["restricted"] = restricted
    for name, employed in [("p1", 1), ("p2", 2), ("p3a", 3), ("p3b", 3), ("p5", 5), ("p6", 6), ("p7", 7)]:
        programs[name] = f.ProgramFactory(college=college)
        figures(programs[name], 2024, employed=employed, in_field=employed, local=employed)
    for name, employed in [("p8", 8), ("p9", 9)]:
        programs[name] = f.ProgramFactory(college=college)
        figures(programs[name], 2024, employed=employed, in_field=employed, local=employed)
    programs["empty"] = f.ProgramFactory(college=college)
    figures(programs["empty"], 2024, graduates=0, employed=0, in_field=0, local=0)
    secondary = f.MajorFactory(level="secondary")
    programs["s_low"] = f.ProgramFactory(college=college, major=secondary, schooling="secondary")
    figures(programs["s_low"], 2024, employed=9, in_field=9, local=9)
    other_secondary = f.MajorFactory(level="secondary")
    programs["s_high"] = f.ProgramFactory(college=college, major=other_secondary, schooling="secondary")
    figures(programs["s_high"], 2024, employed=10, in_field=10, local=10)
    return programs


def _bottom(percent):
    rule = ReviewRule(
        code="bottom", name="末位", figure="employment_rate", years=1, level="yellow", bottom_percent=percent
    )
    alerts = review.program_alerts(engine.load_frames(Period(2025, 2)), rules=[rule])
    return {a["program_id"] for a in alerts}


def test_bottom_percent_picks_exactly_the_bottom_of_the_same_level(ladder):
    names = {program.id: name for name, program in ladder.items()}
    # n = 10 higher programs with a figure: p = 30 → k = ⌈3.0⌉ = 3 (not 4 from 10 × 30 ÷ 100 = 3.0000000000000004),
    # the cut is the 3rd smallest (0.2). The restricted program counts in n but raises nothing.
    # Secondary: n = 2, k = ⌈0.6⌉ = 1 → the smaller of the two.
    assert {names[pid] for pid in _bottom(30)} == {"p1", "p2", "s_low"}
    # p = 40 → k = 4, cut = 0.3: both programs at 0.3 are in (ties at the cut are in), so 4 of 9 normal ones.
    assert {names[pid] for pid in _bottom(40)} == {"p1", "p2", "p3a", "p3b", "s_low"}


def test_decided_alert_is_never_reopened_or_changed_by_a_run_or_a_rule_change(tripping, bureau_user, yellow_rule):
    run_period()
    alert = Alert.objects.get(program=tripping["yellow"])
    review.alert_decide(alert=alert, by=bureau_user, decision="keep", note="就业率波动属正常")
    decided = model_to_dict(Alert.objects.get(pk=alert.pk))
    yellow_rule.level = "red"
    review.review_rule_save(instance=yellow_rule, by=bureau_user)
    run_period()
    run_period(2025, 3)
    assert model_to_dict(Alert.objects.get(pk=alert.pk)) == decided
    # An open alert does take the changed rule.
    assert Alert.objects.get(program=tripping["both"]).trips[0]["level"] == "red"
    assert Alert.objects.count() == 2


def test_decision_changes_enrollment_status_and_nothing_else(tripping, bureau_user):
    run_period()
    program = tripping["both"]
    before = model_to_dict(program)
    alert = review.alert_decide(
        alert=Alert.objects.get(program=program), by=bureau_user, decision="stop", note="连续两年对口率低"
    )
    program.refresh_from_db()
    assert model_to_dict(program) == {**before, "enrollment_status": "stopped"}
    assert (alert.status, alert.decision, alert.decided_by) == ("stopped", "stop", bureau_user)
    latest = program.history.order_by("-history_date").first()
    assert (latest.enrollment_status, latest.history_user) == ("stopped", bureau_user)
    # Keep leaves the program as it is.
    kept = review.alert_decide(
        alert=Alert.objects.get(program=tripping["yellow"]), by=bureau_user, decision="keep", note="保留"
    )
    tripping["yellow"].refresh_from_db()
    assert (kept.status, tripping["yellow"].enrollment_status) == ("dismissed", "normal")


def test_decision_needs_a_known_decision_and_a_reason(tripping, bureau_user):
    run_period()
    alert = Alert.objects.get(program=tripping["both"])
    for decision, note, field in [("maybe", "理由", "decision"), ("restrict", " ", "note")]:
        with pytest.raises(ValidationError) as info:
            review.alert_decide(alert=alert, by=bureau_user, decision=decision, note=note)
        assert field in info.value.message_dict
    alert.refresh_from_db()
    tripping["both"].refresh_from_db()
    assert (alert.status, tripping["both"].enrollment_status) == ("open", "normal")


def test_college_answers_its_own_alert_but_cannot_decide(tripping, college_user, bureau_user):
    run_period()
    alert = Alert.objects.get(program=tripping["both"])
    refused = api(college_user).post(
        f"/api/v1/alerts/{alert.pk}/decide/", {"decision": "keep", "note": "自己说了算"}, format="json"
    )
    assert refused.status_code == 403
    with pytest.raises(PermissionDenied):
        review.alert_decide(alert=alert, by=college_user, decision="keep", note="x")
    empty = api(college_user).post(f"/api/v1/alerts/{alert.pk}/answer/", {"answer_plan": ""}, format="json")
    assert (empty.status_code, list(empty.json())) == (400, ["answer_plan"])
    answered = api(college_user).post(
        f"/api/v1/alerts/{alert.pk}/answer/",
        {"answer_plan": "调整课程，新增校企合作岗位", "answer_targets": "2026 年对口就业率 ≥ 65%"},
        format="json",
    )
    assert answered.status_code == 200
    body = answered.json()
    assert (body["status"], body["answer_plan"], body["answer_targets"]) == (
        "open",
        "调整课程，新增校企合作岗位",
        "2026 年对口就业率 ≥ 65%",
    )
    assert body["answered_at"] is not None
    # The bureau does not answer for the college.
    for_them = api(bureau_user).post(f"/api/v1/alerts/{alert.pk}/answer/", {"answer_plan": "x"}, format="json")
    assert for_them.status_code == 403
    decided = api(bureau_user).post(
        f"/api/v1/alerts/{alert.pk}/decide/", {"decision": "restrict", "note": "整改期内限制招生"}, format="json"
    )
    assert decided.status_code == 200
    assert (decided.json()["status"], decided.json()["decision"]) == ("restricted", "restrict")
    # Once decided, no more answers.
    late = api(college_user).post(f"/api/v1/alerts/{alert.pk}/answer/", {"answer_plan": "补充"}, format="json")
    assert (late.status_code, list(late.json())) == (400, ["answer_plan"])


def test_other_college_cannot_see_or_answer_the_alert(tripping, other_college_user, client):
    run_period()
    alert = Alert.objects.get(program=tripping["both"])
    client_api = api(other_college_user)
    assert client_api.get(f"/api/v1/alerts/{alert.pk}/").status_code == 404
    assert client_api.get("/api/v1/alerts/").json()["count"] == 0
    answer = client_api.post(f"/api/v1/alerts/{alert.pk}/answer/", {"answer_plan": "越权"}, format="json")
    assert answer.status_code == 404
    client.force_login(other_college_user)
    assert client.get(reverse("metrics:alert_detail", args=[alert.pk])).status_code == 404
    alert.refresh_from_db()
    assert alert.answer_plan == ""


def test_college_answers_on_the_program_page_and_the_bureau_decides_on_the_board(
    tripping, college_user, bureau_user, client
):
    run_period()
    program = tripping["both"]
    alert = Alert.objects.get(program=program)
    client.force_login(college_user)
    page = client.get(reverse("programs:detail", args=[program.pk]))
    assert 'data-level="red"' in page.content.decode()
    home = client.get(reverse("home"))
    assert "college-alerts" in home.content.decode()
    page_url = reverse("programs:detail", args=[program.pk])
    response = client.post(
        reverse("metrics:alert_detail", args=[alert.pk]), {"answer_plan": "压缩招生规模", "next": page_url}
    )
    assert response.status_code == 302 and response.url == page_url
    client.force_login(bureau_user)
    board = client.get(reverse("metrics:alert_list"), {"level": "red"})
    assert [a.pk for a in board.context["page_obj"]] == [alert.pk]
    assert board.context["counts"] == [("yellow", "黄牌", 0), ("red", "红牌", 1)]
    export = client.get(reverse("metrics:alert_list"), {"export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    client.post(reverse("metrics:alert_detail", args=[alert.pk]), {"decision": "restrict", "note": "限招一年"})
    alert.refresh_from_db()
    program.refresh_from_db()
    assert (alert.answer_plan, alert.status, program.enrollment_status) == ("压缩招生规模", "restricted", "restricted")


BAD_RULES = [
    ({"comparator": "", "threshold": None}, "threshold"),  # no test
    ({"bottom_percent": 10}, "bottom_percent"),  # both tests
    ({"comparator": "", "threshold": None, "bottom_percent": 100}, "bottom_percent"),
    ({"comparator": "", "threshold": None, "bottom_percent": 0}, "bottom_percent"),
    ({"threshold": float("inf")}, "threshold"),
    ({"threshold": float("nan")}, "threshold"),
    ({"years": 0}, "years"),
    ({"comparator": "", "threshold": 0.5}, "comparator"),
]


@pytest.mark.parametrize(("change", "field"), BAD_RULES)
def test_bad_rule_is_refused_by_the_service_naming_the_field(bureau_user, change, field):
    rule = ReviewRule(code="bad", name="坏规则", figure="local_rate", years=1, comparator="lt", threshold=0.5)
    for name, value in change.items():
        setattr(rule, name, value)
    with pytest.raises(ValidationError) as info:
        review.review_rule_save(instance=rule, by=bureau_user)
    assert field in info.value.message_dict
    assert not ReviewRule.objects.filter(code="bad").exists()


API_BAD_RULES = [
    ({}, "threshold"),
    ({"comparator": "lt", "threshold": 0.5, "bottom_percent": 10}, "bottom_percent"),
    ({"bottom_percent": 100}, "bottom_percent"),
    ({"bottom_percent": -5}, "bottom_percent"),
    ({"comparator": "lt", "threshold": "Infinity"}, "threshold"),
    ({"comparator": "lt", "threshold": 0.5, "years": 0}, "years"),
]


@pytest.mark.parametrize(("test", "field"), API_BAD_RULES)
def test_bad_rule_is_refused_by_the_api_naming_the_field(bureau_user, test, field):
    body = {"code": "bad", "name": "坏规则", "figure": "local_rate", "years": 1, "level": "yellow", **test}
    response = api(bureau_user).post("/api/v1/review-rules/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not ReviewRule.objects.filter(code="bad").exists()


def test_rules_are_kept_by_the_bureau_and_read_by_others(bureau_user, college_user, client):
    body = {"code": "local_low", "name": "本地就业率末位", "figure": "local_rate", "years": 2, "bottom_percent": 10}
    assert api(college_user).post("/api/v1/review-rules/", body, format="json").status_code == 403
    created = api(bureau_user).post("/api/v1/review-rules/", body, format="json")
    assert created.status_code == 201
    assert created.json()["updated_at"]
    codes = [r["code"] for r in api(college_user).get("/api/v1/review-rules/").json()["results"]]
    assert codes == ["in_field_60", "local_low"]
    since = created.json()["updated_at"]
    # updated_after is inclusive (portal.filters.UpdatedAfterFilter): the last row seen comes back, none is missed.
    assert api(college_user).get("/api/v1/review-rules/", {"updated_after": since}).json()["count"] == 1
    client.force_login(bureau_user)
    form = client.post(
        reverse("metrics:rule_create"),
        {
            "code": "emp",
            "name": "就业率",
            "figure": "employment_rate",
            "years": 1,
            "level": "red",
            "bottom_percent": 150,
        },
    )
    assert form.status_code == 200 and "bottom_percent" in form.context["form"].errors


def test_demo_review_shows_yellow_and_red_some_answered_some_decided(bureau_user):
    college = f.CollegeFactory()
    for n in range(8):
        program = f.ProgramFactory(college=college)
        figures(program, 2023, employed=8 + n % 2, in_field=4)
        figures(program, 2024, employed=8 + n % 2, in_field=4 + (n % 2) * 2)
    f.ReviewRuleFactory(code="employment_95", figure="employment_rate", years=1, level="yellow", threshold=0.95)
    summary = review.demo_review(year=2025, quarter=2)
    assert summary["red"] >= 2 and summary["yellow"] >= 1
    assert summary["answered"] >= 2 and summary["decided"] >= 1
    assert Alert.objects.exclude(answer_plan="").exists()
    assert Alert.objects.exclude(decision="").exists()
    assert review.demo_review(year=2025, quarter=2) == summary
