"""Database-level append-only guard for the audit trail (等级保护: 安全审计 integrity).

The application never updates or deletes an entry (``NoDeleteModel``), but that only stops the
ORM. A trigger in the database refuses UPDATE and DELETE on ``audit_auditentry`` from any
client, including a SQL console. It is (re)installed after every ``migrate``: a later migration
that rebuilds the table on SQLite drops its triggers, and this puts them back. Someone who owns
the database can still drop the trigger; the hash chain is what proves such tampering.
"""
from __future__ import annotations

from django.db import connections

TABLE = "audit_auditentry"
MESSAGE = "审计日志只可追加，不可修改或删除"
SQLITE_TRIGGERS = ("audit_entry_no_update", "audit_entry_no_delete")
PG_TRIGGER = "audit_entry_append_only"


def install(using: str = "default") -> None:
    connection = connections[using]
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            for name, event in zip(SQLITE_TRIGGERS, ("UPDATE", "DELETE")):
                cur.execute(f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON {TABLE} "
                            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
        elif connection.vendor == "postgresql":
            cur.execute(
                "CREATE OR REPLACE FUNCTION audit_entry_refuse_change() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{MESSAGE}' "
                "USING ERRCODE = 'insufficient_privilege'; END $$")
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
