"""Policy cards: publishing delivers to exactly the audience, acknowledgement once, feedback
sampling and answers, and the reach figures per card."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies import selectors, services
from policies.models import PolicyCard, PolicyDelivery, PolicyFeedback
from tests import factories as f

D = datetime.date


@pytest.fixture
def enterprises(db):
    """Five enterprises with different tags, by name."""
    tags = {
        "plain": [],
        "giant": ["little_giant"],
        "special": ["specialized", "above_scale"],
        "leader": ["chain_leader", "little_giant"],
        "big": ["above_scale"],
    }
    return {name: f.EnterpriseFactory(name=name, tags=value) for name, value in tags.items()}


def _delivered_to(card):
    return set(PolicyDelivery.objects.filter(card=card).values_list("enterprise__name", flat=True))


def test_card_without_audience_goes_to_every_enterprise(enterprises, bureau_user):
    card = services.policy_card_save(instance=f.PolicyCardFactory.build(), by=bureau_user)
    assert (card.status, card.created_by) == ("draft", bureau_user)

    services.policy_card_publish(card=card, by=bureau_user)

    assert card.status == "published"
    assert card.published_at is not None
    assert _delivered_to(card) == set(enterprises)


def test_card_with_tags_goes_to_enterprises_carrying_any_of_them(enterprises, bureau_user):
    card = f.PolicyCardFactory(audience_tags=["little_giant", "specialized"])

    services.policy_card_publish(card=card, by=bureau_user)

    assert _delivered_to(card) == {"giant", "special", "leader"}


def test_publishing_again_delivers_only_to_newcomers(enterprises, bureau_user):
    card = f.PolicyCardFactory(audience_tags=["above_scale"])
    services.policy_card_publish(card=card, by=bureau_user)
    published_at = card.published_at

    f.EnterpriseFactory(name="newcomer", tags=["above_scale"])
    services.policy_card_publish(card=card, by=bureau_user)
    services.policy_card_publish(card=card, by=bureau_user)

    assert PolicyDelivery.objects.filter(card=card).count() == 3
    assert _delivered_to(card) == {"special", "big", "newcomer"}
    card.refresh_from_db()
    assert card.published_at == published_at


def test_archived_card_is_frozen(enterprises, bureau_user):
    card = f.PolicyCardFactory()
    with pytest.raises(ValidationError) as raised:
        services.policy_card_archive(card=card, by=bureau_user)
    assert raised.value.message_dict == {"status": ["只有已发布的政策卡可以归档。"]}

    services.policy_card_publish(card=card, by=bureau_user)
    services.policy_card_archive(card=card, by=bureau_user)
    assert (card.status, card.archived_at is not None) == ("archived", True)

    with pytest.raises(ValidationError) as raised:
        services.policy_card_publish(card=card, by=bureau_user)
    assert raised.value.message_dict == {"status": [f"政策卡「{card}」已归档，不能发布。"]}
    card.title = "改标题"
    with pytest.raises(ValidationError) as raised:
        services.policy_card_save(instance=card, by=bureau_user)
    assert raised.value.message_dict == {"status": [f"政策卡「{PolicyCard.objects.get().title}」已归档，不能修改。"]}


def test_published_card_keeps_its_audience(enterprises, bureau_user):
    card = f.PolicyCardFactory(audience_tags=["chain_leader"])
    services.policy_card_publish(card=card, by=bureau_user)

    card.audience_tags = []
    with pytest.raises(ValidationError) as raised:
        services.policy_card_save(instance=card, by=bureau_user)

    assert raised.value.message_dict == {"audience_tags": ["政策卡已发布，不能修改适用企业标签。"]}
    assert PolicyCard.objects.get().audience_tags == ["chain_leader"]


def test_only_the_bureau_writes_cards(enterprise_user, college_user):
    card = f.PolicyCardFactory()
    for user in (enterprise_user, college_user):
        with pytest.raises(PermissionDenied):
            services.policy_card_publish(card=card, by=user)
    assert not PolicyDelivery.objects.exists()


# ---- acknowledgement -------------------------------------------------------------------------


def test_enterprise_acknowledges_its_own_delivery_once(enterprise, enterprise_user, other_enterprise, bureau_user):
    card = services.policy_card_publish(card=f.PolicyCardFactory(), by=bureau_user)
    own = PolicyDelivery.objects.get(card=card, enterprise=enterprise)
    others = PolicyDelivery.objects.get(card=card, enterprise=other_enterprise)

    services.policy_acknowledge(delivery=own, by=enterprise_user)
    assert own.acknowledged_by == enterprise_user
    first_time = own.acknowledged_at

    with pytest.raises(ValidationError) as raised:
        services.policy_acknowledge(delivery=own, by=enterprise_user)
    assert raised.value.message_dict == {"acknowledged_at": ["该政策卡已确认知晓，无需重复确认。"]}
    own.refresh_from_db()
    assert own.acknowledged_at == first_time

    with pytest.raises(PermissionDenied):
        services.policy_acknowledge(delivery=others, by=enterprise_user)
    with pytest.raises(PermissionDenied):
        services.policy_acknowledge(delivery=others, by=bureau_user)
    others.refresh_from_db()
    assert others.acknowledged_at is None


# ---- feedback --------------------------------------------------------------------------------


def test_feedback_sample_is_drawn_from_recipients_deterministically(enterprises, bureau_user):
    card = services.policy_card_publish(
        card=f.PolicyCardFactory(audience_tags=["above_scale", "little_giant"]), by=bureau_user
    )
    recipients = set(PolicyDelivery.objects.filter(card=card).values_list("enterprise_id", flat=True))

    first = services.policy_feedback_sample(card=card, year=2025, quarter=3, size=2, by=bureau_user, seed=7)
    drawn = {row.enterprise_id for row in first}
    assert len(drawn) == 2 and drawn <= recipients

    # The same seed on a fresh quarter draws the same enterprises.
    again = services.policy_feedback_sample(card=card, year=2025, quarter=4, size=2, by=bureau_user, seed=7)
    assert {row.enterprise_id for row in again} == drawn

    # A second draw in the same quarter takes the rest, never repeating anyone.
    rest = services.policy_feedback_sample(card=card, year=2025, quarter=3, size=10, by=bureau_user, seed=7)
    assert {row.enterprise_id for row in rest} == recipients - drawn
    assert PolicyFeedback.objects.filter(card=card, year=2025, quarter=3).count() == len(recipients)


def test_feedback_sample_rejects_bad_input(bureau_user):
    draft = f.PolicyCardFactory()

    with pytest.raises(ValidationError) as raised:
        services.policy_feedback_sample(card=draft, year=2025, quarter=5, size=0, by=bureau_user)

    assert raised.value.message_dict == {
        "size": ["抽样数量必须是正整数。"],
        "quarter": ["季度必须是 1 到 4。"],
        "card": [f"政策卡「{draft}」尚未发布，不能抽样回访。"],
    }


def test_enterprise_answers_its_own_feedback(enterprise, enterprise_user, other_enterprise_user, bureau_user):
    card = services.policy_card_publish(card=f.PolicyCardFactory(), by=bureau_user)
    feedback = PolicyFeedback.objects.create(card=card, enterprise=enterprise, year=2025, quarter=3)

    with pytest.raises(ValidationError) as raised:
        services.policy_feedback_answer(feedback=feedback, by=enterprise_user, benefited=None, comment="")
    assert raised.value.message_dict == {"benefited": ["请选择是否享受到该政策。"]}
    with pytest.raises(PermissionDenied):
        services.policy_feedback_answer(feedback=feedback, by=other_enterprise_user, benefited=False, comment="")

    services.policy_feedback_answer(feedback=feedback, by=enterprise_user, benefited=True, comment=" 已享受减免 ")

    feedback.refresh_from_db()
    assert (feedback.benefited, feedback.comment, feedback.answered_at is not None) == (True, "已享受减免", True)


# ---- reach -----------------------------------------------------------------------------------


def test_card_reach_figures_in_one_query(enterprises, bureau_user, django_assert_num_queries):
    wide = services.policy_card_publish(card=f.PolicyCardFactory(title="wide"), by=bureau_user)
    narrow = services.policy_card_publish(
        card=f.PolicyCardFactory(title="narrow", audience_tags=["chain_leader"]), by=bureau_user
    )
    f.PolicyCardFactory(title="draft")
    PolicyDelivery.objects.filter(card=wide, enterprise__name__in=["plain", "giant"]).update(
        acknowledged_at="2025-07-01T08:00Z"
    )
    for name, benefited in (("plain", True), ("giant", False), ("big", None)):
        PolicyFeedback.objects.create(
            card=wide,
            enterprise=enterprises[name],
            year=2025,
            quarter=3,
            benefited=benefited,
            answered_at=None if benefited is None else "2025-07-02T08:00Z",
        )
    assert narrow.deliveries.count() == 1

    with django_assert_num_queries(1):
        rows = {
            card.title: (
                card.deliveries_count,
                card.acknowledged_count,
                card.reach,
                card.feedback_requested,
                card.feedback_answered,
                card.benefited_count,
            )
            for card in selectors.card_reach(PolicyCard.objects.all())
        }

    assert rows == {
        "wide": (5, 2, 0.4, 3, 2, 1),
        "narrow": (1, 0, 0.0, 0, 0, 0),
        "draft": (0, 0, None, 0, 0, 0),
    }


def test_publishing_takes_the_same_queries_for_any_audience_size(bureau_user):
    def publish_to(n, tags):
        for _ in range(n):
            f.EnterpriseFactory(tags=tags)
        card = f.PolicyCardFactory(audience_tags=["specialized"])
        with CaptureQueriesContext(connection) as queries:
            services.policy_card_publish(card=card, by=bureau_user)
        return card.deliveries.count(), len(queries)

    few = publish_to(2, ["specialized"])
    many = publish_to(20, ["specialized", "above_scale"])

    assert (few[0], many[0]) == (2, 22)
    assert few[1] == many[1]
