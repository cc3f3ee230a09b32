"""Credit commitments, credit repair and objections: the rules, without Django (refdata ``remedies.yaml``).

* the 20-character commitment code of the national 信用承诺信息 standard (rules.md §10);
* every time limit of the remedies as data: which working-day count applies, from which source;
* whether a record or a list entry may be repaired now, and if not, why and from which day
  (国办发〔2025〕22号: after the minimum publication period, at once for 轻微; never for the cases a
  law makes unrepairable; not while a repair commitment stands breached);
* upload limits for application materials.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Mapping

from .periods import add_months

COMMITMENT_TYPES = {"approval_substitute": "审批替代型", "accept_missing": "容缺受理型",
                    "certification": "证明事项型", "repair": "信用修复型", "self_discipline": "行业自律型",
                    "voluntary": "主动型", "other": "其他"}
FULFILMENT = {"pending": "履行中", "full": "全部履行", "partial": "部分履行", "none": "全部未履行"}
DISCLOSURE = {"public": "可向社会公开", "limited": "特定范围内公开", "private": "不可公开"}
COMMITTER = {"organization": "法人及非法人组织", "person": "自然人", "individual_business": "个体工商户"}
# What a breach does besides the credit record it always creates (the standard's notes, rules.md §10).
CONSEQUENCES = {"flag_licence": "相关许可标记为拟撤销", "cancel_approval": "撤销审批决定",
                "revoke_certificate": "撤销证明事项办理结果", "restore_publication": "恢复公示至最长期限",
                "record_only": "仅记入信用记录"}
# Consequences that undo the matter granted on the commitment: that licence or approval is flagged.
MATTER_CONSEQUENCES = ("flag_licence", "cancel_approval", "revoke_certificate")
SEVERITIES = ("minor", "general", "serious")

_CODE = re.compile(r"^(\d{6})(\d{8})(\d{6})$")


class RemedyRuleError(ValueError):
    """A remedies rule file that cannot be applied; the message names the place."""


def commitment_code(region_code: str, made_on: dt.date, serial: int) -> str:
    if not re.fullmatch(r"\d{6}", region_code or ""):
        raise ValueError("行政区划代码须为6位数字")
    if not 0 < serial < 1_000_000:
        raise ValueError("承诺编码流水号须在 1–999999 之间")
    return f"{region_code}{made_on:%Y%m%d}{serial:06d}"


def check_commitment_code(code: str) -> str | None:
    """None when valid, else the rule it breaks (in Chinese)."""
    m = _CODE.match(code or "")
    if not m:
        return "承诺编码须为20位数字：6位行政区划代码＋8位承诺日期（YYYYMMDD）＋6位流水号"
    try:
        dt.datetime.strptime(m.group(2), "%Y%m%d")
    except ValueError:
        return f"承诺编码第7–14位“{m.group(2)}”不是有效日期"
    if m.group(3) == "000000":
        return "承诺编码流水号不能为000000"
    return None


@dataclass(frozen=True)
class TimeLimit:
    key: str
    name: str
    working_days: int      # the days of the limit; calendar days when ``calendar``
    source: str
    calendar: bool = False


LIMIT_UNITS = {"working": False, "calendar": True}


def parse_limit(where: str, key: str, body, error: type[ValueError] = ValueError) -> TimeLimit:
    """A rule file's time limit ({name, days, unit, source}) at ``where``; ``error`` names the place."""
    if not isinstance(body, Mapping):
        raise error(f"{where}：须为含 name、days、unit、source 的映射")
    days = body.get("days")
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise error(f"{where}.days：须为正整数，收到“{days}”")
    unit = body.get("unit", "working")
    if unit not in LIMIT_UNITS:
        raise error(f"{where}.unit：须为 working（工作日）或 calendar（自然日），收到“{unit}”")
    if not str(body.get("source", "")).strip():
        raise error(f"{where}：须注明来源（source）")
    if not str(body.get("name", "")).strip():
        raise error(f"{where}：须有名称（name）")
    return TimeLimit(key, str(body["name"]), days, str(body["source"]), LIMIT_UNITS[unit])


@dataclass(frozen=True)
class CommitmentType:
    code: str
    breach_consequence: str
    breach_severity: str
    materials_working_days: int | None = None     # 容缺受理: missing materials due within N working days
    # Made by the subject itself (主动型, 行业自律型), not registered by an officer handling a matter.
    by_subject: bool = False


@dataclass(frozen=True)
class Uploads:
    types: Mapping[str, tuple[bytes, ...]]          # extension → accepted leading bytes
    max_bytes: int
    max_files: int


@dataclass(frozen=True)
class Policy:
    version: str
    limits: Mapping[str, TimeLimit]
    remind_before: int
    commitment_types: Mapping[str, CommitmentType]
    unrepairable_penalty_types: frozenset[str]
    unrepairable_kinds: frozenset[str]
    list_repair_months: Mapping[str, int]
    uploads: Uploads
    fee: int = 0

    def limit(self, key: str) -> TimeLimit:
        try:
            return self.limits[key]
        except KeyError:
            raise RemedyRuleError(f"未配置期限“{key}”") from None


def parse(doc: Mapping) -> Policy:
    try:
        limits = {}
        for key, body in doc["time_limits"].items():
            days = int(body["working_days"])
            if days < 1:
                raise RemedyRuleError(f"time_limits.{key}.working_days：须至少为1个工作日")
            if not str(body.get("source", "")).strip():
                raise RemedyRuleError(f"time_limits.{key}：须注明来源（source）")
            limits[key] = TimeLimit(key, body["name"], days, str(body["source"]))
        ctypes = {}
        for code, body in doc["commitment_types"].items():
            if code not in COMMITMENT_TYPES:
                raise RemedyRuleError(f"commitment_types：未知的承诺类型“{code}”")
            if body["breach"] not in CONSEQUENCES:
                raise RemedyRuleError(f"commitment_types.{code}.breach：未知的违诺后果“{body['breach']}”")
            if body.get("severity", "general") not in SEVERITIES:
                raise RemedyRuleError(f"commitment_types.{code}.severity：须为 minor/general/serious")
            mwd = body.get("materials_working_days")
            if not isinstance(body.get("by_subject", False), bool):
                raise RemedyRuleError(f"commitment_types.{code}.by_subject：须为 true 或 false")
            ctypes[code] = CommitmentType(code, body["breach"], body.get("severity", "general"),
                                          int(mwd) if mwd is not None else None, body.get("by_subject", False))
        missing = set(COMMITMENT_TYPES) - set(ctypes)
        if missing:
            raise RemedyRuleError(f"commitment_types：缺少承诺类型 {'、'.join(sorted(missing))}")
        rep = doc["repair"]
        if int(rep.get("fee", 0)) != 0:
            raise RemedyRuleError("repair.fee：信用修复不得收取任何费用")
        up = doc["uploads"]
        types = {str(ext).lower(): tuple(bytes.fromhex(h) for h in magic) for ext, magic in up["types"].items()}
        uploads = Uploads(types, int(up["max_megabytes"]) * 1024 * 1024, int(up.get("max_files", 10)))
        if uploads.max_bytes <= 0 or not types:
            raise RemedyRuleError("uploads：须至少允许一种文件类型，且大小上限大于0")
        remind = int(doc.get("remind_before_working_days", 1))
        if remind < 0:
            raise RemedyRuleError("remind_before_working_days：不能为负数")
        policy = Policy(str(doc["version"]), limits, remind, ctypes,
                        frozenset(rep.get("unrepairable_penalty_types") or ()),
                        frozenset(rep.get("unrepairable_kinds") or ()),
                        {str(k): int(v) for k, v in (rep.get("list_minimum_months") or {}).items()}, uploads)
        for key in REQUIRED_LIMITS:
            policy.limit(key)
        return policy
    except KeyError as exc:
        raise RemedyRuleError(f"信用修复与异议规则缺少字段 {exc}") from None


REQUIRED_LIMITS = ("repair_accept", "repair_decide", "repair_sync", "objection_decide", "objection_decide_verified",
                   "objection_verify", "supplement")


@dataclass(frozen=True)
class RepairItem:
    """What eligibility looks at in a record (``kind`` a record kind) or a list entry (``list:<code>``)."""
    kind: str
    adverse: bool
    severity: str
    in_effect: bool
    repair_from: dt.date | None            # end of the minimum publication period (records)
    repaired_on: dt.date | None = None
    penalty_types: frozenset[str] = frozenset()
    listed_from: dt.date | None = None     # list entries
    breached_repair_commitment: str = ""   # the commitment's code, when one stands breached
    open_application: str = ""             # the number of an application still being handled


@dataclass
class Verdict:
    reasons: list[tuple[str, str]] = field(default_factory=list)    # (rule, message)
    earliest: dt.date | None = None

    @property
    def eligible(self) -> bool:
        return not self.reasons

    def text(self) -> str:
        out = "；".join(m for _, m in self.reasons)
        if self.earliest:
            out += f"（最早可于{self.earliest.isoformat()}申请）"
        return out


def eligibility(item: RepairItem, today: dt.date, policy: Policy) -> Verdict:
    v = Verdict()
    if not item.adverse:
        v.reasons.append(("not_adverse", "该信息不是失信信息，无需信用修复"))
        return v
    if item.repaired_on is not None:
        v.reasons.append(("repaired", f"该信息已于{item.repaired_on.isoformat()}完成信用修复"))
        return v
    if not item.in_effect:
        v.reasons.append(("not_in_effect", "该信息已撤回、撤销、移出或公示已届满，无需修复"))
        return v
    if item.kind in policy.unrepairable_kinds or item.penalty_types & policy.unrepairable_penalty_types:
        barred = sorted(item.penalty_types & policy.unrepairable_penalty_types) or [item.kind]
        v.reasons.append(("unrepairable", f"法律法规明确不可修复的情形（{'、'.join(barred)}）"))
        return v
    if item.open_application:
        v.reasons.append(("open_application", f"已有正在办理的修复申请 {item.open_application}"))
    if item.breached_repair_commitment:
        v.reasons.append(("breached_commitment",
                          f"曾违反信用修复承诺（承诺编码 {item.breached_repair_commitment}），不得再次申请修复"))
        return v
    earliest = None
    if item.kind.startswith("list:"):
        months = policy.list_repair_months.get(item.kind[5:])
        if months is None:
            v.reasons.append(("list_not_repairable", "该名单未规定可经信用修复移出"))
        elif item.listed_from is not None:
            earliest = add_months(item.listed_from, months)
    else:
        # The record's own minimum period, computed under its publication regime (轻微: at once).
        earliest = item.repair_from
    if earliest is not None and today < earliest:
        v.reasons.append(("minimum_period", "最短公示期未满，不得申请信用修复（轻微失信信息除外）"))
        v.earliest = earliest
    return v


@dataclass(frozen=True)
class NoticeFacts:
    """What a 信用修复告知书 says about one adverse record (rules.md §2.2 「两书同达」)."""
    subject: str
    record: str                     # 行政处罚 苏司罚决〔2026〕1号
    decided: dt.date
    severity: str                   # 轻微 / 一般 / 严重, or ""
    published_from: dt.date | None  # None: not published (a 轻微 record left unpublished)
    publication_end: dt.date | None
    repair_from: dt.date | None
    unrepairable: str = ""          # why it cannot be repaired through the bureau, if so


def repair_notice(f: NoticeFacts, policy: Policy) -> str:
    """The 信用修复告知书 served with the decision: how long the record is published, from when and
    how its repair may be applied for, what to submit, how long the decision takes, and that it is
    free. The periods and limits are the record's and the rule set's, never written here."""
    lines = [f"{f.subject}：", "",
             f"本机关对你（单位）作出的{f.record}（{f.decided.isoformat()}）"
             + (f"，失信程度为{f.severity}" if f.severity else "") + "，依法纳入信用记录。"]
    if f.published_from is None:
        lines.append("该信息不予公示。")
    else:
        lines.append(f"该信息自{f.published_from.isoformat()}起公示"
                     + (f"，公示至{f.publication_end.isoformat()}，期满自动停止公示。" if f.publication_end else "。"))
    if f.unrepairable:
        lines.append(f"该信息{f.unrepairable}，不适用信用修复。")
    else:
        when = (f"自{f.repair_from.isoformat()}起可以" if f.repair_from and f.repair_from > f.decided else "即可")
        lines += [f"你（单位）纠正失信行为、履行法定义务后，{when}申请信用修复，提前终止公示。",
                  "申请材料：履行法定义务、纠正失信行为的证明材料，以及信用修复承诺书（可登录平台在线提交）。",
                  f"本机关自收到申请之日起{policy.limit('repair_accept').working_days}个工作日内决定是否受理，"
                  f"受理后{policy.limit('repair_decide').working_days}个工作日内作出是否准予修复的决定；"
                  f"准予修复的，{policy.limit('repair_sync').working_days}个工作日内终止公示并同步至信用信息共享平台。",
                  "信用修复不收取任何费用。"]
    lines += ["对该信息有异议的，可以向本机关提出异议申请。", "", "特此告知。"]
    return "\n".join(lines)
