"""The data exchange with the provincial and national sharing platforms (数据交换).

Provincial credit platforms collect from a department's exchange server (前置机): files dropped in
an agreed folder, which the platform's agent takes away. A run writes there what the platforms
have not yet been sent (the whole record the first time; after that, in effect, the period since
the last successful run):

* the 行政处罚 and 行政许可 records whose current version is not yet reported, in the national 双公示
  format (revocations and withdrawals included, so the platform takes them down), then marked as
  reported (an officer's export marked reported counts too);
* the list entries (严重失信主体名单, 守信激励对象名单, ...) published or removed since they were last
  sent, each marked with what it was sent as;
* the outcomes of credit repairs and objections the platforms still owe (终止公示, 移出名单), marked
  as sent, which stops their sync clocks;
* a manifest naming each file with its row count and SHA-256, written last.

Files are written aside and moved into the outbox before the run's transaction commits: a failed
run takes back what it moved and marks nothing, so the next run sends the same rows again (an
agent that took a file in between gets them twice: delivery is at least once, and the platforms
key rows by decision number).
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from legalcredit.accounts.policy import Scope
from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.core.backup import file_sha256
from legalcredit.core.errors import field_error
from legalcredit.domain import credit_lists
from legalcredit.lists.models import ListEntry, Stage
from legalcredit.lists.services import catalogue
from legalcredit.records import export
from legalcredit.remedies.models import SyncEntry
from legalcredit.remedies.services import sync

from .models import ExchangeRun

# The exchange reports the whole province, full ID numbers included: the platforms need them.
PROVINCE = Scope(everything=True, full_id_number=True)
PURPOSE = "数据交换：报送信用信息共享平台"
KINDS = (("penalty", "行政处罚"), ("license", "行政许可"))
OUTCOME_HEADER = ["同步事项", "主体名称", "统一社会信用代码", "公民身份号码", "信息", "同步内容", "产生日", "应同步期限"]
LIST_HEADER = ["名单", "状态", "主体名称", "统一社会信用代码", "公民身份号码", "执业证号", "责任人身份", "列入事由",
               "列入依据", "认定单位", "认定单位统一社会信用代码", "决定书文号", "决定日期", "列入日", "有效期至", "公示日",
               "移出日", "移出方式", "移出说明"]


def outbox() -> Path:
    if not settings.EXCHANGE_OUTBOX:
        raise field_error("outbox", "交换目录", "未配置（设置 EXCHANGE_OUTBOX 为前置机收取文件的目录）")
    return Path(settings.EXCHANGE_OUTBOX)


def _write(path: Path, header: list[str], rows) -> None:
    # As the 双公示 export writes CSV: UTF-8 with a BOM, so Excel opens it as Chinese text.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def _outcomes(path: Path, *, by) -> int:
    """The remedy outcomes still owed to the platforms, written and marked sent."""
    owed = list(SyncEntry.objects.filter(sent_at__isnull=True).select_related("subject").order_by("created_on", "id"))
    _write(path, OUTCOME_HEADER, ([e.action, e.subject.name, e.subject.uscc or "", e.subject.id_number or "", e.item,
                                   json.dumps(e.payload, ensure_ascii=False, sort_keys=True),
                                   e.created_on.isoformat(), e.due_on.isoformat()] for e in owed))
    sync.mark_sent([e.pk for e in owed], by=by)
    return len(owed)


# pg_advisory_xact_lock's key for the exchange (any constant no other lock of the database uses).
LOCK_KEY = 0x6C63_6578


def _one_at_a_time() -> None:
    """Hold the exchange until the transaction ends. PostgreSQL only: SQLite lets one writer at a
    time through anyway, and the second run's first write waits for the first run to commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _list_entries(path: Path, *, by) -> int:
    """The list entries published, or removed, since the platforms were last sent them (each
    entry keeps what it was last sent as), written and marked."""
    cat = catalogue()
    owed = list(ListEntry.objects.filter(stage__in=[Stage.PUBLISHED, Stage.REMOVED], published_on__isnull=False)
                .filter(Q(removed_on__isnull=True) & ~Q(reported_as="published")
                        | Q(removed_on__isnull=False) & ~Q(reported_as="removed"))
                .select_related("subject").order_by("pk"))
    _write(path, LIST_HEADER, ([
        cat.lists[e.list_code].name if e.list_code in cat.lists else e.list_code, "移出" if e.removed_on else "列入",
        e.subject.name, e.subject.uscc or "", e.subject.id_number or "", e.subject.license_no or "", e.role,
        e.reasons, e.legal_basis, e.authority, e.authority_uscc, e.decision_no,
        *(export.cell(d) for d in (e.decided_on, e.listed_from, e.listed_until, e.published_on, e.removed_on)),
        credit_lists.REMOVALS.get(e.removal, e.removal), e.removal_note] for e in owed))
    for state, removed in (("published", False), ("removed", True)):
        ListEntry.objects.filter(pk__in=[e.pk for e in owed if bool(e.removed_on) == removed]).update(reported_as=state)
    if owed:
        audit(action=AuditEntry.Action.EXPORT, actor=by, object_type="lists.listentry", reason=PURPOSE,
              summary=f"报送信用名单 {len(owed)} 条（含个人信息）", data={"file": path.name, "rows": len(owed)})
    return len(owed)


def run(*, by=None) -> ExchangeRun:
    """One run: the files in the outbox and its record; a failure is recorded too, then raised."""
    folder = outbox()
    folder.mkdir(parents=True, exist_ok=True)
    started = timezone.now()
    staging = folder / f".partial-{uuid.uuid4().hex}"
    since, moved = None, []
    try:
        with transaction.atomic():
            _one_at_a_time()
            # Read once the lock is held, so a run that waited reports its period from where the one
            # before it ended (what it sends is what is not yet marked sent, whatever the period).
            last = ExchangeRun.objects.filter(state=ExchangeRun.State.DONE).order_by("-until").first()
            since, until = (last.until if last else None), timezone.now()
            # To the microsecond: two runs in one second must not write over each other's files.
            stamp = timezone.localtime(until).strftime("%Y%m%dT%H%M%S%f")
            staging.mkdir()
            files = []
            for kind, label in KINDS:
                name = f"{kind}_{stamp}.csv"
                rows = export.export(kind, staging / name, actor=by, scope=PROVINCE, unreported=True, fmt="csv",
                                     mark_reported=True, purpose=PURPOSE)
                files.append({"name": name, "kind": label, "rows": rows, "sha256": file_sha256(staging / name)})
            name = f"lists_{stamp}.csv"
            rows = _list_entries(staging / name, by=by)
            files.append({"name": name, "kind": "信用名单", "rows": rows, "sha256": file_sha256(staging / name)})
            name = f"remedy_outcomes_{stamp}.csv"
            rows = _outcomes(staging / name, by=by)
            files.append({"name": name, "kind": "信用修复、异议结果", "rows": rows, "sha256": file_sha256(staging / name)})
            done = ExchangeRun.objects.create(started_at=started, finished_at=timezone.now(), since=since, until=until,
                                              state=ExchangeRun.State.DONE, files=files, by=by)
            manifest = f"manifest_{stamp}.json"
            (staging / manifest).write_text(json.dumps({
                "run": done.pk, "generated_at": done.finished_at.isoformat(),
                "since": since.isoformat() if since else None, "until": until.isoformat(), "files": files},
                ensure_ascii=False, indent=1), encoding="utf-8")
            # The manifest last: an agent that waits for it finds every file it names in place.
            for name in [*(f["name"] for f in files), manifest]:
                os.replace(staging / name, folder / name)
                moved.append(folder / name)
            return done
    except Exception as exc:
        for path in moved:  # nothing was marked sent: the next run sends these rows again
            path.unlink(missing_ok=True)
        ExchangeRun.objects.create(started_at=started, finished_at=timezone.now(), since=since,
                                   until=timezone.now(), state=ExchangeRun.State.FAILED, by=by,
                                   error=f"{type(exc).__name__}: {exc}"[:500])
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
