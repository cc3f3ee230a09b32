"""The credit check an administrative matter makes, its receipt, and the feedback on its measures.

A check names the matter type and its purpose and asks about one or more subjects by USCC, ID
number or licence number, optionally for a past date. The answer (status, grade with its
supervision, lists in force, the measures they trigger for that matter with their legal basis,
and the data version) is stored, digested, and the digest is written into the audit chain. A
subject that is not found is an answer too, and is receipted the same way.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from legalcredit.accounts.policy import scope_for
from legalcredit.audit import selectors as audit_trail
from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.audit.services import seals_inline
from legalcredit.audit.services import unsaved as unsaved_entry
from legalcredit.core import sql
from legalcredit.core.errors import field_error
from legalcredit.core.sealing import seal_fields, unseal_fields
from legalcredit.domain.credit_lists import Clean
from legalcredit.domain.identifiers import IdentifierError, id_number, uscc
from legalcredit.evaluation import selectors as grades
from legalcredit.evaluation import services as evaluation
from legalcredit.lists.services import catalogue
from legalcredit.records.models import CreditRecord
from legalcredit.registry.models import Subject

from . import selectors
from .models import Check, Feedback

IDENTIFIERS = {"uscc": "统一社会信用代码", "id_number": "公民身份号码", "license_no": "执业证号"}
SEALED_QUERY = frozenset({"id_number"})
MAX_SUBJECTS = 100
MAX_PURPOSE = Check._meta.get_field("purpose").max_length


def _find(query: dict, on: dt.date) -> tuple[selectors.Standing | None, str]:
    keys = [k for k in IDENTIFIERS if (query.get(k) or "").strip()]
    if len(keys) != 1:
        raise field_error("subjects", "核查对象", "每个对象须且只须给出统一社会信用代码、公民身份号码或执业证号之一")
    key = keys[0]
    value = query[key].strip().upper()
    # A malformed identifier is refused with the rule, as registration refuses it, instead of being
    # answered "not found" (which a handling unit could take for a clean record).
    validate = {"uscc": uscc.validate, "id_number": id_number.validate}.get(key)
    if validate is not None:
        try:
            value = validate(value).value
        except IdentifierError as exc:
            raise field_error("subjects", "核查对象", f"{IDENTIFIERS[key]} {value}：{exc.message}") from None
    found = selectors.standing_by(key, value, on)
    if len(found) > 1:
        raise field_error("subjects", "核查对象", f"执业证号 {value} 对应多个主体，请改用统一社会信用代码或公民身份号码")
    # The description goes into the answer and the audit trail, which outlive any key: masked.
    shown = id_number.mask(value) if key == "id_number" else value
    return (found[0] if found else None), f"{IDENTIFIERS[key]} {shown}"


def asked(check: Check, *, masked: bool = False) -> dict:
    """The identifiers as asked (stored sealed; the digest is over the clear values, so a key
    rotation leaves every receipt valid); ``masked`` for pages that show no full ID number."""
    query = unseal_fields(check.query, SEALED_QUERY)
    if masked and query.get("id_number"):
        query["id_number"] = id_number.mask(query["id_number"])
    return query


def receipt(check: Check, *, public: bool = False) -> dict:
    """The receipt a check answers with, and shows to whoever verifies it (``public``: no full ID
    number in the query)."""
    answered_at = timezone.localtime(check.answered_at).isoformat()
    return {"receipt": str(check.pk), "digest": check.digest,
            "answered_at": answered_at[:-6] + "Z" if answered_at.endswith("+00:00") else answered_at,
            "unit": check.unit, "matter_type": check.matter_type, "purpose": check.purpose,
            "on": check.on.isoformat(), "query": asked(check, masked=public), "answer": check.answer}


def _digest(check: Check) -> str:
    body = {"id": str(check.id), "answered_at": check.answered_at.isoformat(), "unit": check.unit,
            "matter_type": check.matter_type, "purpose": check.purpose, "query": asked(check),
            "on": check.on.isoformat(), "answer": check.answer}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _commitment_bar(subject_id: int, on: dt.date) -> dict:
    """告知承诺 eligibility (rules.md rule 9): refused while an unrepaired serious record or a breached
    commitment is still published, with the reason and the day it stops counting."""
    blocking = (CreditRecord.objects.filter(subject_id=subject_id, is_current=True, status="in_effect",
                                            decision_date__lte=on, publication_end__gte=on)
                .filter(Q(repaired_on__isnull=True) | Q(repaired_on__gt=on))
                .filter(Q(severity="serious") | Q(kind="commitment", subtype__in=["全部未履行", "部分履行"]))
                .order_by("publication_end"))
    reasons = [f"{'违反信用承诺' if r.kind == 'commitment' else '严重失信记录'} {r.decision_no or r.number}"
               f"（公示至{r.publication_end}，可申请信用修复）" for r in blocking]
    last = max((r.publication_end for r in blocking), default=None)
    return {"eligible": not reasons, "reasons": reasons,
            "eligible_from": (last + dt.timedelta(days=1)).isoformat() if last else None}


def _answer(subject: selectors.Standing | None, described: str, matter: str, on: dt.date, today: dt.date) -> dict:
    from legalcredit.remedies.selectors import flags as remedy_flags

    if subject is None:
        return {"found": False, "message": f"平台未登记{described}对应的主体，无信用信息", "measures": []}
    grade = None
    if on == today:
        if subject.evaluation_id is not None:
            grade = {"grade": subject.grade, "score": subject.score, "scheme": subject.scheme_code,
                     "scheme_version": subject.scheme_version, "evaluation": subject.evaluation_id,
                     "supervision": subject.supervision_class or None}
    else:
        model = Subject.objects.get(pk=subject.pk)
        picked = grades.scheme_for(model)
        result = evaluation.evaluate_on(model, on, picked=picked)
        if result is not None:
            sup = picked[1].band(result.grade).supervision
            grade = {"grade": result.grade, "score": str(result.score), "scheme": result.scheme,
                     "scheme_version": result.version, "evaluation": None, "supervision": sup.klass if sup else None}
    cat = catalogue()
    # Objections and repairs in progress are flagged as they stand now, whatever date is asked about.
    flags = remedy_flags([subject.pk]) if subject.flagged else {}
    entries = selectors.in_force_on(subject.pk, on) if subject.listed else []
    clean = None
    if cat.needs_clean(matter) and subject.licensed_on is not None and subject.licensed_on <= on:
        clean = Clean.of(subject.licensed_on, selectors.last_adverse_on(subject.pk, on))
    triggered = cat.triggered(matter, {e.list_code for e in entries}, grade and grade["supervision"], clean, on)
    version = {"records": str(subject.records_changed_at or ""),
               "lists": str(max((e.decided_on for e in entries), default="") or ""),
               "evaluation": grade["evaluation"] if grade else None,
               "rules": cat.version}
    return {
        "found": True,
        "subject": {"id": subject.pk, "name": subject.name, "subject_type": subject.subject_type_id,
                    "status": subject.status_id, "status_name": subject.status_name},
        "grade": grade if grade else {"grade": None, "state": "not_evaluated"},
        "lists": [{"list": e.list_code, "name": cat.lists[e.list_code].name, "decision_no": e.decision_no,
                   "authority": e.authority, "from": e.listed_from.isoformat(), "until": e.listed_until.isoformat()}
                  for e in entries],
        "measures": [{"code": m.code, "name": m.name, "kind": m.kind, "legal_basis": m.legal_basis,
                      "list_item": m.list_item, "triggered_by": why} for m, why in triggered],
        "flags": flags.get(subject.pk, []),
        **({"notification_commitment": _commitment_bar(subject.pk, on)} if matter == "notification_commitment" else {}),
        "data_version": version,
    }


def checked_request(purpose: str, matter: str, queries: list, *, what: str) -> str:
    """The purpose as stored, once it, the matter type and the number of subjects are within the
    rules a check and a watch share; ``what`` (核查, 关注) names the request in the messages."""
    purpose = (purpose or "").strip()
    if not purpose:
        raise field_error("purpose", f"{what}用途", "必须填写（查询使用须登记用途）")
    if len(purpose) > MAX_PURPOSE:
        raise field_error("purpose", f"{what}用途", f"不超过{MAX_PURPOSE}个字，收到{len(purpose)}个字")
    cat = catalogue()
    if matter not in cat.matter_types:
        raise field_error("matter_type", "事项类型", f"“{matter}”不在事项目录中（可选：{'、'.join(cat.matter_types)}）")
    if not queries:
        raise field_error("subjects", f"{what}对象", "至少一个")
    if len(queries) > MAX_SUBJECTS:
        raise field_error("subjects", f"{what}对象", f"一次最多{MAX_SUBJECTS}个")
    return purpose


def unit_of(by, token) -> str:
    """The unit a check or a watch is made for: the token's system, else the officer's unit."""
    return token.name if token is not None else (getattr(getattr(by, "officer", None), "unit", "") or by.get_username())


def run(*, by, token=None, queries: list[dict], matter: str, purpose: str, on: dt.date | None = None) -> list[Check]:
    """Answer, receipt and audit each query: every answer is read first, then the receipts and
    their audit entries are written together, all or none (a subject out of the caller's reach
    refuses the whole call before anything is written)."""
    purpose = checked_request(purpose, matter, queries, what="核查")
    cat = catalogue()
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise field_error("on", "核查基准日", f"{on}晚于今天")
    scope = scope_for(by)
    unit = unit_of(by, token)
    now = timezone.now()
    out, described_as = [], []
    for query in queries:
        subject, described = _find(query, on)
        if subject is not None and not scope.covers_subject(subject):
            raise PermissionDenied(f"{described} 对应的主体不在您的查询范围内")
        check = Check(unit=unit, user=by, token=token, matter_type=matter, purpose=purpose,
                      query=seal_fields({k: v for k, v in query.items() if k in IDENTIFIERS}, SEALED_QUERY),
                      subject_id=subject.pk if subject else None, on=on,
                      answered_at=now, answer=_answer(subject, described, matter, on, today))
        check.digest = _digest(check)
        out.append(check)
        described_as.append(described)
    logged = [{"action": AuditEntry.Action.READ, "actor": by, "object_type": "checks.check", "object_id": check.pk,
               "summary": f"信用核查（{cat.matter_types[matter].name}）：{described}", "reason": purpose,
               "data": {"receipt": str(check.pk), "digest": check.digest}}
              for check, described in zip(out, described_as)]
    if seals_inline():
        # Each entry is linked into the chain as it is written, in the receipts' transaction.
        with transaction.atomic():
            for check, entry in zip(out, logged):
                sql.insert(check)
                audit(**entry)
    else:
        sql.insert_all([*out, *(unsaved_entry(**entry) for entry in logged)])
    return out


def verify(receipt, digest: str) -> tuple[bool, Check | None, str]:
    """(valid, the check, why not) for a receipt someone holds."""
    try:
        receipt = uuid.UUID(str(receipt))
    except ValueError:
        return False, None, "回执编号格式不正确（应为 36 位，如 3f2b8c1e-…）"
    check = Check.objects.filter(pk=receipt).first()
    if check is None:
        return False, None, "回执编号不存在"
    if digest != check.digest:
        return False, check, "摘要与回执不符"
    if _digest(check) != check.digest:
        return False, check, "存档的答复内容已被改动"
    if audit_trail.logged("checks.check", check.pk, "digest") != digest:
        return False, check, "审计日志中没有与之相符的记录"
    return True, check, ""


@transaction.atomic
def feedback(receipt, *, by, measure: str, applied: bool, reason: str = "") -> Feedback:
    check = Check.objects.select_for_update().filter(pk=receipt).first()
    if check is None:
        raise field_error("receipt", "回执编号", "不存在")
    if check.user_id != by.pk:
        raise PermissionDenied("只能由发起核查的单位反馈")
    names = measure_names(check)
    if measure not in names:
        raise field_error("measure", "措施", f"“{measure}”不是本次核查触发的措施（{'、'.join(names) or '无'}）")
    reason = (reason or "").strip()
    if not applied and not reason:
        raise field_error("reason", "未采取的理由", "未采取措施的须说明理由")
    if Feedback.objects.filter(check_record=check, measure=measure).exists():
        raise field_error("measure", "措施", "已反馈过，不能重复反馈")
    fb = Feedback.objects.create(check_record=check, measure=measure, applied=applied, reason=reason, by=by)
    audit(action=AuditEntry.Action.CREATE, actor=by, object_type="checks.feedback", object_id=fb.pk,
          summary=f"反馈措施“{names[measure]}”：{'已采取' if applied else '未采取'}", reason=reason)
    return fb


def measure_names(check: Check) -> dict[str, str]:
    """The measures a check triggered, code to name, in the answer's order."""
    return {m["code"]: m["name"] for m in check.answer.get("measures", [])}


def feedback_rates(start: dt.date, end: dt.date, units: list[str] | None = None) -> list[dict]:
    """Per unit: measures triggered in checks answered in [start, end], and how many got feedback."""
    rows: dict[str, dict] = {}
    qs = Check.objects.filter(answered_at__date__gte=start, answered_at__date__lte=end)
    if units is not None:
        qs = qs.filter(unit__in=units)
    done = {(str(c), m) for c, m in Feedback.objects.filter(check_record__in=qs).values_list("check_record_id", "measure")}
    for pk, unit, answer in qs.values_list("pk", "unit", "answer"):
        r = rows.setdefault(unit, {"unit": unit, "checks": 0, "triggered": 0, "fed_back": 0})
        r["checks"] += 1
        for m in answer.get("measures", []):
            r["triggered"] += 1
            r["fed_back"] += (str(pk), m["code"]) in done
    for r in rows.values():
        r["rate"] = round(r["fed_back"] / r["triggered"], 4) if r["triggered"] else None
    return sorted(rows.values(), key=lambda r: r["unit"])
