"""Raw multi-row writes for the roster import: COPY on PostgreSQL, executemany on SQLite.

Django's bulk_create spends ~0.4 ms a cadre building and preparing model instances; these take plain tuples
(values as the model's fields hold them, columns by attname) and write within the transaction of `db`, the
connection they are given (the import writes from a second thread on its connection). No signals are sent,
as with bulk_create.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from itertools import islice
from typing import Any

from django.db import connection, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Lookup, Q

_Row = Sequence[Any]
_BATCH = 5000


def insert(
    db: BaseDatabaseWrapper, model: type[models.Model], columns: Sequence[str], rows: Iterable[_Row]
) -> None:
    if isinstance(rows, Sequence) and not rows:
        return
    table, names = _quoted(db, model, columns)
    prepare = _preparer(db, model, columns)
    it = iter(rows)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            with cursor.connection.cursor() as raw, raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                # Rows formatted in batches, each sent in one piece: sending row by row (write_row) makes a
                # writing thread take the interpreter lock back ~30 times a chunk, each time waiting for the
                # importing thread to let go of it.
                while batch := list(islice(it, _BATCH)):
                    copy.write("".join(["\t".join([_copy_text(v) for v in row]) + "\n" for row in batch]))
        else:
            marks = ", ".join(["%s"] * len(columns))
            while batch := [prepare(row) for row in islice(it, _BATCH)]:  # memory stays flat
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)


def insert_returning_ids(
    db: BaseDatabaseWrapper,
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[_Row],
    *,
    key: str,
) -> list[int]:
    """Insert rows and return their new primary keys in order; `key` names a unique column of them."""
    if not rows:
        return []
    pk = model._meta.pk
    assert pk is not None
    table, _ = _quoted(db, model, columns)
    quote = db.ops.quote_name
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            # Take the ids first, so the rows go in one COPY.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, _column(model, pk.attname), len(rows)],
            )
            ids = [i for (i,) in cursor.fetchall()]
            insert(db, model, [pk.attname, *columns], [(i, *row) for i, row in zip(ids, rows, strict=True)])
            return ids
        insert(db, model, columns, rows)
        at = list(columns).index(key)
        keys = [row[at] for row in rows]
        found: dict[Any, int] = {}
        for start in range(0, len(keys), 900):  # SQLite's limit on parameters
            part = keys[start : start + 900]
            cursor.execute(
                f"SELECT {quote(_column(model, pk.attname))}, {quote(key)} FROM {table} "
                f"WHERE {quote(key)} IN ({', '.join(['%s'] * len(part))})",
                part,
            )
            found.update((k, i) for i, k in cursor.fetchall())
        return [found[k] for k in keys]


def update(
    db: BaseDatabaseWrapper, model: type[models.Model], columns: Sequence[str], rows: Iterable[_Row]
) -> None:
    """Set `columns` of each row's record: a row is its values followed by its primary key."""
    pk = model._meta.pk
    assert pk is not None
    table, _ = _quoted(db, model, columns)
    quote = db.ops.quote_name
    key = quote(_column(model, pk.attname))
    fields = {f.attname: f for f in model._meta.concrete_fields}
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            # One statement over a column of values per field (`unnest`), where executemany is a statement a
            # row (~0.7 ms each from a writing thread, which takes the interpreter lock back for every one).
            rows = list(rows)
            if not rows:
                return
            attnames = [*columns, pk.attname]
            arrays = ", ".join(f"%s::{fields[a].db_type(db)}[]" for a in attnames)
            aliases = ", ".join(quote(_column(model, a)) for a in attnames)
            sets = ", ".join(f"{quote(_column(model, c))} = u.{quote(_column(model, c))}" for c in columns)
            cursor.execute(
                f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS u({aliases}) WHERE {table}.{key} = u.{key}",
                [[str(v) if isinstance(v, str) else v for v in values] for values in zip(*rows, strict=True)],
            )
        else:
            sets = ", ".join(f"{quote(_column(model, c))} = %s" for c in columns)
            prepare = _preparer(db, model, [*columns, pk.attname])
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE {key} = %s", [prepare(row) for row in rows])


def among(field: str, values: list[Any]) -> Q | Lookup:
    """A filter on `field` being one of `values`. On PostgreSQL `= ANY(%s)`: one array parameter where `__in`
    has one per value, each parsed by Django, psycopg and the server (a third of a re-import's time)."""
    if connection.vendor == "postgresql":
        return _Any(F(field), values)
    return Q(**{f"{field}__in": values})


class _Any(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*params, list(self.rhs))


def _quoted(db: BaseDatabaseWrapper, model: type[models.Model], columns: Sequence[str]) -> tuple[str, str]:
    quote = db.ops.quote_name
    return quote(model._meta.db_table), ", ".join(quote(_column(model, c)) for c in columns)


def _column(model: type[models.Model], attname: str) -> str:
    return str(next(f.column for f in model._meta.concrete_fields if f.attname == attname))


def _preparer(
    db: BaseDatabaseWrapper, model: type[models.Model], columns: Sequence[str]
) -> Callable[[_Row], _Row]:
    """What the database driver needs that Django's fields would have done: SQLite stores dates and times
    as text (aware times in UTC); psycopg takes them as they are."""
    if db.vendor == "postgresql":
        return lambda row: row
    fields = {f.attname: f for f in model._meta.concrete_fields}
    converters: list[tuple[int, Callable[[Any], Any]]] = []
    for at, name in enumerate(columns):
        field = fields[name]
        if isinstance(field, models.DateTimeField):
            converters.append((at, _last(db.ops.adapt_datetimefield_value)))
        elif isinstance(field, models.DateField):
            converters.append((at, _date_text))
    if not converters:
        return lambda row: row

    def prepare(row: _Row) -> _Row:
        values = list(row)
        for at, convert in converters:
            values[at] = convert(values[at])
        return values

    return prepare


def _last(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`convert`, remembering its last value: every row of a batch has the same time."""
    last: list[Any] = [object(), None]

    def cached(value: Any) -> Any:
        if value is not last[0]:
            last[:] = [value, convert(value)]
        return last[1]

    return cached


def _date_text(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


_COPY_ESCAPES = re.compile(r"[\\\t\n\r]")


def _copy_text(value: Any) -> str:
    """A value in COPY's text format (what psycopg's write_row writes)."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        text = str(value)  # a TextChoices member as its value
        return _COPY_ESCAPES.sub(lambda m: _ESCAPED[m[0]], text) if _COPY_ESCAPES.search(text) else text
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, date):  # and datetime: ISO 8601, with the offset of an aware time
        return value.isoformat()
    return str(value)


_ESCAPED = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
