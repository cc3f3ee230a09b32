"""The Quick start's demo: a province whose back-office queues are not empty."""
import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_demo_opens_with_cases_in_the_list_and_remedy_queues(settings, tmp_path, client, django_user_model):
    from legalcredit.deadlines.models import Clock
    from legalcredit.lists.models import ListEntry, Stage
    from legalcredit.records.models import CreditRecord
    from legalcredit.remedies.models import Commitment, Objection, RepairApplication

    settings.HOME = tmp_path    # the demo logins file
    out = io.StringIO()
    call_command("demo", size="small", stdout=out)
    assert "演示信用名单案件" in out.getvalue()
    assert CreditRecord.objects.filter(is_current=True).count() >= 6000
    listed = ListEntry.objects.get(list_code="serious_dishonesty", stage=Stage.PUBLISHED)
    # Due process was walked, by two officers, and reached a responsible person as its own proposal.
    assert listed.notice_text and listed.decision_no and listed.proposed_by != listed.decided_by
    assert [s.action for s in listed.steps.order_by("pk")][:2] == ["提出拟列入", "送达告知书"]
    child = ListEntry.objects.get(parent=listed)
    assert child.stage == Stage.PROPOSED and child.role and child.subject.kind == "practitioner"
    waiting = ListEntry.objects.get(list_code="serious_dishonesty", stage=Stage.NOTICED)
    assert Clock.objects.filter(case_type="listing", case_id=waiting.pk, stopped_on__isnull=True).exists()
    assert ListEntry.objects.filter(list_code="honor", stage=Stage.PUBLISHED).exists()
    assert RepairApplication.objects.exists() and Objection.objects.exists() and Commitment.objects.exists()
    # Checks as a handling unit asks them: a measure triggered by the listing, fed back; a receipted absence.
    from legalcredit.checks import services as checks
    from legalcredit.checks.models import Check

    procurement = Check.objects.get(matter_type="procurement")
    assert procurement.subject_id == listed.subject_id and procurement.answer["measures"]
    assert checks.verify(procurement.pk, procurement.digest)[0]
    from django.utils import timezone

    day = timezone.localdate(procurement.answered_at)    # rates are by the local day, not UTC's
    [rate] = checks.feedback_rates(day, day)
    assert 0 < rate["fed_back"] < rate["triggered"]
    assert Check.objects.get(matter_type="bidding").subject_id is None
    # A demo firm licensed years ago with no adverse record gets the fast lane in an approval.
    from legalcredit.registry.models import Subject

    admin = django_user_model.objects.get(username="admin")
    clean = (Subject.objects.filter(subject_type="law_firm", license_issued_on__lt=day.replace(year=day.year - 4))
             .exclude(credit_records__severity__in=["minor", "general", "serious"]).exclude(list_entries__isnull=False)
             .order_by("pk").first())
    [approval] = checks.run(by=admin, queries=[{"uscc": clean.uscc}], matter="approval", purpose="演示：变更审批")
    assert [m["code"] for m in approval.answer["measures"]] == ["green_channel", "tolerate_missing"]
    from django.urls import reverse

    # The demo firm's account has a notice of its own to answer.
    firm = django_user_model.objects.get(username="firm")
    client.force_login(firm)
    assert "提交陈述申辩" in client.get(reverse("admin:lists_listentry_changelist")).content.decode()
    assert not ListEntry.objects.filter(subject=firm.officer.subject, list_code="honor").exists(), \
        "the firm with a notice to answer is not also on the honor list"
    client.force_login(django_user_model.objects.get(username="admin"))
    batches = client.get(reverse("admin:records_recordimportbatch_changelist")).content.decode()
    assert "演示数据" in batches and "<td class=\"field-kind_shown\">demo" not in batches
    # A county maker's 双公示 file waits for the city checker, at the top of the checker's home page.
    from legalcredit.records.models import Review

    pending = CreditRecord.objects.filter(review=Review.PENDING)
    assert pending.count() >= 4 and {r.entered_by.username for r in pending} == {"county"}
    assert pending.filter(on_time=None).count() == pending.count(), "timeliness is set when approved"
    client.force_login(django_user_model.objects.get(username="checker"))
    home = client.get("/admin/").content.decode()
    assert "待审核的导入批次" in home and "待审核的信用记录" in home
    # The city's lawyers association has a penalty referred to it, waiting for its answer.
    from legalcredit.referrals.models import Referral

    assert sorted(Referral.objects.values_list("state", flat=True)) == ["declined", "open"]
    client.force_login(django_user_model.objects.get(username="lawyers"))
    assert "待研究行业惩戒的行政处罚" in client.get("/admin/").content.decode()
    # Last month's access review waits for the administrator: the county maker's late reads, the
    # checker's day of full ID numbers.
    from legalcredit.audit.models import AccessFinding

    assert sorted(AccessFinding.objects.values_list("actor", "rule")) == [
        ("checker", "full_id_number"), ("county", "off_hours")]
    client.force_login(django_user_model.objects.get(username="admin"))
    assert "待核实的查询使用情形" in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_the_demo_on_a_database_not_yet_migrated_says_what_to_run(monkeypatch):
    from django.core.management.base import CommandError
    from django.db.migrations.executor import MigrationExecutor

    from legalcredit.registry.models import Subject

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("registry", "0001")])
    with pytest.raises(CommandError, match="请先运行 legalcredit migrate"):
        call_command("demo", size="small", stdout=io.StringIO())
    assert not Subject.objects.exists()
