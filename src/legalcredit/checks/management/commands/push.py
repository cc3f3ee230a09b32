from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from legalcredit.checks import flows, pushes
from legalcredit.checks.models import PushEndpoint


class Command(BaseCommand):
    help = ("信用关注变动推送地址：add 登记 / list 列出 / rotate 更换签名密钥 / end 停止 / run 立即推送 / "
            "test 测试推送。Push endpoints for monitoring events: add, list, rotate, end, run, test.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["add", "list", "rotate", "end", "run", "test"])
        parser.add_argument("--user", help="关注单位账号（add）")
        parser.add_argument("--url", help="推送地址（add）")
        parser.add_argument("--from-start", action="store_true", help="同时推送此前已有的变动提醒（add）")
        parser.add_argument("--id", type=int, help="推送地址编号（rotate、end、test）")
        parser.add_argument("--reason", default="", help="停止原因（end）")

    def handle(self, action, **o):
        if action == "list":
            for e in PushEndpoint.objects.select_related("owner").order_by("pk"):
                state = (f"已停止 {timezone.localtime(e.ended_at):%Y-%m-%d}" if e.ended_at else
                         f"连续失败{e.failures}次：{e.last_error}" if e.failures else "推送中")
                self.stdout.write(f"{e.pk:4} {e.owner} {e.url} 已推送至#{e.delivered_through} {state}")
            return
        if action == "run":
            self.stdout.write(f"已推送 {flows.deliver_due()} 条变动提醒")
            return
        try:
            if action == "add":
                if not (o["user"] and o["url"]):
                    raise CommandError("登记推送地址须指定 --user 和 --url")
                owner = get_user_model().objects.filter(username=o["user"]).first()
                if owner is None:
                    raise CommandError(f"账号 {o['user']} 不存在")
                endpoint, secret = pushes.register(owner=owner, url=o["url"], by=None, from_start=o["from_start"])
                self.stdout.write(f"推送地址 #{endpoint.pk} 已登记。签名密钥仅此一次显示，请妥善交付对方系统：")
                self.stdout.write(secret)
            elif action == "test":
                endpoint = PushEndpoint.objects.filter(pk=self._id(o), ended_at__isnull=True).first()
                if endpoint is None:
                    raise CommandError(f"推送地址 #{o['id']} 不存在或已停止")
                ok, said = flows.send_test(endpoint)
                if not ok:
                    raise CommandError(said)
                self.stdout.write(said)
            elif action == "rotate":
                endpoint, secret = pushes.rotate_secret(self._id(o), by=None)
                self.stdout.write(f"推送地址 #{endpoint.pk} 已更换签名密钥（原密钥即时失效）：")
                self.stdout.write(secret)
            else:
                pushes.end(self._id(o), by=None, reason=o["reason"])
                self.stdout.write(f"推送地址 #{o['id']} 已停止推送")
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None

    def _id(self, o) -> int:
        if not o["id"]:
            raise CommandError("须指定 --id（推送地址编号，见 push list）")
        return o["id"]
