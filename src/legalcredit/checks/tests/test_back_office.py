"""Checks in the back office: each answer in words, and the trigger-feedback rate per unit."""
import pytest
from django.urls import reverse
from django.utils import timezone

from legalcredit.checks import services
from legalcredit.checks.tests.test_checks import listed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def test_a_check_reads_in_words_and_its_feedback_rate_is_shown_per_unit(
        admin_client, admin_user, department, law_firm, maker, checker):
    listed(law_firm, maker, checker)
    [check] = services.run(by=department, queries=[{"uscc": law_firm.uscc}], matter="procurement",
                           purpose="供应商资格审查")
    listing = admin_client.get(reverse("admin:checks_check_changelist")).content.decode()
    assert "政府采购" in listing and "触发—反馈率" in listing
    page = admin_client.get(reverse("admin:checks_check_change", args=[check.pk])).content.decode()
    for part in ("政府采购", "严重失信主体名单 淮司信〔2026〕9号", "限制参加政府采购活动", "政府采购法", "惩戒",
                 f"{check.unit} 政府采购 ", f"统一社会信用代码：{law_firm.uscc}"):
        assert part in page, part
    assert " procurement " not in page and "uscc：" not in page
    today = timezone.localdate()

    def rate_row():
        rates = admin_client.get(reverse("admin:checks_feedback_rates"), {"start": str(today), "end": str(today)})
        row = rates.content.decode().split(f"<td>{check.unit}</td>")[1].split("</tr>")[0]
        return [c.split("<")[0] for c in row.split("<td>")[1:]]

    assert rate_row() == ["1", "1", "0", "0%"]
    services.feedback(check.pk, by=department, measure="restrict_procurement", applied=True)
    assert rate_row() == ["1", "1", "1", "100%"]
    # The audit trail says it in words too: the measure by name, the object type by its model's name.
    trail = admin_client.get(reverse("admin:audit_auditentry_changelist")).content.decode()
    assert "反馈措施“限制参加政府采购活动”：已采取" in trail and "信用核查记录（checks.check）" in trail
    filtered = admin_client.get(reverse("admin:audit_auditentry_changelist"), {"object_type": "checks.feedback"})
    assert filtered.status_code == 200 and "反馈措施" in filtered.content.decode()


def test_the_rate_page_needs_the_view_permission(client, maker):
    client.force_login(maker)
    assert client.get(reverse("admin:checks_feedback_rates")).status_code == 403


def test_an_officer_checks_subjects_in_the_back_office_and_reports_feedback(client, law_firm, lawyer, maker, checker,
                                                                            codes):
    from legalcredit.checks.models import Check, Feedback

    listed(law_firm, maker, checker)
    client.force_login(checker)
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:checks_check_add") in index, "the check form is reachable from the index"
    assert client.get(reverse("admin:checks_check_add"))["Location"] == reverse("admin:checks_check_run")
    run = reverse("admin:checks_check_run")
    nobody = codes.uscc("91")
    assert "该字段是必填项" in client.post(run, {"subjects": law_firm.uscc, "matter": "procurement", "purpose": ""}
                                      ).content.decode() and not Check.objects.exists()
    done = client.post(run, {"subjects": f"{law_firm.uscc}\n{lawyer.id_number}\n\n{nobody}",
                             "matter": "procurement", "purpose": "法律援助服务采购供应商资格审查"})
    assert done.status_code == 302
    checks = list(Check.objects.order_by("answered_at"))
    assert [c.query for c in checks][0] == {"uscc": law_firm.uscc} and len(checks) == 3
    assert checks[1].subject_id == lawyer.pk and checks[2].subject_id is None
    page = client.get(done["Location"]).content.decode()
    for part in ("限制参加政府采购活动", str(checks[0].pk), checks[0].digest, "平台未登记", "反馈措施采取情况"):
        assert part in page, part
    ids = done["Location"].split("ids=")[1]
    feedback = reverse("admin:checks_check_feedback", args=[checks[0].pk])
    refused = client.post(feedback, {"measure": "restrict_procurement", "applied": "0", "reason": "", "ids": ids},
                          follow=True).content.decode()
    assert "未采取措施的须说明理由" in refused and not Feedback.objects.exists()
    client.post(feedback, {"measure": "restrict_procurement", "applied": "1", "ids": ids})
    assert Feedback.objects.get().applied
    assert "已反馈：限制参加政府采购活动　已采取" in client.get(done["Location"]).content.decode()
    # The officer's list holds their own checks; the page of each opens; the unit rates are for supervisors.
    mine = client.get(reverse("admin:checks_check_changelist")).content.decode()
    assert "法律援助服务采购供应商资格审查" in mine and "触发—反馈率" not in mine
    assert client.get(reverse("admin:checks_check_change", args=[checks[0].pk])).status_code == 200
    # Another officer's receipts and checks are not shown to them.
    client.force_login(maker)
    assert client.get(done["Location"]).status_code == 404
    assert "法律援助服务采购供应商资格审查" not in client.get(reverse("admin:checks_check_changelist")).content.decode()
    assert client.get(reverse("admin:checks_check_change", args=[checks[0].pk])).status_code == 302
