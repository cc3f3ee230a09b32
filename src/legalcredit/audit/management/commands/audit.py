import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from legalcredit.audit import selectors, services


class Command(BaseCommand):
    help = ("审计日志：verify 校验哈希链是否完整；digest 导出某日摘要（用于公布）。"
            "seal 把新写入的记录链入哈希链（调度器每分钟自动执行）。"
            "Audit trail: verify the hash chain; export a day's digest for publication; seal new entries.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "digest", "seal"])
        parser.add_argument("--date", help="digest 的日期 YYYY-MM-DD，默认昨天")

    def handle(self, action, date=None, **opts):
        if action == "verify":
            # Sealed, verified and kept as the nightly verification is: the result shows in the back office.
            result = services.check_chain(by="命令行 audit verify")
            count = result.entries
            if not result.chain_ok:
                raise CommandError(f"审计链校验失败：{result.problem}（前 {count} 条完好）")
            if not result.guard_ok:
                raise CommandError(f"审计链完整（共 {count} 条），但数据库的只追加保护触发器缺失或被停用："
                                   "请运行 legalcredit migrate 恢复，并调查原因")
            self.stdout.write(self.style.SUCCESS(f"审计链完整：共 {count} 条记录，哈希逐条相符；"
                                                 "只追加保护已启用"))
            return
        # What was written up to now is linked first, so the digest covers all of it.
        sealed = services.seal()
        if action == "seal":
            self.stdout.write(self.style.SUCCESS(f"已链接 {sealed} 条新审计记录"))
            return
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate() - dt.timedelta(days=1)
        except ValueError:
            raise CommandError(f"--date 格式应为 YYYY-MM-DD，收到 {date}") from None
        self.stdout.write(json.dumps(selectors.daily_digest(day), ensure_ascii=False))
