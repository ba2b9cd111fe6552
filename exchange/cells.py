"""Turning the text cells of one bundle row into model values, by the rules of the model fields.

Each parser reports a bad cell to the ErrorLog under its column and returns INVALID, so one pass
over a row collects every problem in it.
"""

import datetime
import math
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .errors import ErrorLog
from .spec import LIST_SEPARATOR

INVALID = object()
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INT_RE = re.compile(r"^[+-]?\d+$")
# Digits only: float() would also take "nan", "inf" and "infinity", which no figure may be.
FLOAT_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
TRUE, FALSE = {"1", "true"}, {"0", "false"}
POSITIVE_FIELDS = (models.PositiveIntegerField, models.PositiveSmallIntegerField, models.PositiveBigIntegerField)

_fields_cache: dict = {}


def model_field(model, name):
    key = (model, name)
    if key not in _fields_cache:
        _fields_cache[key] = model._meta.get_field(name)
    return _fields_cache[key]


class _Plan:
    """How a cell becomes a value of one model field, worked out once per field (a bundle has ~10⁶ cells)."""

    __slots__ = ("field", "kind", "minimum", "choices")

    def __init__(self, field):
        self.field = field
        if isinstance(field, models.BooleanField):
            self.kind = "boolean"
        elif isinstance(field, models.DateField):
            self.kind = "date"
        elif isinstance(field, models.IntegerField):
            self.kind = "integer"
        elif isinstance(field, models.FloatField):
            self.kind = "float"
        else:
            self.kind = "choice" if field.choices else "text"
        self.minimum = 0 if isinstance(field, POSITIVE_FIELDS) else None
        self.choices = frozenset(str(value) for value, _label in field.choices or ())


def _plan(model, name) -> _Plan:
    key = (model, name, "plan")
    if key not in _fields_cache:
        _fields_cache[key] = _Plan(model_field(model, name))
    return _fields_cache[key]


def messages_of(error: ValidationError) -> str:
    return "".join(error.messages)


class Row:
    """One row of a table: `number` as the user sees it; `ok` turns False at the first bad cell."""

    __slots__ = ("log", "label", "number", "cells", "ok")

    def __init__(self, log: ErrorLog, label: str, number: int, cells: dict[str, str]):
        self.log, self.label, self.number, self.cells = log, label, number, cells
        self.ok = True

    def error(self, column: str, message) -> object:
        self.ok = False
        self.log.add(self.label, self.number, column, message)
        return INVALID

    def field(self, column: str, model, name: str | None = None):
        """The cell of `column` as a value of model field `name` (default: the column's name)."""
        plan = _plan(model, name or column)
        field, kind = plan.field, plan.kind
        raw = self.cells[column]
        if raw == "":
            return self._blank(column, field)
        if kind == "boolean":
            return self.boolean(column)
        if kind == "date":
            return self.date(column)
        if kind == "integer":
            value = self.integer(column, minimum=plan.minimum)
        elif kind == "float":
            value = self.finite_float(column)
        elif kind == "choice":
            if raw not in plan.choices:
                options = "、".join(f"{value}（{label}）" for value, label in field.choices)
                return self.error(
                    column,
                    _("「%(value)s」不是有效的%(field)s，可选值：%(options)s。")
                    % {"value": raw, "field": field.verbose_name, "options": options},
                )
            value = raw
        else:
            value = raw
        if value is INVALID:
            return value
        try:
            field.run_validators(value)
        except ValidationError as exc:
            return self.error(column, messages_of(exc))
        return value

    def _blank(self, column, field):
        if isinstance(field, models.BooleanField):
            return field.default
        if field.null:
            return None
        if field.has_default() and not callable(field.default):
            return field.default
        if field.blank:
            return ""
        return self.error(column, _("「%(column)s」不能为空。") % {"column": column})

    def text(self, column: str) -> str:
        return self.cells[column]

    def required(self, column: str):
        value = self.cells[column]
        return value if value else self.error(column, _("「%(column)s」不能为空。") % {"column": column})

    def integer(self, column: str, *, minimum: int | None = 0):
        raw = self.cells[column]
        if not INT_RE.match(raw):
            return self.error(
                column, _("「%(column)s」应为整数，而不是「%(value)s」。") % {"column": column, "value": raw}
            )
        value = int(raw)
        if minimum == 0 and value < 0:
            return self.error(column, _("「%(column)s」不能为负数（%(value)s）。") % {"column": column, "value": raw})
        return value

    def finite_float(self, column: str):
        """A finite decimal number ("1.5", "-2", "3e4"); NaN, infinities and overflows are errors."""
        raw = self.cells[column]
        value = float(raw) if FLOAT_RE.match(raw) else math.nan
        if not math.isfinite(value):
            return self.error(
                column, _("「%(column)s」应为有限的数值，而不是「%(value)s」。") % {"column": column, "value": raw}
            )
        return value

    def date(self, column: str):
        raw = self.cells[column]
        if not DATE_RE.match(raw):
            return self.error(
                column,
                _("「%(column)s」应为 YYYY-MM-DD 格式的日期，而不是「%(value)s」。") % {"column": column, "value": raw},
            )
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            return self.error(column, _("日期 %(value)s 不存在。") % {"value": raw})

    def boolean(self, column: str):
        raw = self.cells[column].lower()
        if raw in TRUE:
            return True
        if raw in FALSE:
            return False
        return self.error(
            column,
            _("「%(column)s」应为 1 或 0（也可写 true/false），而不是「%(value)s」。")
            % {"column": column, "value": self.cells[column]},
        )

    def items(self, column: str) -> list[str]:
        """A `;`-separated list cell; a value named twice is an error."""
        values = [value.strip() for value in self.cells[column].split(LIST_SEPARATOR) if value.strip()]
        seen = set()
        for value in values:
            if value in seen:
                self.error(column, _("「%(value)s」在列表中重复。") % {"value": value})
            seen.add(value)
        return values

    def list_field(self, column: str, model, name: str | None = None):
        """A list cell checked by the validators of a JSON list field (e.g. industry codes)."""
        values = self.items(column)
        if not values:
            return self.error(column, _("「%(column)s」不能为空。") % {"column": column})
        try:
            model_field(model, name or column).run_validators(values)
        except ValidationError as exc:
            return self.error(column, messages_of(exc))
        return values
