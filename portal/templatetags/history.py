"""The admin's change history (django-simple-history) as people read it: a choice shows its label in the
page's language, `已对接 → 推进中` rather than `matched → in_progress`."""

from django import template
from django.utils.text import capfirst

register = template.Library()


def _label(choices: dict, value):
    if value is None or value in ("", "None"):
        return "—"
    return choices.get(value, value)


@register.simple_tag
def history_change(record, change: dict) -> dict:
    """{label, old, new} of one change; simple-history gives the field's verbose name and values as text."""
    fields = {str(capfirst(f.verbose_name)): f for f in record.instance_type._meta.concrete_fields}
    field = fields.get(str(change["field"]))
    choices = {str(value): label for value, label in field.flatchoices} if field is not None and field.choices else {}
    return {"label": change["field"], "old": _label(choices, change["old"]), "new": _label(choices, change["new"])}
