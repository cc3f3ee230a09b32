from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from legalcredit.core import backup


class Command(BaseCommand):
    help = ("从备份恢复并校验恢复结果与备份逐表一致。默认恢复到当前 DATABASE_URL（须先停止平台）。"
            "Restore a backup and verify the restored database matches it table by table.")

    def add_arguments(self, parser):
        parser.add_argument("manifest", help="备份清单文件（*.manifest.json）")
        parser.add_argument("--target-url", help="恢复到的数据库（默认当前 DATABASE_URL）")
        parser.add_argument("--force", action="store_true", help="目标非空时覆盖")

    def handle(self, manifest, target_url=None, force=False, **opts):
        path = Path(manifest)
        if not path.exists():
            raise CommandError(f"找不到备份清单 {path}")
        try:
            result = backup.restore(path, (backup.Target.from_url(target_url) if target_url
                                             else backup.Target.from_settings(connection.settings_dict)), force=force)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(
            f"恢复完成并校验一致：{result['tables']} 张表，{result['rows']} 行"))
