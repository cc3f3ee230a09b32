"""Demo credit records: a plausible four-year history for a demo registry (and the benchmarks).

Written raw as approved current versions, like a migration of historical data would be; each
batch is one audited bulk write. Mixes penalties of every severity (a few revocations), industry
discipline, annual assessments with the outcomes each subject type has, complaints upheld,
commendations and legal aid case reviews.
"""
from __future__ import annotations

import datetime as dt
import random
from typing import Iterator

from django.db import connection, transaction
from django.utils import timezone

from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.core.models import ImportBatch
from legalcredit.core.sealing import seal_fields
from legalcredit.domain import publication
from legalcredit.registry.models import Subject

from . import rules
from .bulk import RecordWriter

OUTCOMES = {"law_firm": ["合格", "合格", "合格", "不合格"], "lawyer": ["称职", "称职", "基本称职", "不称职"],
            "notary": ["优秀", "合格", "基本合格", "不合格"], "forensic_institution": ["合格", "合格", "不合格"],
            "grassroots_worker": ["称职", "称职", "不称职"], "grassroots_office": ["合格", "合格", "不合格"]}
BUREAU = "江苏省司法厅"


def rows(subjects: list[tuple[int, str]], n: int, rng: random.Random, today: dt.date,
         policy: publication.Policy | None = None) -> Iterator[dict]:
    """``n`` approved current record versions as value dicts, spread over ``subjects`` (id, type).
    With ``policy``, adverse records get their publication window as entry would compute it."""
    start = today - dt.timedelta(days=4 * 365)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    calendar = deadline = None
    if policy is not None:
        from legalcredit.refdata.selectors import work_calendar

        calendar, deadline = work_calendar(), rules.schemas()["penalty"].deadline_working_days
    for i in range(n):
        sid, stype = subjects[rng.randrange(len(subjects))]
        day = start + dt.timedelta(days=rng.randrange(4 * 365))
        roll = rng.random()
        row = {"subject_id": sid, "decision_date": day, "authority": BUREAU, "authority_level": "province",
               "source_unit": BUREAU,
               "decision_no": f"苏司决〔{day.year}〕{i + 1}号", "review": "approved", "is_current": True,
               "effective_at": now, "reason": "演示数据", "content_hash": ""}
        if roll < 0.30:
            sev = rng.choice(["minor", "minor", "general", "serious"])
            types = ["吊销许可证件"] if roll < 0.003 else [rng.choice(["警告", "罚款", "其他"])]
            row.update(kind="penalty", severity=sev, penalty_types=types, public=True, content="、".join(types),
                       effective_until=day + dt.timedelta(days=rng.choice([90, 180, 365])))
        elif roll < 0.40:
            row.update(kind="discipline", subtype=rng.choice(["训诫", "警告", "通报批评", "公开谴责"]),
                       severity="minor", public=True)
        elif roll < 0.60 and stype in OUTCOMES:
            sub = rng.choice(OUTCOMES[stype])
            row.update(kind="annual_assessment", subtype=sub, public=True,
                       severity="general" if sub in ("不合格", "不称职") else "")
        elif roll < 0.75:
            row.update(kind="complaint_upheld", severity="minor", public=True)
        elif roll < 0.90:
            row.update(kind="commendation", subtype=rng.choice(["国家级", "省级", "市级", "县级", "行业协会"]),
                       public=True)
        else:
            row.update(kind="legal_aid_review", subtype=rng.choice(["优秀", "良好", "合格", "不合格"]))
        _stamp_publication(row, day, policy)
        if row["kind"] == "penalty" and row.get("published_on") and calendar is not None:
            # 双公示 timeliness as approval computes it: most go online at once, about one in
            # twelve weeks late (chosen by the row's number, so the random stream is unchanged).
            if (i * 2654435761) % 100 < 8:
                row["published_on"] = day + dt.timedelta(days=(12, 20, 30)[i % 3])
            worked = calendar.working_days_between(day, row["published_on"])
            row.update(publication_working_days=worked, on_time=worked <= deadline)
        yield row


def _stamp_publication(row: dict, day: dt.date, policy: publication.Policy | None) -> None:
    """A demo row's publication as entry computes it: an adverse record's window under ``policy``;
    a public record with no severity (a commendation, a passed assessment) public from its
    decision, with no end."""
    if policy is not None and row.get("severity"):
        w = publication.window(day, row["severity"], policy, penalty_types=row.get("penalty_types", ()))
        row.update(public=w.published, publication_regime=w.regime, published_from=w.start if w.published else None,
                   min_publication_until=w.min_until, publication_end=w.until, repair_from=w.repair_from,
                   publication_note=w.explanation, published_on=day if w.published else None)
    elif row.get("public"):
        row.update(published_from=day, published_on=day,
                   publication_note=f"{rules.kind_name(row['kind'])}信息自决定日起公示")


def build(per_subject: float = 2.0, *, seed: int = 2260, subjects_of_batch: ImportBatch | None = None,
          actor=None) -> int:
    """About ``per_subject`` records for each subject (of one demo batch, or all)."""
    qs = Subject.objects.all()
    if subjects_of_batch is not None:
        qs = qs.filter(import_batch=subjects_of_batch)
    subjects = list(qs.order_by("pk").values_list("pk", "subject_type_id"))
    if not subjects:
        return 0
    n = round(len(subjects) * per_subject)
    rng = random.Random(seed)
    return _write(rows(subjects, n, rng, timezone.localdate(), rules.policy()), n, source="信用记录",
                  summary=f"演示信用记录 {n} 条", parameters={"records": n, "seed": seed}, actor=actor)


def _write(values, n: int, *, source: str, summary: str, parameters: dict, actor) -> int:
    """``n`` record versions as one audited demo batch, all or none, written in chunks."""
    with transaction.atomic():
        batch = ImportBatch.objects.create(kind="records.demo", source=f"legalcredit demo（{source}）",
                                           created_by=actor if getattr(actor, "pk", None) else None,
                                           parameters=parameters, rows=n)
        writer = RecordWriter(batch.pk, actor, "演示数据")
        chunk = []
        for row in values:
            chunk.append(row)
            if len(chunk) == 20_000:
                writer.write(chunk)
                chunk = []
        writer.write(chunk)
        writer.finish()
        audit(action=AuditEntry.Action.BULK, actor=actor, object_type="core.importbatch", object_id=batch.pk,
              summary=summary, reason="生成演示数据", data=batch.parameters)
    return n


# Licences the provincial bureau grants (律师法 Arts 6 and 18; 全国人大常委会关于司法鉴定管理问题的
# 决定 Art 6), as the demo's 行政许可 decisions: certificate, decision document, what is granted.
LICENCES = {
    "lawyer": ("律师执业证", "准予律师执业决定书", "准予{name}律师执业"),
    "law_firm": ("律师事务所执业许可证", "准予设立律师事务所决定书", "准予设立{name}"),
    "forensic_institution": ("司法鉴定许可证", "准予司法鉴定机构登记决定书", "准予{name}从事司法鉴定业务"),
    "forensic_appraiser": ("司法鉴定人执业证", "准予司法鉴定人登记决定书", "准予{name}从事司法鉴定业务"),
}


def build_licenses(*, years: int = 3, subjects_of_batch: ImportBatch | None = None, actor=None) -> int:
    """双公示 licensing decisions: one for each lawyer, law firm, forensic institution and appraiser
    licensed in the last ``years``, with the national fields a file from the licensing system
    carries, published (as approval stamps them) mostly at once and about one in twelve late."""
    from legalcredit.domain.identifiers import generate
    from legalcredit.refdata.selectors import work_calendar

    today = timezone.localdate()
    qs = Subject.objects.filter(subject_type_id__in=list(LICENCES), license_issued_on__gte=today.replace(
        year=today.year - years, day=min(today.day, 28)))
    if subjects_of_batch is not None:
        qs = qs.filter(import_batch=subjects_of_batch)
    subjects = list(qs.order_by("license_issued_on", "pk").values_list(
        "pk", "subject_type_id", "name", "kind", "uscc", "id_number", "license_no", "legal_representative",
        "license_issued_on"))
    if not subjects:
        return 0
    calendar, deadline = work_calendar(), rules.schemas()["license"].deadline_working_days
    personal = rules.personal_codes()
    bureau_code = generate.uscc_code(random.Random(BUREAU), authority="1", category="1", region="320000", serial=1)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows, numbered = [], {}
    for i, (pk, stype, name, kind, code, number, licence_no, head, day) in enumerate(subjects):
        certificate, document, granted = LICENCES[stype]
        person = kind == "practitioner"
        numbered[day.year] = numbered.get(day.year, 0) + 1
        decision_no = f"苏司许〔{day.year}〕{numbered[day.year]}号"
        details = {"XK_XDR_MC": name, "XK_XDR_LB": "自然人" if person else "法人及非法人组织",
                   "XK_XKWS": document, "XK_WSH": decision_no, "XK_XKLB": "普通", "XK_XKZS": certificate,
                   "XK_XKBH": licence_no or code or "", "XK_NR": granted.format(name=name),
                   "XK_JDRQ": day.isoformat(), "XK_YXQZ": day.isoformat(), "XK_XKJG": BUREAU, "XK_XKJGDM": bureau_code,
                   "XK_ZT": "1", "XK_LYDW": BUREAU, "XK_LYDWDM": bureau_code}
        if person and number:
            details |= {"XK_XDR_ZJLX": "身份证", "XK_XDR_ZJHM": number}
        elif not person:
            details |= {"XK_XDR_SHXYM": code or "", "XK_FRDB": head or ""}
        published = day + dt.timedelta(days=(12, 20, 30)[i % 3] if (i * 2654435761) % 100 < 8 else 0)
        worked = calendar.working_days_between(day, published)
        rows.append({"subject_id": pk, "kind": "license", "subtype": "普通", "decision_date": day,
                     "decision_no": decision_no, "authority": BUREAU, "authority_uscc": bureau_code,
                     "authority_level": "province", "source_unit": BUREAU, "source_unit_uscc": bureau_code,
                     "content": details["XK_NR"], "effective_from": day, "certificate": certificate,
                     "details": seal_fields({k: v for k, v in details.items() if v}, personal), "review": "approved", "is_current": True,
                     "effective_at": now, "reason": "演示数据", "content_hash": "", "public": True,
                     "published_from": day, "published_on": published,
                     "publication_note": f"{rules.kind_name('license')}信息自决定日起公示",
                     "publication_working_days": worked, "on_time": worked <= deadline})
    return _write(rows, len(rows), source="行政许可", summary=f"演示行政许可信息 {len(rows)} 条",
                  parameters={"records": len(rows), "years": years}, actor=actor)


def build_forensic_results(*, seed: int = 4, subjects_of_batch: ImportBatch | None = None, actor=None) -> int:
    """能力验证 and 司法鉴定文书评查 results of the last three years: about seven in ten forensic
    institutions and appraisers took a proficiency test (so the coverage page has gaps to show),
    and about half had an opinion reviewed."""
    qs = Subject.objects.filter(subject_type_id__in=["forensic_institution", "forensic_appraiser"])
    if subjects_of_batch is not None:
        qs = qs.filter(import_batch=subjects_of_batch)
    subjects = list(qs.order_by("pk").values_list("pk", flat=True))
    rng, today, policy = random.Random(seed), timezone.localdate(), rules.policy()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    out = []
    for pk in subjects:
        for kind, share, outcomes, organiser in (
                ("proficiency_test", 0.7, ["满意", "满意", "通过", "不通过"], "司法部司法鉴定科学研究院"),
                ("opinion_review", 0.5, ["优秀", "合格", "合格", "不合格"], "江苏省司法鉴定协会")):
            if rng.random() >= share:
                continue
            day = today - dt.timedelta(days=rng.randrange(3 * 365))
            sub = rng.choice(outcomes)
            row = {"subject_id": pk, "kind": kind, "subtype": sub, "decision_date": day, "authority": organiser,
                   "source_unit": BUREAU, "decision_no": f"{rules.kind_name(kind)}〔{day.year}〕{len(out) + 1}号",
                   "content": f"{day.year}年度{rules.kind_name(kind)}：{sub}", "review": "approved", "is_current": True,
                   "effective_at": now, "reason": "演示数据", "content_hash": "", "public": True}
            if sub in ("不通过", "不合格"):
                row["severity"] = "minor"
            _stamp_publication(row, day, policy)
            out.append(row)
    if not out:
        return 0
    return _write(out, len(out), source="能力验证、文书评查", summary=f"演示能力验证和文书评查结果 {len(out)} 条",
                  parameters={"records": len(out), "seed": seed}, actor=actor)


def build_pending_batch(*, seed: int = 2260) -> int:
    """A small 双公示 penalty file of the demo county, imported by its maker through the real
    importer and left for the city checker, so the back office opens with a batch to decide
    (待办事项 → 待审核的导入批次 → 审核本批次, run by the background worker). How many rows."""
    import csv
    import tempfile
    from pathlib import Path

    from django.contrib.auth import get_user_model

    from legalcredit.domain.identifiers import generate

    from . import importer

    maker = get_user_model().objects.filter(username="county").select_related("officer__region__parent").first()
    region = getattr(getattr(maker, "officer", None), "region", None)
    if region is None or region.parent is None:
        return 0
    city = region.parent
    rng = random.Random(seed)
    bureau = f"{city.name}司法局"
    code = generate.uscc_code(rng, authority="1", category="1", region=city.code, serial=1)
    here = Subject.objects.filter(region__code__startswith=region.jurisdiction_prefix).order_by("pk")
    firms = list(here.filter(subject_type_id="law_firm", uscc__isnull=False).values_list("name", "uscc")[:4])
    lawyers = list(here.filter(subject_type_id="lawyer", id_number__isnull=False).values_list("name", "id_number")[:4])
    today = timezone.localdate()
    rows = []
    for name, uscc in firms:
        rows.append({"CF_XDR_MC": name, "CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": uscc,
                     "CF_WFXW": "疏于管理", "CF_SY": "未按规定管理本所律师执业活动",
                     "CF_YJ": "《中华人民共和国律师法》第五十条", "CF_CFLB": "警告", "CF_NR": "警告"})
    for name, number in lawyers:
        rows.append({"CF_XDR_MC": name, "CF_XDR_LB": "自然人", "CF_XDR_ZJLX": "身份证", "CF_XDR_ZJHM": number,
                     "CF_WFXW": "不按时出庭", "CF_SY": "无正当理由拒绝履行法律援助义务",
                     "CF_YJ": "《中华人民共和国律师法》第四十七条", "CF_CFLB": "警告", "CF_NR": "警告"})
    for i, row in enumerate(rows):
        # Most decided within the 7 working days before today; one a month back, late.
        day = today - dt.timedelta(days=30 if i == 0 else 2 + i % 4)
        row.update(CF_WSH=f"{city.name[:2]}司罚决〔{day.year}〕演{i + 1}号", CF_JDRQ=day.isoformat(), CF_CFJG=bureau,
                   CF_CFJGDM=code, CF_SJLY=bureau, CF_SJLYDM=code)
    if not rows:
        return 0
    header = list(dict.fromkeys(k for row in rows for k in row))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{city.name}双公示行政处罚（待审核演示）.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=header, restval="")
            writer.writeheader()
            writer.writerows(rows)
        result = importer.import_records(path, kind="penalty", actor=maker, reason="演示：本月双公示行政处罚报送")
    return result.created if result.applied else 0
