"""The home pages of every role and the bureau's drill-down, on the known dataset of tests/portal_seed.py."""

import json

import pytest
from django.urls import reverse

from tests import factories as f
from tests.portal_seed import COLLEGE_CODE, DISTRICT, seed_dashboard


@pytest.fixture
def city(db):
    return seed_dashboard()


def _trend_data(response):
    body = response.content.decode()
    start = body.index('<script id="trend-data" type="application/json">') + len(
        '<script id="trend-data" type="application/json">'
    )
    return json.loads(body[start : body.index("</script>", start)])


def test_bureau_home_shows_latest_period_targets_with_status(client, bureau_user, city):
    client.force_login(bureau_user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["period"].label == "2025年第2季度"
    cards = {card["target"].metric: card for card in response.context["targets"]}
    assert cards["alignment_rate"]["status"] == "achieved"
    assert cards["alignment_rate"]["value_text"] == "82.0%"
    assert cards["alignment_rate"]["threshold_text"] == "80.0%"
    assert cards["order_classes"]["status"] == "achieved"
    assert cards["training_bases"]["status"] == "on_track"  # 28 of 30, deadline 2025 not reached
    assert cards["integration_enterprises"]["status"] == "at_risk"  # 10 of 30
    assert cards["cluster_coverage"]["status"] == "no_data"
    body = response.content.decode()
    assert "82.0%" in body and "已达成" in body and "暂无数据" in body
    assert 'style="width: 93%"' in body  # training bases 28 ÷ 30


def test_bureau_home_period_selector_picks_older_quarter(client, bureau_user, city):
    client.force_login(bureau_user)
    response = client.get(reverse("home"), {"period": "2025-1"})
    assert response.context["period"].label == "2025年第1季度"
    cards = {card["target"].metric: card for card in response.context["targets"]}
    assert cards["alignment_rate"]["value_text"] == "75.0%"
    # Trends stop at the chosen quarter.
    assert _trend_data(response)["periods"] == ["2024年第4季度", "2025年第1季度"]


def test_bureau_home_unknown_period_falls_back_to_latest(client, bureau_user, city):
    client.force_login(bureau_user)
    response = client.get(reverse("home"), {"period": "1999-9"})
    assert response.context["period"].label == "2025年第2季度"


def test_bureau_home_trend_data_has_one_series_per_metric_in_per_cent(client, bureau_user, city):
    client.force_login(bureau_user)
    data = _trend_data(client.get(reverse("home")))
    assert data["periods"] == ["2024年第4季度", "2025年第1季度", "2025年第2季度"]
    series = {s["metric"]: s for s in data["series"]}
    assert set(series) == {
        "alignment_rate",
        "order_classes",
        "training_bases",
        "integration_enterprises",
        "training_headcount",
        "local_retention_rate",
    }
    assert series["alignment_rate"]["values"] == [70.0, 75.0, 82.0]
    assert series["alignment_rate"]["ratio"] is True
    assert series["order_classes"]["values"] == [18, 12, 21]
    assert series["local_retention_rate"]["values"] == [80.0, None, 86.0]  # a null stays a gap


def test_bureau_home_supply_demand_alerts_and_overdue(client, bureau_user, city):
    client.force_login(bureau_user)
    response = client.get(reverse("home"))
    table = response.context["supply_demand"]
    assert [(r["cluster_name"], r["demand"], r["local_graduates"], r["gap"]) for r in table["rows"]] == [
        ("新能源汽车及零部件", 120.0, 80.0, 40.0),
        ("其他", 30.0, 50.0, -20.0),
    ]
    assert (table["demand"], table["local_graduates"], table["gap"]) == (150.0, 130.0, 20.0)
    assert response.context["open_alerts_count"] == 1
    assert [a.pk for a in response.context["open_alerts"]] == [city["open_alert"].pk]
    # Only open items of submitted/accepted lists past their due date, oldest first.
    assert response.context["overdue_count"] == 3
    assert [row["item"].title for row in response.context["overdue_items"]] == ["逾期需求2", "逾期需求1", "逾期需求0"]
    body = response.content.decode()
    assert reverse("metrics:alert_detail", args=[city["open_alert"].pk]) in body
    assert 'class="overdue"' in body
    assert "草稿清单需求" not in body


def test_bureau_home_drill_down_links(client, bureau_user, city):
    client.force_login(bureau_user)
    response = client.get(reverse("home"))
    district_url = reverse("scope_detail", args=["district", DISTRICT])
    college_url = reverse("scope_detail", args=["college", COLLEGE_CODE])
    assert response.context["scopes"] == {
        "districts": [{"id": DISTRICT, "name": DISTRICT, "url": district_url}],
        "colleges": [{"id": COLLEGE_CODE, "name": "淮安示范职业技术学院", "url": college_url}],
    }
    body = response.content.decode()
    assert reverse("scope_detail", args=["district", DISTRICT]) in body
    assert reverse("scope_detail", args=["college", COLLEGE_CODE]) in body


@pytest.mark.parametrize("scope_id", ["清江浦区", "13290", "A B#?%/x", "淮安·经开区&1"])
def test_drill_down_urls_are_what_reverse_gives(scope_id):
    from home.dashboard import scope_urls

    ids = [scope_id, "淮阴区"]
    # An id with "/" has no route (str converter); reverse() refuses it, the shortcut must not invent one.
    if "/" in scope_id:
        ids = ids[1:]
    assert scope_urls("district", ids) == [reverse("scope_detail", args=["district", i]) for i in ids]


def test_bureau_home_query_count_is_bounded(client, bureau_user, city, django_assert_max_num_queries):
    client.force_login(bureau_user)
    # 17: the page (targets, snapshots, gaps, alerts, overdue, runs …), the header's unread notices and the
    # responsiveness panel on a cold cache; the next test shows they do not grow with rows.
    with django_assert_max_num_queries(17):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_bureau_home_query_count_does_not_grow_with_rows(client, bureau_user, city, django_assert_num_queries):
    client.force_login(bureau_user)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(reverse("home"))  # the responsiveness panel is cached from here on (home.dashboard)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home"))
    late = f.DemandListFactory(year=2025, quarter=1, status="submitted")
    for n in range(15):
        f.DemandItemFactory(demand_list=late, title=f"更多逾期{n}", due_on=city["overdue_items"][0].due_on)
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(reverse("home"))
    assert response.context["overdue_count"] == 18
    assert len(response.context["overdue_items"]) == 10


def test_bureau_home_without_snapshots_points_to_runs(client, bureau_user):
    client.force_login(bureau_user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["period"] is None
    assert reverse("metrics:run_list") in response.content.decode()


def test_college_home_shows_own_college_next_to_city(client, city):
    admin = f.ProfileFactory(user=f.UserFactory(username="demo_college"), role="college", college=city["college"]).user
    client.force_login(admin)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    rows = {row["metric"]: row["cells"] for row in response.context["figures"]}
    assert rows["alignment_rate"] == ["100.0%", "82.0%"]
    assert rows["order_classes"] == ["6", "21"]
    assert rows["training_bases"] == ["—", "28"]
    assert response.context["open_alerts_count"] == 1


def test_other_college_home_shows_no_foreign_college_figures(client, other_college_user, city):
    client.force_login(other_college_user)
    response = client.get(reverse("home"))
    rows = {row["metric"]: row["cells"] for row in response.context["figures"]}
    assert rows["alignment_rate"] == ["—", "82.0%"]
    assert response.context["open_alerts_count"] == 0
    assert "淮安示范职业技术学院" not in response.content.decode()


def test_enterprise_home_summarises_own_lists_and_policy_inbox(client, enterprise, enterprise_user, other_enterprise):
    own = f.DemandListFactory(enterprise=enterprise, year=2025, quarter=2, status="submitted")
    f.DemandItemFactory(demand_list=own, status="fulfilled", fulfilled_on="2025-05-01")
    f.DemandItemFactory(demand_list=own, due_on="2020-01-01")
    f.DemandItemFactory(demand_list=f.DemandListFactory(enterprise=other_enterprise))
    card = f.PolicyCardFactory(status="published")
    from django.utils import timezone

    from policies.models import PolicyDelivery

    PolicyDelivery.objects.create(card=card, enterprise=enterprise, delivered_at=timezone.now())
    PolicyDelivery.objects.create(
        card=f.PolicyCardFactory(status="published"),
        enterprise=enterprise,
        delivered_at=timezone.now(),
        acknowledged_at=timezone.now(),
    )
    PolicyDelivery.objects.create(card=card, enterprise=other_enterprise, delivered_at=timezone.now())
    client.force_login(enterprise_user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    lists = response.context["lists"]
    assert len(lists) == 1
    row = lists[0]["list"]
    assert (row.items_total, row.items_fulfilled, row.items_overdue) == (2, 1, 1)
    assert (response.context["policy_unread"], response.context["policy_total"]) == (1, 2)


def test_agency_home_points_to_api_docs(client, agency_user):
    client.force_login(agency_user)
    body = client.get(reverse("home")).content.decode()
    assert reverse("api-docs") in body


def test_scope_detail_of_college_shows_every_quarter(client, bureau_user, city):
    client.force_login(bureau_user)
    response = client.get(reverse("scope_detail", args=["college", COLLEGE_CODE]))
    assert response.status_code == 200
    assert response.context["scope_name"] == "淮安示范职业技术学院"
    assert [p.label for p in response.context["periods"]] == ["2025年第2季度", "2025年第1季度", "2024年第4季度"]
    rows = {str(row["label"]): [c["text"] for c in row["cells"]] for row in response.context["table"]}
    assert rows["专业设置与产业匹配度"] == ["100.0%", "75.0%", "50.0%"]
    assert rows["订单班冠名班数"] == ["6", "5", "4"]
    assert [r["gap"] for r in response.context["supply_demand"]["rows"]] == [-80.0, -50.0]


def test_scope_detail_of_district_and_city(client, bureau_user, city):
    client.force_login(bureau_user)
    district = client.get(reverse("scope_detail", args=["district", DISTRICT]))
    assert district.status_code == 200
    assert district.context["scope_name"] == DISTRICT
    city_page = client.get(reverse("scope_city"))
    assert city_page.status_code == 200
    assert city_page.context["scope_name"] == "全市"


def test_scope_detail_unknown_scope_is_404(client, bureau_user, city):
    client.force_login(bureau_user)
    assert client.get(reverse("scope_detail", args=["college", "99999"])).status_code == 404
    assert client.get(reverse("scope_detail", args=["planet", "x"])).status_code == 404


def test_college_admin_sees_own_scope_but_not_another_college(client, other_college_user, city):
    client.force_login(other_college_user)
    assert client.get(reverse("scope_detail", args=["college", COLLEGE_CODE])).status_code == 404
    assert client.get(reverse("scope_detail", args=["district", DISTRICT])).status_code == 404


@pytest.mark.parametrize("fixture", ["enterprise_user", "agency_user"])
def test_scope_detail_is_404_for_enterprise_and_agency(client, request, city, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("scope_detail", args=["district", DISTRICT])).status_code == 404
