"""Numbers are finite (CONVENTIONS: every number bounded): one validator for model fields, one
DRF field that the API's serializers use for every float."""

import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

NOT_FINITE = _("必须是有限的数值（不能是 NaN 或无穷大）。")
# The most people one row can count: a city's largest employer or college has a few thousand; a typo of
# 2 147 483 647 must not drag the city's figures (forms, API and imports refuse it at the field).
MAX_PEOPLE = 100_000


def validate_finite(value) -> None:
    """Refuse NaN and ±infinity: stored, they break every comparison, sum and JSON answer after them."""
    if value is not None and not math.isfinite(value):
        raise ValidationError(NOT_FINITE, code="not_finite")


def validate_people(value) -> None:
    """A headcount, graduates, trainees … of one row: at most MAX_PEOPLE."""
    if value is not None and value > MAX_PEOPLE:
        raise ValidationError(
            _("人数不能超过 %(max)s（请核对是否多输了位数）。"), code="too_many", params={"max": f"{MAX_PEOPLE:,}"}
        )


def check_people_at_the_form(form) -> None:
    """Give the people fields of a model form validate_people at the form field, so that a typo of
    99 999 999 999 is refused there with that one message: the model would add the database range's
    "≤ 2147483647" beside it. A refused form field is not validated again by the model."""
    model_fields = {field.name: field for field in form._meta.model._meta.get_fields() if hasattr(field, "validators")}
    for name, field in form.fields.items():
        if name in model_fields and validate_people in model_fields[name].validators:
            field.validators.append(validate_people)


class FiniteFloatField(serializers.FloatField):
    """Refuses "NaN" and "Infinity" (float() takes them as strings) with a message that says why: DRF ≥ 3.17
    refuses them too, but as "a valid number is required", which sends the user looking for a typo."""

    default_error_messages = {"not_finite": NOT_FINITE}

    def to_internal_value(self, data):
        try:
            value = float(data)
        except (TypeError, ValueError, OverflowError):
            value = 0.0  # not a number at all: DRF's own message below
        if not math.isfinite(value):
            self.fail("not_finite")
        return super().to_internal_value(data)
