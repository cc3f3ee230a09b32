"""The `legalcredit` command: a thin layer over Django's management commands.

It adds bilingual help, sets the settings module, and turns the two start-up
failures a new user meets (a bad DATABASE_URL, an unreachable database) into
one clear line instead of a traceback.
"""
from __future__ import annotations

import os
import sys

HELP = """\
legalcredit — 公共法律服务信用监管平台 / credit supervision platform for legal services

用法 / usage:  legalcredit <命令 command> [选项 options]

常用命令 / commands:
  serve              迁移数据库、加载基础数据并启动网站与后台任务
                     migrate, load reference data, start web server + huey worker
  demo               生成演示省份数据 (--size small|medium|large|N)
                     build a demo province (--size small|medium|large|N)
  refdata load       加载基础数据（行政区划、机构与人员类型、节假日）
                     load reference data (regions, subject types, holidays)
  refdata status     查看已加载的基础数据版本 / show loaded reference data versions
  records import     导入信用信息（CSV/XLSX：双公示国家模板或通用模板），全部成功才生效，错误报告可修改后重传
  records template   生成某类信息的空白导入模板 / a blank import template
                     import 双公示 files; all or nothing, with an error report
  records approve-batch  审核员审核导入批次 / a checker approves an import batch
  records export     导出国家标准格式（全量或增量，CSV/XLSX）/ export in the national format
  records timeliness 双公示上报率、合规率、及时率 / reporting, compliance and timeliness rates
  evaluation recompute  按现行方案重新评价全部主体（进度条）/ recompute every grade
  evaluation what-if CODE VERSION  模拟评价方案草稿，比较等级分布 / compare a draft with the grades in force
  evaluation grade ID [--on DATE]  主体等级与得分明细（可重现历史日期）/ a grade and every point's record
  evaluation draft|publish|check|schemes|distribution  方案草稿、发布、校验、列表、等级分布
  push add|list|rotate|end|run|test  信用关注变动推送地址（登记、列出、更换密钥、停止、立即推送、测试）
                     push endpoints for monitoring events
  exchange run|list  与信用信息共享平台的数据交换（写入前置机交换目录）/ data exchange
  migrate            数据库迁移 / apply database migrations
  createsuperuser    创建管理员 / create an administrator
  check              自检 / system check

其他 Django 管理命令均可使用：legalcredit <command> --help
Every Django management command works too: legalcredit <command> --help

环境变量 / environment:
  DATABASE_URL       默认 SQLite（var/legalcredit.sqlite3）；PostgreSQL: postgres://user@host:5432/db
  LEGALCREDIT_HOME   数据目录 / data directory (default ./var)
  SECRET_KEY, ALLOWED_HOSTS, REDIS_URL, DEBUG
"""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else ["legalcredit", *argv])
    if len(argv) < 2 or argv[1] in {"-h", "--help", "help"}:
        print(HELP)
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legalcredit.settings")

    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
        from django.core.management import execute_from_command_line
        from django.db import OperationalError, connection

        if argv[1] not in {"help", "version", "--version"}:
            try:
                connection.ensure_connection()
            except OperationalError as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
                print(f"错误：无法连接数据库（{_describe(connection)}）：{first}", file=sys.stderr)
                return 2
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        print(f"错误：配置有误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


def _describe(connection) -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {s.get('NAME')}"
    return f"{connection.vendor} {s.get('HOST') or 'localhost'}:{s.get('PORT') or ''}/{s.get('NAME')}"
