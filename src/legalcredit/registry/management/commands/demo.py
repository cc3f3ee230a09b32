from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from legalcredit.accounts.services import demo_login_lines, ensure_demo_users
from legalcredit.refdata import services as refdata
from legalcredit.registry import demo


class Command(BaseCommand):
    help = ("生成演示省份：机构与从业人员、执业关系及其历史、演示账号。"
            "Build a demo province: institutions, practitioners, affiliations with history, demo logins.")

    def add_arguments(self, parser):
        parser.add_argument("--size", default="small",
                            help="small(3千) | medium(5万) | large(50万) | 主体数 N")
        parser.add_argument("--province", default=settings.LEGALCREDIT_PROVINCE,
                            help="省级行政区划代码，默认 320000 江苏省 / province code")
        parser.add_argument("--seed", type=int, default=2260, help="随机种子 / random seed")
        parser.add_argument("--no-users", action="store_true", help="不创建演示账号")

    def handle(self, size, province, seed, no_users, **opts):
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("数据库尚未初始化或未升级到当前版本：请先运行 legalcredit migrate"
                               "（或直接运行 legalcredit serve --demo，它会先迁移再生成演示数据）")
        try:
            total = demo.parse_size(size)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if not refdata.is_loaded():
            refdata.load_all()

        def progress(n):
            self.stdout.write(f"  已写入 {n:,} / {total:,}")

        try:
            batch, seconds = demo.build(total, province_code=province, seed=seed, progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(
            f"演示数据已生成：{batch.rows:,} 个主体，用时 {seconds:.1f} 秒（批次 #{batch.pk}）"))
        # A registry without history grades everyone alike; give it four years of records, then grade it.
        from legalcredit.evaluation import services as evaluation
        from legalcredit.records import demo as records_demo

        n = records_demo.build(seed=seed, subjects_of_batch=batch)
        n += records_demo.build_licenses(subjects_of_batch=batch)
        n += records_demo.build_forensic_results(subjects_of_batch=batch)
        run = evaluation.recompute_all()
        self.stdout.write(f"  演示信用记录 {n:,} 条；已评定信用等级 {run.subjects - run.summary['not_evaluated']:,} 个主体"
                          f"（{run.summary['not_evaluated']:,} 个无适用方案，未评价）")
        if not no_users:
            for line in demo_login_lines(ensure_demo_users(province)):
                self.stdout.write(line)
            build_cases(self.stdout)


def build_cases(stdout) -> None:
    """Cases the demo officers handle (they must exist first), so the queues are not empty."""
    from legalcredit.audit import demo as audit_demo
    from legalcredit.bulletins import demo as bulletins_demo
    from legalcredit.checks import demo as checks_demo
    from legalcredit.complaints import demo as complaints_demo
    from legalcredit.filings import demo as filings_demo
    from legalcredit.inspections import demo as inspections_demo
    from legalcredit.legal_aid import demo as legal_aid_demo
    from legalcredit.lists import demo as lists_demo
    from legalcredit.records import demo as records_demo
    from legalcredit.referrals import demo as referrals_demo
    from legalcredit.remedies import demo as remedies_demo
    from legalcredit.satisfaction import demo as satisfaction_demo

    stdout.write(f"  演示信用修复、异议与承诺案件 {remedies_demo.build()} 件")
    stdout.write(f"  演示信用名单案件 {lists_demo.build()} 件（严重失信、重点关注、守信激励）")
    stdout.write(f"  演示信用核查 {checks_demo.build()} 次（政府采购、行政审批、招标投标）")
    drawn = inspections_demo.build()
    if drawn:
        stdout.write(f"  演示双随机抽查任务 1 个，抽取 {drawn} 个检查对象（县级办理员创建，市级审核员抽取，1 个结果已公示）")
    if complaints_demo.build():
        stdout.write("  演示投诉 6 件（网上投诉待受理审查、调查中、查实并告知、不予受理；一名律师投诉集中，触发投诉预警）")
    if legal_aid_demo.build():
        stdout.write("  演示法律援助案件质量评查 3 件（待确认、已确认、不合格待复查）")
    rated = satisfaction_demo.build()
    if rated:
        stdout.write(f"  演示满意度评价 {rated} 条（上季度可汇总，本季度 1 条差评待回访）")
    if bulletins_demo.build():
        stdout.write("  演示通报 1 份（县级办理员起草，市级审核员发布，公示网站“通报公示”可见）")
    referred = referrals_demo.build()
    if referred:
        stdout.write(f"  演示行政处罚与行业惩戒衔接 {referred} 件（移送市律师协会：1 件已反馈不予处分，1 件待研究反馈）")
    if filings_demo.build():
        stdout.write("  演示行政处罚报送 3 件（1 件按时报送已签收、整改中，1 件逾期报送待签收，1 件待市级报送）")
    if audit_demo.build():
        stdout.write("  演示查询使用审查 1 个月（县级办理员夜间查阅、市级审核员单日查看完整身份证号较多，待管理员核实）")
    pending = records_demo.build_pending_batch()
    if pending:
        stdout.write(f"  演示待审核导入批次 1 个，{pending} 条（县级办理员导入，待市级审核员审核）")
