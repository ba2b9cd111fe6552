"""Reads about colleges shared by pages, API and exports."""

from django.db.models import Count, Q


def industry_colleges_with_counts(queryset):
    """Industry colleges with college and cluster loaded and partner_count / chain_leader_count annotated."""
    return queryset.select_related("college", "cluster").annotate(
        partner_count=Count("partnerships", distinct=True),
        chain_leader_count=Count("partnerships", filter=Q(partnerships__is_chain_leader=True), distinct=True),
    )
