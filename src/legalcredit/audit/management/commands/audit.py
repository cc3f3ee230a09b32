import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from legalcredit.audit import guard, selectors


class Command(BaseCommand):
    help = ("审计日志：verify 校验哈希链是否完整；digest 导出某日摘要（用于公布）。"
            "Audit trail: verify the hash chain; export a day's digest for publication.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "digest"])
        parser.add_argument("--date", help="digest 的日期 YYYY-MM-DD，默认昨天")

    def handle(self, action, date=None, **opts):
        if action == "verify":
            count, problem = selectors.verify_chain()
            if problem:
                raise CommandError(f"审计链校验失败：{problem.message}（前 {count} 条完好）")
            if not guard.in_place():
                raise CommandError(f"审计链完整（共 {count} 条），但数据库的只追加保护触发器缺失或被停用："
                                   "请运行 legalcredit migrate 恢复，并调查原因")
            self.stdout.write(self.style.SUCCESS(f"审计链完整：共 {count} 条记录，哈希逐条相符；"
                                                 "只追加保护已启用"))
            return
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate() - dt.timedelta(days=1)
        except ValueError:
            raise CommandError(f"--date 格式应为 YYYY-MM-DD，收到 {date}") from None
        self.stdout.write(json.dumps(selectors.daily_digest(day), ensure_ascii=False))
