"""Database-level append-only guard for the audit trail (等级保护: 安全审计 integrity).

The application never deletes an entry (``NoDeleteModel``) and updates one only to seal it (fill
in its blank sequence number and hashes, once), but that only binds the ORM. A trigger in the
database refuses DELETE on ``audit_auditentry`` from any client, including a SQL console, and
every UPDATE except that one sealing step: a sealed entry cannot change at all, and sealing an
entry cannot change anything else in it. It is (re)installed after every ``migrate``: a later migration
that rebuilds the table on SQLite drops its triggers, and this puts them back. Someone who owns
the database can still drop the trigger; the hash chain is what proves such tampering.
"""
from __future__ import annotations

from django.db import connections

TABLE = "audit_auditentry"
MESSAGE = "审计日志只可追加，不可修改或删除"
SQLITE_TRIGGERS = ("audit_entry_no_update", "audit_entry_no_delete")
PG_TRIGGER = "audit_entry_append_only"
SEAL_COLUMNS = ("seq", "prev_hash", "hash")


def _sqlite_refuse_update() -> str:
    from .models import AuditEntry

    # Every other column: a sealing UPDATE must leave each as it was.
    content = [f.column for f in AuditEntry._meta.concrete_fields if f.column not in SEAL_COLUMNS]
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in content)
    return (f"CREATE TRIGGER {SQLITE_TRIGGERS[0]} BEFORE UPDATE ON {TABLE} "
            f"WHEN OLD.hash <> '' OR NEW.hash = '' OR NEW.seq IS NULL OR {changed} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def install(using: str = "default") -> None:
    connection = connections[using]
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            # Dropped first: an older install's trigger refused the sealing step too.
            for name in SQLITE_TRIGGERS:
                cur.execute(f"DROP TRIGGER IF EXISTS {name}")
            cur.execute(_sqlite_refuse_update())
            cur.execute(f"CREATE TRIGGER {SQLITE_TRIGGERS[1]} BEFORE DELETE ON {TABLE} "
                        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
        elif connection.vendor == "postgresql":
            seal = " - ".join(f"'{c}'" for c in SEAL_COLUMNS)
            cur.execute(
                "CREATE OR REPLACE FUNCTION audit_entry_refuse_change() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN "
                "IF TG_OP = 'UPDATE' AND OLD.hash = '' AND NEW.hash <> '' AND NEW.seq IS NOT NULL "
                f"AND (to_jsonb(NEW) - {seal}) = (to_jsonb(OLD) - {seal}) THEN RETURN NEW; END IF; "
                f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END $$")
            cur.execute(f"CREATE OR REPLACE TRIGGER {PG_TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE} "
                        "FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change()")


def in_place(using: str = "default") -> bool:
    connection = connections[using]
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s "
                        "AND name IN (%s, %s)", [TABLE, *SQLITE_TRIGGERS])
            return cur.fetchone()[0] == len(SQLITE_TRIGGERS)
        if connection.vendor == "postgresql":
            cur.execute("SELECT count(*) FROM pg_trigger WHERE tgname = %s AND tgenabled <> 'D' "
                        "AND tgrelid = %s::regclass", [PG_TRIGGER, TABLE])
            return cur.fetchone()[0] == 1
    return False


def on_post_migrate(sender, using="default", **kwargs):
    if sender.name == "legalcredit.audit":
        install(using)
