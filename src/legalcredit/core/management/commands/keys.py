from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from legalcredit.core import keys, sealing
from legalcredit.domain.sealing import SealingError


class Command(BaseCommand):
    help = ("个人信息加密密钥：status 查看各密钥加密的数据量；rotate 生成新密钥并把全部数据改用新密钥加密；"
            "reseal 完成一次中断的轮换。Personal-data keys: status, rotate, reseal.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "rotate", "reseal"])

    def handle(self, action, **opts):
        try:
            ring = sealing.keyring()
            if action == "rotate":
                # The new key reaches the file before any row uses it, so a crash never leaves
                # data sealed under a key that is nowhere; `reseal` finishes an interrupted run.
                ring = ring.rotated()
                sealing.save_keyring(ring)
                self.stdout.write(f"已生成新密钥 {ring.current}，写入 {sealing.keyring_path()}")
            if action in ("rotate", "reseal"):
                with transaction.atomic():
                    counts = keys.reseal(connection, ring)
                for column, n in counts.items():
                    self.stdout.write(f"{column}：重新加密 {n} 行")
                self.stdout.write(self.style.SUCCESS(f"全部个人信息已使用密钥 {ring.current} 加密"))
                return
            self.stdout.write(f"密钥环：{sealing.keyring_path()}，当前密钥 {ring.current}，"
                              f"共 {len(ring.keys)} 把")
            for column, tally in keys.key_usage(connection).items():
                shown = "、".join(f"{k} {n}" for k, n in sorted(tally.items())) or "无数据"
                self.stdout.write(f"{column}：{shown}")
        except SealingError as exc:
            raise CommandError(str(exc)) from None
