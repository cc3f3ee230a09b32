"""Writing prepared record versions in bulk: COPY on PostgreSQL, executemany on SQLite.

Django's ``bulk_create`` builds a model instance per row and costs several
times the raw insert (stack notes); the importer's million-row target needs
the raw path. Values are adapted here the way Django would store them.
"""
from __future__ import annotations

import uuid
from operator import itemgetter

import orjson
from django.db import connection
from django.utils import timezone

from .models import CreditRecord

COLUMNS = [f for f in CreditRecord._meta.concrete_fields if f.name != "id"]
JSON_FIELDS = {"sanctions", "penalty_types", "details", "raw", "warnings"}
# Rows written or approved in one batch past which the table's planner statistics are taken again
# (PostgreSQL): enough to move the share of pending and approved rows the planner counts on.
ANALYZE_AFTER = 10_000


def _json(value):
    # orjson writes the same JSON as json.dumps(ensure_ascii=False, default=str), in a tenth of
    # the time: five JSON columns a row were a tenth of an import's CPU.
    return orjson.dumps(value, default=str,
                        option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS).decode()


def _pk(value):
    return getattr(value, "pk", value)


def _uuid_hex(value):
    # A new record's first version gets its key here.
    if value is None:
        return uuid.uuid4().hex
    return value.hex if isinstance(value, uuid.UUID) else value


def _text(value):
    return None if value is None else str(value)


def _iso(value):
    return value if value is None or isinstance(value, str) else value.isoformat()


class RecordWriter:
    def __init__(self, batch_id: int, actor, reason: str):
        self.vendor = connection.vendor
        now = timezone.now()
        self.defaults = {
            "import_batch_id": batch_id, "entered_by_id": getattr(actor, "pk", None),
            "reason": reason, "entered_at": connection.ops.adapt_datetimefield_value(now),
            "review": "pending", "is_current": False, "version": 1, "status": "in_effect",
        }
        self.columns = [f.column for f in COLUMNS]
        self.names = [f.attname for f in COLUMNS]
        blank = {}
        for f in COLUMNS:
            if f.attname in self.defaults:
                continue
            if f.name in JSON_FIELDS:
                blank[f.attname] = [] if f.name in ("sanctions", "penalty_types", "warnings") else {}
            elif f.null:
                blank[f.attname] = None
            elif f.get_internal_type() in ("CharField", "TextField"):
                blank[f.attname] = ""
            elif f.get_internal_type() == "BooleanField":
                blank[f.attname] = False
        self.blank = blank
        self.base, plan = self._plan()
        self._values = itemgetter(*(name for name, _ in plan))
        self._convert = [(i, conv) for i, (_, conv) in enumerate(plan) if conv is not None]
        self.written = 0

    def _plan(self) -> tuple[dict, list[tuple[str, object]]]:
        """Every column's default, and per column the key a prepared row carries it under (its
        attribute name) with its conversion."""
        base, plan = {}, []
        for f in COLUMNS:
            name = f.attname
            base[name] = self.defaults.get(name, self.blank.get(name))
            if f.is_relation:
                conv = _pk
            elif f.name in JSON_FIELDS:
                conv = _json
            elif f.get_internal_type() == "UUIDField":
                conv = _uuid_hex
            elif f.get_internal_type() == "DecimalField":
                conv = _text
            elif f.get_internal_type() in ("DateField", "DateTimeField"):
                conv = _iso
            else:
                conv = None
            plan.append((name, conv))
        return base, plan

    def _tuple(self, values: dict) -> list:
        row = list(self._values({**self.base, **values}))
        for i, conv in self._convert:
            row[i] = conv(row[i])
        return row

    def write(self, rows: list[dict]) -> None:
        tuples = [self._tuple(r) for r in rows]
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {CreditRecord._meta.db_table} ({', '.join(self.columns)}) "
                                     "FROM STDIN") as cp:
                    for t in tuples:
                        cp.write_row(t)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cur.executemany(f"INSERT INTO {CreditRecord._meta.db_table} ({', '.join(self.columns)}) "
                                f"VALUES ({marks})", tuples)
        self.written += len(rows)

    def finish(self) -> None:
        if self.vendor == "postgresql" and self.written > ANALYZE_AFTER:
            with connection.cursor() as cur:
                cur.execute(f"ANALYZE {CreditRecord._meta.db_table}")


def approve_pending(batch_id: int, days: dict[tuple, int], dual_kinds: list[str], deadline: int, *, today,
                    checker_id: int, at, note: str) -> None:
    """Approve a batch's pending rows, each rewritten once: approved and current, and published as
    ``services._publish`` publishes one version (an in-effect public version with no publication
    date is published today; the working days from decision to publication, and ``on_time`` for
    the 双公示 kinds, are set where missing; a withdrawn or revoked one is marked withdrawn today).
    ``days``: (decision date, publication date) → working days, for every pair the batch needs.

    The pairs go into a temporary table keyed by both dates, which each row looks up. Approval
    used to rewrite a million-row batch three times over (publication date, working days,
    approval: five and a half minutes on PostgreSQL), and SQLite, joining the rows to a list of
    pairs with no key, compared every row with every pair."""
    t = CreditRecord._meta.db_table
    ops = connection.ops
    pg = connection.vendor == "postgresql"
    cast = "::date" if pg else ""
    kinds = ", ".join(["%s"] * len(dual_kinds)) or "NULL"
    day = ops.adapt_datefield_value(today)
    stamp = [ops.adapt_datetimefield_value(at), checker_id, ops.adapt_datetimefield_value(at), note]
    publication = f"COALESCE({t}.published_on, CASE WHEN {t}.public THEN %s{cast} END)"
    with connection.cursor() as cur:
        cur.execute("CREATE TEMPORARY TABLE approval_days (decided date, published date, wd integer, "
                    "PRIMARY KEY (decided, published))")
        cur.executemany("INSERT INTO approval_days VALUES (%s, %s, %s)",
                        [(ops.adapt_datefield_value(d), ops.adapt_datefield_value(p), wd) for (d, p), wd in days.items()])
        cur.execute(
            f"UPDATE {t} SET review = 'approved', is_current = TRUE, effective_at = %s, checked_by_id = %s, "
            f"checked_at = %s, check_note = %s, "
            f"published_on = CASE WHEN status = 'in_effect' THEN {publication} ELSE published_on END, "
            f"withdrawn_on = CASE WHEN status <> 'in_effect' THEN %s{cast} ELSE withdrawn_on END, "
            f"publication_working_days = COALESCE(publication_working_days, (SELECT d.wd FROM approval_days d "
            f"WHERE status = 'in_effect' AND d.decided = {t}.decision_date AND d.published = {publication})), "
            f"on_time = CASE WHEN status = 'in_effect' AND publication_working_days IS NULL AND kind IN ({kinds}) "
            f"THEN (SELECT d.wd <= %s FROM approval_days d WHERE d.decided = {t}.decision_date "
            f"AND d.published = {publication}) ELSE on_time END "
            f"WHERE import_batch_id = %s AND review = 'pending'",
            [*stamp, day, day, day, *dual_kinds, deadline, day, batch_id])
        approved = cur.rowcount
        cur.execute("DROP TABLE approval_days")
        if pg and approved > ANALYZE_AFTER:
            # The import's statistics say these rows are pending. Left so, the planner takes the
            # review index for "this subject's approved records" (every credit check asks it)
            # and reads the whole batch: 150 ms a check after 100,000 rows were approved, until
            # autovacuum re-analyses the table (never, where it is switched off).
            cur.execute(f"ANALYZE {t}")
