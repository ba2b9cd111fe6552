"""Bulk writes with their django-simple-history records, fast on PostgreSQL (import, metric runs).

Django's bulk_create/bulk_update compile every value through the ORM and bulk_update builds a
CASE per field and row; for 100 000 demand items (and as many history rows) that alone took
most of a minute. On PostgreSQL new rows go through COPY (primary keys drawn from the table's
sequence first; the text made while it is sent, and each object's text reused for its history
row) and changes as one UPDATE … FROM (VALUES …) per batch; other databases use
simple_history's bulk helpers. Both paths write the same rows.
"""

import datetime
import functools
import itertools
import json
from operator import attrgetter

from django.db import connection, connections, models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

BATCH = 5000
COPY_CHUNK = 1000  # rows per piece of COPY text handed to the driver
# Columns of a history row that this module sets, the same for every row of one write.
HISTORY_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user_id")


def _fast() -> bool:
    return connection.vendor == "postgresql"


def _adapt(field, value):
    from psycopg2.extras import Json

    return Json(value) if isinstance(field, models.JSONField) and value is not None else value


def _copy_text(value) -> str:
    """A value in COPY's text format (the common types first: this runs for every cell)."""
    kind = type(value)
    if kind is str:
        # No tab, newline or CR is printable: most strings need no escaping, and translate() is slow.
        return value if value.isprintable() and "\\" not in value else value.translate(_COPY_ESCAPES)
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


def _texts(attnames, objs):
    """Per object, the COPY text of those attributes."""
    get = attrgetter(*attnames)
    if len(attnames) == 1:
        return (_copy_text(get(obj)) for obj in objs)
    return ("\t".join(map(_copy_text, get(obj))) for obj in objs)


class _Lines:
    """COPY input made while it is read, a chunk of rows per read(): PostgreSQL stores one chunk while
    Python formats the next (psycopg2 sends whatever read() returns; "" ends the data)."""

    def __init__(self, lines):
        self.lines = iter(lines)

    def read(self, size=-1) -> str:
        return "".join(itertools.islice(self.lines, COPY_CHUNK))


def _copy(cursor, model, attnames, lines) -> None:
    """COPY `lines` (text rows, each ending in a newline) into the model's table, columns by attname."""
    quote = connection.ops.quote_name
    fields = {f.attname: f for f in model._meta.concrete_fields}
    columns = ", ".join(quote(fields[name].column) for name in attnames)
    cursor.cursor.copy_expert(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN", _Lines(lines))


def _next_ids(cursor, model, count: int) -> list[int]:
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column])
    # The name as a literal is resolved once; nextval(pg_get_serial_sequence(…)) looked it up for every row (8× slower).
    cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [cursor.fetchone()[0], count])
    return [row[0] for row in cursor.fetchall()]


def _tracked(model) -> list[str]:
    """Attnames of the model's fields that its history rows copy."""
    history = model.history.model._meta.concrete_fields
    return [f.attname for f in history if f.attname != "history_id" and f.attname not in HISTORY_COLUMNS]


def _history(cursor, model, texts, *, history_type: str, user, reason: str) -> None:
    """One history row per text of the tracked columns (_tracked order), all stamped alike."""
    values = (timezone.now(), reason, history_type, getattr(user, "pk", None))
    suffix = "".join("\t" + _copy_text(value) for value in values) + "\n"
    _copy(cursor, model.history.model, [*_tracked(model), *HISTORY_COLUMNS], (text + suffix for text in texts))


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
    fields = model._meta.concrete_fields
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
    # The columns that the history copies come first: their text, made once per object, serves both rows.
    shared = _tracked(model) if history else [f.attname for f in fields]
    rest = [f.attname for f in fields if f.attname not in shared]
    with connection.cursor() as cursor:
        for obj, pk in zip(objs, _next_ids(cursor, model, len(objs)), strict=True):
            obj.pk = pk
            obj._state.adding = False
        texts = []

        def lines():
            tab, tails = ("\t", _texts(rest, objs)) if rest else ("", itertools.repeat("", len(objs)))
            for text, tail in zip(_texts(shared, objs), tails, strict=True):
                texts.append(text)
                yield f"{text}{tab}{tail}\n"

        _copy(cursor, model, [*shared, *rest], lines())
        if history:
            _history(cursor, model, texts, history_type="+", user=user, reason=reason)


def _auto_now(model) -> list[str]:
    """Attnames of the model's auto_now fields (updated_at)."""
    return [f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]


def update(model, objs, attnames, *, user=None, reason: str = "") -> None:
    """UPDATE the `attnames` of `objs` from their attributes and, with history, one '~' record each."""
    if not objs:
        return
    # bulk_update and the UPDATE below skip auto_now (pre_save): stamp updated_at here, so a
    # changed row shows up in the API's updated_after (SPEC 6) whichever path wrote it.
    stamped = _auto_now(model)
    now = timezone.now()
    for obj in objs:
        for name in stamped:
            setattr(obj, name, now)
    fields = [model._meta.get_field(name) for name in sorted({*attnames, *stamped})]
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
            _history(cursor, model, _texts(_tracked(model), objs), history_type="~", user=user, reason=reason)


def insert_values(model, rows: list[dict], *, with_ids: bool = False) -> None:
    """INSERT rows given as {attname: value} (fields missing from the first row get their defaults, updated_at
    the present time), without
    history: for generated data sets, where a model instance per row costs more than the database (the demo
    province writes millions). with_ids sets each row's "id": from the sequence on PostgreSQL, else counted
    on from the largest one (SQLite's write lock is the caller's for the whole transaction)."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if with_ids or not f.primary_key]
    for f in fields:
        if f.attname not in rows[0] and not f.primary_key:
            auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            default = timezone.now() if auto else f.get_default()
            for row in rows:
                row[f.attname] = default
    names = [f.attname for f in fields]
    with connection.cursor() as cursor:
        if with_ids and _fast():
            ids = _next_ids(cursor, model, len(rows))
        elif with_ids:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(model._meta.db_table)}")
            start = cursor.fetchone()[0] + 1
            ids = range(start, start + len(rows))
        for row, pk in zip(rows, ids, strict=True) if with_ids else ():
            row["id"] = pk
        if _fast():
            _copy(cursor, model, names, ("\t".join([_copy_text(row[n]) for n in names]) + "\n" for row in rows))
            return
        db = connections[connection.alias]  # the connection itself, not the thread-local proxy, in the hot loop
        params = [[f.get_db_prep_save(row[f.attname], db) for f in fields] for row in rows]
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})", params)
