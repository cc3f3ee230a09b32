import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from legalcredit.evaluation import selectors, services
from legalcredit.evaluation.models import Scheme
from legalcredit.registry.models import Subject


class Command(BaseCommand):
    help = ("信用评价：schemes 方案列表 / check 校验方案文件 / draft 保存草稿 / publish 发布 / what-if 模拟评价 / "
            "recompute 重新评价 / grade 查看主体等级（可指定历史日期）/ distribution 等级分布。"
            "Credit evaluation: schemes | check | draft | publish | what-if | recompute | grade | distribution.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("schemes", help="列出评价方案")
        p = sub.add_parser("check", help="校验方案文件（不保存）")
        p.add_argument("file")
        p = sub.add_parser("draft", help="校验并保存为草稿")
        p.add_argument("file")
        p.add_argument("--user", required=True)
        for name, text in (("publish", "发布草稿"), ("what-if", "模拟评价草稿（不发布）")):
            p = sub.add_parser(name, help=text)
            p.add_argument("code")
            p.add_argument("version")
            p.add_argument("--user", required=True)
            if name == "publish":
                p.add_argument("--reason", required=True)
        p = sub.add_parser("recompute", help="按现行方案重新评价（全部或指定主体）")
        p.add_argument("--subject", type=int, action="append", help="主体编号，可重复")
        p.add_argument("--workers", type=int, help="并行进程数（默认每个 CPU 核一个；1 为单进程）")
        p = sub.add_parser("grade", help="查看主体等级与得分明细")
        p.add_argument("subject", type=int)
        p.add_argument("--on", help="历史日期 YYYY-MM-DD：按当日掌握的记录重现当日等级（不保存）")
        sub.add_parser("distribution", help="等级分布（按主体类型与市）")

    def handle(self, action, **o):
        try:
            getattr(self, "do_" + action.replace("-", "_"))(**o)
        except (ValidationError, PermissionDenied) as exc:
            msg = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(msg) from None

    def _user(self, name):
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise CommandError(f"用户“{name}”不存在或已停用")
        return user

    def _scheme(self, code, version):
        row = Scheme.objects.filter(code=code, version=version).first()
        if row is None:
            raise CommandError(f"没有评价方案 {code} 版本 {version}")
        return row

    def _bar(self, total, desc):
        from tqdm import tqdm

        return tqdm(total=total, unit="个主体", desc=desc, disable=None)

    def do_schemes(self, **_):
        for row in Scheme.objects.all():
            self.stdout.write(f"{row.code:24} {row.version:10} {row.get_state_display():6} "
                              f"{row.region or '全部':6} {row.name}")

    def do_check(self, file, **_):
        s = services.check(Path(file).read_text(encoding="utf-8"))
        self.stdout.write(f"无误：{s.name}（{s.code} {s.version}），指标 {len(s.indicators)} 项，"
                          f"否决项 {len(s.vetoes)} 项，等级 {'/'.join(b.code for b in s.bands)}")

    def do_draft(self, file, user, **_):
        row = services.save_draft(Path(file).read_text(encoding="utf-8"), by=self._user(user))
        self.stdout.write(f"已保存草稿 {row.code} {row.version}（编号 {row.pk}）")

    def do_publish(self, code, version, user, reason, **_):
        row = services.publish(self._scheme(code, version), by=self._user(user), reason=reason)
        self.stdout.write(f"已发布 {row.code} {row.version}；适用主体的等级将在后台重新计算")

    def do_what_if(self, code, version, user, **_):
        row = self._scheme(code, version)
        total = Subject.objects.filter(subject_type_id__in=row.subject_types).count()
        with self._bar(total, "模拟评价") as bar:
            run = services.what_if(row, by=self._user(user), progress=bar.update)
        s = run.summary
        self.stdout.write(f"适用主体 {run.subjects:,}，等级将变化 {run.changed:,}")
        for g in dict.fromkeys(s["grades"] + sorted(s["before"])):
            self.stdout.write(f"  {g:10} 现行 {s['before'].get(g, 0):>8,}   草稿 {s['after'].get(g, 0):>8,}")
        for move, n in list(s["moves"].items())[:20]:
            self.stdout.write(f"  {move}: {n:,}")

    def do_recompute(self, subject, workers=None, **_):
        if subject:
            tally = services.evaluate_subjects(subject)
            self.stdout.write(f"已重新评价 {tally.subjects} 个主体，结果变化 {tally.changed} 个")
            return
        with self._bar(Subject.objects.count(), "重新评价") as bar:
            run = services.recompute_all(progress=bar.update, workers=workers)
        self.stdout.write(f"已评价 {run.subjects:,} 个主体，结果变化 {run.changed:,} 个，"
                          f"未评价（无适用方案）{run.summary['not_evaluated']:,} 个")
        for grade, n in run.summary["grades"].items():
            self.stdout.write(f"  {grade:30} {n:>10,}")

    def do_grade(self, subject, on, **_):
        obj = Subject.objects.filter(pk=subject).first()
        if obj is None:
            raise CommandError(f"没有编号为 {subject} 的主体")
        if on:
            try:
                day = dt.date.fromisoformat(on)
            except ValueError:
                raise CommandError(f"--on 应为 YYYY-MM-DD：{on}") from None
            result = services.evaluate_on(obj, day)
            if result is None:
                self.stdout.write(f"{obj.name}：未评价（没有适用的评价方案）")
                return
            self.stdout.write(f"{obj.name} {day}：{result.grade}（{result.score} 分，按分数 {result.score_grade}）")
            for ln in result.lines:
                self.stdout.write(f"  {ln.indicator:24} {ln.ref:30} {ln.points:>8} {ln.note}")
            for v in result.vetoes:
                self.stdout.write(f"  否决：{v.name} → {v.grade}（{v.ref}）")
            return
        grade = selectors.grade_of(obj.pk)
        if grade is None:
            self.stdout.write(f"{obj.name}：尚未评价")
            return
        if grade.evaluation is None:
            self.stdout.write(f"{obj.name}：{grade.get_state_display()}")
            return
        self.stdout.write(f"{obj.name}：{grade.grade}（{grade.score} 分，方案 {grade.scheme.code} {grade.scheme.version}）")
        for ln in selectors.explain(grade.evaluation):
            self.stdout.write(f"  {ln['category']} {ln['indicator_name']:20} {ln['ref']:30} {ln['points']:>8} {ln['note']}")
        for v in grade.evaluation.explanation["vetoes"]:
            self.stdout.write(f"  否决：{v[1]} → {v[2]}（{v[4]}）")

    def do_distribution(self, **_):
        from legalcredit.accounts.policy import Scope

        for r in selectors.distribution(Scope(everything=True)):
            self.stdout.write(f"{r['subject_type']:22} {r['region']:6} {r['scheme']:22} {r['grade']:14} {r['count']:>8,}")
