"""Issue 17, from the outside: the guard-rails a daily user runs into (pages and API), and the programs
suggested for a talent item with one-click assignment."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from colleges.models import College
from demand import selectors
from demand.models import DemandAssignment, DemandItem, DemandList
from enterprises.models import Enterprise
from policies.models import PolicyCard
from portal.numbers import MAX_PEOPLE
from tests import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = timezone.localdate()
DUE = (TODAY + datetime.timedelta(days=60)).isoformat()
ITEM = {"kind": "talent", "title": "数控机床操作工", "industry": "", "major_code": "", "headcount": "12", "due_on": DUE}


def _draft(enterprise, **kwargs):
    return f.DemandListFactory(enterprise=enterprise, status="draft", **kwargs)


def _errors(response):
    return {field: list(errors) for field, errors in response.context["form"].errors.items()}


# ---- district from the bureau's list ---------------------------------------------------------


def test_a_district_typo_cannot_create_a_new_district_in_forms_or_api(client, bureau_user, college, enterprise):
    client.force_login(bureau_user)
    edit = client.get(reverse("colleges:edit", args=[college.pk]))
    assert '<select name="district"' in edit.content.decode()
    response = client.post(
        reverse("colleges:edit", args=[college.pk]),
        {"code": college.code, "name": college.name, "kind": college.kind, "district": "清江埔区"},
    )
    assert "清江埔区" in str(response.context["form"].errors["district"])
    patched = client.patch(
        f"/api/v1/enterprises/{enterprise.pk}/", {"district": "清江埔区"}, content_type="application/json"
    )
    assert patched.status_code == 400 and "district" in patched.json()
    created = client.post(
        "/api/v1/colleges/",
        {"code": "13999", "name": "新学院", "kind": "higher", "district": "清江埔区"},
        content_type="application/json",
    )
    assert created.status_code == 400 and "district" in created.json()
    assert not College.objects.filter(district="清江埔区").exists()
    assert not Enterprise.objects.filter(district="清江埔区").exists()


# ---- demand items: due date, headcounts ------------------------------------------------------


@pytest.mark.parametrize("role_user", ["enterprise_user", "bureau_user"])
def test_a_new_item_due_in_the_past_is_refused_on_the_page(client, request, enterprise, role_user):
    demand_list = _draft(enterprise)
    client.force_login(request.getfixturevalue(role_user))
    yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()

    response = client.post(reverse("demand:item_create", args=[demand_list.pk]), {**ITEM, "due_on": yesterday})

    assert _errors(response) == {"due_on": ["期望完成日期不能早于今天。"]}
    assert not DemandItem.objects.exists()


def test_an_edit_keeping_a_past_due_date_is_accepted(client, enterprise_user, enterprise):
    item = f.DemandItemFactory(demand_list=_draft(enterprise), due_on=D(2025, 6, 30), headcount=5)
    client.force_login(enterprise_user)

    response = client.post(
        reverse("demand:item_edit", args=[item.pk]), {**ITEM, "headcount": "7", "due_on": "2025-06-30"}
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.headcount, item.due_on) == (7, D(2025, 6, 30))


@pytest.mark.parametrize("headcount", ["99999999999", str(MAX_PEOPLE + 1)])
def test_a_headcount_above_the_maximum_gets_one_clear_message_on_page_and_api(
    client, enterprise_user, enterprise, headcount
):
    demand_list = _draft(enterprise)
    client.force_login(enterprise_user)
    message = f"人数不能超过 {MAX_PEOPLE:,}（请核对是否多输了位数）。"

    response = client.post(reverse("demand:item_create", args=[demand_list.pk]), {**ITEM, "headcount": headcount})
    api = client.post(
        "/api/v1/demand-items/",
        {"demand_list": demand_list.pk, "kind": "talent", "title": "焊工", "headcount": headcount, "due_on": DUE},
        content_type="application/json",
    )

    assert _errors(response) == {"headcount": [message]}
    assert (api.status_code, api.json()) == (400, {"headcount": [message]})
    assert not DemandItem.objects.exists()


def test_a_negative_headcount_gets_one_message(client, enterprise_user, enterprise):
    demand_list = _draft(enterprise)
    client.force_login(enterprise_user)

    response = client.post(reverse("demand:item_create", args=[demand_list.pk]), {**ITEM, "headcount": "-3"})

    assert _errors(response) == {"headcount": ["人数不能为负数。"]}


def test_fulfilling_more_than_requested_needs_a_confirmation_and_is_shown(client, bureau_user):
    item = f.DemandItemFactory(headcount=12, status="in_progress")
    client.force_login(bureau_user)
    url = reverse("demand:item_fulfil", args=[item.pk])
    body = {"fulfilled_on": TODAY.isoformat(), "fulfilled_headcount": "50"}

    refused = client.post(url, body)

    assert refused.status_code == 400
    assert refused.context["fulfil_form"].errors["fulfilled_headcount"] == [
        "实际满足人数 50 超过需求人数 12；如确实如此，请勾选确认后再销号。"
    ]
    item.refresh_from_db()
    assert item.status == "in_progress"
    assert client.post(url, {**body, "over_confirmed": "on"}).status_code == 302
    page = client.get(reverse("demand:item_detail", args=[item.pk])).content.decode()
    assert "超出需求 38 人（已确认）" in page
    api = client.post(
        f"/api/v1/demand-items/{f.DemandItemFactory(headcount=2).pk}/fulfil/",
        {"headcount": 3},
        content_type="application/json",
    )
    assert api.status_code == 400 and "fulfilled_headcount" in api.json()


# ---- confirmations and a submitted list -------------------------------------------------------


def test_submitting_a_list_asks_for_confirmation_first(client, enterprise_user, enterprise):
    demand_list = _draft(enterprise)
    f.DemandItemFactory(demand_list=demand_list)
    client.force_login(enterprise_user)
    detail = client.get(reverse("demand:list_detail", args=[demand_list.pk])).content.decode()
    url = reverse("demand:list_submit", args=[demand_list.pk])
    assert f'href="{url}"' in detail

    asked = client.get(url)

    assert asked.status_code == 200 and "确认提交" in asked.content.decode()
    demand_list.refresh_from_db()
    assert demand_list.status == "draft"
    client.post(url)
    demand_list.refresh_from_db()
    assert demand_list.status == "submitted"


def test_publishing_a_card_asks_for_confirmation_first(client, bureau_user):
    card = f.PolicyCardFactory(status="draft")
    client.force_login(bureau_user)
    url = reverse("policies:card_publish", args=[card.pk])
    assert f'href="{url}"' in client.get(reverse("policies:detail", args=[card.pk])).content.decode()

    asked = client.get(url)

    assert asked.status_code == 200 and "确认发布" in asked.content.decode()
    assert PolicyCard.objects.get(pk=card.pk).status == "draft"
    client.post(url)
    assert PolicyCard.objects.get(pk=card.pk).status == "published"


def test_a_submitted_lists_edit_forms_do_not_open_for_the_enterprise(client, enterprise_user, enterprise):
    demand_list = f.DemandListFactory(enterprise=enterprise, status="submitted")
    item = f.DemandItemFactory(demand_list=demand_list)
    client.force_login(enterprise_user)
    detail = reverse("demand:list_detail", args=[demand_list.pk])
    for url in (
        reverse("demand:item_create", args=[demand_list.pk]),
        reverse("demand:list_upload", args=[demand_list.pk]),
        reverse("demand:item_edit", args=[item.pk]),
        reverse("demand:item_delete", args=[item.pk]),
        reverse("demand:list_submit", args=[demand_list.pk]),
    ):
        response = client.get(url, follow=True)
        assert response.redirect_chain == [(detail, 302)], url
        assert "企业不能再修改" in response.content.decode()


def test_a_resubmitted_list_does_not_show_the_previous_review_time(client, enterprise_user, bureau_user, enterprise):
    demand_list = f.DemandListFactory(enterprise=enterprise, status="submitted")
    f.DemandItemFactory(demand_list=demand_list)
    client.force_login(bureau_user)
    client.post(reverse("demand:list_return", args=[demand_list.pk]), {"return_reason": "人数不实"})
    assert "审核于" in client.get(reverse("demand:list_detail", args=[demand_list.pk])).content.decode()
    client.force_login(enterprise_user)

    client.post(reverse("demand:list_submit", args=[demand_list.pk]))

    demand_list.refresh_from_db()
    assert (demand_list.status, demand_list.reviewed_at, demand_list.reviewed_by) == ("submitted", None, None)
    assert "审核于" not in client.get(reverse("demand:list_detail", args=[demand_list.pk])).content.decode()
    assert DemandList.history.filter(id=demand_list.pk, reviewed_at__isnull=False).exists()


# ---- suggested programs ---------------------------------------------------------------------


@pytest.fixture
def suggestion_city():
    """An item for major 460701 in cluster NEV (C36) of 2025: graduates of 2026 decide the order."""
    f.ClusterFactory(code="NEV", name="新能源汽车", industry_codes=["C36"])
    cars = f.MajorFactory(code="460701", name="汽车制造与试验技术", industry_codes=["C3670"])
    batteries = f.MajorFactory(code="460702", name="新能源汽车技术", industry_codes=["C36"])
    item = f.DemandItemFactory(demand_list__year=2025, industry=f.IndustryFactory(code="C3670"), major_code="460701")
    programs = {}
    for key, code, major, graduates in [
        ("same_small", "A01", cars, 10),
        ("same_big", "A02", cars, 30),
        ("same_none", "A03", cars, 0),
        *[(f"cluster_{n}", f"B{n:02d}", batteries, 5 * n) for n in range(1, 6)],
    ]:
        programs[key] = f.ProgramFactory(college=f.CollegeFactory(code=code, name=f"学院{code}"), major=major)
        f.ProgramYearFactory(
            program=programs[key], year=2026, graduates=graduates, employed=0, employed_in_field=0, employed_locally=0
        )
    return item, programs


def test_suggestions_rank_same_major_then_cluster_by_graduates_and_zero_last(suggestion_city):
    item, programs = suggestion_city

    ranked = selectors.suggested_programs(item=item, on=D(2025, 6, 30))

    assert [(s.program.college.code, s.reason, s.expected_graduates) for s in ranked] == [
        ("A02", "同专业", 30),
        ("A01", "同专业", 10),
        ("B05", "同产业集群", 25),
        ("B04", "同产业集群", 20),
        ("B03", "同产业集群", 15),
        ("B02", "同产业集群", 10),
        ("B01", "同产业集群", 5),
        ("A03", "同专业", 0),
    ]


def test_item_page_shows_the_top_five_with_reasons_more_behind_and_assigns_in_one_click(
    client, bureau_user, suggestion_city
):
    item, programs = suggestion_city
    client.force_login(bureau_user)
    url = reverse("demand:item_detail", args=[item.pk])

    response = client.get(url)

    page = response.content.decode()
    assert [s.program.college.code for s in response.context["suggestions"]] == ["A02", "A01", "B05", "B04", "B03"]
    assert [s.program.college.code for s in response.context["more_suggestions"]] == ["B02", "B01", "A03"]
    assert 'data-testid="more-suggestions"' in page and "同专业" in page and "同产业集群" in page
    assert page.count('data-testid="assign-suggestion"') == 8
    college = programs["same_big"].college
    client.post(reverse("demand:item_assign", args=[item.pk]), {"college": college.pk})
    assert DemandAssignment.objects.filter(item=item, college=college).exists()
    item.refresh_from_db()
    assert item.status == "matched"
    assert client.get(url).content.decode().count('data-testid="assign-suggestion"') == 7


def test_enterprise_sees_suggestions_without_assign_buttons(client, enterprise_user, enterprise, suggestion_city):
    item, _programs = suggestion_city
    DemandItem.objects.filter(pk=item.pk).update(demand_list=f.DemandListFactory(enterprise=enterprise, year=2025))
    client.force_login(enterprise_user)
    page = client.get(reverse("demand:item_detail", args=[item.pk])).content.decode()
    assert "同专业" in page and 'data-testid="assign-suggestion"' not in page


# ---- API tokens: explicit choices ------------------------------------------------------------


def test_token_page_creates_an_agency_account_only_when_ticked(client, bureau_user):
    from django.contrib.auth.models import User

    client.force_login(bureau_user)
    page = client.get(reverse("api_tokens"))
    assert page.context["form"]["create_agency"].value() in (None, False)
    assert 'name="create_agency" id="id_create_agency" checked' not in page.content.decode()

    typo = client.post(reverse("api_tokens"), {"username": "fgw-sytem"})

    assert typo.status_code == 400 and "不存在" in str(typo.context["form"].errors["username"])
    assert not User.objects.filter(username="fgw-sytem").exists()
    assert client.post(reverse("api_tokens"), {"username": "fgw", "create_agency": "on"}).status_code == 200
    assert User.objects.get(username="fgw").profile.role == "agency"


def test_token_for_an_enterprise_account_needs_an_explicit_confirmation(client, bureau_user, enterprise_user):
    from rest_framework.authtoken.models import Token

    client.force_login(bureau_user)

    refused = client.post(reverse("api_tokens"), {"username": enterprise_user.username})

    assert refused.status_code == 400 and "请勾选确认" in str(refused.context["form"].errors["owner_confirmed"])
    assert not Token.objects.filter(user=enterprise_user).exists()
    issued = client.post(reverse("api_tokens"), {"username": enterprise_user.username, "owner_confirmed": "on"})
    assert issued.status_code == 200 and Token.objects.filter(user=enterprise_user).exists()


# ---- the quarter label ----------------------------------------------------------------------


def test_the_quarter_label_has_one_format_per_language():
    from django.utils import translation

    from portal.periods import Period, quarter_choices

    with translation.override("zh-hans"):
        assert (Period(2026, 4).label, quarter_choices()[3]) == ("2026年第4季度", (4, "第4季度"))
    with translation.override("en"):
        assert (Period(2026, 4).label, quarter_choices()[3]) == ("2026 Q4", (4, "Q4"))
    assert Period(2026, 4).code == "2026Q4"


def test_pages_write_the_quarter_in_the_requests_language(client, enterprise_user, enterprise):
    demand_list = f.DemandListFactory(enterprise=enterprise, year=2026, quarter=4, status="draft")
    client.force_login(enterprise_user)
    url = reverse("demand:list_detail", args=[demand_list.pk])

    assert "2026年第4季度" in client.get(url).content.decode()
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "2026 Q4" in english and "2026年第4季度" not in english


def test_a_huge_count_of_graduates_gets_one_message_on_the_program_year_page(client, bureau_user):
    program = f.ProgramFactory()
    client.force_login(bureau_user)
    figures = {"year": "2025", "enrolled": "0", "admitted": "0", "graduates": "99999999999", "employed": "0"}
    figures |= {"employed_in_field": "0", "employed_locally": "0"}

    response = client.post(reverse("programs:year_create", args=[program.pk]), figures)

    assert _errors(response) == {"graduates": [f"人数不能超过 {MAX_PEOPLE:,}（请核对是否多输了位数）。"]}


def test_the_bureau_homes_counts_have_thousands_separators(client, bureau_user):
    from tests.portal_seed import seed_dashboard

    seed_dashboard(overdue=1)
    late = DemandItem.objects.get(title="逾期需求0")
    copies = []
    for n in range(1000):
        copy = DemandItem(demand_list=late.demand_list, kind="talent", title=f"逾期{n}", industry_id=late.industry_id)
        copy.headcount, copy.due_on = 1, late.due_on
        copy.copy_list_fields()
        copies.append(copy)
    DemandItem.objects.bulk_create(copies)
    client.force_login(bureau_user)
    assert "共 1,001 项" in client.get(reverse("home")).content.decode()


def test_issue_token_command_needs_the_owner_flag_for_an_enterprise_account(enterprise_user):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError
    from rest_framework.authtoken.models import Token

    with pytest.raises(CommandError, match="请勾选确认"):
        call_command("issue_token", enterprise_user.username, stdout=io.StringIO())
    assert not Token.objects.filter(user=enterprise_user).exists()
    out = io.StringIO()
    call_command("issue_token", enterprise_user.username, "--owner-account", stdout=out)
    assert out.getvalue().strip() == Token.objects.get(user=enterprise_user).key


def test_api_fulfil_with_a_huge_headcount_gets_one_message(client, bureau_user):
    item = f.DemandItemFactory(headcount=2)
    client.force_login(bureau_user)

    response = client.post(
        f"/api/v1/demand-items/{item.pk}/fulfil/",
        {"headcount": 99999999999, "over_confirmed": True},
        content_type="application/json",
    )

    assert (response.status_code, response.json()) == (
        400,
        {"headcount": [f"人数不能超过 {MAX_PEOPLE:,}（请核对是否多输了位数）。"]},
    )
