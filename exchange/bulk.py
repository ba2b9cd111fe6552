"""Bulk writes with their django-simple-history records, fast on PostgreSQL.

Django's bulk_create/bulk_update compile every value through the ORM and bulk_update builds a
CASE per field and row; for 100 000 demand items (and as many history rows) that alone took
most of a minute. On PostgreSQL new rows go through COPY (primary keys drawn from the table's
sequence first) and changes as one UPDATE … FROM (VALUES …) per batch; other databases use
simple_history's bulk helpers. Both paths write the same rows.
"""

import datetime
import functools
import io
import json

from django.db import connection, models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

BATCH = 5000


def _fast() -> bool:
    return connection.vendor == "postgresql"


def _adapt(field, value):
    from psycopg2.extras import Json

    return Json(value) if isinstance(field, models.JSONField) and value is not None else value


def _copy_text(value) -> str:
    """A value in COPY's text format (the common types first: this runs for every cell)."""
    kind = type(value)
    if kind is str:
        return value.translate(_COPY_ESCAPES)
    if value is None:
        return "\\N"
    if kind is int:
        return str(value)
    if kind is bool:
        return "t" if value else "f"
    if kind is datetime.datetime:
        return _timestamp(value)
    if kind is datetime.date:
        return value.isoformat()
    if kind is list or kind is dict:
        return json.dumps(value, ensure_ascii=False).translate(_COPY_ESCAPES)
    return str(value).translate(_COPY_ESCAPES)


@functools.lru_cache(maxsize=16)
def _timestamp(value: datetime.datetime) -> str:
    # A whole import stamps its rows with a handful of instants: format each once.
    return value.isoformat()


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _insert(model, fields, rows, *, ids: bool):
    """COPY rows into the model's table; with `ids`, primary keys are drawn from its sequence first."""
    quote = connection.ops.quote_name
    table = model._meta.db_table
    with connection.cursor() as cursor:
        pks = []
        if ids:
            pk = model._meta.pk.column
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, len(rows)]
            )
            pks = [row[0] for row in cursor.fetchall()]
            fields = [model._meta.pk, *fields]
            rows = [[key, *row] for key, row in zip(pks, rows, strict=True)]
        data = io.StringIO("".join("\t".join(map(_copy_text, row)) + "\n" for row in rows))
        columns = ", ".join(quote(f.column) for f in fields)
        cursor.cursor.copy_expert(f"COPY {quote(table)} ({columns}) FROM STDIN", data)
    return pks


def _history(model, objs, *, history_type: str, user, reason: str):
    history = model.history.model
    now = timezone.now()
    special = {
        "history_date": now,
        "history_change_reason": reason,
        "history_type": history_type,
        "history_user_id": getattr(user, "pk", None),
    }
    fields = [f for f in history._meta.concrete_fields if f.name != "history_id"]
    rows = [[special[f.attname] if f.attname in special else getattr(obj, f.attname) for f in fields] for obj in objs]
    _insert(history, fields, rows, ids=False)


def create(model, objs, *, user=None, reason: str = "") -> None:
    """INSERT `objs` (setting their pk) and, for a model with history, one '+' record each."""
    if not objs:
        return
    history = hasattr(model, "history")
    if not _fast():
        if history:
            created = bulk_create_with_history(
                objs, model, batch_size=BATCH, default_user=user, default_change_reason=reason
            )
            for obj, saved in zip(objs, created, strict=True):
                obj.pk = saved.pk
        else:
            model.objects.bulk_create(objs, batch_size=BATCH)
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
    rows = [[getattr(obj, f.attname) for f in fields] for obj in objs]
    for obj, pk in zip(objs, _insert(model, fields, rows, ids=True), strict=True):
        obj.pk = pk
        obj._state.adding = False
    if history:
        _history(model, objs, history_type="+", user=user, reason=reason)


def update(model, objs, attnames, *, user=None, reason: str = "") -> None:
    """UPDATE the `attnames` of `objs` from their attributes and, with history, one '~' record each."""
    if not objs:
        return
    fields = [model._meta.get_field(name) for name in sorted(attnames)]
    history = hasattr(model, "history")
    if not _fast():
        if not history:
            model.objects.bulk_update(objs, [f.name for f in fields], batch_size=BATCH)
            return
        bulk_update_with_history(
            objs, model, [f.name for f in fields], batch_size=BATCH, default_user=user, default_change_reason=reason
        )
        return
    pk = model._meta.pk
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    sets = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
    names = ", ".join(quote(f.column) for f in (pk, *fields))
    # VALUES columns carry no type of their own: each placeholder is cast to its column's type.
    template = "(" + ", ".join(f"%s::{f.db_type(connection)}" for f in (pk, *fields)) + ")"
    key = quote(pk.column)
    sql = f"UPDATE {table} AS t SET {sets} FROM (VALUES %s) AS v({names}) WHERE t.{key} = v.{key}"
    from psycopg2.extras import execute_values  # only on PostgreSQL: SQLite set-ups need no psycopg2

    rows = [[obj.pk, *(_adapt(f, getattr(obj, f.attname)) for f in fields)] for obj in objs]
    with connection.cursor() as cursor:
        execute_values(cursor.cursor, sql, rows, template=template, page_size=BATCH)
    if history:
        _history(model, objs, history_type="~", user=user, reason=reason)
