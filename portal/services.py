"""Service helpers shared by every app's services."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .roles import Role, role_of


@transaction.atomic
def save_validated(instance, *, exclude=None):
    """Validate a model instance completely (fields, clean(), constraints) and save it.

    Raises django.core.exceptions.ValidationError with field-level messages; nothing is written then.
    """
    instance.full_clean(exclude=exclude)
    instance.save()
    return instance


def acts_as_bureau(by) -> bool:
    """True for bureau staff and for the system itself (by=None: management commands, import, tasks)."""
    return by is None or role_of(by) == Role.BUREAU


def require_bureau(by, message) -> None:
    """Refuse (PermissionDenied, a 403) an action that only the bureau may take."""
    if not acts_as_bureau(by):
        raise PermissionDenied(message)
