from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from legalcredit.exchange import services
from legalcredit.exchange.models import ExchangeRun


class Command(BaseCommand):
    help = ("与信用信息共享平台的数据交换：run 立即交换 / list 最近的交换记录。"
            "Data exchange with the sharing platforms: run now, list recent runs.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["run", "list"])

    def handle(self, action, **o):
        if action == "list":
            for r in ExchangeRun.objects.all()[:20]:
                counts = "；".join(f"{f['kind']} {f['rows']}" for f in r.files)
                self.stdout.write(f"{r.pk:4} {timezone.localtime(r.started_at):%Y-%m-%d %H:%M} "
                                  f"{r.get_state_display()} {counts}{r.error}")
            return
        try:
            done = services.run()
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        for f in done.files:
            self.stdout.write(f"{f['name']}  {f['kind']} {f['rows']} 条  sha256 {f['sha256']}")
        self.stdout.write(f"已写入交换目录 {services.outbox()}")
