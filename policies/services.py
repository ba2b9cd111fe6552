"""Every write to policy cards, their deliveries to enterprises and the quarterly feedback."""

import random

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from portal.roles import enterprise_id_of
from portal.services import require_bureau, save_validated

from .choices import PolicyStatus
from .models import PolicyCard, PolicyDelivery, PolicyFeedback


def _lock_card(card: PolicyCard) -> PolicyCard:
    return PolicyCard.objects.select_for_update().get(pk=card.pk)


@transaction.atomic
def policy_card_save(*, instance: PolicyCard, by) -> PolicyCard:
    """Create or edit a card (bureau). Archived cards are frozen; a published card keeps its audience."""
    require_bureau(by, _("只有教育局可以维护政策明白卡。"))
    if instance.pk is not None:
        stored = _lock_card(instance)
        if stored.status == PolicyStatus.ARCHIVED:
            raise ValidationError({"status": _("政策卡「%(card)s」已归档，不能修改。") % {"card": stored}})
        if stored.status == PolicyStatus.PUBLISHED and stored.audience_tags != instance.audience_tags:
            raise ValidationError({"audience_tags": _("政策卡已发布，不能修改适用企业标签。")})
        # Status moves only through publish / archive.
        instance.status = stored.status
    else:
        instance.status = PolicyStatus.DRAFT
        instance.created_by = instance.created_by or by
    instance._history_user = by
    return save_validated(instance)


def _undelivered_audience_ids(card: PolicyCard) -> list[int]:
    """Ids of the enterprises in the card's audience that have no delivery of it yet (one query).

    The audience is every enterprise, or those carrying any of the card's tags.
    """
    delivered = PolicyDelivery.objects.filter(card=card).values("enterprise_id")
    enterprises = Enterprise.objects.exclude(pk__in=delivered)
    if not card.audience_tags:
        return list(enterprises.values_list("id", flat=True))
    if connection.vendor == "postgresql":
        # jsonb containment per tag, ORed.
        match = Q()
        for tag in card.audience_tags:
            match |= Q(tags__contains=[tag])
        return list(enterprises.filter(match).values_list("id", flat=True))
    # SQLite has no JSON containment lookup: the same one query reads the tags, filtered here.
    wanted = set(card.audience_tags)
    return [pk for pk, tags in enterprises.values_list("id", "tags") if wanted.intersection(tags or [])]


@transaction.atomic
def policy_card_publish(*, card: PolicyCard, by) -> PolicyCard:
    """draft → published, delivering the card to every enterprise in its audience (bureau).

    Idempotent: publishing a published card again only delivers to audience enterprises that
    have no delivery yet (e.g. registered since), never twice to the same one.
    """
    require_bureau(by, _("只有教育局可以发布政策明白卡。"))
    locked = _lock_card(card)
    if locked.status == PolicyStatus.ARCHIVED:
        raise ValidationError({"status": _("政策卡「%(card)s」已归档，不能发布。") % {"card": locked}})
    now = timezone.now()
    if locked.status == PolicyStatus.DRAFT:
        locked.full_clean()
        locked.status = PolicyStatus.PUBLISHED
        locked.published_at = now
        locked._history_user = by
        locked.save()
    PolicyDelivery.objects.bulk_create(
        [PolicyDelivery(card=locked, enterprise_id=pk, delivered_at=now) for pk in _undelivered_audience_ids(locked)],
        batch_size=1000,
    )
    _touch_card(locked.pk)
    card.refresh_from_db()
    return card


@transaction.atomic
def policy_card_archive(*, card: PolicyCard, by) -> PolicyCard:
    """published → archived (bureau); deliveries and feedback are kept."""
    require_bureau(by, _("只有教育局可以归档政策明白卡。"))
    locked = _lock_card(card)
    if locked.status != PolicyStatus.PUBLISHED:
        raise ValidationError({"status": _("只有已发布的政策卡可以归档。")})
    locked.status = PolicyStatus.ARCHIVED
    locked.archived_at = timezone.now()
    locked._history_user = by
    locked.save()
    card.refresh_from_db()
    return card


def _touch_card(card_id: int) -> None:
    """The card's API row carries its reach and feedback counts: a delivery or answer changes it (updated_at)."""
    PolicyCard.objects.filter(pk=card_id).update(updated_at=timezone.now())


def _require_own(by, enterprise_id, message):
    if enterprise_id_of(by) != enterprise_id:
        raise PermissionDenied(message)


@transaction.atomic
def policy_acknowledge(*, delivery: PolicyDelivery, by) -> PolicyDelivery:
    """已知晓: the receiving enterprise acknowledges its delivery, once."""
    _require_own(by, delivery.enterprise_id, _("只能确认本企业收到的政策卡。"))
    # Conditional update: of two concurrent clicks exactly one sets the time.
    changed = PolicyDelivery.objects.filter(pk=delivery.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=by
    )
    if not changed:
        raise ValidationError({"acknowledged_at": _("该政策卡已确认知晓，无需重复确认。")})
    _touch_card(delivery.card_id)
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def policy_feedback_sample(
    *, card: PolicyCard, year: int, quarter: int, size: int, by, seed: int | None = None
) -> list[PolicyFeedback]:
    """政策落实回头看: ask `size` enterprises that received the card for feedback in (year, quarter).

    Enterprises already sampled for this card and quarter are not drawn again; with fewer
    left than `size`, all of them are. A given seed draws the same enterprises every time.
    """
    require_bureau(by, _("只有教育局可以抽样回访。"))
    errors = {}
    if not isinstance(size, int) or size < 1:
        errors["size"] = _("抽样数量必须是正整数。")
    if quarter not in (1, 2, 3, 4):
        errors["quarter"] = _("季度必须是 1 到 4。")
    if card.status == PolicyStatus.DRAFT:
        errors["card"] = _("政策卡「%(card)s」尚未发布，不能抽样回访。") % {"card": card}
    if errors:
        raise ValidationError(errors)
    # Two concurrent draws for the same card wait for each other instead of colliding.
    _lock_card(card)
    already = PolicyFeedback.objects.filter(card=card, year=year, quarter=quarter).values("enterprise_id")
    candidates = sorted(
        PolicyDelivery.objects.filter(card=card)
        .exclude(enterprise_id__in=already)
        .values_list("enterprise_id", flat=True)
    )
    chosen = random.Random(seed).sample(candidates, min(size, len(candidates)))
    rows = [PolicyFeedback(card=card, enterprise_id=pk, year=year, quarter=quarter) for pk in sorted(chosen)]
    for row in rows:
        row.full_clean(exclude=["card", "enterprise"])
    _touch_card(card.pk)
    return PolicyFeedback.objects.bulk_create(rows)


@transaction.atomic
def policy_feedback_answer(*, feedback: PolicyFeedback, by, benefited: bool, comment: str = "") -> PolicyFeedback:
    """The sampled enterprise answers: benefited yes/no and a comment (it may correct its answer)."""
    _require_own(by, feedback.enterprise_id, _("只能回复本企业的政策回访。"))
    if not isinstance(benefited, bool):
        raise ValidationError({"benefited": _("请选择是否享受到该政策。")})
    feedback.benefited = benefited
    feedback.comment = (comment or "").strip()
    feedback.answered_at = timezone.now()
    feedback.full_clean()
    feedback.save(update_fields=["benefited", "comment", "answered_at"])
    _touch_card(feedback.card_id)
    return feedback
