"""College, program and order-class pages through the Django test client: a college admin sees and
edits only their own; figures are validated at their fields; lists take a constant number of queries."""

import pytest
from django.urls import reverse

from colleges.models import IndustryCollege, IndustryCollegePartner, TrainingBase, TrainingSession
from demand.models import DemandAssignment
from programs.models import ProgramYear
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_college_admin_is_sent_to_own_college(client, college_user, college):
    client.force_login(college_user)
    response = client.get(reverse("colleges:college_list"))
    assert response.url == reverse("college_detail", args=[college.pk])
    assert client.get(response.url).status_code == 200


def test_another_college_is_404(client, college_user, other_college):
    client.force_login(college_user)
    for name in ("college_detail", "colleges:edit", "demand:assigned_items"):
        assert client.get(reverse(name, args=[other_college.pk])).status_code == 404, name


def test_enterprise_and_agency_get_404_on_college_pages(client, enterprise_user, agency_user, college):
    for user in (enterprise_user, agency_user):
        client.force_login(user)
        assert client.get(reverse("colleges:college_list")).status_code == 404
        assert client.get(reverse("programs:program_list")).status_code == 404
        assert client.get(reverse("college_detail", args=[college.pk])).status_code == 404


def test_bureau_filters_colleges_by_district(client, bureau_user, college, other_college):
    client.force_login(bureau_user)
    response = client.get(reverse("colleges:college_list"), {"district": "淮阴区"})
    assert list(response.context["page_obj"]) == [other_college]


def test_college_admin_lists_only_own_rows(client, college_user, college, other_college):
    mine = f.TrainingSessionFactory(college=college)
    f.TrainingSessionFactory(college=other_college)
    own_program = f.ProgramFactory(college=college)
    f.ProgramFactory(college=other_college)
    client.force_login(college_user)
    assert list(client.get(reverse("colleges:session_list")).context["page_obj"]) == [mine]
    assert list(client.get(reverse("programs:program_list")).context["page_obj"]) == [own_program]
    # Even asking for the other college by filter shows nothing of it.
    response = client.get(reverse("programs:program_list"), {"college": other_college.pk})
    assert list(response.context["page_obj"]) == []


def test_another_colleges_rows_are_404_to_edit(client, college_user, other_college):
    session = f.TrainingSessionFactory(college=other_college)
    program = f.ProgramFactory(college=other_college)
    figures = f.ProgramYearFactory(program=program)
    client.force_login(college_user)
    for url in (
        reverse("colleges:session_edit", args=[session.pk]),
        reverse("programs:detail", args=[program.pk]),
        reverse("programs:edit", args=[program.pk]),
        reverse("programs:year_create", args=[program.pk]),
        reverse("programs:year_edit", args=[figures.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("programs:year_edit", args=[figures.pk]), {"year": 2025, "graduates": 1})
    assert response.status_code == 404
    figures.refresh_from_db()
    assert figures.graduates == 40


FIGURES = {
    "year": "2025",
    "enrolled": "120",
    "admitted": "40",
    "graduates": "40",
    "employed": "36",
    "employed_in_field": "30",
    "employed_locally": "28",
}


def test_employed_above_graduates_is_named_at_the_field_and_nothing_saved(client, college_user, college):
    program = f.ProgramFactory(college=college)
    client.force_login(college_user)
    url = reverse("programs:year_create", args=[program.pk])
    response = client.post(url, {**FIGURES, "employed": "45"})
    assert response.status_code == 200
    assert response.context["form"].errors["employed"] == ["就业人数（45）不能超过毕业生数（40）。"]
    assert "就业人数（45）不能超过毕业生数（40）。" in response.content.decode()
    assert not ProgramYear.objects.exists()
    response = client.post(url, FIGURES)
    assert response.status_code == 302
    saved = ProgramYear.objects.get(program=program)
    assert (saved.year, saved.graduates, saved.employed) == (2025, 40, 36)


def test_in_field_above_employed_and_negative_are_refused(client, college_user, college):
    figures = f.ProgramYearFactory(program=f.ProgramFactory(college=college))
    client.force_login(college_user)
    response = client.post(
        reverse("programs:year_edit", args=[figures.pk]), {**FIGURES, "employed_in_field": "37", "enrolled": "-1"}
    )
    errors = response.context["form"].errors
    assert errors["employed_in_field"] == ["对口就业人数（37）不能超过就业人数（36）。"]
    assert "enrolled" in errors
    figures.refresh_from_db()
    assert (figures.employed_in_field, figures.enrolled) == (30, 120)


def test_second_figures_for_the_same_year_are_refused_at_the_year(client, college_user, college):
    program = f.ProgramFactory(college=college)
    f.ProgramYearFactory(program=program, year=2025)
    client.force_login(college_user)
    response = client.post(reverse("programs:year_create", args=[program.pk]), FIGURES)
    assert response.context["form"].errors["year"] == ["该专业点 2025 年的数据已存在，请修改原记录。"]
    assert ProgramYear.objects.filter(program=program).count() == 1


def test_college_admin_cannot_set_enrollment_status(client, college_user, college):
    program = f.ProgramFactory(college=college)
    client.force_login(college_user)
    form = client.get(reverse("programs:edit", args=[program.pk])).context["form"]
    assert "enrollment_status" not in form.fields and "college" not in form.fields


def test_industry_college_with_partners_named_by_uscc_or_name(client, college_user, college):
    cluster = f.ClusterFactory()
    leaders = [f.EnterpriseFactory() for _ in range(3)]
    partner = f.EnterpriseFactory(name="淮安伙伴机械有限公司")
    client.force_login(college_user)
    response = client.post(
        reverse("colleges:industry_college_create"),
        {
            "code": "IC900",
            "name": "新能源汽车产业学院",
            "cluster": cluster.pk,
            "established_on": "2024-09-01",
            "partners": "淮安伙伴机械有限公司",
            "chain_leaders": "\n".join(e.uscc for e in leaders),
        },
    )
    assert response.status_code == 302
    created = IndustryCollege.objects.get(code="IC900")
    assert created.college == college
    partners = IndustryCollegePartner.objects.filter(industry_college=created)
    assert {p.enterprise_id for p in partners} == {partner.pk, *(e.pk for e in leaders)}
    assert {p.enterprise_id for p in partners if p.is_chain_leader} == {e.pk for e in leaders}


def test_unknown_partner_is_named_and_nothing_saved(client, college_user, college):
    cluster = f.ClusterFactory()
    client.force_login(college_user)
    response = client.post(
        reverse("colleges:industry_college_create"),
        {
            "code": "IC901",
            "name": "化工新材料产业学院",
            "cluster": cluster.pk,
            "established_on": "2024-09-01",
            "partners": "不存在的企业",
        },
    )
    assert response.context["form"].errors["partners"] == [
        "找不到企业“不存在的企业”，请填写统一社会信用代码或完整企业名称。"
    ]
    assert not IndustryCollege.objects.filter(code="IC901").exists()


def test_training_session_form_errors_at_fields(client, college_user, college, enterprise):
    client.force_login(college_user)
    url = reverse("colleges:session_create")
    response = client.post(
        url, {"enterprise": enterprise.uscc, "title": "焊工培训", "held_on": "2025-05-01", "trainees": "0"}
    )
    assert "trainees" in response.context["form"].errors
    assert not TrainingSession.objects.exists()
    response = client.post(
        url, {"enterprise": enterprise.name, "title": "焊工培训", "held_on": "2025-05-01", "trainees": "30"}
    )
    assert response.status_code == 302
    session = TrainingSession.objects.get()
    assert (session.college, session.enterprise, session.trainees) == (college, enterprise, 30)


def test_training_base_end_before_start_is_refused(client, college_user, college):
    client.force_login(college_user)
    response = client.post(
        reverse("colleges:training_base_create"),
        {
            "code": "TB900",
            "name": "智能制造实训基地",
            "kind": "public",
            "established_on": "2024-01-01",
            "closed_on": "2023-01-01",
        },
    )
    assert response.context["form"].errors["closed_on"] == ["撤销日期不能早于设立日期。"]
    assert not TrainingBase.objects.filter(code="TB900").exists()


def test_order_class_offers_only_own_programs(client, college_user, college, other_college):
    own = f.ProgramFactory(college=college)
    f.ProgramFactory(college=other_college)
    client.force_login(college_user)
    form = client.get(reverse("programs:order_class_create")).context["form"]
    assert list(form.fields["program"].queryset) == [own]


def test_assigned_items_are_read_only_to_the_college(client, college_user, college, enterprise):
    item = f.DemandItemFactory(demand_list=f.DemandListFactory(enterprise=enterprise))
    f.DemandItemFactory(demand_list=f.DemandListFactory(enterprise=enterprise, quarter=3))
    DemandAssignment.objects.create(item=item, college=college)
    client.force_login(college_user)
    response = client.get(reverse("demand:assigned_items", args=[college.pk]))
    assert list(response.context["page_obj"]) == [item]
    assert client.get(reverse("demand:item_detail", args=[item.pk])).status_code == 200
    assert client.get(reverse("demand:item_edit", args=[item.pk])).status_code == 404


def test_bureau_assigns_an_item_and_sees_suggestions(client, bureau_user, college, enterprise):
    major = f.MajorFactory(code="460701", industry_codes=["C36"])
    program = f.ProgramFactory(college=college, major=major)
    f.ProgramYearFactory(
        program=program, year=2026, graduates=55, employed=50, employed_in_field=40, employed_locally=30
    )
    item = f.DemandItemFactory(
        demand_list=f.DemandListFactory(enterprise=enterprise, status="accepted"), major_code="460701"
    )
    client.force_login(bureau_user)
    page = client.get(reverse("demand:item_detail", args=[item.pk])).content.decode()
    assert 'data-testid="suggestions"' in page and "55" in page and "同专业" in page
    client.post(reverse("demand:item_assign", args=[item.pk]), {"college": college.pk})
    assert DemandAssignment.objects.filter(item=item, college=college).count() == 1
    item.refresh_from_db()
    assert item.status == "matched"
    response = client.get(reverse("demand:items"), {"college": college.pk})
    assert list(response.context["page_obj"]) == [item]


def test_college_cannot_assign(client, college_user, college, enterprise):
    item = f.DemandItemFactory(demand_list=f.DemandListFactory(enterprise=enterprise, status="accepted"))
    DemandAssignment.objects.create(item=item, college=college)
    client.force_login(college_user)
    assert client.post(reverse("demand:item_assign", args=[item.pk]), {"college": college.pk}).status_code == 404
    assert DemandAssignment.objects.filter(item=item).count() == 1


def _program_with_figures():
    program = f.ProgramFactory()
    f.ProgramYearFactory(program=program, year=2024)
    f.ProgramYearFactory(program=program, year=2025)


@pytest.mark.parametrize(
    "url_name, make_row",
    [
        ("colleges:college_list", lambda: f.ProgramFactory()),
        ("programs:program_list", _program_with_figures),
        ("programs:order_class_list", lambda: f.OrderClassFactory()),
        ("colleges:industry_college_list", lambda: f.IndustryCollegeFactory()),
        ("colleges:training_base_list", lambda: f.TrainingBaseFactory(enterprise=f.EnterpriseFactory())),
        ("colleges:project_list", lambda: f.CooperationProjectFactory()),
        ("colleges:session_list", lambda: f.TrainingSessionFactory()),
    ],
)
def test_bureau_college_lists_take_constant_queries(
    client, bureau_user, django_assert_max_num_queries, url_name, make_row
):
    client.force_login(bureau_user)
    for _ in range(5):
        make_row()
    with django_assert_max_num_queries(15) as small:
        assert client.get(reverse(url_name)).status_code == 200
    for _ in range(25):
        make_row()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse(url_name))
    assert len(response.context["page_obj"]) == 30


def test_college_list_and_detail_count_each_relation_once(client, bureau_user, college):
    f.ProgramFactory.create_batch(2, college=college)
    f.IndustryCollegeFactory(college=college)
    f.TrainingBaseFactory.create_batch(3, college=college)
    client.force_login(bureau_user)
    [row] = client.get(reverse("colleges:college_list")).context["page_obj"]
    assert (row.program_count, row.industry_college_count, row.base_count) == (2, 1, 3)
    counts = client.get(reverse("college_detail", args=[college.pk])).context["counts"]
    assert counts == {
        "programs": 2,
        "industry_colleges": 1,
        "training_bases": 3,
        "projects": 0,
        "training_sessions": 0,
        "assignments": 0,
    }
