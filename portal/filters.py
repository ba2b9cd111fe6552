"""Filter pieces shared by every app's FilterSets (ground floor)."""

import django_filters

# Integers in PostgreSQL and SQLite are at most signed 64-bit; a larger query value must be a 400
# naming the parameter, not an OverflowError from the driver (schemathesis found it on SQLite).
INT64_MAX = 2**63 - 1


class NumberFilter(django_filters.NumberFilter):
    """django-filter's NumberFilter, bounded to what the database's integers hold."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -INT64_MAX)
        kwargs.setdefault("max_value", INT64_MAX)
        super().__init__(*args, **kwargs)
