"""Reads about policy cards shared by pages, API and exports."""

from django.db.models import Count, F, FloatField, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, NullIf

from .models import PolicyDelivery, PolicyFeedback


def _count(model, condition=None):
    # A correlated COUNT per card: joining deliveries and feedback together would multiply rows.
    rows = model.objects.filter(condition or Q(), card=OuterRef("pk")).order_by().values("card")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0))


def card_reach(queryset):
    """Cards annotated with reach and feedback figures, in one query.

    deliveries_count, acknowledged_count, reach (acknowledged ÷ deliveries, None without
    deliveries), feedback_requested, feedback_answered, benefited_count.
    """
    return queryset.annotate(
        deliveries_count=_count(PolicyDelivery),
        acknowledged_count=_count(PolicyDelivery, Q(acknowledged_at__isnull=False)),
        feedback_requested=_count(PolicyFeedback),
        feedback_answered=_count(PolicyFeedback, Q(answered_at__isnull=False)),
        benefited_count=_count(PolicyFeedback, Q(benefited=True)),
    ).annotate(
        reach=Cast(F("acknowledged_count"), FloatField()) / Cast(NullIf(F("deliveries_count"), Value(0)), FloatField()),
    )
