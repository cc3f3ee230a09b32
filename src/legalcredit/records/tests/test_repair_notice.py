"""信用修复告知书 (「两书同达」, rules.md §2.2): every approved adverse record has one to print and
serve with its decision, stating the record's own publication dates and earliest repair date; the
subject reads it from its own account."""
import pytest

from legalcredit.accounts.services import assign
from legalcredit.records import services
from legalcredit.records.prepare import Draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def test_an_officer_prints_the_notice_with_the_records_own_dates(client, checker, lawyer, approved):
    rec = approved(lawyer)
    client.force_login(checker)
    page = client.get(f"/admin/records/creditrecord/{rec.pk}/change/").content.decode()
    url = f"/admin/records/creditrecord/{rec.pk}/repair-notice/"
    assert url in page and "打印信用修复告知书" in page
    notice = client.get(url).content.decode()
    assert "信用修复告知书" in notice and rec.decision_no in notice and lawyer.name in notice
    assert f"公示至{rec.publication_end.isoformat()}" in notice
    assert f"自{rec.repair_from.isoformat()}起可以申请信用修复" in notice and "不收取任何费用" in notice


def test_the_subject_reads_its_notice_and_a_commendation_has_none(client, django_user_model, lawyer, approved,
                                                                  maker, checker, bureau):
    rec = approved(lawyer)
    user = django_user_model.objects.create_user("li_ming", password="x-Strong-pass-1", is_staff=True)
    assign(user, "practitioner_user", subject=lawyer)
    client.force_login(user)
    assert rec.decision_no in client.get(f"/admin/records/creditrecord/{rec.pk}/repair-notice/").content.decode()
    praise = services.submit(lawyer, Draft(
        kind="commendation", subtype="市级", decision_date=rec.decision_date, authority="淮安市司法局",
        authority_uscc=bureau["city"], source_unit="淮安市司法局", source_unit_uscc=bureau["city"],
        decision_no="淮司表〔2026〕1号", content="优秀律师"), actor=maker, reason="录入")
    services.approve(praise.pk, checker=checker)
    assert client.get(f"/admin/records/creditrecord/{praise.pk}/repair-notice/").status_code == 404


def test_a_courts_judgment_the_bureau_only_receives_has_no_notice(client, checker, lawyer, approved):
    """失信被执行人 and judgments are repaired by the court, not served by the bureau (remedies.yaml
    unrepairable_kinds): no 信用修复告知书 to print."""
    from legalcredit.records.models import CreditRecord

    rec = approved(lawyer)
    CreditRecord.objects.filter(pk=rec.pk).update(kind="judgment_debtor")
    client.force_login(checker)
    assert client.get(f"/admin/records/creditrecord/{rec.pk}/repair-notice/").status_code == 404
    assert "打印信用修复告知书" not in client.get(f"/admin/records/creditrecord/{rec.pk}/change/").content.decode()


def test_the_subject_is_sent_its_notice_when_the_record_is_approved(django_user_model, lawyer, law_firm, approved,
                                                                    maker, checker, mailoutbox,
                                                                    django_capture_on_commit_callbacks):
    """The electronic side of 「两书同达」: the subject's own accounts with an address get the notice
    once, when the record first counts; a correction is not sent again, and no one else gets it."""
    user = django_user_model.objects.create_user("li_ming", password="x-Strong-pass-1", email="li@example.cn")
    assign(user, "practitioner_user", subject=lawyer)
    other = django_user_model.objects.create_user("dh", password="x-Strong-pass-1", email="dh@example.cn")
    assign(other, "institution_user", subject=law_firm)
    rec = approved(lawyer)
    [mail] = mailoutbox
    assert mail.to == ["li@example.cn"] and rec.decision_no in mail.subject
    assert f"自{rec.repair_from.isoformat()}起可以申请信用修复" in mail.body and "不收取任何费用" in mail.body
    fixed = services.correct(rec.key, actor=maker, reason="更正违法事实表述", content="私自接受委托、收取费用（更正）")
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(fixed.pk, checker=checker)
    assert len(mailoutbox) == 1
