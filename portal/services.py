"""Service helpers shared by every app's services."""

from django.db import transaction


@transaction.atomic
def save_validated(instance, *, exclude=None):
    """Validate a model instance completely (fields, clean(), constraints) and save it.

    Raises django.core.exceptions.ValidationError with field-level messages; nothing is written then.
    """
    instance.full_clean(exclude=exclude)
    instance.save()
    return instance
