"""Service helpers shared by every app's services."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

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


def save_as(instance, by):
    """save_validated() with `by` as the acting user of the audit history (API, commands: no request),
    after refusing any field `by` may not set (the model's scoping decides which)."""
    refuse_unwritable(instance, by)
    instance._history_user = by
    return save_validated(instance)


def refuse_unwritable(instance, by) -> None:
    """ValidationError naming each field that `by` changed but may not set (scoping's `writable_by_role`).

    Compared with the stored row, or for a new row with the model's defaults; the system (by=None) sets anything.
    """
    model = type(instance)
    writable = (
        model.objects.writable_fields(by) if by is not None and hasattr(model.objects, "writable_fields") else None
    )
    if writable is None:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in writable and f.editable]
    if instance.pk is not None:
        stored = model._default_manager.filter(pk=instance.pk).values(*[f.attname for f in fields]).first() or {}
    else:
        blank = model()
        stored = {f.attname: getattr(blank, f.attname) for f in fields}
    refused = sorted(
        f.name for f in fields if f.attname in stored and getattr(instance, f.attname) != stored[f.attname]
    )
    if refused:
        raise ValidationError({name: _("不能修改此字段。") for name in refused})


_MISSING = object()


def set_fields(instance, fields: dict, allowed) -> None:
    """Set the given fields; one outside `allowed` is refused unless it repeats the current value
    (forms and API payloads send the whole object back)."""
    refused = sorted(
        name for name, value in fields.items() if name not in allowed and getattr(instance, name, _MISSING) != value
    )
    if refused:
        raise ValidationError({name: _("不能修改此字段。") for name in refused})
    for name, value in fields.items():
        setattr(instance, name, value)
