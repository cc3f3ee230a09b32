"""What a new user meets first: the command, its errors, and the Quick start steps.

These run the real `legalcredit` command in subprocesses against a fresh data
directory, as the README's first command does.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CMD = [sys.executable, "-m", "legalcredit"]


def run(args, env, timeout=300):
    return subprocess.run(CMD + args, env=env, capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT)


@pytest.fixture
def fresh_env(tmp_path):
    """A new data directory, and on PostgreSQL runs a new empty database too."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["LEGALCREDIT_HOME"] = str(tmp_path / "home")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield env
        return
    import psycopg

    name = f"lc_quickstart_{os.getpid()}_{int(time.time() * 1000) % 10**9}"
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    try:
        yield env
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_help_is_bilingual(fresh_env):
    out = run(["--help"], fresh_env)
    assert out.returncode == 0
    assert "公共法律服务信用监管平台" in out.stdout and "credit supervision platform" in out.stdout
    assert "serve" in out.stdout and "refdata load" in out.stdout and "demo" in out.stdout


def test_unparseable_database_url_is_one_clear_line(fresh_env):
    out = run(["check"], {**fresh_env, "DATABASE_URL": "mysq://nope"})
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "DATABASE_URL" in out.stderr
    assert "Traceback" not in out.stderr


def test_unreachable_postgres_is_one_clear_line(fresh_env):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    out = run(["migrate"], {**fresh_env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/x"})
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert re.match(r"^错误：无法连接数据库（postgresql 127\.0\.0\.1:\d+/x）：", out.stderr)
    assert out.stderr.strip().count("\n") == 0


@pytest.mark.slow
def test_quick_start_install_and_load_steps(fresh_env):
    """migrate, load reference data, build a demo province: each step from nothing."""
    assert run(["migrate", "-v0"], fresh_env).returncode == 0
    out = run(["refdata", "load"], fresh_env)
    assert out.returncode == 0 and "regions" in out.stdout and "3429" in out.stdout
    again = run(["refdata", "load"], fresh_env)
    assert again.stdout.count("未变化，跳过") == 6  # regions, subject types, holidays, roles, rules, schemes
    out = run(["demo", "--size", "500"], fresh_env)
    assert out.returncode == 0, out.stderr
    assert "演示数据已生成" in out.stdout and "演示账号 admin" in out.stdout
    bad = run(["demo", "--size", "huge"], fresh_env)
    assert bad.returncode != 0 and "--size 应为" in bad.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_serve_starts_web_and_worker_and_stops_cleanly_on_ctrl_c(fresh_env):
    port = _free_port()
    proc = subprocess.Popen(CMD + ["serve", "--demo", "--bind", f"127.0.0.1:{port}"], env=fresh_env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 120
        body = None
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read().decode()
            except OSError:
                time.sleep(0.5)
        assert body and '"status": "ok"' in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=5) as r:
            assert "公共法律服务信用监管平台" in r.read().decode()
        # The worker starts alongside the web server; give it the same time to report.
        while time.monotonic() < deadline and not any("Huey consumer started" in x for x in lines):
            time.sleep(0.3)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        reader.join(timeout=5)
    out = "".join(lines)
    assert proc.returncode == 0, out
    assert "演示账号 admin" in out and "演示账号 county" in out
    assert "Huey consumer started" in out and "已停止" in out


def _uv() -> str:
    uv = os.environ.get("UV") or shutil.which("uv")
    assert uv, "uv is needed: the Quick start installs it with pip"
    return uv


@pytest.mark.slow
def test_clean_checkout_installs_from_the_lock_file_and_loads(tmp_path, fresh_env):
    """The README's first command on a fresh copy: uv builds the environment from uv.lock alone."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    checkout = tmp_path / "checkout"
    for rel in files.stdout.decode().split("\0"):
        if rel and (ROOT / rel).is_file():
            (checkout / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, checkout / rel)
    env = {k: v for k, v in fresh_env.items() if k not in {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT"}}
    sync = subprocess.run([_uv(), "sync", "--frozen"], cwd=checkout, env=env, capture_output=True,
                          text=True, timeout=600)
    assert sync.returncode == 0, sync.stderr
    for args in (["migrate", "-v0"], ["refdata", "load"], ["demo", "--size", "300"]):
        out = subprocess.run([_uv(), "run", "--frozen", "legalcredit", *args], cwd=checkout, env=env,
                             capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, (args, out.stderr)
    assert "演示账号 county" in out.stdout


@pytest.mark.slow
def test_wheel_ships_reference_data_migrations_and_static_files(tmp_path):
    out = subprocess.run([_uv(), "build", "--wheel", "--out-dir", str(tmp_path), str(ROOT)],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    names = set(zipfile.ZipFile(next(tmp_path.glob("*.whl"))).namelist())
    for needed in ["legalcredit/refdata/data/regions.csv", "legalcredit/refdata/data/manifest.yaml",
                   "legalcredit/refdata/data/subject_types.yaml",
                   "legalcredit/refdata/data/demo_profile.yaml",
                   "legalcredit/registry/migrations/0002_name_search_index.py"]:
        assert needed in names, needed


def _restore_target(fresh_env, tmp_path):
    """A second, empty database of the same kind to restore into."""
    url = fresh_env.get("DATABASE_URL", "")
    if not url:
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", None
    import psycopg

    name = url.rsplit("/", 1)[1] + "_restored"
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name, (admin_url, name)


@pytest.mark.slow
def test_backup_restores_to_an_identical_database(fresh_env, tmp_path):
    assert run(["migrate", "-v0"], fresh_env).returncode == 0
    assert run(["demo", "--size", "400"], fresh_env).returncode == 0
    out = run(["backup", "--dir", str(tmp_path / "bk")], fresh_env)
    assert out.returncode == 0, out.stderr
    manifest = next((tmp_path / "bk").glob("*.manifest.json"))
    target, cleanup = _restore_target(fresh_env, tmp_path)
    try:
        out = run(["restore", str(manifest), "--target-url", target], fresh_env)
        assert out.returncode == 0, out.stderr
        assert "恢复完成并校验一致" in out.stdout
        # The restored copy backs up to the same digests, table by table.
        restored_env = {**fresh_env, "DATABASE_URL": target}
        again = run(["backup", "--dir", str(tmp_path / "bk2")], restored_env)
        assert again.returncode == 0, again.stderr
        first = json.loads(manifest.read_text())["tables"]
        second = json.loads(next((tmp_path / "bk2").glob("*.manifest.json")).read_text())["tables"]
        assert first == second and first["registry_subject"]["rows"] >= 390
        # Restoring over a database that is not empty needs --force.
        refused = run(["restore", str(manifest), "--target-url", target], fresh_env)
        assert refused.returncode != 0 and "--force" in refused.stderr
    finally:
        if cleanup:
            import psycopg
            with psycopg.connect(cleanup[0], autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{cleanup[1]}" WITH (FORCE)')


@pytest.mark.slow
def test_a_damaged_backup_is_refused(fresh_env, tmp_path):
    assert run(["migrate", "-v0"], fresh_env).returncode == 0
    out = run(["backup", "--dir", str(tmp_path / "bk")], fresh_env)
    assert out.returncode == 0, out.stderr
    manifest = next((tmp_path / "bk").glob("*.manifest.json"))
    data = manifest.parent / json.loads(manifest.read_text())["file"]
    blob = bytearray(data.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    data.write_bytes(bytes(blob))
    out = run(["restore", str(manifest), "--target-url", f"sqlite:///{tmp_path / 'x.sqlite3'}"]
              if "DATABASE_URL" not in fresh_env else ["restore", str(manifest), "--force"], fresh_env)
    assert out.returncode != 0 and "校验和不符" in out.stderr
