"""Reads about enterprises shared by pages, API and exports."""

from portal.pages import with_all

from .models import Enterprise


def district_choices() -> list:
    """The districts enterprises are in, for a filter (behind "all")."""
    values = Enterprise.objects.order_by("district").values_list("district", flat=True).distinct()
    return with_all((value, value) for value in values if value)
