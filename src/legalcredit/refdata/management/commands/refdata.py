from django.core.management.base import BaseCommand, CommandError

from legalcredit.refdata import services
from legalcredit.refdata.models import RefdataRelease


class Command(BaseCommand):
    help = "基础数据：load 加载（行政区划、主体类型、节假日）/ status 查看版本。Reference data: load | status."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "status", "install"])
        parser.add_argument("ruleset", nargs="?", help="install：规则集代码 / rule set code")
        parser.add_argument("file", nargs="?", help="install：本省 YAML 规则文件 / the province's YAML file")
        parser.add_argument("--force", action="store_true",
                            help="即使未变化也重新加载 / reload even when unchanged")

    def handle(self, action, force=False, ruleset=None, file=None, **opts):
        if action == "install":
            from django.core.exceptions import ValidationError

            from legalcredit.refdata import rulesets

            if not ruleset or not file:
                raise CommandError(f"用法：refdata install <{'|'.join(rulesets.PARSERS)}> <文件.yaml>")
            try:
                with open(file, "rb") as fh:
                    rs = rulesets.install(ruleset, fh.read(), origin="province", by="refdata install")
            except (OSError, ValidationError) as exc:
                raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from None
            self.stdout.write(f"{rs.code} {rs.version} 已成为现行规则（本省版本，refdata load 不会覆盖，--force 除外）")
            return
        if action == "load":
            for r in services.load_all(force=force):
                state = "未变化，跳过" if r.skipped else f"已加载 {r.rows} 条"
                self.stdout.write(f"{r.dataset:14} {r.version:28} {state}")
            return
        releases = RefdataRelease.objects.order_by("dataset", "-loaded_at")
        seen = set()
        for rel in releases:
            if rel.dataset in seen:
                continue
            seen.add(rel.dataset)
            self.stdout.write(f"{rel.dataset:14} {rel.version:28} {rel.rows:6} 条 "
                              f"数据截止 {rel.data_date or '-':10} 加载于 {rel.loaded_at:%Y-%m-%d %H:%M}")
        if not seen:
            raise CommandError("尚未加载基础数据，请运行 legalcredit refdata load")
