"""A lawyer's penalty repaired: eligibility, materials, 补正, acceptance, review, decision, effects."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legalcredit.checks import services as checks
from legalcredit.deadlines.models import Clock
from legalcredit.evaluation import selectors as grades
from legalcredit.records import selectors as record_selectors
from legalcredit.records.models import CreditRecord
from legalcredit.refdata.selectors import work_calendar
from legalcredit.remedies import selectors
from legalcredit.remedies.models import SyncEntry
from legalcredit.remedies.services import repair

from .conftest import PDF

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def running(app, step):
    return Clock.objects.get(case_type="repair", case_id=app.pk, step=step, stopped_on__isnull=True)


def test_an_application_before_the_minimum_period_is_refused_with_the_earliest_date(lawyer, lawyer_user, approved):
    rec = approved(lawyer, decision_date=dt.date(2026, 10, 9), severity="serious", decision_no="淮司罚决〔2026〕9号",
                   effective_from=dt.date(2026, 10, 9), effective_until=dt.date(2027, 2, 9))
    with pytest.raises(ValidationError) as exc:
        repair.apply(lawyer, by=lawyer_user, statement="已履行", record_number=rec.number)
    assert "最短公示期未满" in str(exc.value) and f"最早可于{rec.repair_from.isoformat()}" in str(exc.value)
    assert rec.repair_from == dt.date(2027, 10, 10)      # the day after the one-year minimum ends


def test_a_lawyer_repairs_a_penalty_from_application_to_synchronisation(
        lawyer, lawyer_user, maker, checker, other_checker, approved, django_capture_on_commit_callbacks, mailoutbox):
    lawyer_user.email = "liming@example.com"
    lawyer_user.save()
    rec = approved(lawyer)
    before = grades.grade_of(lawyer.pk)
    today = timezone.localdate()
    cal = work_calendar()

    app = repair.apply(lawyer, by=lawyer_user, statement="已停止执业四个月并接受律协培训", record_number=rec.number)
    assert app.number.startswith(f"XF{today:%Y%m%d}") and app.stage == "applied"
    assert app.commitment.commitment_type == "repair" and len(app.commitment.code) == 20
    assert running(app, "repair_accept").due_on == cal.add_working_days(today, 3)
    # The item shows as under repair wherever it appears.
    assert "信用修复申请办理中" in selectors.record_flags([rec.key])[rec.key][0]
    answer = checks.run(by=maker, queries=[{"uscc": "", "id_number": lawyer.id_number}], matter="procurement",
                        purpose="政府采购供应商资格审查")[0].answer
    assert answer["flags"][0]["flag"] == "under_repair" and answer["flags"][0]["case"] == app.number
    with pytest.raises(ValidationError, match="正在办理的修复申请"):
        repair.apply(lawyer, by=lawyer_user, statement="再次申请", record_number=rec.number)

    with pytest.raises(ValidationError, match="证明材料"):
        repair.accept(app.pk, by=maker)
    with pytest.raises(ValidationError, match="不允许上传"):
        repair.attach(app.pk, by=lawyer_user, kind="proof", name="证明.exe", content=b"MZ\x90\x00")
    with pytest.raises(ValidationError, match="内容与扩展名"):
        repair.attach(app.pk, by=lawyer_user, kind="proof", name="证明.pdf", content=b"not a pdf")
    with pytest.raises(ValidationError, match="超过上限"):
        repair.attach(app.pk, by=lawyer_user, kind="proof", name="证明.pdf", content=PDF + b"0" * (10 * 1048576))

    repair.ask_supplement(app.pk, by=maker, what="请提交律协培训结业证明")
    assert running(app, "repair_accept").due_on is None           # paused while 补正 is awaited
    repair.attach(app.pk, by=lawyer_user, kind="proof", name="培训结业证明.pdf", content=PDF)
    repair.supplement_received(app.pk, by=maker)
    assert running(app, "repair_accept").due_on == cal.add_working_days(today, 3)   # same-day pause costs nothing
    app = repair.accept(app.pk, by=maker)
    assert running(app, "repair_decide").due_on == cal.add_working_days(today, 3)
    assert running(app, "repair_decide").assignee == maker

    app = repair.review(app.pk, by=maker, grant=True, opinion="义务已履行，材料齐全")
    with pytest.raises(ValidationError, match="决定理由"):
        repair.decide(app.pk, by=checker, grant=True, reason=" ")
    with pytest.raises(PermissionDenied):
        repair.decide(app.pk, by=maker, grant=True, reason="同意")
    with django_capture_on_commit_callbacks(execute=True):
        app = repair.decide(app.pk, by=checker, grant=True, reason="已纠正失信行为并履行义务")
    # A second officer deciding the same case finds it decided.
    with pytest.raises(ValidationError, match="准予修复"):
        repair.decide(app.pk, by=other_checker, grant=False, reason="不同意")

    now = CreditRecord.objects.get(key=rec.key, is_current=True)
    assert (now.version, now.repaired_on, now.entered_by, now.checked_by) == (2, today, maker, checker)
    assert not record_selectors.public_on(now, today)
    assert record_selectors.public_on(rec, today)                 # the version before keeps its history
    after = grades.grade_of(lawyer.pk)
    assert after.score > before.score
    # The repaired record stays in the explanation, with no points.
    line = next(ln for ln in after.evaluation.explanation["lines"] if ln[2] == now.pk)
    assert float(line[4]) == 0
    sync = SyncEntry.objects.get(case_id=app.pk)
    assert sync.payload["action"] == "终止公示" and sync.due_on == cal.add_working_days(today, 3)
    assert running(app, "repair_sync").due_on == sync.due_on
    assert selectors.flags([lawyer.pk]) == {}
    # The 信用修复告知书 came when the penalty was approved; now the applicant is told, with the reason.
    notice, mail = mailoutbox
    assert "信用修复告知书" in notice.subject and notice.to == ["liming@example.com"]
    assert mail.to == ["liming@example.com"] and "准予修复" in mail.body and "已纠正失信行为并履行义务" in mail.body
    assert [s.action for s in selectors.steps("repair", app.pk)] == [
        "提出申请", "通知补正（暂停计时）", "上传履行义务证明", "收到补正材料（恢复计时）", "受理",
        "审核（建议准予修复）", "准予修复"]
    # Repaired: a second application is refused as such.
    with pytest.raises(ValidationError, match="已于"):
        repair.apply(lawyer, by=lawyer_user, statement="x", record_number=rec.number)


def test_others_cannot_apply_for_a_subject_outside_their_reach(lawyer, law_firm, lawyer_user, approved):
    rec = approved(law_firm, decision_no="淮司罚决〔2026〕3号", sanctions=[{"type": "停业整顿", "months": 2}],
                   legal_basis="《中华人民共和国律师法》第五十条")
    with pytest.raises(PermissionDenied, match="授权范围"):
        repair.apply(law_firm, by=lawyer_user, statement="x", record_number=rec.number)


def test_a_repair_that_is_not_granted_leaves_the_record_public(lawyer, lawyer_user, maker, checker, approved):
    rec = approved(lawyer)
    app = repair.apply(lawyer, by=lawyer_user, statement="已缴纳", record_number=rec.number)
    repair.attach(app.pk, by=lawyer_user, kind="proof", name="缴款凭证.pdf", content=PDF)
    repair.accept(app.pk, by=maker)
    repair.review(app.pk, by=maker, grant=False, opinion="未完成整改")
    app = repair.decide(app.pk, by=checker, grant=False, reason="整改未完成")
    assert app.stage == "refused"
    assert CreditRecord.objects.get(key=rec.key, is_current=True).repaired_on is None
    assert not Clock.objects.filter(case_type="repair", case_id=app.pk, stopped_on__isnull=True).exists()


def test_a_correction_after_repair_keeps_the_record_repaired(lawyer, lawyer_user, maker, checker, approved):
    from legalcredit.records import services as records

    rec = approved(lawyer)
    app = repair.apply(lawyer, by=lawyer_user, statement="已履行", record_number=rec.number)
    repair.attach(app.pk, by=lawyer_user, kind="proof", name="证明.pdf", content=PDF)
    repair.accept(app.pk, by=maker)
    repair.review(app.pk, by=maker, grant=True, opinion="同意")
    repair.decide(app.pk, by=checker, grant=True, reason="已履行")
    fixed = records.correct(rec.key, actor=maker, reason="更正内容表述", content="私自接受委托、收取费用（更正）")
    fixed = records.approve(fixed.pk, checker=checker)
    assert fixed.version == 3 and fixed.repaired_on == timezone.localdate()
