"""Credit commitments: the national code, the 承诺书, and a breach's record and consequence."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legalcredit.checks import services as checks
from legalcredit.deadlines.models import Clock
from legalcredit.domain.remedies import check_commitment_code
from legalcredit.records import selectors as record_selectors
from legalcredit.records.models import CreditRecord
from legalcredit.refdata.selectors import work_calendar
from legalcredit.remedies.services import commitments, repair

from .conftest import PDF

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def make(subject, maker, ctype="accept_missing", **kw):
    return commitments.make(subject, by=maker, commitment_type=ctype, cause="律师事务所变更登记（容缺受理）",
                            content="三十日内补交合伙协议原件", liability="未按期补交的，撤销变更登记",
                            disclosure="public", accepting_unit="淮安市司法局", **kw)


def test_a_commitment_gets_its_code_letter_and_materials_deadline(law_firm, maker):
    today = timezone.localdate()
    c = make(law_firm, maker)
    assert check_commitment_code(c.code) is None and c.code.startswith(f"320800{today:%Y%m%d}")
    assert make(law_firm, maker).code[-6:] == "000002"
    assert c.materials_due == work_calendar().add_working_days(today, 10)
    assert "三十日内补交合伙协议原件" in c.letter and "违反上述承诺" in c.letter and c.code in c.letter
    clock = Clock.objects.get(case_type="commitment", case_id=c.pk)
    assert clock.due_on == c.materials_due
    with pytest.raises(ValidationError, match="承诺类型"):
        make(law_firm, maker, ctype="gift")
    with pytest.raises(ValidationError, match="承诺有效期"):
        make(law_firm, maker, valid_until=today - dt.timedelta(days=1))


def test_a_breach_is_recorded_and_bars_notify_and_commit(law_firm, maker, checker):
    c = make(law_firm, maker)
    with pytest.raises(ValidationError, match="未履行的承诺内容"):
        commitments.propose_fulfilment(c.pk, by=maker, status="none")
    commitments.propose_fulfilment(c.pk, by=maker, status="none", unfulfilled="逾期未补交合伙协议",
                                   liability_pursued="撤销变更登记")
    with pytest.raises(PermissionDenied):
        commitments.confirm_fulfilment(c.pk, by=maker, unit="淮安市司法局")
    with pytest.raises(ValidationError, match="履行状态认定单位统一社会信用代码："):
        commitments.confirm_fulfilment(c.pk, by=checker, unit="淮安市司法局", unit_uscc="淮安市司法局的代码")
    c = commitments.confirm_fulfilment(c.pk, by=checker, unit="淮安市司法局")
    rec = c.breach_record
    assert (rec.kind, rec.subtype, rec.decision_no, rec.review) == ("commitment", "全部未履行", c.code, "approved")
    assert c.consequence == "撤销审批决定（承诺未关联具体许可或审批记录，请人工处理）"
    assert not Clock.objects.filter(case_type="commitment", case_id=c.pk, stopped_on__isnull=True).exists()
    answer = checks.run(by=maker, queries=[{"uscc": law_firm.uscc}], matter="notification_commitment",
                        purpose="告知承诺制审批")[0].answer
    assert answer["notification_commitment"]["eligible"] is False
    assert c.code in answer["notification_commitment"]["reasons"][0]


def test_breaking_a_repair_commitment_restores_publication_and_bars_repair(
        lawyer, lawyer_user, maker, checker, approved, django_capture_on_commit_callbacks):
    rec = approved(lawyer)
    app = repair.apply(lawyer, by=lawyer_user, statement="已履行", record_number=rec.number)
    repair.attach(app.pk, by=lawyer_user, kind="proof", name="证明.pdf", content=PDF)
    repair.accept(app.pk, by=maker)
    repair.review(app.pk, by=maker, grant=True, opinion="同意")
    with django_capture_on_commit_callbacks(execute=True):
        repair.decide(app.pk, by=checker, grant=True, reason="已履行")
    assert not record_selectors.public_on(CreditRecord.objects.get(key=rec.key, is_current=True), timezone.localdate())

    commitments.propose_fulfilment(app.commitment_id, by=maker, status="partial", unfulfilled="再次私自收费",
                                   liability_pursued="恢复公示")
    c = commitments.confirm_fulfilment(app.commitment_id, by=checker, unit="淮安市司法局")
    assert app.number in c.consequence
    now = CreditRecord.objects.get(key=rec.key, is_current=True)
    assert now.repaired_on is None and now.version == 3
    assert now.publication_end == rec.publication_end                        # the maximum period again
    assert record_selectors.public_on(now, timezone.localdate())
    with pytest.raises(ValidationError, match="曾违反信用修复承诺"):
        repair.apply(lawyer, by=lawyer_user, statement="再次申请", record_number=rec.number)


def test_breaking_an_approval_substitute_commitment_flags_the_licence(law_firm, maker, checker, bureau,
                                                                     django_capture_on_commit_callbacks):
    from legalcredit.records import services as records
    from legalcredit.records.prepare import Draft
    from legalcredit.remedies import selectors

    lic = records.submit(law_firm, Draft(kind="license", decision_date=dt.date(2026, 3, 2), authority="淮安市司法局",
                                         authority_uscc=bureau["city"], source_unit="淮安市司法局",
                                         source_unit_uscc=bureau["city"], decision_no="淮司许〔2026〕5号",
                                         content="律师事务所变更住所（告知承诺）"), actor=maker, reason="录入")
    with django_capture_on_commit_callbacks(execute=True):
        lic = records.approve(lic.pk, checker=checker)
    c = make(law_firm, maker, ctype="approval_substitute", matter_record=lic.number)
    assert "淮司许〔2026〕5号" in c.letter
    commitments.propose_fulfilment(c.pk, by=maker, status="none", unfulfilled="住所不符合条件",
                                   liability_pursued="撤销许可")
    c = commitments.confirm_fulfilment(c.pk, by=checker, unit="淮安市司法局")
    assert c.consequence.startswith("相关许可标记为拟撤销：淮司许〔2026〕5号")
    assert selectors.record_flags([lic.key])[lic.key] == [f"违反信用承诺，拟撤销（承诺编码 {c.code}）"]
    [flag] = selectors.flags([law_firm.pk])[law_firm.pk]
    assert (flag["flag"], flag["record"]) == ("commitment_breached", lic.number)
