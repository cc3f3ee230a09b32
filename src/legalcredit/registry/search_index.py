"""Name search that serves 2-character Chinese queries on both databases.

Neither database's stock tool does: SQLite's FTS5 trigram tokenizer returns
nothing under 3 characters, and PostgreSQL's pg_trgm falls back to a scan.
So each backend keeps its own small index of every name and former name:

* SQLite: an FTS5 table over the name's characters separated by spaces
  (unicode61 makes each character a token); a query is the phrase of its
  characters, which matches exactly the names containing it.
* PostgreSQL: a GIN-indexed ``text[]`` of the name's character pairs; a query
  asks for rows containing all its pairs, then checks the substring.

The index is written in the same transaction as the subject, by the services
and by the bulk paths (demo generator), through ``index_names``.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection

from legalcredit.domain.text import bigrams, search_chars

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS registry_name_fts USING fts5("
    "subject_id UNINDEXED, chars, tokenize='unicode61 remove_diacritics 0')",
]
POSTGRES_DDL = [
    "CREATE TABLE IF NOT EXISTS registry_name_index ("
    # No foreign key: this is derived data that `rebuild` can recreate, and an FK
    # Django does not know of would block its TRUNCATE in `flush`.
    " subject_id bigint NOT NULL,"
    " name text NOT NULL, pairs text[] NOT NULL)",
    "CREATE INDEX IF NOT EXISTS registry_name_index_pairs ON registry_name_index USING gin (pairs)",
    "CREATE INDEX IF NOT EXISTS registry_name_index_subject ON registry_name_index (subject_id)",
]
DROP = {
    "sqlite": ["DROP TABLE IF EXISTS registry_name_fts"],
    "postgresql": ["DROP TABLE IF EXISTS registry_name_index"],
}

MIN_QUERY_CHARS = 2


def create(schema_editor=None) -> None:
    conn = schema_editor.connection if schema_editor else connection
    with conn.cursor() as cur:
        for sql in (SQLITE_DDL if conn.vendor == "sqlite" else POSTGRES_DDL):
            cur.execute(sql)


def drop(schema_editor=None) -> None:
    conn = schema_editor.connection if schema_editor else connection
    with conn.cursor() as cur:
        for sql in DROP[conn.vendor]:
            cur.execute(sql)


def _rows(entries: Iterable[tuple[int, str]]):
    if connection.vendor == "sqlite":
        return [(sid, " ".join(search_chars(name))) for sid, name in entries]
    return [(sid, "".join(search_chars(name)), bigrams(name)) for sid, name in entries]


def index_names(entries: Sequence[tuple[int, str]], *, replace: bool = True) -> None:
    """(subject_id, name) pairs; with ``replace`` a subject's old rows go first."""
    if not entries:
        return
    rows = _rows(entries)
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            if replace:
                cur.executemany("DELETE FROM registry_name_fts WHERE subject_id = %s",
                                [(sid,) for sid in {e[0] for e in entries}])
            cur.executemany("INSERT INTO registry_name_fts(subject_id, chars) VALUES (%s, %s)", rows)
        else:
            if replace:
                cur.execute("DELETE FROM registry_name_index WHERE subject_id = ANY(%s)",
                            [list({e[0] for e in entries})])
            cur.executemany(
                "INSERT INTO registry_name_index(subject_id, name, pairs) VALUES (%s, %s, %s)", rows)


def copy_names_postgres(cursor, entries: Iterable[tuple[int, str]]) -> None:
    """Fast path for bulk loads on PostgreSQL (COPY), used by the demo generator."""
    with cursor.copy("COPY registry_name_index (subject_id, name, pairs) FROM STDIN") as copy:
        for sid, name in entries:
            copy.write_row((sid, "".join(search_chars(name)), bigrams(name)))


def search_ids(query: str, *, limit: int = 20, region_prefix: str = "",
               kind: str | None = None) -> list[int]:
    """Ids of subjects whose current or former name contains ``query``.

    Returns an empty list for queries shorter than MIN_QUERY_CHARS characters.
    Ordered by shortest matching name first would need every match scored;
    with common words (律师, 调解) that is tens of thousands of rows, so rows
    come in index order and callers page with ``limit``.
    """
    chars = search_chars(query)
    if len(chars) < MIN_QUERY_CHARS:
        return []
    filters, params = [], []
    if region_prefix:
        filters.append("s.region_id LIKE %s")
        params.append(region_prefix + "%")
    if kind:
        filters.append("s.kind = %s")
        params.append(kind)
    extra = "".join(f" AND {f}" for f in filters)
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            phrase = '"' + " ".join(c.replace('"', '""') for c in chars) + '"'
            cur.execute(
                "SELECT DISTINCT f.subject_id FROM registry_name_fts f"
                " JOIN registry_subject s ON s.id = f.subject_id"
                f" WHERE f.chars MATCH %s{extra} LIMIT %s",
                [phrase, *params, limit])
        else:
            needle = "".join(chars)
            like = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            cur.execute(
                "SELECT DISTINCT n.subject_id FROM registry_name_index n"
                " JOIN registry_subject s ON s.id = n.subject_id"
                f" WHERE n.pairs @> %s::text[] AND n.name LIKE %s{extra} LIMIT %s",
                [bigrams(query), like, *params, limit])
        return [r[0] for r in cur.fetchall()]


def rebuild() -> int:
    """Rebuild the whole index from the registry tables; returns rows written."""
    from .models import FormerName, Subject

    with connection.cursor() as cur:
        cur.execute("DELETE FROM registry_name_fts" if connection.vendor == "sqlite"
                    else "DELETE FROM registry_name_index")
    total = 0
    batch: list[tuple[int, str]] = []
    for entry in Subject.objects.values_list("id", "name").iterator(chunk_size=5000):
        batch.append(entry)
        if len(batch) >= 5000:
            index_names(batch, replace=False)
            total += len(batch)
            batch = []
    batch.extend(FormerName.objects.values_list("subject_id", "name"))
    index_names(batch, replace=False)
    return total + len(batch)
