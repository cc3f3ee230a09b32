"""The listing due process as an officer works it in the back office: propose by hand, serve the
notice, decide, print the documents."""
import datetime as dt

import pytest
from django.urls import reverse

from legalcredit.lists.models import ListEntry
from legalcredit.records import services as records

pytestmark = pytest.mark.django_db


def propose_page(client, **data):
    return client.post(reverse("admin:lists_listentry_propose"),
                       {"list_code": "serious_dishonesty", "reasons": "拒不履行生效行政处罚决定，情节严重",
                        "authority": "淮安市司法局", **data})


def test_a_maker_proposes_by_hand_and_the_entry_goes_through_to_a_printed_decision(
        client, maker, checker, lawyer, penalty):
    rec = records.approve(records.submit(lawyer, penalty(), actor=maker, reason="录入").pk, checker=checker)
    client.force_login(maker)
    assert "拟列入名单" in client.get(reverse("admin:lists_listentry_changelist")).content.decode()
    wrong = propose_page(client, subject=lawyer.id_number, basis_decision_no="淮司罚决〔2099〕1号")
    assert wrong.status_code == 200 and "没有文号为 淮司罚决〔2099〕1号 的现行、已生效信用记录" in wrong.content.decode()
    assert "未找到标识为 X123" in propose_page(client, subject="X123").content.decode()
    done = propose_page(client, subject=lawyer.id_number, basis_decision_no=rec.decision_no,
                        conduct_on="2026-03-01")
    assert done.status_code == 302
    entry = ListEntry.objects.get()
    assert (entry.subject_id, entry.basis_record_id, entry.conduct_on, entry.stage) == (
        lawyer.pk, rec.pk, dt.date(2026, 3, 1), "proposed")
    again = propose_page(client, subject=lawyer.id_number)
    assert "已有未办结或有效的记录" in again.content.decode()

    act = reverse("admin:lists_listentry_act", args=[entry.pk])
    assert client.post(act, {"action": "serve_notice", "on": "2026-11-02"}).status_code == 302
    printed = client.get(reverse("admin:lists_listentry_print", args=[entry.pk])).content.decode()
    assert "信用名单列入告知书" in printed and "拒不履行生效行政处罚决定" in printed and "陈述和申辩" in printed
    assert "列入决定书" not in printed

    client.force_login(checker)
    decided = client.post(act, {"action": "list", "on": "2026-11-20", "text": "陈述申辩期满未提出意见",
                                "decision_no": "淮司信〔2026〕1号"})
    assert decided.status_code == 302
    printed = client.get(reverse("admin:lists_listentry_print", args=[entry.pk])).content.decode()
    assert "信用名单列入决定书" in printed and "淮司信〔2026〕1号" in printed and "信用修复" in printed


def test_proposing_is_refused_to_roles_without_the_permission(client, lawyer, django_user_model):
    from legalcredit.accounts.services import assign
    from legalcredit.refdata.models import Region

    assoc = django_user_model.objects.create_user("lawyers_assoc", password="x-Strong-pass-1", is_staff=True)
    assign(assoc, "association", region=Region.objects.get(code="320800"))
    client.force_login(assoc)
    assert client.get(reverse("admin:lists_listentry_propose")).status_code == 403


def test_notices_are_not_shown_to_roles_that_cannot_read_the_lists(client, maker, lawyer, django_user_model):
    from legalcredit.accounts.services import assign
    from legalcredit.lists import services
    from legalcredit.refdata.models import Region

    entry = services.propose(lawyer, "serious_dishonesty", by=maker, reasons="拒不履行", authority="淮安市司法局")
    services.serve_notice(entry.pk, by=maker)
    assoc = django_user_model.objects.create_user("assoc2", password="x-Strong-pass-1", is_staff=True)
    assign(assoc, "association", region=Region.objects.get(code="320800"))
    client.force_login(assoc)
    for name in ("admin:lists_listentry_print", "admin:lists_listentry_act"):
        assert client.get(reverse(name, args=[entry.pk])).status_code == 403, name
    client.force_login(maker)
    assert client.get(reverse("admin:lists_listentry_print", args=[entry.pk])).status_code == 200


def test_the_entries_read_in_words_not_codes(client, maker, checker, law_firm, lawyer, codes):
    from legalcredit.lists import services
    from legalcredit.registry import services as registry

    registry.add_affiliation(actor=maker, reason="任命", person=lawyer, institution=law_firm, role="head",
                             valid_from=dt.date(2020, 1, 1))
    entry = services.propose(law_firm, "serious_dishonesty", by=maker, reasons="出具虚假法律意见书",
                             authority="淮安市司法局", conduct_on=dt.date(2026, 5, 1), responsible=[lawyer])
    services.serve_notice(entry.pk, by=maker, served_on=dt.date(2026, 11, 2))
    services.decide(entry.pk, by=checker, listed=True, reason="事实清楚", decision_no="淮司信〔2026〕5号",
                    on=dt.date(2026, 11, 20))
    client.force_login(checker)
    listing = client.get(reverse("admin:lists_listentry_changelist")).content.decode()
    assert "严重失信主体名单" in listing and "主要负责人" in listing
    assert "serious_dishonesty</td>" not in listing and ">head<" not in listing
    filtered = client.get(reverse("admin:lists_listentry_changelist"), {"list_code": "serious_dishonesty"})
    assert filtered.status_code == 200 and "淮安德恒律师事务所" in filtered.content.decode()
    assert "守信激励对象名单" in listing, "the filter offers every list by name"
    page = client.get(reverse("admin:lists_listentry_change", args=[entry.pk])).content.decode()
    assert "淮安德恒律师事务所 · 严重失信主体名单（已决定列入）" in page
    assert f"[{lawyer.pk}]" not in page and "李明" in page
