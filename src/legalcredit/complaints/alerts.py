"""Raising and handling complaint alerts (投诉预警; the rules in domain/complaint_alerts.py).

Alerts are assessed when a complaint is registered or found true, in the same transaction, so an
officer sees the alert as soon as the complaint that raised it; and every night for every subject
with recent complaints, so a new edition of the rules applies to what is already there. One alert
per subject and rule is open at a time: more complaints enlarge it; once handled, only complaints
after the day it was handled count towards the next.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse

from legalcredit.accounts.selectors import officers_covering
from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.core.errors import field_error
from legalcredit.domain import complaint_alerts as domain
from legalcredit.registry.models import Affiliation, Subject
from legalcredit.remedies.services.common import may, today

from .models import Complaint, ComplaintAlert, Stage

HANDLE = "complaints.handle_complaint"


def _rules():
    from .services import rules
    return rules()


def _lookback(rules, day: dt.date) -> dt.date:
    """The earliest day a complaint in a still-current window can be dated."""
    longest = max((r.days for r in rules.alerts.values()), default=0)
    return day - dt.timedelta(days=2 * longest)


def _as_domain(c: Complaint, upheld_findings: set[str]) -> domain.Complaint:
    upheld = c.decided_on if c.finding in upheld_findings and c.decided_on else None
    return domain.Complaint(c.pk, c.received_on, c.complainant_name, upheld)


def _complaints(subject_ids: set[int], since: dt.date) -> dict[int, list[Complaint]]:
    """Complaints about these subjects received or decided since ``since``, not counting those not
    accepted (a complaint outside the bureau's remit, or with no interest in the matter, is no sign
    of trouble with the subject)."""
    out = defaultdict(list)
    qs = (Complaint.objects.filter(subject_id__in=subject_ids).exclude(stage=Stage.NOT_ACCEPTED)
          .filter(Q(received_on__gte=since) | Q(decided_on__gte=since))
          .only("pk", "subject_id", "received_on", "complainant_name", "finding", "decided_on"))
    for c in qs:
        out[c.subject_id].append(c)
    return out


def _members_complaints(institution_ids: set[int], since: dt.date) -> dict[int, list[Complaint]]:
    """Complaints about the practitioners of these institutions, each counted for the institution the
    practitioner belonged to on the day it was received."""
    held = list(Affiliation.objects.filter(institution_id__in=institution_ids, role=Affiliation.Role.MEMBER)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=since))
                .values_list("person_id", "institution_id", "valid_from", "valid_to"))
    by_person = defaultdict(list)
    for person, institution, start, end in held:
        by_person[person].append((institution, start, end))
    out = defaultdict(list)
    for person, complaints in _complaints(set(by_person), since).items():
        for c in complaints:
            for institution, start, end in by_person[person]:
                if start <= c.received_on and (end is None or c.received_on <= end):
                    out[institution].append(c)
    return out


def _institutions_of(subjects: Iterable[Subject], since: dt.date) -> set[int]:
    """The institutions whose member-counting alerts a complaint about these subjects may touch."""
    ids = {s.pk for s in subjects if s.is_institution}
    people = [s.pk for s in subjects if not s.is_institution]
    if people:
        ids |= set(Affiliation.objects.filter(person_id__in=people, role=Affiliation.Role.MEMBER)
                   .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=since))
                   .values_list("institution_id", flat=True))
    return ids


@transaction.atomic
def assess(subjects: Iterable[Subject], *, on: dt.date | None = None) -> list[ComplaintAlert]:
    """Raise or enlarge the alerts the complaints about these subjects (and, for institutions, about
    their practitioners) now call for; returns the alerts raised or enlarged."""
    rules = _rules()
    if not rules.alerts:
        return []
    day = today(on)
    since = _lookback(rules, day)
    subjects = list(subjects)
    own_ids = {s.pk for s in subjects}
    institution_ids = _institutions_of(subjects, since)
    own = _complaints(own_ids | institution_ids, since)
    members = _members_complaints(institution_ids, since)
    upheld = {code for code, f in rules.findings.items() if f.upheld}
    changed = []
    for rule in rules.alerts.values():
        targets = institution_ids if rule.include_members else own_ids
        for subject_id in targets:
            pool = {c.pk: c for c in own.get(subject_id, []) + (members.get(subject_id, []) if rule.include_members
                                                                 else [])}
            if pool:
                alert = _apply(rule, rules.version, subject_id, [_as_domain(c, upheld) for c in pool.values()], day)
                if alert is not None:
                    changed.append(alert)
    return changed


def _apply(rule: domain.AlertRule, version: str, subject_id: int, pool: list[domain.Complaint],
           day: dt.date) -> ComplaintAlert | None:
    alerts = ComplaintAlert.objects.filter(subject_id=subject_id, rule=rule.code)
    after = alerts.filter(state=ComplaintAlert.State.HANDLED).aggregate(last=Max("handled_on"))["last"]
    window = domain.fullest_window(rule, pool, today=day, after=after)
    if window is None:
        return None
    alert = alerts.select_for_update().filter(state=ComplaintAlert.State.OPEN).first()
    ids = set(window.complaint_ids)
    if alert is not None:
        known = set(alert.complaints.values_list("pk", flat=True))
        if ids <= known:
            return None
        # More complaints since it was raised: the alert grows to hold them, and keeps its date.
        alert.window_start, alert.window_end = min(alert.window_start, window.start), window.end
        alert.count = max(alert.count, window.count)
        alert.save(update_fields=["window_start", "window_end", "count"])
        alert.complaints.add(*(ids - known))
        action, what = AuditEntry.Action.UPDATE, "更新投诉预警"
    else:
        try:
            with transaction.atomic():
                alert = ComplaintAlert.objects.create(
                    subject_id=subject_id, rule=rule.code, rule_name=rule.name, rule_text=rule.describe(),
                    rules_version=version, advice=rule.advice, raised_on=day, window_start=window.start,
                    window_end=window.end, count=window.count)
                alert.complaints.add(*ids)
        except IntegrityError:
            # Raised at the same moment by another complaint's transaction: that one stands, and the
            # nightly pass adds this complaint to it. Registering the complaint must not fail for it.
            return None
        action, what = AuditEntry.Action.CREATE, "投诉预警"
        _report(alert, rule)
    audit(action=action, object_type="complaints.complaintalert", object_id=alert.pk,
          summary=f"{what}：{rule.name}（{window.start}至{window.end}，{domain.MEASURES[rule.measure]}{window.count}）",
          data={"subject": subject_id, "rule": rule.code, "complaints": sorted(ids)})
    return alert


def _report(alert: ComplaintAlert, rule: domain.AlertRule) -> None:
    """Tell the officers who handle complaints about the subject, once the alert is committed
    (群体性投诉 calls for an immediate report; every new alert is worth one e-mail)."""
    subject = Subject.objects.only("pk", "name", "region_id").get(pk=alert.subject_id)
    to = sorted({u.email for u in officers_covering(subject, perm=HANDLE)})
    if not to:
        return
    body = (f"{rule.name}：{subject.name}\n预警条件：{alert.rule_text}\n统计期间：{alert.window_start} 至 "
            f"{alert.window_end}，计数 {alert.count}\n处置建议：{alert.advice}\n\n"
            f"请登录公共法律服务信用监管平台后台（投诉处理 → 投诉预警）处置："
            f"{reverse('admin:complaints_complaintalert_change', args=[alert.pk])}")
    transaction.on_commit(lambda: send_mail(f"【投诉预警】{rule.name}：{subject.name}", body,
                                            settings.DEFAULT_FROM_EMAIL, to, fail_silently=True))


@transaction.atomic
def handle(pk: int, *, by, response: str, note: str, on: dt.date | None = None) -> ComplaintAlert:
    """An officer records what was done about an alert; the alert closes."""
    alert = ComplaintAlert.objects.select_for_update(of=("self",)).select_related("subject").get(pk=pk)
    may(by, alert.subject, HANDLE, "处置投诉预警")
    if alert.state != ComplaintAlert.State.OPEN:
        raise ValidationError(f"该预警已于{alert.handled_on}处置")
    responses = _rules().responses
    if response not in responses:
        raise field_error("response", "处置方式", f"应为 {'、'.join(responses.values())} 之一")
    note = (note or "").strip()
    if not note:
        raise field_error("response_note", "处置情况", "须写明采取的措施和结果")
    day = today(on)
    if day < alert.raised_on:
        raise field_error("handled_on", "处置日期", f"不能早于预警日期 {alert.raised_on}")
    alert.state, alert.response, alert.response_note = ComplaintAlert.State.HANDLED, response, note
    alert.handled_on, alert.handled_by = day, by
    alert.save(update_fields=["state", "response", "response_note", "handled_on", "handled_by"])
    audit(action=AuditEntry.Action.UPDATE, actor=by, object_type="complaints.complaintalert", object_id=alert.pk,
          summary=f"处置投诉预警：{responses[response]}", reason=note[:300])
    return alert


def not_accepted(complaint: Complaint, *, by, on: dt.date) -> None:
    """A complaint not accepted no longer counts: it leaves the open alerts that held it, and an
    alert it leaves short of its rule is withdrawn (an alert already handled stays as it was)."""
    rules = _rules()
    upheld = {code for code, f in rules.findings.items() if f.upheld}
    for alert in ComplaintAlert.objects.select_for_update().filter(state=ComplaintAlert.State.OPEN,
                                                                   complaints=complaint):
        alert.complaints.remove(complaint)
        rule = rules.alerts.get(alert.rule)
        rest = [_as_domain(c, upheld) for c in alert.complaints.all()]
        window = domain.fullest_window(rule, rest, today=on) if rule is not None else None
        if window is None:
            alert.state, alert.handled_on, alert.handled_by = ComplaintAlert.State.WITHDRAWN, on, by
            alert.response_note = f"所涉投诉 {complaint.number} 不予受理，其余投诉未达预警条件"
            alert.count = len(rest) if rule is None else domain.count(rule, rest)
        else:
            alert.count = window.count
        alert.save(update_fields=["state", "handled_on", "handled_by", "response_note", "count"])
        audit(action=AuditEntry.Action.UPDATE, actor=by, object_type="complaints.complaintalert",
              object_id=alert.pk, summary=f"投诉 {complaint.number} 不予受理，移出投诉预警"
                                          f"{'并撤销预警' if window is None else ''}")


def assess_recent(*, on: dt.date | None = None, chunk: int = 500) -> int:
    """The nightly pass: every subject with a complaint in a window that may still be current."""
    rules = _rules()
    if not rules.alerts:
        return 0
    day = today(on)
    ids = sorted(set(Complaint.objects.filter(Q(received_on__gte=_lookback(rules, day))
                                              | Q(decided_on__gte=_lookback(rules, day)))
                     .values_list("subject_id", flat=True)))
    raised = 0
    for start in range(0, len(ids), chunk):
        with transaction.atomic():
            raised += len(assess(Subject.objects.filter(pk__in=ids[start:start + chunk]), on=day))
    return raised
