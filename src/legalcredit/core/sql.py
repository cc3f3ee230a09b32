"""Small helpers for the few hand-written statements on hot paths.

Django's ``__in`` prepares every value through the field, which costs more than
the query itself when a chunk of an import asks about thousands of values.
"""
from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils.dateparse import parse_date, parse_datetime


def member_of(column: str, values) -> tuple[str, list]:
    """``column`` is one of ``values`` (non-empty): one array parameter on PostgreSQL, a
    placeholder per value on SQLite."""
    values = list(values)
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


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
