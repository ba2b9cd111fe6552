"""Every metric of SPEC 4 on a small hand-worked dataset, with the expected values worked out here.

Period 2025 Q2 throughout: E = 2025-06-30.
"""

import datetime

import pytest
from django.utils import timezone

from metrics import services
from metrics.models import Snapshot
from tests import factories as f

pytestmark = pytest.mark.django_db

E = datetime.date(2025, 6, 30)
DAY_AFTER = datetime.date(2025, 7, 1)


def figures(year=2025, quarter=2):
    """Run the period through the service and read back {(metric, scope_type, scope_id): (value, num, den)}."""
    run = services.metric_run_execute(run_id=services.metric_run_create(year=year, quarter=quarter).id)
    assert run.status == "succeeded", run.error
    return {
        (s.metric, s.scope_type, s.scope_id): (s.value, s.numerator, s.denominator)
        for s in Snapshot.objects.filter(year=year, quarter=quarter)
    }


def value(table, metric, scope_type="city", scope_id=""):
    return table[(metric, scope_type, scope_id)][0]


@pytest.fixture
def two_colleges(db):
    return (
        f.CollegeFactory(code="13290", name="甲职业技术学院", district="清江浦区"),
        f.CollegeFactory(code="13291", name="乙职业技术学院", district="淮阴区"),
    )


def test_alignment_and_coverage_with_prefixes_both_ways_and_active_on_e(two_colleges):
    a, b = two_colleges
    f.ClusterFactory(code="NEV", industry_codes=["C36"])
    f.ClusterFactory(code="ENERGY", industry_codes=["C3825"])
    f.ClusterFactory(code="MED", industry_codes=["C27"], is_key=False)  # not key: serves nothing
    auto = f.MajorFactory(industry_codes=["C3670"])  # cluster C36 ⊃ major C3670
    electric = f.MajorFactory(industry_codes=["C38"])  # major C38 ⊃ cluster C3825
    medicine = f.MajorFactory(industry_codes=["C27"])
    f.ProgramFactory(college=a, major=auto)
    f.ProgramFactory(college=a, major=medicine)
    f.ProgramFactory(college=a, major=electric, schooling="3yr_higher", closed_on=E)  # closed on E: inactive
    f.ProgramFactory(college=a, major=electric, schooling="5yr_higher", established_on=E)  # opened on E: active
    f.ProgramFactory(college=b, major=medicine, established_on=DAY_AFTER)  # not yet active
    f.EnterpriseFactory(district="涟水县")

    table = figures()

    assert table[("alignment_rate", "city", "")] == (pytest.approx(2 / 3), 2, 3)
    assert table[("alignment_rate", "college", "13290")] == (pytest.approx(2 / 3), 2, 3)
    assert table[("alignment_rate", "college", "13291")] == (None, 0, 0)
    assert table[("alignment_rate", "district", "淮阴区")] == (None, 0, 0)
    assert table[("alignment_rate", "district", "涟水县")] == (None, 0, 0)
    assert table[("cluster_coverage", "city", "")] == (1.0, 2, 2)
    assert table[("cluster_coverage", "college", "13291")] == (0.0, 0, 2)
    assert table[("cluster_coverage", "district", "涟水县")] == (0.0, 0, 2)


def test_cluster_coverage_without_key_clusters_is_null(two_colleges):
    f.ProgramFactory(college=two_colleges[0])
    assert figures()[("cluster_coverage", "city", "")] == (None, 0, 0)


@pytest.fixture
def supply_and_demand(two_colleges):
    a, b = two_colleges
    f.ClusterFactory(code="NEV", industry_codes=["C36"], order=1)
    f.ClusterFactory(code="ELEC", industry_codes=["C39"], order=2)
    both = f.MajorFactory(industry_codes=["C3670", "C39"])  # serves two key clusters: graduates split
    auto = f.MajorFactory(industry_codes=["C36"])
    building = f.MajorFactory(industry_codes=["E47"])  # serves none: "other"
    f.ProgramYearFactory(
        program=f.ProgramFactory(college=a, major=both),
        year=2025,
        graduates=40,
        employed=0,
        employed_in_field=0,
        employed_locally=0,
    )
    f.ProgramYearFactory(
        program=f.ProgramFactory(college=a, major=auto),
        year=2025,
        graduates=20,
        employed=0,
        employed_in_field=0,
        employed_locally=0,
    )
    f.ProgramYearFactory(
        program=f.ProgramFactory(college=b, major=building),
        year=2025,
        graduates=20,
        employed=0,
        employed_in_field=0,
        employed_locally=0,
    )
    closed = f.ProgramFactory(college=b, major=auto, closed_on=E)  # inactive on E: no supply
    f.ProgramYearFactory(program=closed, year=2025, graduates=500, employed=0, employed_in_field=0, employed_locally=0)
    f.ProgramYearFactory(program=f.ProgramFactory(college=a, major=building, schooling="5yr_higher"), year=2024)

    nev = f.IndustryFactory(code="C3612")
    elec = f.IndustryFactory(code="C39")
    e1 = f.EnterpriseFactory(district="清江浦区", industry=nev)
    e2 = f.EnterpriseFactory(district="淮阴区", industry=elec)
    f.EnterpriseFactory(district="涟水县")
    q2 = f.DemandListFactory(enterprise=e1, year=2025, quarter=2, status="submitted")
    f.DemandItemFactory(demand_list=q2, industry=nev, headcount=30)
    f.DemandItemFactory(demand_list=q2, kind="tech", headcount=None, industry=elec)
    f.DemandItemFactory(demand_list=q2, kind="training", headcount=70, industry=elec)
    q2b = f.DemandListFactory(enterprise=e2, year=2025, quarter=2, status="accepted")
    f.DemandItemFactory(demand_list=q2b, industry=elec, headcount=10)
    # SPEC counts every talent item of a counted list, a cancelled one too (the example city agrees).
    f.DemandItemFactory(demand_list=q2b, industry=elec, headcount=10, status="cancelled")
    uncounted = f.EnterpriseFactory(district="清江浦区")
    f.DemandItemFactory(
        demand_list=f.DemandListFactory(enterprise=uncounted, status="draft"), industry=elec, headcount=99
    )
    f.DemandItemFactory(demand_list=f.DemandListFactory(enterprise=e1, quarter=1), industry=elec, headcount=99)
    return figures()


def test_supply_demand_match_city(supply_and_demand):
    # supply NEV 20+20, ELEC 20, other 20 → .5/.25/.25; demand NEV 30, ELEC 20 → .6/.4/0
    assert supply_and_demand[("supply_demand_match", "city", "")] == (pytest.approx(0.75), pytest.approx(0.75), 1)


def test_supply_demand_match_district_takes_both_sides_from_the_district(supply_and_demand):
    # 清江浦区: supply NEV 40, ELEC 20 → 2/3, 1/3; demand NEV 30 → 1
    assert value(supply_and_demand, "supply_demand_match", "district", "清江浦区") == pytest.approx(2 / 3)
    # 淮阴区: supply only "other", demand only ELEC: nothing in common
    assert value(supply_and_demand, "supply_demand_match", "district", "淮阴区") == 0.0
    # 涟水县: neither side → null
    assert supply_and_demand[("supply_demand_match", "district", "涟水县")][0] is None


def test_supply_demand_match_college_against_city_demand(supply_and_demand):
    # college 13290: NEV 2/3, ELEC 1/3 against the city's .6/.4
    assert value(supply_and_demand, "supply_demand_match", "college", "13290") == pytest.approx(0.6 + 1 / 3)
    assert value(supply_and_demand, "supply_demand_match", "college", "13291") == 0.0


def test_supply_demand_table_kept_with_the_run(supply_and_demand):
    from metrics.selectors import latest_run, supply_demand_rows

    run = latest_run(2025, 2)
    table = {row["cluster"]: row for row in supply_demand_rows(run)}
    assert list(table) == ["NEV", "ELEC", "other"]
    assert (table["NEV"]["demand"], table["NEV"]["graduates"]) == (30, 40)
    # SPEC 4.2: demand of the four quarters ending with 2025Q2 (Q1's 99 too), cancelled items left out.
    assert (table["ELEC"]["demand"], table["ELEC"]["graduates"]) == (10 + 99, 20)
    assert (table["other"]["demand"], table["other"]["graduates"]) == (0, 20)
    for row in table.values():  # SPEC 4.2: what local graduates leave of the demand
        assert row["gap"] == row["demand"] - row["local_graduates"]
    college = {row["cluster"]: row["demand"] for row in supply_demand_rows(run, "college", "13291")}
    assert college == {"NEV": 30, "ELEC": 10 + 99, "other": 0}  # the city's demand of the four quarters


def test_supply_demand_match_empty_demand_is_null(two_colleges):
    f.ClusterFactory(code="NEV", industry_codes=["C36"])
    f.ProgramYearFactory(
        program=f.ProgramFactory(college=two_colleges[0]),
        year=2025,
        graduates=10,
        employed=0,
        employed_in_field=0,
        employed_locally=0,
    )
    table = figures()
    assert table[("supply_demand_match", "city", "")][0] is None
    assert table[("supply_demand_match", "college", "13290")][0] is None


def test_in_field_and_local_retention_rates(two_colleges):
    a, b = two_colleges
    f.ProgramYearFactory(
        program=f.ProgramFactory(college=a, schooling="5yr_higher"),
        year=2025, graduates=12, employed=10, employed_in_field=6, employed_locally=9,
    )  # fmt: skip
    f.ProgramYearFactory(
        program=f.ProgramFactory(college=a, schooling="3yr_higher"),
        year=2025, graduates=25, employed=20, employed_in_field=10, employed_locally=5,
    )  # fmt: skip
    # A closed program's cohort still counts: the rates are over ProgramYear of Y, not active programs.
    f.ProgramYearFactory(
        program=f.ProgramFactory(college=b, schooling="5yr_higher", closed_on=datetime.date(2024, 1, 1)),
        year=2025, graduates=10, employed=10, employed_in_field=4, employed_locally=3,
    )  # fmt: skip
    f.ProgramYearFactory(program=f.ProgramFactory(college=b), year=2024, employed=30, employed_in_field=0)
    f.ProgramYearFactory(
        program=f.ProgramFactory(college=f.CollegeFactory(code="13292", district="洪泽区")),
        year=2025, graduates=5, employed=0, employed_in_field=0, employed_locally=0,
    )  # fmt: skip

    table = figures()

    assert table[("in_field_rate", "city", "")] == (0.5, 20, 40)
    assert table[("local_retention_rate", "city", "")] == (0.6, 12, 20)
    assert table[("local_retention_rate", "college", "13290")] == (0.9, 9, 10)
    assert table[("in_field_rate", "district", "淮阴区")] == (0.4, 4, 10)
    assert table[("in_field_rate", "college", "13292")] == (None, 0, 0)
    assert table[("local_retention_rate", "college", "13292")] == (None, 0, 0)


def test_training_bases_certified_active_and_attributed(two_colleges):
    a, b = two_colleges
    lianshui = f.EnterpriseFactory(district="涟水县")
    qingjiangpu = f.EnterpriseFactory(district="清江浦区")
    f.TrainingBaseFactory(college=a)
    f.TrainingBaseFactory(college=a, established_on=E)  # established on E: active
    f.TrainingBaseFactory(college=a, closed_on=E)  # closed on E: inactive
    f.TrainingBaseFactory(college=a, certified=False)
    f.TrainingBaseFactory(college=a, established_on=DAY_AFTER)
    f.TrainingBaseFactory(college=None, enterprise=lianshui)  # enterprise only: the enterprise's district
    f.TrainingBaseFactory(college=b, enterprise=qingjiangpu)  # both: the college's district

    table = figures()

    assert value(table, "training_bases") == 4
    assert value(table, "training_bases", "college", "13290") == 2
    assert value(table, "training_bases", "college", "13291") == 1
    assert value(table, "training_bases", "district", "清江浦区") == 2
    assert value(table, "training_bases", "district", "淮阴区") == 1
    assert value(table, "training_bases", "district", "涟水县") == 1
    assert table[("training_bases", "city", "")][1:] == (None, None)  # a count has no ratio parts


def test_integration_enterprises_certified_by_e():
    f.EnterpriseFactory(district="清江浦区", integration_certified_on=datetime.date(2023, 5, 1))
    f.EnterpriseFactory(district="涟水县", integration_certified_on=E)
    f.EnterpriseFactory(district="涟水县", integration_certified_on=DAY_AFTER)
    f.EnterpriseFactory(district="淮阴区")

    table = figures()

    assert value(table, "integration_enterprises") == 2
    assert value(table, "integration_enterprises", "district", "涟水县") == 1
    assert value(table, "integration_enterprises", "district", "淮阴区") == 0
    assert not [key for key in table if key[0] == "integration_enterprises" and key[1] == "college"]


def test_cooperation_projects_running_on_e(two_colleges):
    a, b = two_colleges
    f.CooperationProjectFactory(college=a, started_on=datetime.date(2024, 1, 1))
    f.CooperationProjectFactory(college=a, started_on=datetime.date(2024, 1, 1), ended_on=E)  # ends on E: counts
    f.CooperationProjectFactory(college=a, started_on=datetime.date(2024, 1, 1), ended_on=datetime.date(2025, 6, 29))
    f.CooperationProjectFactory(college=b, started_on=E)
    f.CooperationProjectFactory(college=b, started_on=DAY_AFTER)

    table = figures()

    assert value(table, "cooperation_projects") == 3
    assert value(table, "cooperation_projects", "college", "13290") == 2
    assert value(table, "cooperation_projects", "district", "淮阴区") == 1


def test_industry_colleges_and_chain_leader_compliance(two_colleges):
    a, b = two_colleges

    def industry_college(college, leaders, others=0, established_on=datetime.date(2024, 9, 1)):
        ic = f.IndustryCollegeFactory(college=college, established_on=established_on)
        for i in range(leaders + others):
            ic.partnerships.create(enterprise=f.EnterpriseFactory(), is_chain_leader=i < leaders)

    industry_college(a, leaders=3, others=1)
    industry_college(a, leaders=2, others=4)
    industry_college(b, leaders=3, established_on=E)
    industry_college(b, leaders=0, established_on=DAY_AFTER)

    table = figures()

    assert value(table, "industry_colleges") == 3
    assert table[("industry_college_compliance", "city", "")] == (pytest.approx(2 / 3), 2, 3)
    assert table[("industry_college_compliance", "college", "13290")] == (0.5, 1, 2)
    assert table[("industry_college_compliance", "college", "13291")] == (1.0, 1, 1)
    assert table[("industry_college_compliance", "district", "清江浦区")] == (0.5, 1, 2)


def test_industry_college_compliance_without_industry_colleges_is_null(two_colleges):
    table = figures()
    assert value(table, "industry_colleges", "college", "13290") == 0
    assert table[("industry_college_compliance", "college", "13290")] == (None, 0, 0)


def test_order_classes_of_the_year_and_training_headcount_since_january(two_colleges):
    a, b = two_colleges
    f.OrderClassFactory(program=f.ProgramFactory(college=a), year=2025)
    f.OrderClassFactory(program=f.ProgramFactory(college=b), year=2025)
    f.OrderClassFactory(program=f.ProgramFactory(college=b), year=2024)
    f.TrainingSessionFactory(college=a, held_on=datetime.date(2025, 1, 1), trainees=100)
    f.TrainingSessionFactory(college=a, held_on=E, trainees=20)
    f.TrainingSessionFactory(college=b, held_on=datetime.date(2025, 3, 5), trainees=7)
    f.TrainingSessionFactory(college=b, held_on=DAY_AFTER, trainees=1000)
    f.TrainingSessionFactory(college=b, held_on=datetime.date(2024, 12, 31), trainees=1000)

    table = figures()

    assert value(table, "order_classes") == 2
    assert value(table, "order_classes", "college", "13291") == 1
    assert value(table, "training_headcount") == 127
    assert value(table, "training_headcount", "college", "13290") == 120
    assert value(table, "training_headcount", "district", "淮阴区") == 7


def test_demand_fulfilment_rate(db):
    e1 = f.EnterpriseFactory(district="清江浦区")
    e2 = f.EnterpriseFactory(district="涟水县")
    q1 = f.DemandListFactory(enterprise=e1, year=2025, quarter=1, status="accepted")
    due = datetime.date(2025, 5, 1)
    f.DemandItemFactory(demand_list=q1, due_on=due, status="fulfilled", fulfilled_on=E, fulfilled_headcount=3)
    f.DemandItemFactory(demand_list=q1, due_on=due, status="fulfilled", fulfilled_on=DAY_AFTER, fulfilled_headcount=3)
    f.DemandItemFactory(demand_list=q1, due_on=E, status="in_progress")
    f.DemandItemFactory(demand_list=q1, due_on=due, status="cancelled")  # not counted
    f.DemandItemFactory(demand_list=q1, due_on=DAY_AFTER, status="open")  # not due yet
    q2 = f.DemandListFactory(enterprise=e2, year=2025, quarter=2, status="submitted")
    f.DemandItemFactory(demand_list=q2, kind="tech", headcount=None, due_on=due, status="matched")
    draft = f.DemandListFactory(enterprise=e2, year=2025, quarter=1, status="draft")
    f.DemandItemFactory(demand_list=draft, due_on=due, status="open")
    last_year = f.DemandListFactory(enterprise=e2, year=2024, quarter=4, status="accepted")
    f.DemandItemFactory(demand_list=last_year, due_on=due, status="open")

    table = figures()

    assert table[("demand_fulfilment_rate", "city", "")] == (0.25, 1, 4)
    assert table[("demand_fulfilment_rate", "district", "清江浦区")] == (pytest.approx(1 / 3), 1, 3)
    assert table[("demand_fulfilment_rate", "district", "涟水县")] == (0.0, 0, 1)
    assert not [key for key in table if key[0] == "demand_fulfilment_rate" and key[1] == "college"]


def test_demand_fulfilment_rate_without_items_is_null(two_colleges):
    assert figures()[("demand_fulfilment_rate", "city", "")] == (None, 0, 0)


def test_policy_reach_counts_acknowledgements_made_by_e(db):
    def at(day, hour):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    e1 = f.EnterpriseFactory(district="清江浦区")
    e2 = f.EnterpriseFactory(district="涟水县")
    card = f.PolicyCardFactory(status="published", published_at=at(datetime.date(2025, 4, 1), 9))
    card.deliveries.create(enterprise=e1, delivered_at=card.published_at, acknowledged_at=at(E, 23))
    card.deliveries.create(enterprise=e2, delivered_at=card.published_at, acknowledged_at=at(DAY_AFTER, 0))
    e3 = f.EnterpriseFactory(district="涟水县")
    card.deliveries.create(enterprise=e3, delivered_at=card.published_at)  # never acknowledged
    late = f.PolicyCardFactory(status="published", published_at=at(DAY_AFTER, 8))
    late.deliveries.create(enterprise=e1, delivered_at=late.published_at, acknowledged_at=at(DAY_AFTER, 9))

    table = figures()

    assert table[("policy_reach", "city", "")] == (pytest.approx(1 / 3), 1, 3)
    assert table[("policy_reach", "district", "清江浦区")] == (1.0, 1, 1)
    assert table[("policy_reach", "district", "涟水县")] == (0.0, 0, 2)


def test_every_scope_gets_every_metric_of_its_kind(two_colleges):
    f.EnterpriseFactory(district="涟水县")
    table = figures()
    by_scope = {}
    for metric, scope_type, scope_id in table:
        by_scope.setdefault((scope_type, scope_id), set()).add(metric)
    assert set(by_scope) == {
        ("city", ""),
        ("district", "清江浦区"),
        ("district", "淮阴区"),
        ("district", "涟水县"),
        ("college", "13290"),
        ("college", "13291"),
    }
    assert len(by_scope[("city", "")]) == 16
    assert by_scope[("district", "涟水县")] == by_scope[("city", "")]
    assert by_scope[("college", "13290")] == by_scope[("city", "")] - {
        "integration_enterprises",
        "demand_fulfilment_rate",
        "policy_reach",
        "filing_rate",
    }
