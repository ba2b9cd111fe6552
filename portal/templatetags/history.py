"""The admin's change history (django-simple-history) as people read it: field names and choice labels
in the page's language instead of `status: matched → fulfilled`."""

from django import template
from django.core.exceptions import FieldDoesNotExist

register = template.Library()


def _label(field, value):
    if value is None or value == "":
        return "—"
    if field is not None and field.choices:
        return dict(field.flatchoices).get(value, value)
    return value


@register.simple_tag
def history_change(record, change) -> dict:
    """{label, old, new} of one field's change in a history record."""
    try:
        field = record.instance_type._meta.get_field(change.field)
    except FieldDoesNotExist:
        field = None
    label = field.verbose_name if field is not None else change.field
    return {"label": label, "old": _label(field, change.old), "new": _label(field, change.new)}
