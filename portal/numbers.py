"""Numbers are finite (CONVENTIONS: every number bounded): one validator for model fields, one
DRF field that the API's serializers use for every float."""

import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

NOT_FINITE = _("必须是有限的数值（不能是 NaN 或无穷大）。")


def validate_finite(value) -> None:
    """Refuse NaN and ±infinity: stored, they break every comparison, sum and JSON answer after them."""
    if value is not None and not math.isfinite(value):
        raise ValidationError(NOT_FINITE, code="not_finite")


class FiniteFloatField(serializers.FloatField):
    """DRF's FloatField takes "NaN" and "Infinity" as strings (float() does); this one refuses them."""

    default_error_messages = {"not_finite": NOT_FINITE}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("not_finite")
        return value
