"""Races between two bureau users on the same row: exactly one wins, nothing is lost.

Each thread has its own database connection (Django connections are per thread), so the two
calls really run as two concurrent transactions; that needs PostgreSQL's row locks.
"""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from demand import services
from demand.models import DemandItem, DemandItemEvent, DemandList
from policies import services as policy_services
from policies.models import PolicyDelivery
from tests import factories as f

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers on a database lock, there is no row-level race to test",
    ),
]


def _race(calls):
    """Run each call in its own thread, released together; return the outcome of each call."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as error:  # the outcome under test: collected, asserted by the caller
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_bureau_users_fulfilling_the_same_item_make_exactly_one_transition(transactional_db):
    first = f.ProfileFactory(user=f.UserFactory(username="bureau_a"), role="bureau").user
    second = f.ProfileFactory(user=f.UserFactory(username="bureau_b"), role="bureau").user
    item_id = f.DemandItemFactory(status="in_progress", headcount=10).pk

    def fulfil(user, headcount):
        # Each request loads its own copy of the item, as two browser tabs would.
        item = DemandItem.objects.get(pk=item_id)
        return services.demand_item_fulfil(item=item, by=user, on=datetime.date(2025, 6, 30), headcount=headcount)

    outcomes = _race([lambda: fulfil(first, 8), lambda: fulfil(second, 9)])

    winners = [i for i, outcome in enumerate(outcomes) if isinstance(outcome, DemandItem)]
    losers = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    winner_user, winner_headcount = [(first, 8), (second, 9)][winners[0]]
    item = DemandItem.objects.get(pk=item_id)
    assert losers[0].message_dict == {"status": [f"需求「{item.title}」已销号，不能重复销号。"]}
    assert (item.status, item.fulfilled_headcount) == ("fulfilled", winner_headcount)
    events = DemandItemEvent.objects.filter(item_id=item_id, to_status="fulfilled")
    assert list(events.values_list("from_status", "by")) == [("in_progress", winner_user.pk)]


def test_concurrent_transitions_to_different_states_serialise(transactional_db):
    first = f.ProfileFactory(user=f.UserFactory(username="bureau_a"), role="bureau").user
    second = f.ProfileFactory(user=f.UserFactory(username="bureau_b"), role="bureau").user
    item_id = f.DemandItemFactory(status="in_progress").pk

    def move(user, to_status):
        item = DemandItem.objects.get(pk=item_id)
        return services.demand_item_transition(item=item, to_status=to_status, by=user)

    outcomes = _race([lambda: move(first, "cancelled"), lambda: move(second, "fulfilled")])

    # Whichever came second found a final state and was refused: one event, no lost update.
    assert sum(isinstance(o, DemandItem) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1, outcomes
    final = DemandItem.objects.get(pk=item_id).status
    assert list(DemandItemEvent.objects.filter(item_id=item_id).values_list("to_status", flat=True)) == [final]


def test_two_clicks_on_acknowledge_set_the_time_once(transactional_db):
    enterprise = f.EnterpriseFactory()
    clerk = f.ProfileFactory(user=f.UserFactory(username="clerk_a"), role="enterprise", enterprise=enterprise).user
    card = policy_services.policy_card_publish(card=f.PolicyCardFactory(), by=None)
    delivery_id = PolicyDelivery.objects.get(card=card).pk

    def acknowledge():
        return policy_services.policy_acknowledge(delivery=PolicyDelivery.objects.get(pk=delivery_id), by=clerk)

    outcomes = _race([acknowledge, acknowledge])

    assert sum(isinstance(o, PolicyDelivery) for o in outcomes) == 1, outcomes
    assert [o.message_dict for o in outcomes if isinstance(o, ValidationError)] == [
        {"acknowledged_at": ["该政策卡已确认知晓，无需重复确认。"]}
    ]


def test_an_item_added_while_its_list_is_submitted_is_refused_or_carries_the_new_status(transactional_db):
    enterprise = f.EnterpriseFactory()
    clerk = f.ProfileFactory(user=f.UserFactory(username="clerk_b"), role="enterprise", enterprise=enterprise).user
    list_id = f.DemandItemFactory(demand_list__enterprise=enterprise, demand_list__status="draft").demand_list_id

    def add_item():
        # The form was loaded while the list was a draft.
        return services.demand_item_create(
            demand_list=DemandList.objects.get(pk=list_id),
            by=clerk,
            kind="talent",
            title="赶在提交时加的需求",
            headcount=2,
            due_on=timezone.localdate() + datetime.timedelta(days=90),  # an enterprise files no past due date
        )

    def submit():
        return services.demand_list_submit(demand_list=DemandList.objects.get(pk=list_id), by=clerk)

    outcomes = _race([add_item, submit])

    assert isinstance(outcomes[1], DemandList), outcomes
    assert isinstance(outcomes[0], DemandItem | ValidationError), outcomes
    # Either way no item of the submitted list still says "draft", and a refusal names the list.
    assert set(DemandItem.objects.filter(demand_list_id=list_id).values_list("list_status", flat=True)) == {"submitted"}
    if isinstance(outcomes[0], ValidationError):
        assert list(outcomes[0].message_dict) == ["demand_list"]
