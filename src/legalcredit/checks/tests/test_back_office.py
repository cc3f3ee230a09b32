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
