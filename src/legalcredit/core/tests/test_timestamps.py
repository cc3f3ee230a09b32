"""The timestamptz loader gives exactly what Django's own loader gives, faster."""
import datetime as dt

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db


def _both(values):
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    sql = "SELECT v FROM unnest(%s::timestamptz[]) AS t(v)"
    with connection.cursor() as cur:
        cur.execute(sql, [values])
        ours = [r[0] for r in cur.fetchall()]
    with connection.cursor() as cur:
        register_tzloader(connection.timezone, cur.cursor)  # Django's loader, on this cursor only
        cur.execute(sql, [values])
        django = [r[0] for r in cur.fetchall()]
    return ours, django


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL loader")
def test_connection_uses_the_iso_loader():
    from psycopg.pq import Format

    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(
        connection.connection.adapters.types["timestamptz"].oid, Format.TEXT)
    assert loader.__name__ == "IsoTimestamptzLoader"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL loader")
@settings(max_examples=60, deadline=None)
@given(st.lists(st.datetimes(dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30), timezones=st.just(dt.timezone.utc)),
                min_size=1, max_size=20))
def test_timestamps_load_as_djangos_loader_loads_them(values):
    ours, django = _both(values)
    assert ours == django == values
    assert [v.utcoffset() for v in ours] == [v.utcoffset() for v in django]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL loader")
@pytest.mark.parametrize("text", ["0044-03-15 12:00:00+00 BC", "infinity", "-infinity"])
def test_values_the_iso_form_cannot_carry_fail_as_with_djangos_loader(text):
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    def error(django_loader: bool):
        with connection.cursor() as cur:
            if django_loader:
                register_tzloader(connection.timezone, cur.cursor)
            cur.execute("SELECT %s::timestamptz", [text])
            with pytest.raises(Exception) as exc:
                cur.fetchall()
            return exc.type, str(exc.value)

    assert error(False) == error(True)
