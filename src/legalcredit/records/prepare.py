"""Turning what an officer or a file says about a decision into a record version.

``prepare`` is shared by the back office, the API and the importer, so one
set of rules decides what may be stored: the kind and its subtypes, the
statutory range of a penalty, the deciding level, the publication window.
It does not write; it returns an unsaved version and every fault found.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Callable, Iterable

from legalcredit.core.sealing import seal_fields, unseal_fields
from legalcredit.domain import publication, sanctions as sx
from legalcredit.domain.identifiers import IdentifierError, uscc

from . import rules
from .models import CreditRecord, Status

LABELS = {f.name: str(f.verbose_name) for f in CreditRecord._meta.fields}
LABELS.update({"months": "期限（月）", "reason": "原因", "subject": "信用主体"})

# Fields whose values make up the content of a version; a re-import with the
# same content is recognised by their digest and changes nothing.
CONTENT_FIELDS = ("kind", "subtype", "severity", "authority", "authority_uscc", "decision_no",
                  "decision_date", "effective_from", "effective_until", "content", "legal_basis",
                  "provision", "sanctions", "penalty_types", "fine_amount", "confiscation_amount",
                  "certificate", "source_unit", "source_unit_uscc", "details", "status",
                  "publication_regime")


@dataclass
class Draft:
    kind: str
    decision_date: dt.date | None
    authority: str = ""
    source_unit: str = ""
    subtype: str = ""
    severity: str = ""
    authority_uscc: str = ""
    authority_level: str = ""
    decision_no: str = ""
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None
    content: str = ""
    legal_basis: str = ""
    provision: str = ""
    sanctions: list[dict] = field(default_factory=list)
    penalty_types: list[str] = field(default_factory=list)
    fine_amount: Decimal | None = None
    confiscation_amount: Decimal | None = None
    certificate: str = ""
    source_unit_uscc: str = ""
    months: int | None = None
    details: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict)
    regime: str = ""
    status: str = Status.IN_EFFECT


@dataclass
class Prepared:
    values: dict | None
    errors: list[tuple[str, str]]
    warnings: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def record(self) -> CreditRecord:
        return CreditRecord(**self.values)


def _jsonable(v: Any) -> Any:
    if isinstance(v, (dt.date, Decimal)):
        return str(v)
    return v


def content_hash(subject_id: int, values: dict) -> str:
    """The digest a re-import is recognised by. Stored with every version, so its form must never
    change: a changed form would make every record of a re-imported file look new."""
    body = {k: values.get(k) for k in CONTENT_FIELDS}  # dates and amounts: through ``default``
    body["subject"] = subject_id
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False,
                                     default=_jsonable).encode()).hexdigest()


def priors_by_subject(subject_ids, *, exclude_key=None, exclude_keys=()) -> dict[int, list[sx.Prior]]:
    """The subjects' penalties in effect, for repeat-offence checks, in one query.

    ``exclude_key`` / ``exclude_keys``: a record being corrected is not its own earlier offence.
    """
    qs = CreditRecord.objects.filter(subject_id__in=subject_ids, kind="penalty", is_current=True,
                                     status=Status.IN_EFFECT)
    keys = {*exclude_keys, *([exclude_key] if exclude_key is not None else [])}
    if keys:
        qs = qs.exclude(key__in=keys)
    out: dict[int, list[sx.Prior]] = {}
    for sid, day, ss, end in qs.values_list("subject_id", "decision_date", "sanctions", "effective_until"):
        out.setdefault(sid, []).append(sx.Prior(day, sanctions_of(ss), end))
    return out


def sanctions_of(stored: list[dict]) -> tuple[sx.Sanction, ...]:
    """Sanctions as a record stores them (``values["sanctions"]``), for the statutory checks."""
    return tuple(sx.Sanction(s["type"], s.get("months"), s.get("fine_yuan")) for s in stored)


def priors_of(subject_id: int, before: dt.date, exclude_key=None) -> list[sx.Prior]:
    """The subject's penalties decided on or before ``before``."""
    return [p for p in priors_by_subject([subject_id], exclude_key=exclude_key).get(subject_id, ())
            if p.decision_date <= before]


def prepare(subject, draft: Draft, *, today: dt.date, ctx: rules.Rules | None = None,
            priors: Callable[[int, dt.date], Iterable[sx.Prior]] = priors_of) -> Prepared:
    """``subject`` needs only ``pk`` and ``subject_type_id``."""
    ctx = ctx or rules.snapshot()
    errors: list[tuple[str, str]] = []
    warnings: list[str] = []
    kinds = ctx.kinds
    kind = kinds.get(draft.kind)
    if kind is None:
        return Prepared(None, [("kind", f"未知的信息类别“{draft.kind}”（可选：{'、'.join(kinds)}）")], [])
    subject_type = subject.subject_type_id

    severity, faults = kind.check(subject_type, draft.subtype, draft.severity or None, draft.months)
    errors.extend(faults)
    if not draft.decision_no and draft.subtype not in kind.decision_no_optional:
        errors.append(("decision_no", "必填（仅口头训诫可无书面决定）" if kind.decision_no_optional else "必填"))
    if draft.decision_date is None:
        errors.append(("decision_date", "必填"))
    elif draft.decision_date > today:
        errors.append(("decision_date", f"{draft.decision_date} 晚于今天"))
    elif draft.decision_date.year < 1949:
        errors.append(("decision_date", f"{draft.decision_date} 早于1949年，不合理"))
    if draft.effective_until and draft.decision_date and draft.effective_until < (
            draft.effective_from or draft.decision_date):
        errors.append(("effective_until", "早于效力起始日"))
    if not draft.authority.strip():
        errors.append(("authority", "必填"))
    if not draft.source_unit.strip():
        errors.append(("source_unit", "必填"))

    level = draft.authority_level or None
    for fname in ("authority_uscc", "source_unit_uscc"):
        value = getattr(draft, fname)
        if value:
            try:
                checked = uscc.validate(value)
                setattr(draft, fname, checked.value)
                if fname == "authority_uscc" and not level:
                    level = ctx.authority_level(checked.parts["region_code"])
            except IdentifierError as exc:
                errors.append((fname, exc.message))

    sanctions_list = [sx.Sanction(s["type"], s.get("months"), s.get("fine_yuan")) for s in draft.sanctions]
    if draft.kind == "penalty" and not draft.penalty_types and sanctions_list:
        # Entered by hand, a penalty names its statutory sanction (吊销执业证书); its national 处罚类别
        # (吊销许可证件) follows from the catalogue, and with it the publication period the type calls for.
        national = ctx.catalogue.national_category
        draft = replace(draft, penalty_types=list(dict.fromkeys(
            national[s.type] for s in sanctions_list if s.type in national)))
    provision_code = draft.provision
    if draft.kind == "penalty":
        cat = ctx.catalogue
        prov = cat.provisions.get(draft.provision) if draft.provision else ctx.provision_cited(draft.legal_basis,
                                                                                               subject_type)
        if draft.provision and prov is None:
            errors.append(("provision", f"处罚目录中没有条款“{draft.provision}”"))
        elif prov is None and (other := ctx.provision_cited(draft.legal_basis, None)) is not None:
            # The basis cites an article of the catalogue that is not written for this kind of
            # subject (律师法 Art 48 for a law firm): an unlawful basis, not an unknown one.
            errors.append(("legal_basis", f"{other.citation}不适用于{ctx.subject_type_name(subject_type)}"))
        elif prov is None:
            warnings.append("未能从处罚依据识别法定条款，未做处罚幅度校验")
        elif draft.decision_date and sanctions_list:
            provision_code = prov.code
            if level is None:
                warnings.append("无法确定决定机关层级（请填写决定机关统一社会信用代码），未校验决定层级")
            for fault in sx.check(cat, prov, subject_type, sanctions_list, authority_level=level,
                                  decision_date=draft.decision_date,
                                  priors=(priors(subject.pk, draft.decision_date)
                                          if may_recur(cat, subject_type, sanctions_list) else ())):
                errors.append(("sanctions", fault))
        elif not sanctions_list:
            warnings.append("未能识别处罚种类及幅度，未做处罚幅度校验")

    if errors:
        return Prepared(None, errors, warnings)

    values = dict(
        kind=draft.kind, subtype=draft.subtype, severity=severity or "", authority=draft.authority.strip(),
        authority_uscc=draft.authority_uscc, authority_level=level or "",
        decision_no=draft.decision_no.strip(), decision_date=draft.decision_date,
        effective_from=draft.effective_from, effective_until=draft.effective_until,
        content=draft.content, legal_basis=draft.legal_basis, provision=provision_code,
        sanctions=([{k: v for k, v in s.__dict__.items() if v is not None} for s in sanctions_list]
                   or ([{"type": draft.subtype, "months": draft.months}] if draft.months is not None else [])),
        penalty_types=list(draft.penalty_types), fine_amount=draft.fine_amount,
        confiscation_amount=draft.confiscation_amount, certificate=draft.certificate,
        source_unit=draft.source_unit.strip(), source_unit_uscc=draft.source_unit_uscc,
        details={k: _jsonable(v) for k, v in draft.details.items()}, status=draft.status,
        publication_regime="",
    )
    values.update(_publication(kind, severity, draft, ctx.window))
    # Hashed in clear (a key rotation must not make a re-import look new), then sealed.
    personal = ctx.personal_codes
    values["details"] = unseal_fields(values["details"], personal)
    values["content_hash"] = content_hash(subject.pk, values)
    values.update(subject_id=subject.pk, raw=seal_fields(draft.raw, personal), warnings=warnings,
                  details=seal_fields(values["details"], personal))
    return Prepared(values, [], warnings)


def may_recur(cat: sx.Catalogue, subject_type: str, sanctions: list[sx.Sanction]) -> bool:
    types = {s.type for s in sanctions}
    return any(subject_type in r.subject_types and types & (r.applies_when | set(r.requires))
               for r in cat.recidivism)


def _publication(kind, severity: str | None, draft: Draft, pol: Callable[..., publication.Window]) -> dict:
    if not kind.public:
        return dict(public=False, publication_note=f"{kind.name}为内部监管信息，不向社会公示")
    if not severity:
        until = draft.effective_until if kind.dual_publication == "license" else None
        note = f"{kind.name}信息自决定日起公示" + (f"，至许可有效期届满（{until}）" if until else "")
        return dict(public=True, published_from=draft.decision_date, publication_end=until,
                    publication_note=note)
    w = pol(draft.decision_date, severity, tuple(draft.penalty_types), draft.regime or None)
    return dict(public=w.published, publication_regime=w.regime, severity=w.severity,
                published_from=w.start if w.published else None,
                min_publication_until=w.min_until, publication_end=w.until,
                repair_from=w.repair_from, publication_note=w.explanation)

