"""Filter pieces shared by every app's FilterSets (ground floor)."""

import datetime

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Integers in PostgreSQL and SQLite are at most signed 64-bit; a larger query value must be a 400
# naming the parameter, not an OverflowError from the driver (schemathesis found it on SQLite).
INT64_MAX = 2**63 - 1


class NumberFilter(django_filters.NumberFilter):
    """django-filter's NumberFilter, bounded to what the database's integers hold."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -INT64_MAX)
        kwargs.setdefault("max_value", INT64_MAX)
        super().__init__(*args, **kwargs)


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment in UTC. PostgreSQL refuses offsets beyond ±15:59 that Python accepts (a 500
    schemathesis found), so the offset is applied here; a moment outside Python's years is a 400."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            raise ValidationError(_("时间超出可表示的范围。"), code="invalid") from None


class UpdatedAfterFilter(django_filters.IsoDateTimeFilter):
    """SPEC 6 `updated_after`: rows changed at or after an ISO 8601 moment. Inclusive, so an agency that
    passes back the latest `updated_at` it received may see that row again but never misses one."""

    field_class = UtcIsoDateTimeField

    def __init__(self, field_name="updated_at", **kwargs):
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault("label", _("更新时间不早于（ISO 8601）"))
        super().__init__(field_name=field_name, **kwargs)


class FilterSet(django_filters.FilterSet):
    """The base FilterSet of every API resource: SPEC 6 `updated_after` on all of them (incremental sync)."""

    updated_after = UpdatedAfterFilter()
