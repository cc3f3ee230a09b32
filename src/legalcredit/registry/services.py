"""Writes to the registry. Each function is one transaction: all or nothing.

Every change carries who (``actor``) and why (``reason``); simple-history
stores both with the new version of the row.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from legalcredit.core.errors import field_error, identifier_error
from legalcredit.domain.identifiers import IdentifierError, id_number, license_no, uscc
from legalcredit.domain.text import clean_name, pinyin_initials
from legalcredit.refdata.models import (
    Region,
    SubjectCategory,
    SubjectKind,
    SubjectStatus,
    SubjectType,
)

from . import search_index
from .models import Affiliation, FormerName, Subject

LABELS = {f.name: str(f.verbose_name) for f in Subject._meta.fields}
LABELS.update({"reason": "变更原因", "role": "身份", "valid_from": "起始日", "valid_to": "终止日",
               "person": "从业人员", "institution": "机构", "joined_on": "入职日期"})


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", LABELS["reason"], "必须填写（每一项变更都须说明原因）")
    return reason


def _today() -> dt.date:
    return timezone.localdate()


def _subject_type(code: str, kind: str) -> SubjectType:
    st = SubjectType.objects.filter(code=code).first()
    if st is None:
        raise field_error("subject_type", LABELS["subject_type"], f"未知的主体类型“{code}”")
    if st.kind != kind:
        raise field_error("subject_type", LABELS["subject_type"],
                          f"“{st.name}”不是{SubjectKind(kind).label}类型")
    return st


def _category(st: SubjectType, code: str | None) -> SubjectCategory | None:
    if not code:
        return None
    cat = SubjectCategory.objects.filter(subject_type=st, code=code).first()
    if cat is None:
        raise field_error("category", LABELS["category"], f"“{code}”不是{st.name}的细分类别")
    return cat


def _region(code: str) -> Region:
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        raise field_error("region", LABELS["region"], f"行政区划代码“{code}”不存在（GB/T 2260）")
    if not region.in_force:
        raise field_error("region", LABELS["region"], f"行政区划代码“{code}”已撤销，不能用于新登记")
    return region


def _name(value: str) -> str:
    name = clean_name(value)
    if len(name) < 2:
        raise field_error("name", LABELS["name"], "至少2个字")
    return name


def _check_dates(**dates) -> None:
    """No impossible dates: nothing in the future, nothing before 1949."""
    today = _today()
    for field, value in dates.items():
        if value is None:
            continue
        if not isinstance(value, dt.date):
            raise field_error(field, LABELS.get(field, field), "不是有效日期")
        if value.year < 1949:
            raise field_error(field, LABELS.get(field, field), f"{value} 早于1949年，不合理")
        if field not in {"license_valid_until", "status_until", "valid_to"} and value > today:
            raise field_error(field, LABELS.get(field, field), f"{value} 晚于今天")


def _unique(field: str, value, exclude_pk=None, **extra) -> None:
    if value in (None, ""):
        return
    qs = Subject.objects.filter(**{field: value}, **extra)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    other = qs.first()
    if other is not None:
        raise field_error(field, LABELS[field], f"{value if field != 'id_number' else id_number.mask(value)}"
                          f" 已登记给“{other.name}”（主体编号 {other.pk}），不能重复登记")


def _validated_uscc(raw: str | None, st: SubjectType) -> tuple[str | None, list[str]]:
    if not raw or not raw.strip():
        if st.uscc_required:
            raise field_error("uscc", LABELS["uscc"], f"{st.name}必须填写")
        return None, []
    try:
        checked = uscc.validate(raw)
    except IdentifierError as exc:
        raise identifier_error("uscc", LABELS["uscc"], exc) from None
    warnings = list(checked.warnings)
    if st.uscc_prefixes and not any(checked.value.startswith(p) for p in st.uscc_prefixes):
        warnings.append(f"{st.name}的统一社会信用代码通常以 {'/'.join(st.uscc_prefixes)} 开头，请核实")
    return checked.value, warnings


def _validated_id_number(raw: str | None) -> tuple[str | None, list[str], dict]:
    if not raw or not raw.strip():
        return None, [], {}
    try:
        checked = id_number.validate(raw, today=_today())
    except IdentifierError as exc:
        raise identifier_error("id_number", LABELS["id_number"], exc) from None
    return checked.value, list(checked.warnings), checked.parts


def _validated_license_no(raw: str | None, st: SubjectType) -> tuple[str | None, list[str]]:
    if not raw or not raw.strip():
        return None, []
    try:
        checked = license_no.validate(raw, st.license_format or "free", **(
            {"this_year": _today().year} if st.license_format == "lawyer" else {}))
    except IdentifierError as exc:
        raise identifier_error("license_no", LABELS["license_no"], exc) from None
    return checked.value, list(checked.warnings)


def _save(obj, actor, reason: str) -> None:
    obj._history_user = actor
    obj._change_reason = reason
    try:
        with transaction.atomic():
            obj.full_clean(validate_unique=False, validate_constraints=False)
            obj.save()
    except IntegrityError as exc:
        # A concurrent registration won the race past the friendly checks.
        raise ValidationError(f"与已有登记冲突（唯一性约束）：{exc}") from None


@transaction.atomic
def register_institution(*, actor, reason: str, name: str, subject_type: str, region: str,
                         uscc_code: str | None = None, category: str | None = None,
                         address: str = "", legal_representative: str = "",
                         license_issued_on: dt.date | None = None,
                         license_valid_until: dt.date | None = None,
                         status_since: dt.date | None = None) -> tuple[Subject, list[str]]:
    """Register an institution; returns it with any non-blocking warnings."""
    reason = _require_reason(reason)
    st = _subject_type(subject_type, SubjectKind.INSTITUTION)
    code, warnings = _validated_uscc(uscc_code, st)
    _unique("uscc", code)
    _check_dates(license_issued_on=license_issued_on, status_since=status_since,
                 license_valid_until=license_valid_until)
    if license_issued_on and license_valid_until and license_valid_until < license_issued_on:
        raise field_error("license_valid_until", LABELS["license_valid_until"], "早于执业许可日期")
    name = _name(name)
    subject = Subject(
        kind=SubjectKind.INSTITUTION, subject_type=st, category=_category(st, category),
        name=name, region=_region(region), status_id="practising",
        status_since=status_since or license_issued_on or _today(), uscc=code,
        address=address.strip(), legal_representative=clean_name(legal_representative),
        license_issued_on=license_issued_on, license_valid_until=license_valid_until,
        pinyin_initials=pinyin_initials(name))
    _save(subject, actor, reason)
    search_index.index_names(search_index.entries_for(subject))
    return subject, warnings


@transaction.atomic
def register_practitioner(*, actor, reason: str, name: str, subject_type: str, region: str,
                          id_number_raw: str | None, license_number: str | None = None,
                          category: str | None = None, gender: str | None = None,
                          license_issued_on: dt.date | None = None,
                          institution: Subject | None = None,
                          joined_on: dt.date | None = None) -> tuple[Subject, list[str]]:
    """Register a practitioner, and their current institution when given."""
    reason = _require_reason(reason)
    st = _subject_type(subject_type, SubjectKind.PRACTITIONER)
    number, warnings, parts = _validated_id_number(id_number_raw)
    if number is None:
        raise field_error("id_number", LABELS["id_number"], "从业人员必须填写")
    _unique("id_number", number)
    lic, lic_warnings = _validated_license_no(license_number, st)
    warnings += lic_warnings
    _unique("license_no", lic, subject_type=st)
    if gender and parts.get("sex") and gender != parts["sex"]:
        raise field_error("gender", LABELS["gender"], "与公民身份号码第17位（性别码）不一致")
    _check_dates(license_issued_on=license_issued_on, joined_on=joined_on)
    name = _name(name)
    subject = Subject(
        kind=SubjectKind.PRACTITIONER, subject_type=st, category=_category(st, category),
        name=name, region=_region(region), status_id="practising",
        status_since=license_issued_on or _today(), id_number=number,
        gender=gender or parts.get("sex", ""), birth_date=parts.get("birth_date"),
        license_no=lic, license_issued_on=license_issued_on,
        pinyin_initials=pinyin_initials(name))
    _save(subject, actor, reason)
    search_index.index_names(search_index.entries_for(subject))
    if institution is not None:
        add_affiliation(actor=actor, reason=reason, person=subject, institution=institution,
                        role=Affiliation.Role.MEMBER,
                        valid_from=joined_on or license_issued_on or _today())
    return subject, warnings


EDITABLE = {"name", "region", "category", "address", "legal_representative", "uscc",
            "license_no", "license_issued_on", "license_valid_until", "id_number", "gender"}


@transaction.atomic
def update_subject(subject: Subject, *, actor, reason: str, renamed_on: dt.date | None = None,
                   **changes) -> tuple[Subject, list[str]]:
    """Change registered facts. A new name keeps the old one as a former name."""
    reason = _require_reason(reason)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationError(f"不能通过此操作修改：{', '.join(sorted(unknown))}（状态请用状态变更）")
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    st = subject.subject_type
    warnings: list[str] = []
    old_name = subject.name
    if "name" in changes:
        subject.name = _name(changes["name"])
        subject.pinyin_initials = pinyin_initials(subject.name)
    if "region" in changes:
        subject.region = _region(changes["region"])
    if "category" in changes:
        subject.category = _category(st, changes["category"])
    if "uscc" in changes:
        if not subject.is_institution:
            raise field_error("uscc", LABELS["uscc"], "从业人员没有统一社会信用代码")
        subject.uscc, w = _validated_uscc(changes["uscc"], st)
        warnings += w
        _unique("uscc", subject.uscc, exclude_pk=subject.pk)
    if "id_number" in changes:
        if subject.is_institution:
            raise field_error("id_number", LABELS["id_number"], "机构没有公民身份号码")
        number, w, parts = _validated_id_number(changes["id_number"])
        if number is None:
            raise field_error("id_number", LABELS["id_number"], "从业人员必须填写")
        _unique("id_number", number, exclude_pk=subject.pk)
        subject.id_number, subject.birth_date = number, parts.get("birth_date")
        subject.gender = parts.get("sex", subject.gender)
        warnings += w
    if "license_no" in changes:
        subject.license_no, w = _validated_license_no(changes["license_no"], st)
        warnings += w
        _unique("license_no", subject.license_no, exclude_pk=subject.pk, subject_type=st)
    for field in ("address", "legal_representative", "gender"):
        if field in changes:
            setattr(subject, field, (changes[field] or "").strip())
    for field in ("license_issued_on", "license_valid_until"):
        if field in changes:
            setattr(subject, field, changes[field])
    _check_dates(license_issued_on=subject.license_issued_on,
                 license_valid_until=subject.license_valid_until)
    _save(subject, actor, reason)
    if subject.name != old_name:
        FormerName.objects.create(subject=subject, name=old_name,
                                  used_until=(renamed_on or _today()) - dt.timedelta(days=1))
    if subject.name != old_name or "region" in changes:
        search_index.index_names(search_index.entries_for(subject))
    return subject, warnings


@transaction.atomic
def change_status(subject: Subject, *, actor, reason: str, status: str, since: dt.date,
                  until: dt.date | None = None) -> Subject:
    """Move a subject to a new practice status along the allowed transitions."""
    reason = _require_reason(reason)
    subject = Subject.objects.select_for_update().select_related("status").get(pk=subject.pk)
    new = SubjectStatus.objects.filter(code=status).first()
    if new is None:
        raise field_error("status", LABELS["status"], f"未知的状态“{status}”")
    if subject.kind not in new.kinds:
        raise field_error("status", LABELS["status"],
                          f"“{new.name}”不适用于{SubjectKind(subject.kind).label}")
    if new.code != subject.status_id and new.code not in subject.status.next_statuses:
        raise field_error("status", LABELS["status"],
                          f"不能从“{subject.status.name}”变更为“{new.name}”")
    if new.temporary and until is None:
        raise field_error("status_until", LABELS["status_until"], f"“{new.name}”必须填写截止日")
    if not new.temporary and until is not None:
        raise field_error("status_until", LABELS["status_until"], f"“{new.name}”不设截止日")
    _check_dates(status_since=since)
    if until is not None and until < since:
        raise field_error("status_until", LABELS["status_until"], "早于状态起始日")
    subject.status, subject.status_since, subject.status_until = new, since, until
    _save(subject, actor, reason)
    if new.terminal:
        # A deregistered or revoked subject holds no position from the next day.
        for aff in subject.affiliations.filter(valid_to__isnull=True):
            _end(aff, actor=actor, reason=f"{new.name}：{reason}", valid_to=since)
        for aff in subject.staff_affiliations.filter(valid_to__isnull=True):
            _end(aff, actor=actor, reason=f"机构{new.name}：{reason}", valid_to=since)
    return subject


def _end(aff: Affiliation, *, actor, reason: str, valid_to: dt.date) -> Affiliation:
    if valid_to < aff.valid_from:
        raise field_error("valid_to", LABELS["valid_to"], f"早于起始日 {aff.valid_from}")
    aff.valid_to = valid_to
    aff._history_user = actor
    aff._change_reason = reason
    aff.save()
    return aff


@transaction.atomic
def add_affiliation(*, actor, reason: str, person: Subject, institution: Subject, role: str,
                    valid_from: dt.date, valid_to: dt.date | None = None) -> Affiliation:
    reason = _require_reason(reason)
    if role not in Affiliation.Role.values:
        raise field_error("role", LABELS["role"], f"未知的身份“{role}”")
    if person.kind != SubjectKind.PRACTITIONER:
        raise field_error("person", LABELS["person"], f"“{person.name}”不是从业人员")
    if institution.kind != SubjectKind.INSTITUTION:
        raise field_error("institution", LABELS["institution"], f"“{institution.name}”不是机构")
    if valid_to is not None and valid_to < valid_from:
        raise field_error("valid_to", LABELS["valid_to"], "早于起始日")
    _check_dates(valid_from=valid_from)
    if role == Affiliation.Role.MEMBER:
        allowed = set(person.subject_type.institution_types.values_list("code", flat=True))
        if allowed and institution.subject_type_id not in allowed:
            raise field_error("institution", LABELS["institution"],
                              f"{person.subject_type.name}不能在{institution.subject_type.name}执业")
    # Lock the person's row so two concurrent moves cannot both pass the overlap check.
    Subject.objects.select_for_update().filter(pk=person.pk).first()
    overlapping = Affiliation.objects.filter(person=person, role=role).exclude(
        valid_to__lt=valid_from)
    if valid_to is not None:
        overlapping = overlapping.exclude(valid_from__gt=valid_to)
    if role == Affiliation.Role.MEMBER:
        clash = overlapping.first()
        if clash is not None:
            raise field_error("valid_from", LABELS["valid_from"],
                              f"{person.name}在{clash.valid_from}起已在“{clash.institution.name}”执业，"
                              "同一时间只能在一个机构执业（请先办理转所）")
    elif overlapping.filter(institution=institution).exists():
        raise field_error("valid_from", LABELS["valid_from"], "与该机构同一身份的已有记录时间重叠")
    if role == Affiliation.Role.PARTNER:
        # The bar follows from approved penalties, which the record store holds.
        from legalcredit.records.selectors import partnership_bar

        bar = partnership_bar(person)
        if bar is not None and valid_from <= bar[0]:
            raise field_error("role", LABELS["role"], f"{person.name}受六个月以上停止执业处罚，依{bar[1]}，"
                                                      f"{bar[0]}前不得担任合伙人")
    aff = Affiliation(person=person, institution=institution, role=role, valid_from=valid_from,
                      valid_to=valid_to, created_by=actor if getattr(actor, "pk", None) else None)
    aff._history_user = actor
    aff._change_reason = reason
    aff.full_clean()
    aff.save()
    return aff


@transaction.atomic
def end_affiliation(aff: Affiliation, *, actor, reason: str, valid_to: dt.date) -> Affiliation:
    reason = _require_reason(reason)
    aff = Affiliation.objects.select_for_update().get(pk=aff.pk)
    if aff.valid_to is not None:
        raise field_error("valid_to", LABELS["valid_to"], f"该执业关系已于 {aff.valid_to} 终止")
    return _end(aff, actor=actor, reason=reason, valid_to=valid_to)


@transaction.atomic
def transfer_practitioner(*, actor, reason: str, person: Subject, to_institution: Subject,
                          on: dt.date) -> Affiliation:
    """转所: end the current membership the day before and start the new one."""
    reason = _require_reason(reason)
    current = Affiliation.objects.filter(person=person, role=Affiliation.Role.MEMBER,
                                         valid_to__isnull=True).first()
    if current is not None:
        if current.institution_id == to_institution.pk:
            raise field_error("institution", LABELS["institution"], "已在该机构执业")
        _end(current, actor=actor, reason=reason, valid_to=on - dt.timedelta(days=1))
    return add_affiliation(actor=actor, reason=reason, person=person, institution=to_institution,
                           role=Affiliation.Role.MEMBER, valid_from=on)
