"""The check's hand-written reads give what the ORM reads they replace give, on both databases."""
import datetime as dt
import random

import pytest
from django.db.models import Max
from django.utils import timezone

from legalcredit.checks import selectors
from legalcredit.evaluation import selectors as grades
from legalcredit.evaluation import services as evaluation
from legalcredit.lists import selectors as lists
from legalcredit.lists.models import ListEntry, Stage
from legalcredit.records import services as records
from legalcredit.records.models import CreditRecord
from legalcredit.registry.models import Subject

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 7)


def orm_standing(subject: Subject, day: dt.date) -> selectors.Standing:
    from legalcredit.remedies import selectors as remedies

    subject = Subject.objects.select_related("status").get(pk=subject.pk)
    g = grades.grade_of(subject.pk, with_evaluation=False)
    sup = grades.supervision(g)
    changed = CreditRecord.objects.filter(subject=subject, review="approved").aggregate(m=Max("effective_at"))["m"]
    return selectors.Standing(
        subject.pk, subject.name, subject.subject_type_id, subject.status_id, subject.status.name, subject.region_id,
        g.evaluation_id if g else None, g.grade if g else None, str(g.score) if g and g.score is not None else None,
        sup.klass if sup else "", g.scheme.code if g and g.scheme else None,
        g.scheme.version if g and g.scheme else None, changed,
        lists.in_force_on([subject.pk], day).exists(), bool(remedies.flags([subject.pk])), subject.license_issued_on)


def test_a_subject_is_found_by_each_identifier_with_its_grade_and_newest_approved_record(
        law_firm, lawyer, maker, checker, penalty):
    Subject.objects.filter(pk=lawyer.pk).update(license_no="13208201210000001")

    def firm_penalty(**kw):
        return penalty(legal_basis="《中华人民共和国律师法》第五十条", content="疏于管理",
                       sanctions=[{"type": "停业整顿", "months": 4}], **kw)
    lookups = [("uscc", law_firm.uscc, law_firm), ("id_number", lawyer.id_number, lawyer),
               ("license_no", "13208201210000001", lawyer)]
    for key, value, subject in lookups:   # not yet graded, no record
        assert selectors.standing_by(key, value, TODAY) == [orm_standing(subject, TODAY)]
        assert selectors.standing_by(key, value, TODAY)[0].records_changed_at is None
    first = records.submit(law_firm, firm_penalty(), actor=maker, reason="录入")
    records.approve(first.pk, checker=checker)
    second = records.submit(law_firm, firm_penalty(decision_no="淮司罚决〔2026〕2号"), actor=maker, reason="录入")
    second = records.approve(second.pk, checker=checker)
    records.submit(law_firm, firm_penalty(decision_no="淮司罚决〔2026〕3号"), actor=maker, reason="录入")   # pending: not counted
    evaluation.evaluate_subjects([law_firm.pk, lawyer.pk])
    for key, value, subject in lookups:
        [found] = selectors.standing_by(key, value, TODAY)
        assert found == orm_standing(subject, TODAY)
    [firm] = selectors.standing_by("uscc", law_firm.uscc, TODAY)
    assert firm.records_changed_at == CreditRecord.objects.get(pk=second.pk).effective_at   # the newer of the two
    assert timezone.is_aware(firm.records_changed_at)
    assert firm.grade and firm.evaluation_id is not None and firm.score is not None
    assert selectors.standing_by("uscc", "91320800MA1XXXXXXX", TODAY) == []


def test_list_entries_in_force_on_any_day_are_the_orm_selectors(law_firm, lawyer, maker):
    rng = random.Random(20261202)
    base = dt.date(2026, 1, 1)
    stages = list(Stage)
    made = []
    for i in range(60):
        start = base + dt.timedelta(days=rng.randrange(0, 300))
        until = start + dt.timedelta(days=rng.randrange(0, 200))
        removed = start + dt.timedelta(days=rng.randrange(-5, 250)) if rng.random() < 0.4 else None
        made.append(ListEntry(
            list_code=rng.choice(["serious_dishonesty", "honor", "watch"]), subject=rng.choice([law_firm, lawyer]),
            stage=rng.choice(stages), reasons="测试", legal_basis="测试", authority="淮安市司法局", proposed_by=maker,
            decision_no=f"淮司信〔2026〕{i}号", decided_on=start if rng.random() < 0.8 else None,
            listed_from=start, listed_until=until, removed_on=removed))
    ListEntry.objects.bulk_create(made)
    now = timezone.now()
    for n, pk in enumerate(ListEntry.objects.order_by("?").values_list("pk", flat=True)):
        ListEntry.objects.filter(pk=pk).update(proposed_at=now - dt.timedelta(minutes=n))
    seen = 0
    # Every day an entry starts, ends or is removed, and the days either side: where a comparison
    # written the wrong way round would differ.
    edges = {d for e in made for d in (e.listed_from, e.listed_until, e.removed_on) if d}
    for day in sorted({d + dt.timedelta(days=k) for d in edges for k in (-1, 0, 1)}):
        for subject in (law_firm, lawyer):
            expected = [selectors.InForce(e.list_code, e.decision_no, e.authority, e.decided_on, e.listed_from,
                                          e.listed_until)
                        for e in lists.in_force_on([subject.pk], day).order_by("-proposed_at")]
            assert selectors.in_force_on(subject.pk, day) == expected, day
            # The subject's row says whether to ask at all: exactly when there is something to read.
            [standing] = selectors.standing_by("uscc", subject.uscc, day) if subject.uscc else \
                selectors.standing_by("id_number", subject.id_number, day)
            assert standing.listed is bool(expected), day
            seen += len(expected)
    assert seen > 50   # the sweep met entries in force, not only empty days


def test_a_subject_is_flagged_exactly_when_it_has_open_remedies(law_firm, lawyer, maker):
    """Objections and repair applications in every stage, breached and kept commitments with and
    without a flagged matter: ``flagged`` on the subject's row is whether ``flags`` finds any."""
    import uuid

    from legalcredit.remedies import selectors as remedies
    from legalcredit.remedies.models import Commitment, Objection, ObjectionStage, RepairApplication, RepairStage

    rng = random.Random(20261207)
    kinds = list(remedies._flagged_kinds()) or ["x"]
    day = dt.date(2026, 6, 1)

    def check():
        for subject, key, value in ((law_firm, "uscc", law_firm.uscc), (lawyer, "id_number", lawyer.id_number)):
            [standing] = selectors.standing_by(key, value, day)
            assert standing.flagged is bool(remedies.flags([subject.pk])), (subject, standing)

    check()
    flagged_seen = 0
    for i in range(40):
        subject = rng.choice([law_firm, lawyer])
        what = rng.randrange(3)
        if what == 0:
            Objection.objects.create(subject=subject, item="异议", applicant_name="张三", interest="本人", grounds="理由",
                                     filed_on=day, stage=rng.choice(list(ObjectionStage)),
                                     **({"record_key": uuid.uuid4()} if rng.random() < 0.5 else {"grade": True}))
        elif what == 1:
            RepairApplication.objects.create(subject=subject, item="修复", applied_on=day, statement="已整改",
                                             stage=rng.choice(list(RepairStage)), record_key=uuid.uuid4())
        else:
            Commitment.objects.create(
                code=f"C{i:04d}", subject=subject, committer_category=next(iter(Commitment._meta.get_field(
                    "committer_category").choices))[0], commitment_type=rng.choice(kinds + ["other_type"]),
                cause="事由", content="内容", liability="责任", made_on=day, disclosure="public",
                accepting_unit="淮安市司法局", fulfilment=rng.choice(["pending", "full", "partial", "none"]),
                matter_record_key=uuid.uuid4() if rng.random() < 0.7 else None, fulfilment_decided_on=day)
        # Every subject state the sequence passes through, flagged or not.
        check()
        flagged_seen += bool(remedies.flags([law_firm.pk, lawyer.pk]))
    assert flagged_seen > 5


def orm_last_adverse_on(subject: Subject, day: dt.date) -> dt.date | None:
    return (CreditRecord.objects.filter(subject=subject, is_current=True, review="approved", decision_date__lte=day)
            .exclude(severity="").exclude(status="revoked").aggregate(m=Max("decision_date"))["m"])


def test_the_latest_adverse_record_is_what_the_orm_finds(law_firm, lawyer, maker):
    """Records of every kind, severity, review, currency and status, decided over three years: on
    every day one is decided and the days either side, the hand-written read agrees with the ORM."""
    import uuid

    rng = random.Random(20261208)
    base = dt.date(2024, 1, 1)
    made = []
    for i in range(80):
        decided = base + dt.timedelta(days=rng.randrange(0, 1000))
        made.append(CreditRecord(
            key=uuid.uuid4(), subject=rng.choice([law_firm, lawyer]), kind=rng.choice(["penalty", "license", "discipline"]),
            severity=rng.choice(["", "minor", "general", "serious"]), review=rng.choice(["approved", "pending", "rejected"]),
            is_current=rng.random() < 0.7, status=rng.choice(["in_effect", "withdrawn", "revoked"]),
            decision_date=decided, authority="淮安市司法局", source_unit="淮安市司法局", content_hash="x", reason="测试"))
    CreditRecord.objects.bulk_create(made)
    seen = 0
    for day in sorted({r.decision_date + dt.timedelta(days=k) for r in made for k in (-1, 0, 1)}):
        for subject in (law_firm, lawyer):
            expected = orm_last_adverse_on(subject, day)
            assert selectors.last_adverse_on(subject.pk, day) == expected, day
            seen += expected is not None
    assert seen > 50
