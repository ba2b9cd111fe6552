"""Reads about enterprises shared by pages, API and exports."""

import operator
from functools import reduce

from django.db.models import Q

from portal.pages import with_all

from .choices import EnterpriseTag
from .models import Enterprise


def district_choices() -> list:
    """The districts enterprises are in, for a filter (behind "all")."""
    values = Enterprise.objects.order_by("district").values_list("district", flat=True).distinct()
    return with_all((value, value) for value in values if value)


def tag_q(tag: str) -> Q:
    """Enterprises carrying `tag` (tags are a JSON list: the quoted value matches on PostgreSQL and SQLite alike)."""
    return Q(tags__icontains=f'"{tag}"')


def key_q() -> Q:
    """Key enterprises (重点企业, SPEC 3): any of the four tags; they are expected to file every quarter."""
    return reduce(operator.or_, (tag_q(tag) for tag in EnterpriseTag.values))
