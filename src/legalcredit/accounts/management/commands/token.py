from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from legalcredit.accounts import tokens
from legalcredit.accounts.models import ApiToken


class Command(BaseCommand):
    help = ("部门接口令牌：issue 签发 / revoke 吊销 / list 列出。"
            "API tokens for department systems: issue, revoke, list.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["issue", "revoke", "list"])
        parser.add_argument("--user", help="令牌所属账号（issue）")
        parser.add_argument("--name", help="调用单位/系统名称（issue）")
        parser.add_argument("--scopes", default="subjects:read", help="授权范围，逗号分隔")
        parser.add_argument("--purposes", default="",
                            help="登记的查询用途代码，逗号分隔（默认不限，须为已登记用途）")
        parser.add_argument("--days", type=int, default=365, help="有效天数")
        parser.add_argument("--rate", type=int, default=60, help="每分钟调用上限")
        parser.add_argument("--id", type=int, help="令牌编号（revoke）")
        parser.add_argument("--reason", default="", help="吊销原因（revoke）")

    def handle(self, action, **o):
        if action == "list":
            for t in ApiToken.objects.select_related("owner"):
                state = "已吊销" if t.revoked_at else f"有效至 {t.expires_at:%Y-%m-%d}"
                self.stdout.write(f"{t.pk:4} {t.prefix} {t.name} {t.owner} {','.join(t.scopes)} "
                                  f"{t.rate_per_minute}/分钟 用途:{','.join(t.purposes) or '不限'} {state}")
            return
        try:
            if action == "issue":
                if not (o["user"] and o["name"]):
                    raise CommandError("签发令牌须指定 --user 和 --name")
                owner = get_user_model().objects.filter(username=o["user"]).first()
                if owner is None:
                    raise CommandError(f"账号 {o['user']} 不存在")
                token, key = tokens.issue(owner=owner, name=o["name"], days=o["days"],
                                          scopes=[s.strip() for s in o["scopes"].split(",") if s.strip()],
                                          rate_per_minute=o["rate"],
                                          purposes=[p.strip() for p in o["purposes"].split(",") if p.strip()])
                self.stdout.write(f"令牌 #{token.pk} 已签发，有效至 {token.expires_at:%Y-%m-%d}。"
                                  "请立即妥善交付，此后无法再次查看：")
                self.stdout.write(key)
            else:
                token = ApiToken.objects.filter(pk=o["id"]).first()
                if token is None:
                    raise CommandError(f"令牌 #{o['id']} 不存在")
                tokens.revoke(token, actor=None, reason=o["reason"])
                self.stdout.write(f"令牌 #{token.pk} 已吊销")
        except ValueError as exc:
            raise CommandError(str(exc)) from None
