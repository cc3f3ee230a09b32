"""`legalcredit serve`: one command from an empty directory to a running platform."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def web_command(bind: str, workers: int) -> list[str]:
    """The gunicorn command line the platform's web processes run with."""
    return [sys.executable, "-m", "gunicorn", "legalcredit.wsgi:application", "--bind", bind,
            "--workers", str(workers), "--access-logfile", "-", "--graceful-timeout", "10",
            "--timeout", str(settings.WEB_TIMEOUT_SECONDS)]


class Command(BaseCommand):
    help = ("迁移数据库、加载基础数据（必要时生成演示数据），并同时启动网站（gunicorn）与后台任务（huey）；"
            "Ctrl-C 同时停止两者。Migrate, load reference data, start web server and worker.")

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("LEGALCREDIT_BIND", "127.0.0.1:8000"),
                            help="监听地址 / address to listen on (default 127.0.0.1:8000)")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")),
                            help="网站进程数 / gunicorn worker processes")
        parser.add_argument("--demo", action="store_true",
                            help="数据库为空时生成演示省份并创建演示账号 / build a demo province when empty")
        parser.add_argument("--demo-size", default="small")
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")
        # Two threads, so a long job (a year's import) does not hold up the every-minute ones.
        parser.add_argument("--worker-threads", type=int, default=int(os.environ.get("WORKER_THREADS", "2")),
                            help="后台任务线程数 / huey worker threads (default 2)")

    def handle(self, bind, workers, demo, demo_size, no_worker, worker_threads, **opts):
        from legalcredit.accounts.services import demo_login_lines, ensure_demo_users
        from legalcredit.refdata import services as refdata
        from legalcredit.registry.models import Subject

        call_command("migrate", interactive=False, verbosity=0)
        for r in refdata.load_all():
            if not r.skipped:
                self.stdout.write(f"基础数据 {r.dataset} {r.version}：已加载 {r.rows} 条")
        if demo:
            built = not Subject.objects.exists()
            if built:
                call_command("demo", size=demo_size, no_users=True, stdout=self.stdout)
            logins = ensure_demo_users(settings.LEGALCREDIT_PROVINCE)
            if built:
                from legalcredit.registry.management.commands.demo import build_cases

                build_cases(self.stdout)
        call_command("collectstatic", interactive=False, verbosity=0)

        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "legalcredit.settings"}
        outbox = ""
        if demo and not settings.EXCHANGE_OUTBOX:
            # So the demo's data exchange (数据交换 → 立即交换) has somewhere to write.
            outbox = env["EXCHANGE_OUTBOX"] = str(settings.HOME / "exchange" / "outbox")
        procs = {"web": subprocess.Popen(web_command(bind, workers), env=env)}
        if not no_worker:
            procs["worker"] = subprocess.Popen(
                [sys.executable, "-m", "legalcredit", "run_huey", "--workers", str(max(worker_threads, 1))], env=env)

        self.stdout.write(self.style.SUCCESS(f"\n公共法律服务信用监管平台已启动：http://{bind}/"))
        self.stdout.write(f"  信用信息公示 http://{bind}/public/   工作人员及机构登录 http://{bind}/admin/")
        if demo:
            for line in demo_login_lines(logins):
                self.stdout.write(line)
            if outbox:
                self.stdout.write(f"  数据交换目录（演示）：{outbox}")
        self.stdout.write("按 Ctrl-C 停止 / press Ctrl-C to stop\n")
        return self._supervise(procs)

    def _supervise(self, procs: dict[str, subprocess.Popen]) -> None:
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        failed = None
        while not stopping:
            for name, p in procs.items():
                if p.poll() is not None:
                    failed = name
                    stopping = True
            time.sleep(0.3)
        for p in procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for p in procs.values():
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if failed:
            self.stderr.write(f"{failed} 进程意外退出（退出码 {procs[failed].returncode}），已停止全部进程")
            sys.exit(1)
        self.stdout.write("已停止 / stopped")
