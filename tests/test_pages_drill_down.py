"""Issue 17, finding things: the clerk's profile in the navigation, the bureau home's overdue count as a
link to the same items, and the drill-down going on from a district or a college to their rows."""

import pytest
from django.urls import reverse

from colleges.models import College
from tests.portal_seed import COLLEGE_CODE, DISTRICT, seed_dashboard


@pytest.fixture
def city(db):
    return seed_dashboard()


def test_an_enterprise_clerk_has_a_link_to_their_own_profile(client, enterprise_user, enterprise):
    client.force_login(enterprise_user)
    page = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("enterprises:enterprise_list")}"' in page
    profile = client.get(reverse("enterprises:enterprise_list"), follow=True)
    assert profile.redirect_chain == [(reverse("enterprises:detail", args=[enterprise.pk]), 302)]


def test_the_overdue_count_links_to_the_same_overdue_items(client, bureau_user, city):
    client.force_login(bureau_user)
    home = client.get(reverse("home"))
    url = home.context["overdue_url"]
    assert f'href="{url.replace("&", "&amp;")}"' in home.content.decode()

    listed = client.get(url)

    assert listed.status_code == 200
    assert listed.context["page_obj"].paginator.count == home.context["overdue_count"] > 0
    assert all(item.is_overdue for item in listed.context["page_obj"])


def test_a_district_page_links_to_its_colleges_enterprises_lists_and_overdue_items(client, bureau_user, city):
    client.force_login(bureau_user)
    response = client.get(reverse("scope_detail", args=["district", DISTRICT]))

    links = {str(link["label"]): link["url"] for link in response.context["links"]}
    assert list(links) == ["院校", "企业", "需求清单", "逾期需求"]
    for url in links.values():
        followed = client.get(url)
        assert followed.status_code == 200, url
        assert followed.context["page_obj"].paginator.count > 0, url
    colleges = client.get(links["院校"]).context["page_obj"]
    assert {college.district for college in colleges} == {DISTRICT}


def test_a_college_page_links_to_its_overview_programs_and_assigned_items(client, bureau_user, city):
    college = College.objects.get(code=COLLEGE_CODE)
    client.force_login(bureau_user)
    response = client.get(reverse("scope_detail", args=["college", COLLEGE_CODE]))

    links = {str(link["label"]): link["url"] for link in response.context["links"]}
    assert links == {
        "院校概况": reverse("college_detail", args=[college.pk]),
        "专业点": f"{reverse('programs:program_list')}?college={college.pk}",
        "承接的需求": reverse("demand:assigned_items", args=[college.pk]),
    }
    for url in links.values():
        assert client.get(url).status_code == 200, url
    programs = client.get(links["专业点"]).context["page_obj"]
    assert programs and {program.college_id for program in programs} == {college.pk}


# ---- charts ------------------------------------------------------------------------------------


def _trend_data(response):
    import json

    body = response.content.decode()
    marker = '<script id="trend-data" type="application/json">'
    start = body.index(marker) + len(marker)
    return json.loads(body[start : body.index("</script>", start)])


def test_trend_charts_carry_each_targets_threshold_in_chart_units(client, bureau_user, city):
    client.force_login(bureau_user)

    data = _trend_data(client.get(reverse("home")))

    targets = {series["metric"]: series["target"] for series in data["series"]}
    assert targets["alignment_rate"] == 80.0  # per cent, as the ratio series
    assert targets["order_classes"] == 20
    assert data["target_label"] == "目标"
    assert all(target is None for metric, target in targets.items() if metric == "policy_reach")


def test_open_alerts_show_the_rates_that_raised_them(client, bureau_user, city):
    from metrics.models import Alert, ReviewRule

    ReviewRule.objects.update_or_create(
        code="in_field_60",
        defaults={
            "name": "对口就业率低于60%",
            "figure": "in_field_rate",
            "years": 2,
            "level": "red",
            "comparator": "lt",
            "threshold": 0.6,
        },
    )
    Alert.objects.filter(status="open").update(
        trips=[{"rule": "in_field_60", "level": "red", "values": {"2024": 0.5, "2025": 0.55}}]
    )
    client.force_login(bureau_user)

    home = client.get(reverse("home")).content.decode()
    board = client.get(reverse("metrics:alert_list")).content.decode()

    for page in (home, board):
        assert "对口就业率 2025 55.0% · 2024 50.0%" in page


def test_the_gap_table_shows_shares_beside_heads_and_what_the_index_compares(client, bureau_user, city):
    client.force_login(bureau_user)
    response = client.get(reverse("home"))

    rows = response.context["supply_demand"]["rows"]
    assert sum(row["demand_share"] for row in rows) == pytest.approx(1.0)
    assert sum(row["graduates_share"] for row in rows) == pytest.approx(1.0)
    assert 'data-testid="index-basis"' in response.content.decode()
