"""Name search that serves 2-character Chinese queries on both databases.

Neither database's stock tool does: SQLite's FTS5 trigram tokenizer returns
nothing under 3 characters, and PostgreSQL's pg_trgm falls back to a scan.
So each backend keeps its own small index of every name and former name:

* SQLite: an FTS5 table over the name's characters separated by spaces
  (unicode61 makes each character a token); a query is the phrase of its
  characters, which matches exactly the names containing it.
* PostgreSQL: a GIN-indexed ``text[]`` of the name's character pairs; a query
  asks for rows containing all its pairs, then checks the substring.

Each row also carries the subject's region and kind, so a search limited to a
jurisdiction needs no join and stops at the first ``limit`` matches. The
index is written in the same transaction as the subject, by the services and
by the bulk paths (demo generator), through ``index_names``. The tables are
created by migration registry 0002.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection

from legalcredit.domain.text import bigrams, search_chars

MIN_QUERY_CHARS = 2


Entry = tuple[int, str, str, str]  # (subject_id, name, region code, kind)


def _rows(entries: Iterable[Entry]):
    if connection.vendor == "sqlite":
        return [(sid, region, kind, " ".join(search_chars(name))) for sid, name, region, kind in entries]
    return [(sid, region, kind, "".join(search_chars(name)), bigrams(name))
            for sid, name, region, kind in entries]


def index_names(entries: Sequence[Entry], *, replace: bool = True) -> None:
    """Index names; with ``replace`` a subject's old rows go first.

    Pass every current and former name of a subject together when replacing.
    """
    if not entries:
        return
    rows = _rows(entries)
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            if replace:
                cur.executemany("DELETE FROM registry_name_fts WHERE subject_id = %s",
                                [(sid,) for sid in {e[0] for e in entries}])
            cur.executemany("INSERT INTO registry_name_fts(subject_id, region, kind, chars) "
                            "VALUES (%s, %s, %s, %s)", rows)
        else:
            if replace:
                cur.execute("DELETE FROM registry_name_index WHERE subject_id = ANY(%s)",
                            [list({e[0] for e in entries})])
            cur.executemany("INSERT INTO registry_name_index(subject_id, region, kind, name, pairs) "
                            "VALUES (%s, %s, %s, %s, %s)", rows)


def entries_for(subject) -> list[Entry]:
    """Every name a subject is searched by: its name and its former names."""
    names = [subject.name, *subject.former_names.values_list("name", flat=True)]
    return [(subject.pk, n, subject.region_id, subject.kind) for n in names]


def copy_names_postgres(cursor, entries: Iterable[Entry]) -> None:
    """Fast path for bulk loads on PostgreSQL (COPY), used by the demo generator."""
    with cursor.copy("COPY registry_name_index (subject_id, region, kind, name, pairs) FROM STDIN") as copy:
        for sid, name, region, kind in entries:
            copy.write_row((sid, region, kind, "".join(search_chars(name)), bigrams(name)))


def flush_postgres(cursor) -> None:
    """Merge GIN's pending list after a bulk load.

    COPY fills the pending list, which every query then scans linearly: a
    2-character query on a million names took 5 ms instead of 0.1 ms until merged.
    """
    cursor.execute("SELECT gin_clean_pending_list('registry_name_index_pairs')")


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
        filters.append("region LIKE %s")
        params.append(region_prefix + "%")
    if kind:
        filters.append("kind = %s")
        params.append(kind)
    extra = "".join(f" AND {f}" for f in filters)
    # No DISTINCT: it would make the database collect every match before the
    # LIMIT. A subject appears twice only through a former name; de-duplicate here.
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            phrase = '"' + " ".join(c.replace('"', '""') for c in chars) + '"'
            cur.execute(f"SELECT subject_id FROM registry_name_fts WHERE chars MATCH %s{extra} LIMIT %s",
                        [phrase, *params, limit * 2])
        else:
            needle = "".join(chars)
            like = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            cur.execute(f"SELECT subject_id FROM registry_name_index WHERE pairs @> %s::text[]"
                        f" AND name LIKE %s{extra} LIMIT %s",
                        [bigrams(query), like, *params, limit * 2])
        return list(dict.fromkeys(r[0] for r in cur.fetchall()))[:limit]


def rebuild() -> int:
    """Rebuild the whole index from the registry tables; returns rows written."""
    from .models import FormerName, Subject

    with connection.cursor() as cur:
        cur.execute("DELETE FROM registry_name_fts" if connection.vendor == "sqlite"
                    else "DELETE FROM registry_name_index")
    total = 0
    batch: list[Entry] = []
    rows = Subject.objects.values_list("id", "name", "region_id", "kind").iterator(chunk_size=5000)
    for entry in rows:
        batch.append(entry)
        if len(batch) >= 5000:
            index_names(batch, replace=False)
            total += len(batch)
            batch = []
    batch.extend(FormerName.objects.values_list("subject_id", "name", "subject__region_id",
                                                "subject__kind"))
    index_names(batch, replace=False)
    return total + len(batch)
