"""Demand lists and items through their services: the state machines, who may do what, and the
status history (who, when, from, to)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from demand import services
from demand.models import DemandItem, DemandItemEvent, DemandList
from enterprises import services as enterprise_services
from enterprises.models import Enterprise
from tests import factories as f

D = datetime.date
# An enterprise's new item may not be due before today (issue #15).
DUE = timezone.localdate() + datetime.timedelta(days=90)


def _add_item(demand_list, by, **fields):
    defaults = {"kind": "talent", "title": "电工", "headcount": 4, "due_on": DUE}
    return services.demand_item_create(demand_list=demand_list, by=by, **(defaults | fields))


@pytest.fixture
def draft(enterprise, enterprise_user):
    return services.demand_list_get_or_create(enterprise=enterprise, year=2025, quarter=3, by=enterprise_user)


# ---- enterprises -----------------------------------------------------------------------------


def test_bureau_registers_enterprise(bureau_user):
    enterprise = enterprise_services.enterprise_create(
        by=bureau_user,
        uscc=f.make_uscc(42),
        name="淮安新登记有限公司",
        industry=f.IndustryFactory(code="C26"),
        district="淮安区",
        scale="large",
        tags=["above_scale"],
    )

    assert Enterprise.objects.get().uscc == f.make_uscc(42)
    assert enterprise.history.get().history_user == bureau_user


def test_enterprise_cannot_register_enterprises(enterprise_user):
    with pytest.raises(PermissionDenied):
        enterprise_services.enterprise_create(by=enterprise_user, uscc=f.make_uscc(43), name="x")


def test_clerk_edits_own_profile_but_not_uscc_or_certification(enterprise, enterprise_user):
    # A form sends the whole profile back: unchanged bureau-only fields are accepted.
    enterprise_services.enterprise_update(
        enterprise=enterprise,
        by=enterprise_user,
        uscc=enterprise.uscc,
        integration_certified_on=None,
        district="淮阴区",
        tags=["specialized"],
    )
    enterprise.refresh_from_db()
    assert (enterprise.district, enterprise.tags) == ("淮阴区", ["specialized"])

    with pytest.raises(ValidationError) as raised:
        enterprise_services.enterprise_update(
            enterprise=enterprise, by=enterprise_user, integration_certified_on=D(2025, 1, 1), uscc=f.make_uscc(99)
        )

    assert raised.value.message_dict == {"integration_certified_on": ["不能修改此字段。"], "uscc": ["不能修改此字段。"]}
    enterprise.refresh_from_db()
    assert enterprise.integration_certified_on is None


# ---- demand lists ----------------------------------------------------------------------------


def test_get_or_create_returns_the_same_draft(enterprise, enterprise_user, draft):
    again = services.demand_list_get_or_create(enterprise=enterprise, year=2025, quarter=3, by=enterprise_user)

    assert again.pk == draft.pk
    assert draft.status == "draft"
    assert draft.history.get().history_user == enterprise_user
    assert DemandList.objects.count() == 1


def test_empty_list_cannot_be_submitted(draft, enterprise_user):
    with pytest.raises(ValidationError) as raised:
        services.demand_list_submit(demand_list=draft, by=enterprise_user)

    assert raised.value.message_dict == {"items": [f"清单「{draft}」还没有需求事项，不能提交。"]}
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_submit_then_accept(draft, enterprise_user, bureau_user):
    _add_item(draft, enterprise_user)

    services.demand_list_submit(demand_list=draft, by=enterprise_user)
    assert draft.status == "submitted"
    assert draft.submitted_at is not None

    services.demand_list_accept(demand_list=draft, by=bureau_user)
    draft.refresh_from_db()
    assert (draft.status, draft.reviewed_by) == ("accepted", bureau_user)
    assert draft.reviewed_at is not None


def test_return_needs_a_reason_and_the_enterprise_may_edit_and_resubmit(draft, enterprise_user, bureau_user):
    item = _add_item(draft, enterprise_user)
    services.demand_list_submit(demand_list=draft, by=enterprise_user)

    with pytest.raises(ValidationError) as raised:
        services.demand_list_return(demand_list=draft, by=bureau_user, reason="  ")
    assert raised.value.message_dict == {"return_reason": ["退回清单必须填写退回原因。"]}
    draft.refresh_from_db()
    assert draft.status == "submitted"

    services.demand_list_return(demand_list=draft, by=bureau_user, reason="人数不明确")
    assert (draft.status, draft.return_reason) == ("returned", "人数不明确")

    services.demand_item_update(item=item, by=enterprise_user, headcount=8)
    services.demand_list_submit(demand_list=draft, by=enterprise_user)
    draft.refresh_from_db()
    assert (draft.status, draft.return_reason) == ("submitted", "")
    assert DemandItem.objects.get().headcount == 8


def test_enterprise_cannot_accept_or_return(draft, enterprise_user):
    _add_item(draft, enterprise_user)
    services.demand_list_submit(demand_list=draft, by=enterprise_user)

    with pytest.raises(PermissionDenied):
        services.demand_list_accept(demand_list=draft, by=enterprise_user)
    with pytest.raises(PermissionDenied):
        services.demand_list_return(demand_list=draft, by=enterprise_user, reason="自己退回")
    draft.refresh_from_db()
    assert draft.status == "submitted"


@pytest.mark.parametrize(
    ("status", "action", "message"),
    [
        ("draft", "accept", "清单当前为「草稿」，不能变为「已受理」。"),
        ("accepted", "return", "清单当前为「已受理」，不能变为「已退回」。"),
        ("accepted", "submit", "清单当前为「已受理」，不能变为「已提交」。"),
        ("submitted", "submit", "清单当前为「已提交」，不能变为「已提交」。"),
    ],
)
def test_forbidden_list_transitions(bureau_user, status, action, message):
    demand_list = f.DemandItemFactory(demand_list__status=status).demand_list
    call = {
        "accept": lambda: services.demand_list_accept(demand_list=demand_list, by=bureau_user),
        "return": lambda: services.demand_list_return(demand_list=demand_list, by=bureau_user, reason="不全"),
        "submit": lambda: services.demand_list_submit(demand_list=demand_list, by=bureau_user),
    }[action]

    with pytest.raises(ValidationError) as raised:
        call()

    assert raised.value.message_dict == {"status": [message]}
    demand_list.refresh_from_db()
    assert demand_list.status == status


# ---- a submitted list is read-only to the enterprise ------------------------------------------


@pytest.mark.parametrize("status", ["submitted", "accepted"])
def test_enterprise_cannot_change_items_of_a_submitted_list(enterprise, enterprise_user, status):
    item = f.DemandItemFactory(demand_list__enterprise=enterprise, demand_list__status=status, headcount=10)
    demand_list = item.demand_list
    label = {"submitted": "已提交", "accepted": "已受理"}[status]
    message = {"demand_list": [f"清单「{demand_list}」{label}，企业不能再修改；如需修改请联系教育局退回。"]}

    for call in (
        lambda: services.demand_item_update(item=item, by=enterprise_user, headcount=99),
        lambda: services.demand_item_delete(item=item, by=enterprise_user),
        lambda: _add_item(demand_list, enterprise_user),
    ):
        with pytest.raises(ValidationError) as raised:
            call()
        assert raised.value.message_dict == message

    assert list(DemandItem.objects.values_list("pk", "headcount")) == [(item.pk, 10)]


def test_bureau_still_manages_items_of_an_accepted_list(enterprise, bureau_user):
    item = f.DemandItemFactory(demand_list__enterprise=enterprise, demand_list__status="accepted")

    services.demand_item_update(item=item, by=bureau_user, title="高级电工")
    extra = _add_item(item.demand_list, bureau_user, title="钳工")
    services.demand_item_delete(item=extra, by=bureau_user)

    assert list(DemandItem.objects.values_list("title", flat=True)) == ["高级电工"]


def test_item_industry_defaults_to_the_enterprise_and_creation_is_recorded(draft, enterprise, enterprise_user):
    item = _add_item(draft, enterprise_user)

    assert item.industry_id == enterprise.industry_id
    event = DemandItemEvent.objects.get()
    assert (event.from_status, event.to_status, event.by) == ("", "open", enterprise_user)


def test_enterprise_cannot_set_item_status_itself(draft, enterprise_user):
    with pytest.raises(ValidationError) as raised:
        _add_item(draft, enterprise_user, status="fulfilled", fulfilled_on=D(2025, 7, 1))

    assert raised.value.message_dict == {"fulfilled_on": ["不能修改此字段。"], "status": ["不能修改此字段。"]}


# ---- item transitions ------------------------------------------------------------------------


def test_transitions_are_recorded_with_who_when_from_and_to(bureau_user):
    item = f.DemandItemFactory()
    before = timezone.now()

    services.demand_item_transition(item=item, to_status="matched", by=bureau_user, note="已联系院校")
    services.demand_item_transition(item=item, to_status="in_progress", by=bureau_user)

    assert item.status == "in_progress"
    events = list(DemandItemEvent.objects.filter(item=item).values_list("from_status", "to_status", "by", "note"))
    assert events == [("open", "matched", bureau_user.pk, "已联系院校"), ("matched", "in_progress", bureau_user.pk, "")]
    assert all(before <= at <= timezone.now() for at in DemandItemEvent.objects.values_list("at", flat=True))


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        ("in_progress", "open", "需求当前为「推进中」，不能变为「待对接」。"),
        ("cancelled", "open", "需求当前为「已取消」，不能变为「待对接」。"),
        ("fulfilled", "matched", "需求当前为「已销号」，不能变为「已对接」。"),
        ("open", "closed", "未知的需求状态：closed"),
    ],
)
def test_forbidden_item_transitions_change_nothing(bureau_user, start, to, message):
    extra = {"fulfilled_on": D(2025, 6, 1), "fulfilled_headcount": 3} if start == "fulfilled" else {}
    item = f.DemandItemFactory(status=start, **extra)

    with pytest.raises(ValidationError) as raised:
        services.demand_item_transition(item=item, to_status=to, by=bureau_user)

    assert raised.value.message_dict == {"status": [message]}
    item.refresh_from_db()
    assert item.status == start
    assert not DemandItemEvent.objects.exists()


def test_items_of_an_unsubmitted_list_cannot_move(bureau_user):
    item = f.DemandItemFactory(demand_list__status="draft")

    with pytest.raises(ValidationError) as raised:
        services.demand_item_transition(item=item, to_status="matched", by=bureau_user)

    assert raised.value.message_dict == {"status": [f"清单「{item.demand_list}」尚未提交，不能变更需求状态。"]}


def test_only_the_bureau_moves_items(enterprise, enterprise_user):
    item = f.DemandItemFactory(demand_list__enterprise=enterprise)

    with pytest.raises(PermissionDenied):
        services.demand_item_transition(item=item, to_status="cancelled", by=enterprise_user)
    with pytest.raises(PermissionDenied):
        services.demand_item_fulfil(item=item, by=enterprise_user, on=D(2025, 6, 1), headcount=1)
    item.refresh_from_db()
    assert item.status == "open"


# ---- 销号 ----------------------------------------------------------------------------------------


def test_fulfil_sets_date_headcount_and_records_the_event(bureau_user):
    item = f.DemandItemFactory(status="in_progress", headcount=10)

    services.demand_item_fulfil(item=item, by=bureau_user, on=D(2025, 6, 20), headcount=12, over_confirmed=True)

    item.refresh_from_db()
    assert (item.status, item.fulfilled_on, item.fulfilled_headcount) == ("fulfilled", D(2025, 6, 20), 12)
    event = DemandItemEvent.objects.get(item=item)
    assert (event.from_status, event.to_status, event.by) == ("in_progress", "fulfilled", bureau_user)


def test_fulfil_defaults_to_today_and_requested_headcount(bureau_user):
    item = f.DemandItemFactory(headcount=7)

    services.demand_item_fulfil(item=item, by=bureau_user)

    assert (item.fulfilled_on, item.fulfilled_headcount) == (timezone.localdate(), 7)


def test_fulfilling_twice_is_refused_and_records_one_event(bureau_user):
    item = f.DemandItemFactory()
    services.demand_item_fulfil(item=item, by=bureau_user, on=D(2025, 6, 1), headcount=10)

    with pytest.raises(ValidationError) as raised:
        services.demand_item_fulfil(item=item, by=bureau_user, on=D(2025, 6, 2), headcount=3)

    assert raised.value.message_dict == {"status": [f"需求「{item.title}」已销号，不能重复销号。"]}
    item.refresh_from_db()
    assert (item.fulfilled_on, item.fulfilled_headcount) == (D(2025, 6, 1), 10)
    assert DemandItemEvent.objects.filter(item=item, to_status="fulfilled").count() == 1


def test_import_may_load_a_fulfilled_item_with_its_state(enterprise, bureau_user):
    demand_list = f.DemandListFactory(enterprise=enterprise)

    item = _add_item(demand_list, bureau_user, status="fulfilled", fulfilled_on=D(2025, 6, 5))

    assert (item.status, item.fulfilled_headcount) == ("fulfilled", 4)
    assert DemandItemEvent.objects.get().to_status == "fulfilled"
