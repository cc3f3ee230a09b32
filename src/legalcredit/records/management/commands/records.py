import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from legalcredit.accounts.policy import scope_for
from legalcredit.core.models import ImportBatch
from legalcredit.records import export, importer, selectors, services


class Command(BaseCommand):
    help = ("信用记录：import 导入（双公示国家模板或通用模板）/ template 生成空白导入模板 / approve-batch 审核批次 / "
            "export 导出国家标准格式 / timeliness 双公示上报率、合规率、及时率。"
            "Credit records: import | template | approve-batch | export | timeliness.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("import", help="导入 CSV/XLSX（行政处罚、行政许可用国家双公示模板，其他类别用通用模板）")
        p.add_argument("file")
        p.add_argument("--kind", required=True,
                       help="penalty 行政处罚 / license 行政许可 / discipline 行业处分 / annual_assessment 年度考核 / "
                            "commendation 表彰奖励 / complaint_upheld 投诉查实 / legal_aid_review 法律援助评查 …"
                            "（record_kinds 规则集中除信用承诺外的类别）")
        p.add_argument("--user", required=True, help="办理员用户名（录入人）")
        p.add_argument("--reason", required=True, help="导入原因")
        p.add_argument("--register-unknown", action="store_true",
                       help="自动登记名录中没有的机构（仅限可由代码判断类型的机构）")
        p.add_argument("--regime", default="", help="公示期限规则（历史数据可选 ndrc-2019-527、ndrc-order-58）")
        p = sub.add_parser("template", help="生成某类信息的空白导入模板（表头为中文字段名）")
        p.add_argument("file", help="输出文件（.csv 或 .xlsx）")
        p.add_argument("--kind", required=True)
        p = sub.add_parser("approve-batch", help="审核通过导入批次")
        p.add_argument("batch", type=int)
        p.add_argument("--user", required=True, help="审核员用户名（不得为录入人）")
        p.add_argument("--note", default="")
        p = sub.add_parser("export", help="导出国家标准格式")
        p.add_argument("file")
        p.add_argument("--kind", choices=["penalty", "license"], required=True)
        p.add_argument("--user", required=True)
        p.add_argument("--since", help="只导出此后生效的记录（YYYY-MM-DD）")
        p.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        p.add_argument("--mark-reported", action="store_true", help="标记为已报送共享平台")
        p.add_argument("--purpose", default="报送共享平台", help="导出用途")
        p = sub.add_parser("timeliness", help="双公示上报率、合规率、及时率")
        p.add_argument("--start", required=True)
        p.add_argument("--end", required=True)
        p.add_argument("--user", required=True)

    def _user(self, name):
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise CommandError(f"用户“{name}”不存在或已停用")
        return user

    def _date(self, text, label):
        try:
            return dt.date.fromisoformat(text)
        except (TypeError, ValueError):
            raise CommandError(f"{label}应为 YYYY-MM-DD 格式的日期：{text}") from None

    def handle(self, action, **o):
        try:
            getattr(self, "do_" + action.replace("-", "_"))(**o)
        except (ValidationError, PermissionDenied, importer.ImportRefused) as exc:
            msg = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(msg) from None

    def do_template(self, file, kind, **_):
        from legalcredit.records import templates

        n = templates.write_blank(kind, file)
        self.stdout.write(f"已生成{importer.importable_kinds()[kind]}导入模板 {file}（{n} 列）")

    def do_import(self, file, kind, user, reason, register_unknown, regime, **_):
        from tqdm import tqdm

        with tqdm(unit="行", desc="校验并导入", disable=None) as bar:
            done = [0]

            def progress(n):
                bar.update(n - done[0])
                done[0] = n

            r = importer.import_records(file, kind=kind, actor=self._user(user), reason=reason,
                                        unknown_subjects="register" if register_unknown else "reject",
                                        regime=regime, progress=progress)
        self.stdout.write(f"文件格式：{r.format}；共 {r.rows:,} 行")
        if not r.applied:
            for line in r.first_errors:
                self.stdout.write(f"  {line}")
            raise CommandError(f"发现 {r.errors:,} 处错误，本批次未导入任何数据。错误报告：{r.report_path}")
        self.stdout.write(self.style.SUCCESS(
            f"已导入批次 #{r.batch.pk}（待审核）：新增 {r.created:,}，新版本 {r.new_versions:,}，"
            f"未变化 {r.unchanged:,}，自动登记机构 {r.registered:,}，数据质量提示 {r.warnings:,}"))
        for line in r.first_warnings:
            self.stdout.write(f"  提示：{line}")

    def do_approve_batch(self, batch, user, note, **_):
        b = ImportBatch.objects.filter(pk=batch).first()
        if b is None:
            raise CommandError(f"导入批次 #{batch} 不存在")
        n = services.approve_batch(b, checker=self._user(user), note=note)
        self.stdout.write(self.style.SUCCESS(f"批次 #{batch}：{n:,} 条记录已生效"))

    def do_export(self, file, kind, user, since, format, mark_reported, purpose, **_):
        actor = self._user(user)
        since_at = None
        if since:
            day = self._date(since, "--since ")
            since_at = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        n = export.export(kind, file, actor=actor, scope=scope_for(actor), since=since_at, fmt=format,
                          mark_reported=mark_reported, purpose=purpose)
        self.stdout.write(self.style.SUCCESS(f"已导出 {n:,} 条到 {file}"))

    def do_timeliness(self, start, end, user, **_):
        actor = self._user(user)
        rows = selectors.dual_publication_timeliness(self._date(start, "--start "), self._date(end, "--end "),
                                                     scope=scope_for(actor))
        self.stdout.write(f"{'数据来源单位':24} {'决定数':>8} {'上报率':>8} {'合规率':>8} {'及时率':>8}")
        for t in rows:
            def pct(v):
                return "-" if v is None else f"{v:.2f}%"
            self.stdout.write(f"{t.unit:24} {t.decisions:8,} {pct(t.reporting_rate):>8} "
                              f"{pct(t.compliance_rate):>8} {pct(t.timeliness_rate):>8}")
