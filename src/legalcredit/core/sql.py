"""Small helpers for the few hand-written statements on hot paths.

Django's ``__in`` prepares every value through the field, which costs more than
the query itself when a chunk of an import asks about thousands of values.
"""
from __future__ import annotations

from django.db import connection


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
