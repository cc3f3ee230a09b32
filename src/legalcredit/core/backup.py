"""Backup and restore, with a content digest that proves a restore is identical.

A backup is a database copy plus a manifest: for every table, its row count
and a SHA-256 over its rows in a fixed order. Restoring recomputes the same
digests on the restored database and refuses to call it good unless every
table matches.

* SQLite: the online backup API (consistent while the platform runs, WAL mode).
* PostgreSQL: ``pg_dump -Fc`` run on a snapshot exported from the same
  transaction that computes the digests, so manifest and dump see one state.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import psycopg
from psycopg.conninfo import make_conninfo

FORMAT = 1


class BackupError(Exception):
    pass


@dataclass
class Target:
    vendor: str  # sqlite | postgresql
    path: Path | None = None  # SQLite file
    conninfo: str = ""  # PostgreSQL libpq connection string

    @classmethod
    def from_settings(cls, cfg: dict) -> Target:
        """From a Django DATABASES entry (or dj-database-url's parse of a URL)."""
        if cfg["ENGINE"].endswith("sqlite3"):
            return cls("sqlite", path=Path(cfg["NAME"]))
        if cfg["ENGINE"].endswith("postgresql"):
            return cls("postgresql", conninfo=make_conninfo(
                dbname=cfg["NAME"], host=cfg.get("HOST") or None, port=cfg.get("PORT") or None,
                user=cfg.get("USER") or None, password=cfg.get("PASSWORD") or None))
        raise BackupError(f"不支持的数据库：{cfg['ENGINE']}")

    @classmethod
    def from_url(cls, url: str) -> Target:
        try:
            return cls.from_settings(dj_database_url.parse(url))
        except ValueError as exc:
            raise BackupError(f"数据库地址无法解析：{exc}") from None


# --- digests ---------------------------------------------------------------------------

def _digest_rows(cursor, table: str, columns: int, quote) -> tuple[int, str]:
    order = ", ".join(str(i) for i in range(1, columns + 1))
    cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {order}")
    h, n = hashlib.sha256(), 0
    while True:
        rows = cursor.fetchmany(5000)
        if not rows:
            return n, h.hexdigest()
        for row in rows:
            h.update(repr(tuple(row)).encode("utf-8"))
            h.update(b"\n")
        n += len(rows)


def sqlite_digests(conn: sqlite3.Connection) -> dict[str, dict]:
    quote = lambda t: '"' + t.replace('"', '""') + '"'  # noqa: E731
    cur = conn.cursor()
    cur.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
                "'CREATE VIRTUAL TABLE%' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    out = {}
    for (table,) in cur.fetchall():
        cols = len(conn.execute(f"PRAGMA table_info({quote(table)})").fetchall())
        n, digest = _digest_rows(conn.cursor(), table, cols, quote)
        out[table] = {"rows": n, "sha256": digest}
    return out


def postgres_digests(conn: psycopg.Connection) -> dict[str, dict]:
    quote = lambda t: '"' + t.replace('"', '""') + '"'  # noqa: E731
    cur = conn.cursor()
    cur.execute("SELECT c.relname, count(a.attnum) FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid "
                "AND a.attnum > 0 AND NOT a.attisdropped WHERE n.nspname = 'public' "
                "AND c.relkind = 'r' GROUP BY c.relname ORDER BY c.relname")
    out = {}
    for table, cols in cur.fetchall():
        n, digest = _digest_rows(conn.cursor(), table, cols, quote)
        out[table] = {"rows": n, "sha256": digest}
    return out


def compare(expected: dict[str, dict], actual: dict[str, dict]) -> list[str]:
    """Chinese descriptions of every difference; empty when identical."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        e, a = expected.get(table), actual.get(table)
        if e is None:
            problems.append(f"恢复后多出数据表 {table}")
        elif a is None:
            problems.append(f"恢复后缺少数据表 {table}")
        elif e["rows"] != a["rows"]:
            problems.append(f"数据表 {table} 行数不符：备份时 {e['rows']}，恢复后 {a['rows']}")
        elif e["sha256"] != a["sha256"]:
            problems.append(f"数据表 {table} 内容不符（行数相同，摘要不同）")
    return problems


# --- backup ----------------------------------------------------------------------------

def create(source: Target, directory: Path) -> Path:
    """Write a backup and its manifest into ``directory``; return the manifest path."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    if source.vendor == "sqlite":
        data = directory / f"legalcredit-{stamp}.sqlite3"
        with sqlite3.connect(source.path) as src, sqlite3.connect(data) as dst:
            src.backup(dst)
        with sqlite3.connect(data) as conn:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("备份文件完整性检查未通过")
            digests = sqlite_digests(conn)
    else:
        data = directory / f"legalcredit-{stamp}.dump"
        with psycopg.connect(source.conninfo) as conn:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            _run(["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(data),
                  "-d", source.conninfo])
            digests = postgres_digests(conn)
    manifest = {"format": FORMAT, "vendor": source.vendor, "file": data.name,
                "created_at": dt.datetime.now().astimezone().isoformat(),
                "file_sha256": file_sha256(data), "tables": digests}
    path = data.with_suffix(data.suffix + ".manifest.json")
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    return path


def restore(manifest_path: Path, target: Target, *, force: bool = False) -> dict:
    """Restore into ``target`` and verify it; raise BackupError on any difference."""
    manifest = json.loads(manifest_path.read_text("utf-8"))
    data = manifest_path.parent / manifest["file"]
    if manifest["vendor"] != target.vendor:
        raise BackupError(f"备份来自 {manifest['vendor']}，不能恢复到 {target.vendor}")
    if file_sha256(data) != manifest["file_sha256"]:
        raise BackupError(f"备份文件 {data.name} 与清单记录的校验和不符，文件已损坏或被改动")
    if target.vendor == "sqlite":
        if target.path.exists() and target.path.stat().st_size and not force:
            raise BackupError(f"目标数据库 {target.path} 已存在；请先停止平台，并加 --force 覆盖")
        for suffix in ("-wal", "-shm"):
            Path(str(target.path) + suffix).unlink(missing_ok=True)
        tmp = target.path.with_suffix(".restoring")
        shutil.copyfile(data, tmp)
        os.replace(tmp, target.path)
        with sqlite3.connect(target.path) as conn:
            actual = sqlite_digests(conn)
    else:
        with psycopg.connect(target.conninfo) as conn:
            tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
        if tables and not force:
            raise BackupError("目标数据库不是空库；请恢复到新建的空库，或加 --force 覆盖")
        _run(["pg_restore", "--no-owner", "--exit-on-error", "-d", target.conninfo,
              *(["--clean", "--if-exists"] if tables else []), str(data)])
        with psycopg.connect(target.conninfo) as conn:
            actual = postgres_digests(conn)
    problems = compare(manifest["tables"], actual)
    if problems:
        raise BackupError("恢复后校验不一致：" + "；".join(problems[:10]))
    return {"tables": len(actual), "rows": sum(t["rows"] for t in actual.values())}


def file_sha256(path: Path) -> str:
    """A file's SHA-256, read in blocks (a backup or an exchange file may be large)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _run(args: list[str]) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(f"找不到 {args[0]}：请安装 PostgreSQL 客户端工具（postgresql-client，版本不低于服务器）")
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{args[0]} 失败：{done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")
