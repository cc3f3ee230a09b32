"""Small helpers for the few hand-written statements on hot paths.

Django's ``__in`` prepares every value through the field, which costs more than
the query itself when a chunk of an import asks about thousands of values.
"""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.db import connection, transaction
from django.utils.dateparse import parse_date, parse_datetime


def member_of(column: str, values) -> tuple[str, list]:
    """``column`` is one of ``values`` (non-empty): one array parameter on PostgreSQL, a
    placeholder per value on SQLite."""
    values = list(values)
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def pairs(values, types: tuple[str, str]) -> tuple[str, list]:
    """A derived table ``p(a, b)`` of the given pairs (non-empty), to join on both columns at once:
    the rows for exactly these pairs are found by one index probe each, where ``x IN (...) AND
    y IN (...)`` reads every row of every ``x`` (unnest of two arrays on PostgreSQL, ``types``
    their element types; VALUES on SQLite)."""
    values = list(values)
    if connection.vendor == "postgresql":
        return (f"unnest(%s::{types[0]}[], %s::{types[1]}[]) AS p(a, b)",
                [[a for a, _ in values], [b for _, b in values]])
    return (f"(SELECT column1 AS a, column2 AS b FROM (VALUES {', '.join(['(%s, %s)'] * len(values))})) AS p",
            [v for pair in values for v in pair])


def rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def as_date(value) -> dt.date | None:
    """A date column as a raw cursor returns it (SQLite returns the text)."""
    return parse_date(value) if isinstance(value, str) else value


def as_datetime(value) -> dt.datetime | None:
    """A timestamp column as a raw cursor returns it: aware, as the ORM gives it (SQLite returns
    the UTC text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
    return value


class Loader:
    """A model's concrete columns under a table alias, and the instance for a row of them,
    converted exactly as the ORM converts them (the backend's and the field's converters, so
    JSON, sealed and SQLite date columns come back as the ORM gives them). For statements the
    ORM cannot build cheaply: it spends more compiling a join than the database answering it."""

    def __init__(self, model, alias: str):
        fields = model._meta.concrete_fields
        self.model, self.width = model, len(fields)
        self.columns = ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in fields)
        self._names = [f.attname for f in fields]
        self._pk = self._names.index(model._meta.pk.attname)
        self._converters = []
        for i, f in enumerate(fields):
            col = f.get_col(alias)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                self._converters.append((i, col, found))

    def load(self, values):
        """The instance for ``values`` (this loader's columns, in order); None for the all-NULL
        columns of an unmatched LEFT JOIN."""
        values = list(values)
        if values[self._pk] is None:
            return None
        for i, col, found in self._converters:
            for convert in found:
                values[i] = convert(values[i], col, connection)
        return self.model.from_db(connection.alias, self._names, values)


class _Insert(NamedTuple):
    fields: list           # the fields written, in column order
    head: str              # INSERT INTO table (columns)
    row: str               # one row's placeholders: (%s, ...)
    one: str               # the statement for one row, returning the key where the database gives it
    generated: bool        # the key is the database's


_inserts: dict[type, _Insert] = {}


def _insert_statement(model) -> _Insert:
    """How ``model``'s rows are inserted, built once per model."""
    if model not in _inserts:
        opts = model._meta
        quote = connection.ops.quote_name
        generated = opts.pk.db_returning    # an auto-incremented key, given by the database
        fields = [f for f in opts.concrete_fields if not (generated and f is opts.pk)]
        head = f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(f.column) for f in fields)})"
        row = f"({', '.join(['%s'] * len(fields))})"
        one = f"{head} VALUES {row}" + (f" RETURNING {quote(opts.pk.column)}" if generated else "")
        _inserts[model] = _Insert(fields, head, row, one, generated)
    return _inserts[model]


def _values(fields, obj) -> list:
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def insert(obj):
    """Store a new instance as ``obj.save(force_insert=True)`` would, with its field values
    prepared by the fields themselves, from a statement built once per model: for the rows a hot
    path writes on every call (an audit entry, a check's receipt), compiling the ORM's INSERT cost
    more than the database took to store it. Sends no model signals: for models nothing listens
    to."""
    how = _insert_statement(type(obj))
    with connection.cursor() as cur:
        cur.execute(how.one, _values(how.fields, obj))
        if how.generated:
            obj.pk = cur.fetchone()[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return obj


# Bound parameters one statement may carry: PostgreSQL's protocol counts them in 16 bits; SQLite
# allows 32,766 since 3.32.
MAX_PARAMS = {"postgresql": 65_535, "sqlite": 32_766}


def insert_all(objs) -> None:
    """Store new instances of one or more models, all or none, as ``insert`` stores each; keys
    the database generates are not read back. On PostgreSQL in one statement (the rows of every
    model but the last in data-modifying WITH clauses): a check's receipt and its audit entry,
    written outside any transaction, cost one round trip where BEGIN, two INSERTs and COMMIT cost
    four. Elsewhere, or past the parameters one statement takes, an INSERT per model and chunk of
    rows, in one transaction."""
    objs = list(objs)
    groups: dict[type, list] = {}
    for obj in objs:
        groups.setdefault(type(obj), []).append(obj)
    if not groups:
        return
    limit = MAX_PARAMS.get(connection.vendor, 999)
    prepared = []
    for model, members in groups.items():
        how = _insert_statement(model)
        prepared.append((how.head, how.row, len(how.fields), [_values(how.fields, obj) for obj in members]))
    with connection.cursor() as cur:
        total = sum(width * len(rows) for _, _, width, rows in prepared)
        if connection.vendor == "postgresql" and total <= limit:
            parts = [f"{head} VALUES {', '.join([row] * len(rows))}" for head, row, _, rows in prepared]
            ctes = ", ".join(f"w{i} AS ({part})" for i, part in enumerate(parts[:-1]))
            cur.execute(f"WITH {ctes} {parts[-1]}" if ctes else parts[-1],
                        [v for *_, rows in prepared for values in rows for v in values])
        else:
            with transaction.atomic(savepoint=False):
                for head, row, width, rows in prepared:
                    step = max(1, limit // width)
                    for i in range(0, len(rows), step):
                        chunk = rows[i:i + step]
                        cur.execute(f"{head} VALUES {', '.join([row] * len(chunk))}",
                                    [v for values in chunk for v in values])
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
