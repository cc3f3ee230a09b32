"""双随机、一公开: plans, the logged draw, conflicts of interest, and results entered by whoever
inspected (「谁检查、谁录入、谁公开」) as credit records that a checker approves for publication.

The draw itself is ``domain.draws`` (pure, reproducible). What it was made from is stored with
the plan (seed, candidate list with each one's rate, cap and inspections so far, the inspector
pool and the conflicts), its digest goes to the audit trail, and ``verify_draw`` repeats it.
"""
from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from legalcredit.accounts.policy import may_in_region
from legalcredit.audit import selectors as audit_trail
from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.core.errors import field_error
from legalcredit.deadlines import services as clocks
from legalcredit.domain import draws
from legalcredit.domain.identifiers import IdentifierError, uscc
from legalcredit.domain.remedies import TimeLimit
from legalcredit.records import rules as record_rules
from legalcredit.records import services as records
from legalcredit.records.prepare import Draft
from legalcredit.refdata.models import Region
from legalcredit.registry.models import Subject

from . import selectors
from .models import Conflict, Inspection, Inspector, Plan

CASE_TYPE = "inspection"


def _may(by, perm: str, region_code: str) -> None:
    may_in_region(by, perm, region_code, "双随机抽查")


def _region(code: str, field: str, label: str) -> Region:
    region = Region.objects.filter(code=(code or "").strip(), in_force=True).first()
    if region is None:
        raise field_error(field, label, f"“{code}”不是现行的行政区划代码")
    return region


def _text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise field_error(field, label, "必须填写")
    return value


@transaction.atomic
def register_inspector(*, by, name: str, unit: str, region: str, enforcement_no: str, post: str = "",
                       user=None) -> Inspector:
    place = _region(region, "region", "所属行政区划")
    _may(by, "inspections.add_inspector", place.code)
    number = _text(enforcement_no, "enforcement_no", "执法证号")
    if Inspector.objects.filter(enforcement_no=number).exists():
        raise field_error("enforcement_no", "执法证号", f"{number} 已在检查人员名录库中")
    inspector = Inspector.objects.create(name=_text(name, "name", "姓名"), unit=_text(unit, "unit", "所在单位"),
                                         region=place, enforcement_no=number,
                                         post=post.strip(), user=user)
    audit(action=AuditEntry.Action.CREATE, actor=by, object_type="inspections.inspector", object_id=inspector.pk,
          summary=f"检查人员入库：{inspector}")
    return inspector


@transaction.atomic
def set_active(inspector: Inspector, *, by, active: bool, reason: str) -> Inspector:
    """Take an inspector out of the directory (transferred, retired, no longer holding an
    enforcement certificate) or put them back; later draws follow, earlier ones stand."""
    _may(by, "inspections.change_inspector", inspector.region_id)
    reason = _text(reason, "reason", "原因")
    inspector.active = active
    inspector.save(update_fields=["active"])
    audit(action=AuditEntry.Action.UPDATE, actor=by, object_type="inspections.inspector", object_id=inspector.pk,
          summary=f"{'恢复' if active else '移出'}检查人员名录库：{inspector}", reason=reason)
    return inspector


@transaction.atomic
def record_conflict(*, by, inspector: Inspector, subject, reason: str) -> Conflict:
    _may(by, "inspections.add_conflict", subject.region_id)
    reason = _text(reason, "reason", "回避事由")
    if Conflict.objects.filter(inspector=inspector, subject=subject).exists():
        raise field_error("subject", "检查对象", f"{inspector.name}与{subject.name}的回避关系已登记")
    conflict = Conflict.objects.create(inspector=inspector, subject=subject, reason=reason, recorded_by=by)
    audit(action=AuditEntry.Action.CREATE, actor=by, object_type="inspections.conflict", object_id=conflict.pk,
          summary=f"登记回避关系：{inspector.name} — {subject.name}", reason=reason)
    return conflict


@transaction.atomic
def create_plan(*, by, name: str, item: str, region: str, year: int, authority: str, authority_uscc: str,
                inspect_from: dt.date, inspect_until: dt.date) -> Plan:
    place = _region(region, "region", "抽查范围")
    _may(by, "inspections.add_plan", place.code)
    r = selectors.rules()
    if item not in r.items:
        raise field_error("item", "抽查事项", f"“{item}”不在随机抽查事项清单中（可选：{'、'.join(r.items)}）")
    try:
        code = uscc.validate(_text(authority_uscc, "authority_uscc", "检查机关统一社会信用代码")).value
    except IdentifierError as exc:
        raise field_error("authority_uscc", "检查机关统一社会信用代码", exc.message) from None
    if inspect_until < inspect_from:
        raise field_error("inspect_until", "检查结束日", f"{inspect_until}早于检查开始日{inspect_from}")
    if inspect_from.year != year:
        raise field_error("year", "年度", f"检查开始日{inspect_from}不在{year}年度")
    plan = Plan.objects.create(name=_text(name, "name", "抽查任务名称"), item=item,
                               region=place, year=year,
                               authority=_text(authority, "authority", "检查机关"), authority_uscc=code,
                               inspect_from=inspect_from, inspect_until=inspect_until, created_by=by)
    audit(action=AuditEntry.Action.CREATE, actor=by, object_type="inspections.plan", object_id=plan.pk,
          summary=f"创建抽查任务：{plan.name}（{r.items[item].name}）")
    return plan


@transaction.atomic
def draw(plan_id: int, *, by) -> Plan:
    """Draw the plan's subjects and their inspectors, once; logged with seed, time and inputs."""
    plan = Plan.objects.select_for_update().select_related("region").get(pk=plan_id)
    _may(by, "inspections.draw_plan", plan.region_id)
    if plan.state != Plan.State.DRAFT:
        when = f"{timezone.localtime(plan.drawn_at):%Y-%m-%d %H:%M}"
        raise field_error("state", "状态", f"该任务已于 {when} 抽取，不能重复抽取")
    r = selectors.rules()
    candidates = selectors.candidates(plan, r)
    if not candidates:
        raise field_error("item", "抽查事项", "抽查范围内没有可抽取的检查对象（执业状态正常的该类主体）")
    pool = sorted(selectors.inspector_pool(plan).values_list("pk", flat=True))
    conflicts = selectors.conflicts(plan, r)
    load = selectors.inspector_load(plan)
    seed = secrets.token_hex(16)
    share = r.items[plan.item].minimum_share if plan.item in r.items else Decimal(0)
    chosen = draws.draw_subjects(candidates, seed, share)
    areas = subject_areas = None
    if r.inspectors_from == "city" and plan.region.level == plan.region.Level.PROVINCE:
        # 省级抽取检查对象、派至各市，由市抽取检查人员: each subject's inspectors from its own city.
        areas = {pk: code[:4] for pk, code in Inspector.objects.filter(pk__in=pool).values_list("pk", "region_id")}
        subject_areas = {}
        ids = [c.subject_id for c in chosen]
        for i in range(0, len(ids), 1000):
            subject_areas.update({pk: code[:4] for pk, code in Subject.objects.filter(
                pk__in=ids[i:i + 1000]).values_list("pk", "region_id")})
    try:
        drawn = draws.assign_inspectors(chosen, pool, conflicts, seed, r.per_inspection, load, areas=areas,
                                        subject_areas=subject_areas)
    except draws.DrawError as exc:
        raise field_error("inspectors", "检查人员", str(exc)) from None
    plan.state, plan.seed, plan.drawn_at, plan.drawn_by = Plan.State.DRAWN, seed, timezone.now(), by
    plan.rules_version, plan.candidates = r.version, draws.pack(candidates)
    plan.candidates_digest = draws.candidates_digest(candidates)
    plan.inspector_pool = {"ids": pool, "conflicts": {str(k): sorted(v) for k, v in conflicts.items()},
                           "per_inspection": r.per_inspection, "load": {str(k): v for k, v in load.items()},
                           "minimum_share": str(share)}
    if areas is not None:
        plan.inspector_pool |= {"areas": {str(k): v for k, v in areas.items()},
                                "subject_areas": {str(k): v for k, v in subject_areas.items()}}
    plan.save()
    # In bulk: a province-wide plan draws thousands.
    # SQLite and PostgreSQL both return the new keys from a bulk insert.
    made = Inspection.objects.bulk_create([Inspection(plan=plan, subject_id=d.subject_id, stratum=d.stratum)
                                           for d in drawn], batch_size=1000)
    by_subject = {i.subject_id: i.pk for i in made}
    through = Inspection.inspectors.through
    through.objects.bulk_create([through(inspection_id=by_subject[d.subject_id], inspector_id=i)
                                 for d in drawn for i in d.inspectors], batch_size=2000)
    audit(action=AuditEntry.Action.UPDATE, actor=by, object_type="inspections.plan", object_id=plan.pk,
          summary=f"双随机抽取：{plan.name}，从 {len(candidates)} 个检查对象中抽取 {len(drawn)} 个",
          data={"seed": seed, "candidates": len(candidates), "candidates_digest": plan.candidates_digest,
                "drawn": len(drawn), "drawn_digest": draws.drawn_digest(drawn)})
    return plan


def verify_draw(plan: Plan) -> tuple[bool, str]:
    """Repeat the draw from what was logged with it; (the same?, why not)."""
    if plan.state != Plan.State.DRAWN:
        return False, "该任务尚未抽取"
    candidates = draws.unpack(plan.candidates)
    if draws.candidates_digest(candidates) != plan.candidates_digest:
        return False, "存档的检查对象名录与摘要不符"
    pool = plan.inspector_pool
    local = {key: {int(k): v for k, v in pool[key].items()} for key in ("areas", "subject_areas") if key in pool}
    try:
        again = draws.draw(candidates, pool["ids"], {int(k): set(v) for k, v in pool["conflicts"].items()},
                           plan.seed, pool["per_inspection"], {int(k): v for k, v in pool.get("load", {}).items()},
                           minimum_share=Decimal(pool.get("minimum_share", "0")), **local)
    except (draws.DrawError, KeyError):
        return False, "按存档的种子、名录和检查人员所在地区无法重新抽取"
    stored: dict[int, list[int]] = {}
    for subject_id, inspector_id in Inspection.inspectors.through.objects.filter(
            inspection__plan=plan).values_list("inspection__subject_id", "inspector_id"):
        stored.setdefault(subject_id, []).append(inspector_id)
    stored_drawn = [draws.Drawn(sid, "", tuple(sorted(ids))) for sid, ids in stored.items()]
    if audit_trail.logged("inspections.plan", plan.pk, "drawn_digest") != draws.drawn_digest(stored_drawn):
        return False, "存档的抽取结果与审计日志记载的不一致"
    if {d.subject_id: d.inspectors for d in again} != {d.subject_id: d.inspectors for d in stored_drawn}:
        return False, "按存档的种子和名录重新抽取，结果与存档的抽取结果不一致"
    return True, ""


@transaction.atomic
def record_result(inspection_id: int, *, by, inspected_on: dt.date, result: str, findings: str) -> Inspection:
    """The inspection's result, entered as a credit record (行政检查结果) for a checker to approve;
    the clock to publish it starts on the day of inspection."""
    inspection = Inspection.objects.select_for_update().select_related("plan", "subject").get(pk=inspection_id)
    plan, subject = inspection.plan, inspection.subject
    _may(by, "inspections.change_inspection", subject.region_id)
    # 谁检查、谁录入: where the drawn inspectors have accounts, one of them enters the result.
    accounts = {i.user_id for i in inspection.inspectors.all() if i.user_id}
    if accounts and by.pk not in accounts and not by.is_superuser:
        names = "、".join(i.name for i in inspection.inspectors.all())
        raise PermissionDenied(f"检查结果由本次检查的检查人员（{names}）录入（谁检查、谁录入）")
    if inspection.result:
        raise field_error("result", "检查结果", "已录入，更正请在信用记录中提出新版本")
    allowed = record_rules.kinds()["inspection"].subtypes
    if result not in allowed:
        raise field_error("result", "检查结果", f"应为 {'、'.join(allowed)} 之一，收到“{result}”")
    today = timezone.localdate()
    if inspected_on > today or inspected_on < plan.inspect_from:
        raise field_error("inspected_on", "检查日期",
                          f"应在检查开始日 {plan.inspect_from} 至今天之间，收到 {inspected_on}")
    r = selectors.rules()
    item = r.items[plan.item]
    rec = records.submit(subject, Draft(
        kind="inspection", subtype=result, decision_date=inspected_on, authority=plan.authority,
        authority_uscc=plan.authority_uscc, source_unit=plan.authority, source_unit_uscc=plan.authority_uscc,
        decision_no=f"双随机〔{plan.year}〕{plan.pk}-{inspection.pk}号", legal_basis=item.legal_basis,
        content=_text(findings, "findings", "检查情况")), actor=by, reason=f"双随机抽查结果：{plan.name}")
    inspection.inspected_on, inspection.result, inspection.findings = inspected_on, result, findings.strip()
    inspection.result_key, inspection.result_by = rec.key, by
    inspection.save(update_fields=["inspected_on", "result", "findings", "result_key", "result_by"])
    clocks.start(CASE_TYPE, inspection.pk, TimeLimit("publish_result", r.result_name, r.result_working_days,
                                                     r.result_source),
                 subject=subject, on=inspected_on, assignee=by)
    audit(action=AuditEntry.Action.UPDATE, actor=by, object_type="inspections.inspection", object_id=inspection.pk,
          summary=f"录入抽查结果：{subject.name} {result}")
    return inspection


@transaction.atomic
def results_published(record_keys, on: dt.date) -> int:
    """Approved result records are public: the inspections say so and their clocks stop."""
    n = 0
    for inspection in Inspection.objects.select_for_update().filter(result_key__in=record_keys,
                                                                    published_on__isnull=True):
        inspection.published_on = on
        inspection.save(update_fields=["published_on"])
        clocks.stop(CASE_TYPE, inspection.pk, on)
        n += 1
    return n
