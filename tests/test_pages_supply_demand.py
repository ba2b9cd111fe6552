"""The supply–demand analysis (SPEC 4.2, 8): the bureau home's decision-grade panel, the full analysis page
(scopes, the by-major table filtered, sorted and paginated) and its Excel export, on a known dataset."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from metrics.models import SupplyDemandMajorRow, SupplyDemandRow
from tests import factories as f
from tests.portal_seed import COLLEGE_CODE, DISTRICT, seed_dashboard

URL = reverse("metrics:supply_demand")


def _major(run, code, name, level, demand, local, **extra):
    return SupplyDemandMajorRow(
        run=run,
        major_code=code,
        major_name=name,
        level=level,
        demand=demand,
        graduates=extra.get("graduates", local * 1.25),
        local_graduates=local,
        gap=demand - local,
        forecast_1=extra.get("forecast_1", 0.0),
        forecast_2=0.0,
        forecast_3=0.0,
    )


@pytest.fixture
def city(db):
    data = seed_dashboard()
    run = data["runs"][-1]
    run.items_without_major = 7
    run.save(update_fields=["items_without_major"])
    f.ClusterFactory(code="CL-NEV", name="新能源汽车及零部件", industry_codes=["C36"], order=1)
    f.ClusterFactory(code="CL-AI", name="人工智能", industry_codes=["I65"], order=2)
    f.MajorFactory(code="460701", name="新能源汽车技术", level="higher", industry_codes=["C36"])
    f.MajorFactory(code="510201", name="软件技术", level="higher", industry_codes=["I65"])
    f.MajorFactory(code="660101", name="汽车运用与维修", level="secondary", industry_codes=["C3670", "I65"])
    f.MajorFactory(code="540101", name="旅游管理", level="higher", industry_codes=["L72"])
    SupplyDemandMajorRow.objects.bulk_create(
        [
            _major(run, "460701", "新能源汽车技术", "higher", 1500.0, 300.0, forecast_1=420.0),
            _major(run, "510201", "软件技术", "higher", 40.0, 90.0),
            _major(run, "660101", "汽车运用与维修", "secondary", 30.0, 10.0),
            _major(run, "540101", "旅游管理", "higher", 0.0, 25.0),
        ]
    )
    SupplyDemandRow.objects.create(
        run=run,
        scope_type="district",
        scope_id=DISTRICT,
        scope_name=DISTRICT,
        position=0,
        cluster="CL-NEV",
        cluster_name="新能源汽车及零部件",
        demand=2345.4,
        graduates=100.0,
        local_graduates=45.0,
        gap=2300.4,
        forecast_1=110.0,
        forecast_2=120.0,
        forecast_3=130.0,
    )
    return data


def test_bureau_home_panel_says_shortage_and_surplus_in_words_and_links_the_analysis(client, bureau_user, city):
    client.force_login(bureau_user)
    response = client.get(reverse("home"))
    body = response.content.decode()
    table = response.context["supply_demand"]
    assert [(r["cluster_name"], r["gap_word"]) for r in table["rows"]] == [
        ("新能源汽车及零部件", "缺口"),
        ("其他", "过剩"),
    ]
    assert table["years"] == [2025, 2026, 2027, 2028]
    assert '<span class="gap gap--shortage">缺口 40</span>' in body
    assert '<span class="gap gap--surplus">过剩 20</span>' in body
    assert "2025年毕业生" in body and "其中本地就业" in body
    assert 'id="sd-sparklines"' in body and 'data-sparkline="1"' in body
    assert "portal/sparklines.js" in body
    assert f"{URL}?period=2025-2&amp;scope=city" in body


def test_bureau_home_still_reads_only_the_city_rows(client, bureau_user, city, django_assert_max_num_queries):
    client.force_login(bureau_user)
    with django_assert_max_num_queries(17):  # as tests/test_pages_portal_home.py counts them
        response = client.get(reverse("home"))
    assert {r["scope_type"] for r in response.context["supply_demand"]["rows"]} == {"city"}


def test_district_drill_down_shows_its_own_rows_with_thousands_separators(client, bureau_user, city):
    client.force_login(bureau_user)
    response = client.get(reverse("scope_detail", args=["district", DISTRICT]))
    rows = response.context["supply_demand"]["rows"]
    assert [(r["scope_id"], r["demand"]) for r in rows] == [(DISTRICT, 2345.4)]
    body = response.content.decode()
    assert "2,345" in body and "缺口 2,300" in body
    assert "scope=district%3A" in body  # the link to the full analysis keeps the scope


def test_analysis_page_defaults_to_the_city_and_lists_majors_by_largest_shortage(client, bureau_user, city):
    client.force_login(bureau_user)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["period"].key == "2025-2"
    assert response.context["scope"]["key"] == "city"
    assert [s["key"] for s in response.context["scopes"]] == ["city", f"district:{DISTRICT}", f"college:{COLLEGE_CODE}"]
    codes = [row["major_code"] for row in response.context["page_obj"]]
    assert codes == ["460701", "660101", "540101", "510201"]  # gap 1200, 20, −25, −50
    served = {row["major_code"]: row["served"] for row in response.context["majors"]["rows"]}
    assert served == {"460701": ["CL-NEV"], "510201": ["CL-AI"], "660101": ["CL-NEV", "CL-AI"], "540101": []}
    body = response.content.decode()
    assert "1,500" in body and "缺口 1,200" in body and "过剩 50" in body
    assert "另有 7 条人才需求未填写专业" in body
    assert 'aria-sort="descending"' in body


def test_analysis_filters_by_level_and_by_served_cluster(client, bureau_user, city):
    client.force_login(bureau_user)
    by_cluster = client.get(URL, {"cluster": "CL-AI"})
    assert [r["major_code"] for r in by_cluster.context["page_obj"]] == ["660101", "510201"]
    by_both = client.get(URL, {"cluster": "CL-AI", "level": "higher"})
    assert [r["major_code"] for r in by_both.context["page_obj"]] == ["510201"]
    none_served = client.get(URL, {"cluster": "other"})
    assert [r["major_code"] for r in none_served.context["page_obj"]] == ["540101"]
    junk = client.get(URL, {"cluster": "nope", "level": "x", "sort": "password"})
    assert len(junk.context["page_obj"]) == 4 and junk.context["majors"]["sort"] == "-gap"


def test_analysis_sorts_by_any_column_both_ways(client, bureau_user, city):
    client.force_login(bureau_user)
    by_name = client.get(URL, {"sort": "major_code"})
    assert [r["major_code"] for r in by_name.context["page_obj"]] == ["460701", "510201", "540101", "660101"]
    by_demand = client.get(URL, {"sort": "-demand"})
    assert [r["major_code"] for r in by_demand.context["page_obj"]][:2] == ["460701", "510201"]
    headers = {h["field"]: h for h in by_demand.context["headers"]}
    assert headers["demand"]["current"] == "descending" and headers["demand"]["next"] == "demand"
    assert headers["gap"]["next"] == "-gap"
    assert headers["major_name"]["next"] == "major_name"


def test_analysis_paginates_the_major_table(client, bureau_user, city):
    run = city["runs"][-1]
    SupplyDemandMajorRow.objects.bulk_create(
        [_major(run, f"7{n:05d}", f"专业{n}", "higher", float(n), 0.0) for n in range(40)]
    )
    client.force_login(bureau_user)
    first = client.get(URL)
    assert len(first.context["page_obj"]) == 30 and first.context["page_obj"].paginator.count == 44
    second = client.get(URL, {"page": 2})
    assert len(second.context["page_obj"]) == 14


def test_analysis_of_a_district_scope(client, bureau_user, city):
    client.force_login(bureau_user)
    response = client.get(URL, {"scope": f"district:{DISTRICT}"})
    assert response.context["scope"]["name"] == DISTRICT
    assert [r["demand"] for r in response.context["clusters"]["rows"]] == [2345.4]


def test_analysis_query_count_is_bounded(client, bureau_user, city, django_assert_max_num_queries):
    client.force_login(bureau_user)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200


def test_college_sees_city_and_own_college_only(client, city):
    admin = f.ProfileFactory(user=f.UserFactory(username="sd_college"), role="college", college=city["college"]).user
    client.force_login(admin)
    response = client.get(URL)
    assert [s["key"] for s in response.context["scopes"]] == ["city", f"college:{COLLEGE_CODE}"]
    assert client.get(URL, {"scope": f"college:{COLLEGE_CODE}"}).status_code == 200
    assert client.get(URL, {"scope": f"district:{DISTRICT}"}).status_code == 404


def test_other_college_cannot_open_a_foreign_college_scope(client, other_college_user, city):
    client.force_login(other_college_user)
    assert client.get(URL, {"scope": f"college:{COLLEGE_CODE}"}).status_code == 404
    assert client.get(reverse("metrics:supply_demand_xlsx"), {"scope": f"college:{COLLEGE_CODE}"}).status_code == 404


@pytest.mark.parametrize("fixture", ["enterprise_user", "agency_user"])
def test_analysis_is_404_for_enterprise_and_agency(client, request, city, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(URL).status_code == 404
    assert client.get(reverse("metrics:supply_demand_xlsx")).status_code == 404


def test_analysis_without_runs_says_so(client, bureau_user):
    client.force_login(bureau_user)
    response = client.get(URL)
    assert response.status_code == 200 and "尚未计算任何季度的指标" in response.content.decode()


def test_excel_export_holds_both_tables_with_frozen_headers_filters_and_whole_number_formats(client, bureau_user, city):
    client.force_login(bureau_user)
    response = client.get(reverse("metrics:supply_demand_xlsx"), {"level": "higher", "sort": "major_code"})
    assert response.status_code == 200
    assert 'filename="supply-demand-2025Q2.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["按产业集群", "按专业（全市）", "说明"]
    clusters, majors = book["按产业集群"], book["按专业（全市）"]
    assert [c.value for c in clusters[1]] == [
        "范围",
        "产业集群",
        "需求人数",
        "毕业生",
        "本地就业",
        "缺口（需求−本地就业）",
        "供需",
        "2026年预计毕业生",
        "2027年预计毕业生",
        "2028年预计毕业生",
    ]
    assert [c.value for c in clusters[2]][:7] == ["全市", "新能源汽车及零部件", 120, 100, 80, 40, "缺口"]
    assert clusters["G3"].value == "过剩"
    for sheet in (clusters, majors):
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:")
    assert clusters["C2"].number_format == "#,##0"
    # The page's filter and order: higher-level majors by code.
    assert [majors.cell(row=r, column=1).value for r in range(2, majors.max_row + 1)] == ["460701", "510201", "540101"]
    assert majors["D2"].value == "新能源汽车及零部件"
    assert majors["H2"].value == 1200 and majors["H2"].number_format == "#,##0"
    notes = {row[0].value: row[1].value for row in book["说明"].iter_rows(min_row=2)}
    assert notes["未填专业的人才需求条数（不在按专业表中）"] == 7


def test_excel_export_in_english_has_english_headers(client, bureau_user, city):
    client.force_login(bureau_user)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("metrics:supply_demand_xlsx"), HTTP_ACCEPT_LANGUAGE="en")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["By industry cluster", "By major (city)", "Note"]
    headers = [c.value for c in book["By industry cluster"][1]]
    assert headers[:4] == ["Scope", "Industry cluster", "Demand (headcount)", "Graduates"]
