"""Policy card pages: the bureau drafts, publishes and watches reach; enterprises acknowledge and answer."""

import pytest
from django.urls import reverse

from policies.models import PolicyCard, PolicyDelivery, PolicyFeedback
from policies.services import policy_card_publish
from tests import factories as f

pytestmark = pytest.mark.django_db

CARD = {
    "title": "研发费用加计扣除",
    "category": "tax",
    "issuer": "淮安市税务局",
    "document_no": "淮税发〔2025〕1号",
    "effective_from": "2025-01-01",
    "effective_to": "",
    "summary": "科技型中小企业研发费用按100%加计扣除",
    "body": "符合条件的企业……",
}


@pytest.fixture
def published(bureau_user, enterprise, other_enterprise):
    card = f.PolicyCardFactory(title="稳岗返还")
    return policy_card_publish(card=card, by=bureau_user)


def test_bureau_drafts_and_publishes_a_card(client, bureau_user, enterprise, other_enterprise):
    client.force_login(bureau_user)
    response = client.post(reverse("policies:card_create"), {**CARD, "audience_tags": []})
    card = PolicyCard.objects.get(title="研发费用加计扣除")
    assert response.url == reverse("policies:detail", args=[card.pk])
    assert card.status == "draft" and not PolicyDelivery.objects.exists()
    client.post(reverse("policies:card_publish", args=[card.pk]))
    card.refresh_from_db()
    assert card.status == "published"
    assert set(PolicyDelivery.objects.filter(card=card).values_list("enterprise_id", flat=True)) == {
        enterprise.pk,
        other_enterprise.pk,
    }


def test_card_form_errors_at_fields_and_nothing_saved(client, bureau_user):
    client.force_login(bureau_user)
    response = client.post(reverse("policies:card_create"), {**CARD, "title": "", "effective_to": "2024-01-01"})
    errors = response.context["form"].errors
    assert "title" in errors
    assert errors["effective_to"] == ["失效日期不能早于生效日期。"]
    assert not PolicyCard.objects.exists()


def test_drafts_are_the_bureaus_only(client, enterprise_user, college_user):
    draft = f.PolicyCardFactory(title="草稿政策")
    for user in (enterprise_user, college_user):
        client.force_login(user)
        assert client.get(reverse("policies:detail", args=[draft.pk])).status_code == 404
        assert "草稿政策" not in client.get(reverse("policies:card_list")).content.decode()
        assert client.get(reverse("policies:card_create")).status_code == 404
        assert client.post(reverse("policies:card_publish", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_everyone_reads_published_cards_by_category(client, college_user, published):
    f.PolicyCardFactory(title="贷款贴息", category="credit", status="published")
    client.force_login(college_user)
    response = client.get(reverse("policies:card_list"), {"category": "credit"})
    assert [card.title for card in response.context["page_obj"]] == ["贷款贴息"]
    assert client.get(reverse("policies:detail", args=[published.pk])).status_code == 200


def test_enterprise_acknowledges_and_reach_rises(client, enterprise_user, bureau_user, enterprise, published):
    client.force_login(bureau_user)
    before = client.get(reverse("policies:detail", args=[published.pk])).context["card"]
    assert (before.deliveries_count, before.acknowledged_count, before.reach) == (2, 0, 0.0)
    client.force_login(enterprise_user)
    inbox = client.get(reverse("policies:inbox"))
    [delivery] = inbox.context["page_obj"]
    response = client.post(reverse("policies:acknowledge", args=[delivery.pk]), {"back": "inbox"})
    assert response.url == reverse("policies:inbox")
    delivery.refresh_from_db()
    assert delivery.acknowledged_by == enterprise_user
    again = client.post(reverse("policies:acknowledge", args=[delivery.pk]), follow=True)
    assert "无需重复确认" in again.content.decode()
    client.force_login(bureau_user)
    after = client.get(reverse("policies:detail", args=[published.pk]))
    card = after.context["card"]
    assert (card.acknowledged_count, card.reach) == (1, 0.5)
    assert "50.0%" in after.content.decode()


def test_enterprise_cannot_acknowledge_another_enterprises_delivery(
    client, enterprise_user, other_enterprise, published
):
    theirs = PolicyDelivery.objects.get(card=published, enterprise=other_enterprise)
    client.force_login(enterprise_user)
    assert client.post(reverse("policies:acknowledge", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.acknowledged_at is None


def test_bureau_samples_and_enterprise_answers_feedback(client, bureau_user, enterprise_user, enterprise, published):
    client.force_login(bureau_user)
    client.post(reverse("policies:card_sample", args=[published.pk]), {"year": 2025, "quarter": 2, "size": 5})
    assert PolicyFeedback.objects.filter(card=published, year=2025, quarter=2).count() == 2
    mine = PolicyFeedback.objects.get(card=published, enterprise=enterprise)
    client.force_login(enterprise_user)
    assert list(client.get(reverse("policies:inbox")).context["pending"]) == [mine]
    url = reverse("policies:feedback_answer", args=[mine.pk])
    response = client.post(url, {"comment": "尚未申报"})
    assert "benefited" in response.context["form"].errors
    mine.refresh_from_db()
    assert mine.answered_at is None
    client.post(url, {"benefited": "no", "comment": "尚未申报"})
    mine.refresh_from_db()
    assert (mine.benefited, mine.comment) == (False, "尚未申报")
    client.force_login(bureau_user)
    card = client.get(reverse("policies:detail", args=[published.pk])).context["card"]
    assert (card.feedback_requested, card.feedback_answered, card.benefited_count) == (2, 1, 0)


def test_another_enterprises_feedback_is_404(client, enterprise_user, bureau_user, other_enterprise, published):
    from policies.services import policy_feedback_sample

    [theirs] = [
        fb
        for fb in policy_feedback_sample(card=published, year=2025, quarter=1, size=2, by=bureau_user, seed=1)
        if fb.enterprise_id == other_enterprise.pk
    ]
    client.force_login(enterprise_user)
    url = reverse("policies:feedback_answer", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"benefited": "yes"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.answered_at is None


def test_bureau_card_list_takes_constant_queries(client, bureau_user, django_assert_max_num_queries):
    f.EnterpriseFactory.create_batch(3)

    def add(n):
        for _ in range(n):
            policy_card_publish(card=f.PolicyCardFactory(), by=bureau_user)

    client.force_login(bureau_user)
    add(5)
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("policies:card_list"))
    add(25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("policies:card_list"))
    assert len(response.context["page_obj"]) == 30
    assert all(card.deliveries_count == 3 for card in response.context["page_obj"])


def test_inbox_and_answers_are_enterprise_pages_only(client, bureau_user, college_user, published):
    for user in (bureau_user, college_user):
        client.force_login(user)
        assert client.get(reverse("policies:inbox")).status_code == 404
    delivery = PolicyDelivery.objects.filter(card=published).first()
    assert client.post(reverse("policies:acknowledge", args=[delivery.pk])).status_code == 404
    delivery.refresh_from_db()
    assert delivery.acknowledged_at is None
