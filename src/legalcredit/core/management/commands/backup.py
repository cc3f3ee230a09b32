from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from legalcredit.core import backup


class Command(BaseCommand):
    help = ("备份数据库（SQLite 在线备份 / PostgreSQL pg_dump），并写出逐表行数与摘要清单。"
            "Back up the database with a per-table digest manifest.")

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=None, help="备份目录，默认 LEGALCREDIT_HOME/backups")

    def handle(self, dir=None, **opts):
        directory = Path(dir) if dir else Path(settings.HOME) / "backups"
        try:
            manifest = backup.create(backup.Target.from_settings(connection.settings_dict), directory)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"备份完成：{manifest}"))
        from legalcredit.core.sealing import keyring_path
        self.stdout.write(f"注意：身份证号等个人信息在库中加密，密钥文件 {keyring_path()} 不在本备份内。"
                          "请另行离线保存（与备份分开存放）；恢复到新机器时须一并放回，否则无法读取。")

