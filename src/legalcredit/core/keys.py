"""Re-sealing personal data: after a key rotation, and once for data stored before sealing.

Each sealed column is listed here; ``reseal`` walks it in primary-key order and rewrites every
value that is not yet under the keyring's current key, in the caller's transaction.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from legalcredit.domain.sealing import Keyring, key_id_of

BATCH = 2000


@dataclass(frozen=True)
class Column:
    table: str
    pk: str
    column: str
    json_codes: frozenset[str] | None = None  # a JSON object: seal the values under these keys


def columns() -> list[Column]:
    from legalcredit.checks.services import SEALED_QUERY
    from legalcredit.records.rules import personal_codes

    codes = personal_codes()
    return [Column("registry_subject", "id", "id_number"),
            Column("registry_historicalsubject", "history_id", "id_number"),
            Column("records_creditrecord", "id", "details", codes),
            Column("records_creditrecord", "id", "raw", codes),
            Column("checks_check", "id", "query", SEALED_QUERY)]


def _resealed(col: Column, value, ring: Keyring):
    if col.json_codes is None:
        new = ring.reseal(value)
        return None if new == value else new
    data = json.loads(value) if isinstance(value, str) else value
    if not isinstance(data, dict):
        return None
    new = {k: ring.reseal(v) if k in col.json_codes and isinstance(v, str) and v else v
           for k, v in data.items()}
    return None if new == data else json.dumps(new, ensure_ascii=False)


def reseal_step(*cols: Column):
    """A migration step that seals what was stored in clear before."""
    def run(apps, schema_editor):
        from .sealing import keyring
        reseal(schema_editor.connection, keyring(), list(cols))
    return run


def reseal(connection, ring: Keyring, cols: list[Column] | None = None) -> dict[str, int]:
    """Rows rewritten per column. Run inside a transaction: all of it lands, or none."""
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    counts = {}
    with connection.cursor() as cur:
        for col in cols if cols is not None else columns():
            n, last = 0, None
            while True:  # keyset pages (ids may be UUIDs, so the first page has no lower bound)
                after = "" if last is None else f" AND {col.pk} > %s"
                cur.execute(f"SELECT {col.pk}, {col.column} FROM {col.table} "
                            f"WHERE {col.column} IS NOT NULL{after} ORDER BY {col.pk} LIMIT {BATCH}",
                            [] if last is None else [last])
                rows = cur.fetchall()
                if not rows:
                    break
                updates = [(new, pk) for pk, value in rows
                           if (new := _resealed(col, value, ring)) is not None]
                if updates:
                    mark = cast if col.json_codes is not None else "%s"
                    cur.executemany(f"UPDATE {col.table} SET {col.column} = {mark} WHERE {col.pk} = %s",
                                    updates)
                n += len(updates)
                last = rows[-1][0]
            counts[f"{col.table}.{col.column}"] = n
    return counts


def key_usage(connection) -> dict[str, dict[str, int]]:
    """Per sealed column, how many values each key id holds (``clear`` for unsealed ones)."""
    out = {}
    with connection.cursor() as cur:
        for col in columns():
            tally: dict[str, int] = {}
            cur.execute(f"SELECT {col.column} FROM {col.table} WHERE {col.column} IS NOT NULL")
            for (value,) in (row for rows in iter(lambda: cur.fetchmany(BATCH), []) for row in rows):
                if col.json_codes is None:
                    found = [value]
                else:
                    data = json.loads(value) if isinstance(value, str) else value
                    found = [v for k, v in (data or {}).items() if k in col.json_codes and v]
                for v in found:
                    kid = key_id_of(v) or "clear"
                    tally[kid] = tally.get(kid, 0) + 1
            out[f"{col.table}.{col.column}"] = tally
    return out
