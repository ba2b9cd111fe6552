"""Programs: the owner rules of their services and the suggestions for a talent item."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from demand import selectors
from demand.models import DemandItem
from programs import services
from programs.models import Program
from reference import services as reference_services
from reference.matching import OTHER, KeyClusters
from reference.models import Major
from tests import factories as f

D = datetime.date


def test_college_admin_saves_own_program_but_not_into_another_college(college, other_college, college_user):
    major = f.MajorFactory()
    services.program_save(
        instance=Program(college=college, major=major, schooling="5yr_higher", established_on=D(2021, 9, 1)),
        by=college_user,
    )

    with pytest.raises(PermissionDenied):
        services.program_save(
            instance=Program(college=other_college, major=major, schooling="5yr_higher", established_on=D(2021, 9, 1)),
            by=college_user,
        )

    assert list(Program.objects.values_list("college_id", flat=True)) == [college.pk]
    assert Program.objects.get().history.get().history_user == college_user


def test_only_the_bureau_keeps_the_major_catalogue(bureau_user, college_user):
    major = Major(code="460701", name="汽车制造与试验技术", level="higher", industry_codes=["C36"])
    with pytest.raises(PermissionDenied):
        reference_services.major_save(instance=major, by=college_user)

    reference_services.major_save(instance=major, by=bureau_user)

    assert Major.objects.get().code == "460701"


def test_program_year_of_another_college_is_refused(other_college, college_user):
    program_year = f.ProgramYearFactory.build(program=f.ProgramFactory(college=other_college))

    with pytest.raises(PermissionDenied):
        services.program_year_save(instance=program_year, by=college_user)


# ---- suggested programs ----------------------------------------------------------------------


@pytest.fixture
def city(db):
    """Two key clusters (cars C36, chemicals C26), majors, programs and their figures."""
    f.ClusterFactory(code="NEV", name="新能源汽车", industry_codes=["C36", "C384"])
    f.ClusterFactory(code="CHEM", name="化工新材料", industry_codes=["C26"])
    cars = f.MajorFactory(code="460701", name="汽车制造与试验技术", industry_codes=["C3670"])
    batteries = f.MajorFactory(
        code="460702", name="新能源汽车技术", industry_codes=["C38"]
    )  # wider than C384: serves too
    chemistry = f.MajorFactory(code="470201", name="应用化工技术", industry_codes=["C26"])
    a, b, c = (f.CollegeFactory(code=code) for code in ("A01", "B02", "C03"))
    programs = {
        "a_cars": f.ProgramFactory(college=a, major=cars),
        "b_cars": f.ProgramFactory(college=b, major=cars),
        "c_batteries": f.ProgramFactory(college=c, major=batteries),
        "a_batteries": f.ProgramFactory(college=a, major=batteries),
        "b_chemistry": f.ProgramFactory(college=b, major=chemistry),
        "c_cars_closed": f.ProgramFactory(college=c, major=cars, closed_on=D(2024, 7, 1)),
        "c_cars_future": f.ProgramFactory(college=c, major=cars, schooling="5yr_higher", established_on=D(2099, 9, 1)),
    }
    figures = {
        "a_cars": [(2025, 50), (2026, 20)],  # next year's cohort reported: 20, not the bigger 50
        "b_cars": [(2024, 30), (2025, 35)],  # no 2026: latest year, 35
        "c_batteries": [(2026, 60)],
        "a_batteries": [],  # nothing reported: unknown, listed last in its rank
        "b_chemistry": [(2026, 99)],
        "c_cars_closed": [(2026, 80)],
    }
    for key, rows in figures.items():
        for year, graduates in rows:
            f.ProgramYearFactory(
                program=programs[key],
                year=year,
                graduates=graduates,
                employed=0,
                employed_in_field=0,
                employed_locally=0,
            )
    return programs


def _item(industry_code="C3670", major_code="460701"):
    item = f.DemandItemFactory(
        demand_list__year=2025,
        industry=f.IndustryFactory(code=industry_code),
        major_code=major_code,
    )
    return DemandItem.objects.select_related("demand_list").get(pk=item.pk)


def test_same_major_first_then_same_key_cluster_by_expected_graduates(city, django_assert_max_num_queries):
    item = _item()

    with django_assert_max_num_queries(4):
        suggestions = selectors.suggested_programs(item=item, on=D(2025, 6, 30))

    rows = [(s.program.pk, s.rank, s.expected_graduates, s.graduates_year) for s in suggestions]
    assert rows == [
        (city["b_cars"].pk, 1, 35, 2025),
        (city["a_cars"].pk, 1, 20, 2026),
        (city["c_batteries"].pk, 2, 60, 2026),
        (city["a_batteries"].pk, 2, None, None),
    ]
    assert [s.reason for s in suggestions] == ["同专业", "同专业", "同产业集群", "同产业集群"]


def test_query_count_does_not_grow_with_the_result(city, django_assert_max_num_queries):
    item = _item()
    for n in range(15):
        program = f.ProgramFactory(college=f.CollegeFactory(code=f"X{n:02d}"), major=Major.objects.get(code="460702"))
        f.ProgramYearFactory(
            program=program, year=2026, graduates=n, employed=0, employed_in_field=0, employed_locally=0
        )

    with django_assert_max_num_queries(4):
        suggestions = selectors.suggested_programs(item=item, on=D(2025, 6, 30))

    assert len(suggestions) == 19


def test_item_without_major_gets_its_cluster_programs(city):
    suggestions = selectors.suggested_programs(item=_item(industry_code="C2614", major_code=""), on=D(2025, 6, 30))

    assert [(s.program.pk, s.rank, s.expected_graduates) for s in suggestions] == [(city["b_chemistry"].pk, 2, 99)]


def test_item_outside_every_key_cluster_gets_only_its_major(city):
    suggestions = selectors.suggested_programs(item=_item(industry_code="A01", major_code="470201"), on=D(2025, 6, 30))

    assert [(s.program.pk, s.rank) for s in suggestions] == [(city["b_chemistry"].pk, 1)]
    assert selectors.suggested_programs(item=_item(industry_code="A01", major_code=""), on=D(2025, 6, 30)) == []


def test_key_cluster_of_matches_by_prefix_both_ways(city):
    clusters = KeyClusters.load()
    assert clusters.of_industry("C3670") == "NEV"
    assert clusters.of_industry("C38") == "NEV"  # wider than C384
    assert clusters.of_industry("C2614") == "CHEM"
    assert clusters.of_industry("C13") == OTHER
