"""Colleges work the items assigned to them (progress, proposals of 销号 the bureau confirms or sends back),
claim items open for claims (公开揭榜), and the colleges' responsiveness — all from the outside."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from demand import selectors, services
from demand.choices import EventKind
from demand.models import DemandAssignment, DemandClaim, DemandItemEvent
from tests import factories as f

TODAY = timezone.localdate


@pytest.fixture
def items(enterprise):
    """Two unfinished items of the enterprise's submitted list."""
    demand_list = f.DemandListFactory(enterprise=enterprise, year=2026, quarter=3)
    due = TODAY() + datetime.timedelta(days=60)
    return [f.DemandItemFactory(demand_list=demand_list, headcount=10, due_on=due) for _n in range(2)]


@pytest.fixture
def assigned(items, college, bureau_user):
    item = items[0]
    services.demand_item_assign(item=item, college=college, by=bureau_user)
    return item


def _kinds(item):
    return list(DemandItemEvent.objects.filter(item=item).order_by("at", "id").values_list("kind", flat=True))


# ---- what a college sees ---------------------------------------------------------------------


def test_college_sees_open_for_claims_item_but_not_the_enterprises_other_data(
    client, items, enterprise, enterprise_user, college_user
):
    open_item, other_item = items
    client.force_login(enterprise_user)
    client.post(reverse("demand:item_claims", args=[open_item.pk]), {"claims_open": "1"})
    open_item.refresh_from_db()
    assert open_item.claims_open

    client.force_login(college_user)
    listing = client.get(reverse("demand:claimable_items"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert open_item.title in page and other_item.title not in page
    assert enterprise.name not in page
    shown = client.get(reverse("demand:claim_create", args=[open_item.pk]))
    assert shown.status_code == 200
    assert open_item.title in shown.content.decode() and enterprise.name not in shown.content.decode()
    for url in (
        reverse("demand:claim_create", args=[other_item.pk]),  # not open for claims
        reverse("demand:item_detail", args=[open_item.pk]),  # open, but not assigned: only the claim page
        reverse("demand:item_detail", args=[other_item.pk]),
        reverse("enterprises:detail", args=[enterprise.pk]),
        reverse("demand:list_detail", args=[open_item.demand_list_id]),
        reverse("demand:items"),
    ):
        assert client.get(url).status_code == 404, url


def test_closed_for_claims_item_cannot_be_seen_or_claimed(client, items, enterprise_user, college_user):
    item = items[0]
    services.demand_item_set_claims_open(item=item, by=enterprise_user, claims_open=True)
    services.demand_item_set_claims_open(item=item, by=enterprise_user, claims_open=False)
    client.force_login(college_user)
    assert client.get(reverse("demand:claim_create", args=[item.pk])).status_code == 404
    assert client.post(reverse("demand:claim_create", args=[item.pk]), {"plan": "方案"}).status_code == 404
    assert not DemandClaim.objects.exists()
    assert _kinds(item)[-2:] == [EventKind.CLAIMS_OPENED, EventKind.CLAIMS_CLOSED]


def test_enterprise_cannot_open_another_enterprises_item_for_claims(client, items, other_enterprise_user):
    client.force_login(other_enterprise_user)
    response = client.post(reverse("demand:item_claims", args=[items[0].pk]), {"claims_open": "1"})
    assert response.status_code == 404
    items[0].refresh_from_db()
    assert not items[0].claims_open


def test_college_cannot_see_or_work_another_colleges_item(client, items, other_college, bureau_user, college_user):
    item = items[0]
    services.demand_item_assign(item=item, college=other_college, by=bureau_user)
    client.force_login(college_user)
    assert client.get(reverse("demand:item_detail", args=[item.pk])).status_code == 404
    assert client.get(reverse("demand:assigned_items", args=[other_college.pk])).status_code == 404
    assert client.post(reverse("demand:item_note", args=[item.pk]), {"text": "进展"}).status_code == 404
    response = client.post(
        reverse("demand:item_propose", args=[item.pk]), {"headcount": 3, "fulfilled_on": TODAY().isoformat()}
    )
    assert response.status_code == 404
    assert item.fulfilment_proposals.count() == 0
    assert _kinds(item) == [EventKind.STATUS]  # the assignment only


def test_my_items_lists_the_colleges_items_filtered_with_constant_queries(
    client, enterprise, college, college_user, bureau_user, django_assert_max_num_queries
):
    demand_list = f.DemandListFactory(enterprise=enterprise, year=2026, quarter=3)
    for n in range(6):
        item = f.DemandItemFactory(demand_list=demand_list, kind="training" if n % 2 else "talent")
        services.demand_item_assign(item=item, college=college, by=bureau_user)
    f.DemandItemFactory(demand_list=demand_list, title="未分派的需求")
    client.force_login(college_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("demand:my_items"))
    assert len(response.context["page_obj"].object_list) == 6
    assert "未分派的需求" not in response.content.decode()
    filtered = client.get(reverse("demand:my_items"), {"kind": "training"})
    assert len(filtered.context["page_obj"].object_list) == 3
    overdue = client.get(reverse("demand:my_items"), {"overdue": "true"})
    assert len(overdue.context["page_obj"].object_list) == 6  # the factory's due date, 2025-06-30, has passed
    home = client.get(reverse("home"))
    assert home.context["items_count"] == 6 and len(home.context["urgent_items"]) == 5


# ---- progress, proposal, confirm or send back ---------------------------------------------------


def test_proposal_confirmed_by_the_bureau_fulfils_the_item_with_the_proposed_figures(
    client, assigned, college_user, bureau_user
):
    on = TODAY() - datetime.timedelta(days=2)
    client.force_login(college_user)
    client.post(reverse("demand:item_note", args=[assigned.pk]), {"text": "已组织两轮面试"})
    client.post(reverse("demand:item_propose", args=[assigned.pk]), {"headcount": 7, "fulfilled_on": on.isoformat()})
    assigned.refresh_from_db()
    assert assigned.status == "in_progress"
    proposal = assigned.fulfilment_proposals.get()

    client.force_login(bureau_user)
    page = client.get(reverse("demand:college_work")).content.decode()
    assert assigned.title in page
    client.post(reverse("demand:proposal_confirm", args=[proposal.pk]))
    assigned.refresh_from_db()
    assert (assigned.status, assigned.fulfilled_headcount, assigned.fulfilled_on) == ("fulfilled", 7, on)
    assert _kinds(assigned)[-3:] == [EventKind.PROGRESS, EventKind.PROPOSAL, EventKind.CONFIRMED]

    client.force_login(college_user)
    detail = client.get(reverse("demand:item_detail", args=[assigned.pk]))
    history = detail.content.decode()
    assert "已销号" in history and "申请销号" in history and "确认销号" in history and "已组织两轮面试" in history


def test_proposal_sent_back_leaves_the_item_in_progress_with_the_reason(client, assigned, college_user, bureau_user):
    client.force_login(college_user)
    client.post(
        reverse("demand:item_propose", args=[assigned.pk]), {"headcount": 4, "fulfilled_on": TODAY().isoformat()}
    )
    proposal = assigned.fulfilment_proposals.get()
    client.force_login(bureau_user)
    refused = client.post(reverse("demand:proposal_send_back", args=[proposal.pk]), {"reason": ""})
    assert refused.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "pending"
    client.post(reverse("demand:proposal_send_back", args=[proposal.pk]), {"reason": "缺少企业签收的名单"})
    assigned.refresh_from_db()
    proposal.refresh_from_db()
    assert assigned.status == "in_progress" and proposal.status == "sent_back"
    last = DemandItemEvent.objects.filter(item=assigned).latest("id")
    assert (last.kind, last.note, last.to_status) == (EventKind.SENT_BACK, "缺少企业签收的名单", "in_progress")
    # A college may propose again once the first one was sent back.
    services.demand_item_propose_fulfilment(
        item=assigned, college=proposal.college, by=college_user, headcount=10, fulfilled_on=TODAY()
    )


def test_only_one_pending_proposal_and_no_future_date(assigned, college, college_user):
    with pytest.raises(Exception, match="不能晚于今天"):
        services.demand_item_propose_fulfilment(
            item=assigned,
            college=college,
            by=college_user,
            headcount=1,
            fulfilled_on=TODAY() + datetime.timedelta(days=1),
        )
    services.demand_item_propose_fulfilment(
        item=assigned, college=college, by=college_user, headcount=1, fulfilled_on=TODAY()
    )
    with pytest.raises(Exception, match="待确认的销号申请"):
        services.demand_item_propose_fulfilment(
            item=assigned, college=college, by=college_user, headcount=2, fulfilled_on=TODAY()
        )


def test_college_cannot_confirm_its_own_proposal(client, assigned, college, college_user):
    proposal = services.demand_item_propose_fulfilment(
        item=assigned, college=college, by=college_user, headcount=1, fulfilled_on=TODAY()
    )
    client.force_login(college_user)
    assert client.post(reverse("demand:proposal_confirm", args=[proposal.pk])).status_code == 404
    assigned.refresh_from_db()
    assert assigned.status == "in_progress"


def test_other_college_reads_neither_notes_nor_proposals_of_another_college(
    assigned, other_college, college, college_user, other_college_user, bureau_user
):
    services.demand_item_assign(item=assigned, college=other_college, by=bureau_user)
    services.demand_item_progress_note(item=assigned, college=college, by=college_user, text="本校进展（保密）")
    services.demand_item_progress_note(item=assigned, college=college, by=college_user, text="第二条进展")
    notes = [event.note for event in selectors.item_history(assigned, other_college_user)]
    assert "本校进展（保密）" not in notes and "第二条进展" not in notes
    assert "本校进展（保密）" in [event.note for event in selectors.item_history(assigned, college_user)]


# ---- claims --------------------------------------------------------------------------------


def test_claim_approved_becomes_an_assignment_and_leaves_the_open_list(
    client, items, enterprise_user, college, college_user, other_college_user, bureau_user
):
    item = items[0]
    services.demand_item_set_claims_open(item=item, by=enterprise_user, claims_open=True)
    client.force_login(college_user)
    response = client.post(reverse("demand:claim_create", args=[item.pk]), {"plan": "订单班定向培养", "headcount": 8})
    assert response.status_code == 302
    again = client.post(reverse("demand:claim_create", args=[item.pk]), {"plan": "再来一次"})
    assert again.status_code == 200 and DemandClaim.objects.count() == 1  # shown as claimed, not twice
    with pytest.raises(Exception, match="不能重复揭榜"):
        services.demand_claim_create(item=item, college=college, by=college_user, plan="再来一次")
    client.force_login(other_college_user)
    client.post(reverse("demand:claim_create", args=[item.pk]), {"plan": "另一校方案"})
    assert DemandClaim.objects.count() == 2

    claim = DemandClaim.objects.get(college=college)
    client.force_login(bureau_user)
    client.post(reverse("demand:claim_approve", args=[claim.pk]))
    assert DemandAssignment.objects.filter(item=item, college=college).exists()
    item.refresh_from_db()
    assert item.status == "matched" and not item.claims_open
    assert EventKind.CLAIM_APPROVED in _kinds(item)

    assert DemandClaim.objects.exclude(college=college).get().status == "declined"  # another college took it
    client.force_login(other_college_user)
    assert list(client.get(reverse("demand:claimable_items")).context["page_obj"].object_list) == []
    assert client.get(reverse("demand:claim_create", args=[item.pk])).status_code == 404
    client.force_login(college_user)
    assert client.get(reverse("demand:item_detail", args=[item.pk])).status_code == 200


def test_declined_claim_keeps_the_item_open(items, enterprise_user, college, college_user, bureau_user):
    item = items[0]
    services.demand_item_set_claims_open(item=item, by=enterprise_user, claims_open=True)
    claim = services.demand_claim_create(item=item, college=college, by=college_user, plan="方案")
    services.demand_claim_decline(claim=claim, by=bureau_user, reason="方案过于简单")
    assert claim.status == "declined"
    assert list(selectors.DemandItem.objects.claimable(college_user)) == [item]


def test_a_claim_on_an_item_the_bureau_assigned_directly_shows_as_ended(
    client, items, enterprise_user, college, other_college, college_user, bureau_user
):
    item = items[0]
    services.demand_item_set_claims_open(item=item, by=enterprise_user, claims_open=True)
    services.demand_claim_create(item=item, college=college, by=college_user, plan="方案")
    services.demand_item_assign(item=item, college=other_college, by=bureau_user)
    client.force_login(college_user)
    response = client.get(reverse("demand:claimable_items"))
    assert list(response.context["page_obj"].object_list) == []
    assert "该需求已不再公开揭榜。" in response.content.decode()


def test_item_of_a_draft_list_cannot_be_opened_for_claims(enterprise, enterprise_user):
    item = f.DemandItemFactory(demand_list=f.DemandListFactory(enterprise=enterprise, status="draft"))
    with pytest.raises(Exception, match="清单提交后"):
        services.demand_item_set_claims_open(item=item, by=enterprise_user, claims_open=True)


# ---- responsiveness --------------------------------------------------------------------------


def _assign(item, college, day):
    DemandAssignment.objects.create(item=item, college=college)
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    DemandAssignment.objects.filter(item=item, college=college).update(assigned_at=at)


def test_responsiveness_per_college_district_and_cluster(enterprise, college, other_college):
    f.ClusterFactory(code="K1", name="新能源", industry_codes=["C36"], order=1)
    other_industry = f.IndustryFactory(code="C26")
    demand_list = f.DemandListFactory(enterprise=enterprise, year=2026, quarter=1)
    d = datetime.date

    def item(**fields):
        return f.DemandItemFactory(demand_list=demand_list, **fields)

    on_time = item(
        headcount=10, due_on=d(2026, 3, 31), status="fulfilled", fulfilled_on=d(2026, 3, 20), fulfilled_headcount=8
    )
    late = item(
        headcount=5, due_on=d(2026, 4, 30), status="fulfilled", fulfilled_on=d(2026, 5, 10), fulfilled_headcount=5
    )
    overdue = item(headcount=20, due_on=d(2026, 5, 15), status="in_progress", industry=other_industry)
    not_due = item(kind="tech", headcount=None, due_on=d(2026, 12, 31), status="matched", industry=other_industry)
    cancelled = item(headcount=50, due_on=d(2026, 3, 1), status="cancelled")
    _assign(on_time, college, d(2026, 3, 1))  # 19 days
    _assign(late, college, d(2026, 4, 1))  # 39 days
    _assign(late, other_college, d(2026, 4, 11))  # 29 days
    _assign(overdue, college, d(2026, 4, 1))
    _assign(not_due, other_college, d(2026, 4, 1))
    _assign(cancelled, college, d(2026, 2, 1))

    result = selectors.responsiveness(today=d(2026, 6, 1))

    def figures(row):
        return {k: row[k] for k in ("assigned", "requested", "delivered", "fulfilled", "median_days", "due", "on_time")}

    colleges = {row["key"]: row for row in result["college"]}
    # College A: items on_time, late, overdue: 35 asked, 8 + 5 delivered, median of 19 and 39 days,
    # 3 due (two fulfilled, one overdue), one on time.
    assert figures(colleges[college.pk]) == {
        "assigned": 3,
        "requested": 35,
        "delivered": 13,
        "fulfilled": 2,
        "median_days": 29.0,
        "due": 3,
        "on_time": 1,
    }
    assert colleges[college.pk]["delivery_rate"] == pytest.approx(13 / 35)
    assert colleges[college.pk]["on_time_share"] == pytest.approx(1 / 3)
    # College B: late (from its own assignment, 29 days) and the tech item, not yet due.
    assert figures(colleges[other_college.pk]) == {
        "assigned": 2,
        "requested": 5,
        "delivered": 5,
        "fulfilled": 1,
        "median_days": 29.0,
        "due": 1,
        "on_time": 0,
    }
    assert colleges[other_college.pk]["on_time_share"] == 0
    districts = {row["key"]: figures(row) for row in result["district"]}
    assert districts["清江浦区"] == figures(colleges[college.pk])
    assert districts["淮阴区"] == figures(colleges[other_college.pk])
    clusters = {row["key"]: row for row in result["cluster"]}
    # K1: on_time and late, the latter once for each college that holds it (39 and 29 days): median 29.
    assert figures(clusters["K1"]) == {
        "assigned": 3,
        "requested": 20,
        "delivered": 18,
        "fulfilled": 3,
        "median_days": 29.0,
        "due": 3,
        "on_time": 1,
    }
    assert clusters["K1"]["on_time_share"] == pytest.approx(1 / 3)
    assert figures(clusters["other"]) == {
        "assigned": 2,
        "requested": 20,
        "delivered": 0,
        "fulfilled": 0,
        "median_days": None,
        "due": 1,
        "on_time": 0,
    }
    assert [row["key"] for row in result["cluster"]] == ["K1", "other"]


def test_responsiveness_on_the_bureau_home_and_the_college_page(client, assigned, college, bureau_user, college_user):
    cache.clear()  # the home keeps the panel for ten minutes
    client.force_login(bureau_user)
    home = client.get(reverse("home"))
    assert home.context["responsiveness"]["college"][0]["key"] == college.pk
    assert 'data-testid="responsiveness"' in home.content.decode()
    client.force_login(college_user)
    page = client.get(reverse("college_detail", args=[college.pk]))
    assert [row["assigned"] for row in page.context["responsiveness"]] == [1]


def test_open_items_and_the_bureaus_desk_list_in_constant_queries(
    client, enterprise, enterprise_user, college, college_user, bureau_user, django_assert_max_num_queries
):
    demand_list = f.DemandListFactory(enterprise=enterprise, year=2026, quarter=3)
    due = TODAY() + datetime.timedelta(days=30)
    for n in range(5):
        item = f.DemandItemFactory(demand_list=demand_list, due_on=due)
        services.demand_item_set_claims_open(item=item, by=enterprise_user, claims_open=True)
        services.demand_claim_create(item=item, college=college, by=college_user, plan=f"方案{n}")
        assigned = f.DemandItemFactory(demand_list=demand_list, due_on=due)
        services.demand_item_assign(item=assigned, college=college, by=bureau_user)
        services.demand_item_propose_fulfilment(
            item=assigned, college=college, by=college_user, headcount=n, fulfilled_on=TODAY()
        )
    client.force_login(college_user)
    with django_assert_max_num_queries(12):
        listing = client.get(reverse("demand:claimable_items"))
    assert [row["my_claim_label"] for row in listing.context["page_obj"].object_list] == ["待审核"] * 5
    assert client.get(reverse("home")).context["claimable_count"] == 5
    client.force_login(bureau_user)
    with django_assert_max_num_queries(12):
        desk = client.get(reverse("demand:college_work"))
    assert len(desk.context["proposals"].object_list) == 5 and len(desk.context["claims"]) == 5
