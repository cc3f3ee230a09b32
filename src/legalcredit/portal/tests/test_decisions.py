"""双公示 on the portal: anyone browses the licensing and penalty decisions in their publication
period, newest first, narrows them by party, decision number, authority and dates, and reads each
decision in the national fields with no full ID number; nothing unpublished is listed."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from legalcredit.records import services as records
from legalcredit.records.prepare import Draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

TODAY = timezone.localdate
# A penalty a lawyer may get again within the year (a second 警告 or 停止执业 is refused: 律师法 Art 51).
FINE = {"sanctions": [{"type": "罚款", "fine_yuan": 10000.0}], "penalty_types": ["罚款"], "fine_amount": 1}


def page(client, path, **params):
    response = client.get(path, params)
    return response, response.content.decode()


@pytest.fixture
def licence(law_firm, maker, checker, bureau):
    rec = records.submit(law_firm, Draft(
        kind="license", subtype="普通", decision_date=TODAY() - dt.timedelta(days=20), authority="淮安市司法局",
        authority_uscc=bureau["city"], source_unit="淮安市司法局", source_unit_uscc=bureau["city"],
        decision_no="淮司许〔2026〕5号", content="准予设立律师事务所分所"), actor=maker, reason="录入")
    return records.approve(rec.pk, checker=checker)


def test_the_public_reads_the_penalties_newest_first_and_the_licences(client, lawyer, law_firm, approved, licence):
    older = approved(lawyer, decision_no="淮司罚决〔2026〕7号", decision_date=TODAY() - dt.timedelta(days=60),
                     effective_from=TODAY() - dt.timedelta(days=60), effective_until=TODAY() + dt.timedelta(days=60))
    newer = approved(law_firm, decision_no="淮司罚决〔2026〕8号", decision_date=TODAY() - dt.timedelta(days=5),
                     effective_from=TODAY() - dt.timedelta(days=5), effective_until=TODAY() + dt.timedelta(days=60),
                     legal_basis="《中华人民共和国律师法》第五十条", sanctions=[{"type": "停业整顿", "months": 2}])
    response, body = page(client, "/public/decisions/")
    assert response.status_code == 200 and "共 2 条" in body
    assert body.index(newer.decision_no) < body.index(older.decision_no)
    assert f"/public/decisions/{older.key}/" in body and reverse("portal:subject", args=[lawyer.pk]) in body
    assert older.publication_end.isoformat() in body and licence.decision_no not in body
    _, body = page(client, "/public/decisions/", kind="license")
    assert licence.decision_no in body and "准予设立律师事务所分所" in body and older.decision_no not in body


def test_a_decision_page_gives_the_national_fields_with_the_id_number_masked(client, lawyer, approved, licence):
    rec = approved(lawyer)
    response, body = page(client, f"/public/decisions/{rec.key}/")
    assert response.status_code == 200
    assert "行政处罚决定书文号" in body and rec.decision_no in body and "公示截止期" in body
    assert lawyer.id_number not in body and id_masked(lawyer.id_number) in body
    _, body = page(client, f"/public/decisions/{licence.key}/")
    assert "许可类别" in body and "普通" in body and "行政许可决定文书号" in body


def id_masked(number: str) -> str:
    return number[:6] + "********" + number[-4:]


def test_nothing_unpublished_is_listed_or_shown(client, lawyer, maker, checker, penalty, approved):
    pending = records.submit(lawyer, penalty(decision_no="淮司罚决〔2026〕2号"), actor=maker, reason="录入")
    revoked = approved(lawyer, decision_no="淮司罚决〔2026〕3号", **FINE)
    records.approve(records.withdraw(revoked.key, actor=maker, reason="复议决定撤销原处罚决定",
                                     reversal_date=TODAY(), revoked=True).pk, checker=checker)
    expired = approved(lawyer, decision_no="淮司罚决〔2024〕4号", decision_date=dt.date(2024, 3, 4),
                       effective_from=dt.date(2024, 3, 4), effective_until=dt.date(2024, 7, 4), **FINE)
    assert expired.publication_end < TODAY()
    shown = approved(lawyer, decision_no="淮司罚决〔2026〕9号", **FINE)
    _, body = page(client, "/public/decisions/")
    assert shown.decision_no in body and "共 1 条" in body
    for rec in (pending, revoked, expired):
        assert rec.decision_no not in body
        assert client.get(f"/public/decisions/{rec.key}/").status_code == 404


def test_a_repaired_penalty_leaves_the_list(client, lawyer, maker, checker, approved):
    rec = approved(lawyer)
    records.mark_repaired(rec.key, maker=maker, checker=checker, on=TODAY(), reason="信用修复申请已批准")
    _, body = page(client, "/public/decisions/")
    assert rec.decision_no not in body
    assert client.get(f"/public/decisions/{rec.key}/").status_code == 404


def test_the_list_narrows_by_party_number_authority_and_dates(client, lawyer, law_firm, approved):
    a = approved(lawyer, decision_no="淮司罚决〔2026〕11号", decision_date=dt.date(2026, 3, 2))
    b = approved(law_firm, decision_no="淮司罚决〔2026〕12号", decision_date=dt.date(2026, 4, 1),
                 effective_from=dt.date(2026, 4, 1), legal_basis="《中华人民共和国律师法》第五十条",
                 sanctions=[{"type": "停业整顿", "months": 2}], authority="清江浦区司法局")

    def listed(**params):
        _, body = page(client, "/public/decisions/", **params)
        return {rec.decision_no for rec in (a, b) if rec.decision_no in body}

    assert listed() == {a.decision_no, b.decision_no}
    assert listed(party=lawyer.name) == {a.decision_no}
    assert listed(party=law_firm.uscc) == {b.decision_no}
    assert listed(decision_no="淮司罚决〔2026〕12号") == {b.decision_no}
    assert listed(decision_no=" 淮司罚决〔2026〕12号 ") == {b.decision_no}
    assert listed(authority="清江浦区司法局") == {b.decision_no}
    _, body = page(client, "/public/decisions/")
    assert "<option>清江浦区司法局</option>" in body and "<option>淮安市司法局</option>" in body
    assert listed(start="2026-03-15") == {b.decision_no}
    assert listed(end="2026-03-02") == {a.decision_no}
    assert listed(start="2026-03-02", end="2026-04-01") == {a.decision_no, b.decision_no}
    assert listed(party="没有这个机构") == set()


@pytest.mark.parametrize("params, says", [
    ({"kind": "commendation"}, "类别：只能是"),
    ({"start": "2026-13-01"}, "决定日期起：日期格式应为 YYYY-MM-DD，收到“2026-13-01”"),
    ({"start": "2026-05-01", "end": "2026-04-01"}, "决定日期止：不能早于决定日期起（2026-05-01）"),
    ({"party": "李"}, "行政相对人：至少输入2个字符"),
])
def test_a_bad_filter_is_refused_naming_the_field(client, params, says):
    response, body = page(client, "/public/decisions/", **params)
    assert response.status_code == 400 and says in body


def test_a_party_cannot_be_looked_up_by_id_number(client, lawyer, approved):
    rec = approved(lawyer)
    response, body = page(client, "/public/decisions/", party=lawyer.id_number)
    assert response.status_code == 400 and "不提供按公民身份号码查询" in body and rec.decision_no not in body


def test_past_the_count_cap_the_list_says_there_are_more(client, lawyer, approved, monkeypatch):
    from legalcredit.portal import views

    monkeypatch.setattr(views.CappedPaginator, "cap", 2)
    for n in range(3):
        approved(lawyer, decision_no=f"淮司罚决〔2026〕{20 + n}号", **FINE)
    _, body = page(client, "/public/decisions/")
    assert "超过 2 条（只列出前 2 条，请缩小查询范围）" in body
    monkeypatch.setattr(views.CappedPaginator, "cap", 3)
    _, body = page(client, "/public/decisions/")
    assert "共 3 条" in body and "超过" not in body


def test_the_demo_licences_are_complete_national_rows(client, law_firm, lawyer, checker, tmp_path):
    """Each demo licence exports as a row the national template accepts, and is on the portal list."""
    import csv

    from legalcredit.accounts.policy import scope_for
    from legalcredit.records import demo, export, rules
    from legalcredit.registry.models import Subject

    Subject.objects.filter(pk__in=[law_firm.pk, lawyer.pk]).update(license_issued_on=TODAY() - dt.timedelta(days=9))
    assert demo.build_licenses() == 2
    path = tmp_path / "xk.csv"
    assert export.export("license", path, actor=checker, scope=scope_for(checker)) == 2
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    schema = rules.schemas()["license"]
    for row in rows:
        checked = schema.validate(row, TODAY())
        assert checked.ok, [str(e) for e in checked.errors]
    assert {r["XK_XDR_MC"] for r in rows} == {law_firm.name, lawyer.name}
    assert {r["XK_XKLB"] for r in rows} == {"普通"}
    _, body = page(client, "/public/decisions/", kind="license")
    assert "共 2 条" in body and f"准予{lawyer.name}律师执业" in body and f"准予设立{law_firm.name}" in body


def test_a_party_matching_too_many_subjects_says_so(client, lawyer, law_firm, maker, codes, monkeypatch):
    from legalcredit.portal import selectors
    from legalcredit.registry import services as registry

    registry.register_practitioner(
        actor=maker, reason="执业许可", name="李明华", subject_type="lawyer", region="320812",
        id_number_raw=codes.id_number(), license_issued_on=dt.date(2015, 5, 1), institution=law_firm)
    monkeypatch.setattr(selectors, "PARTY_MATCHES", 2)
    _, body = page(client, "/public/decisions/", party="李明")
    assert "相符的机构或从业人员超过" not in body
    monkeypatch.setattr(selectors, "PARTY_MATCHES", 1)
    _, body = page(client, "/public/decisions/", party="李明")
    assert "与“李明”相符的机构或从业人员超过1个，只列出其中1个的决定" in body


def test_the_home_page_lists_the_newest_decisions_and_a_subject_page_links_to_them(client, lawyer, approved, licence):
    rec = approved(lawyer, decision_no="淮司罚决〔2026〕30号", **FINE)
    _, body = page(client, "/public/")
    assert "最新双公示信息" in body and f"/public/decisions/{rec.key}/" in body
    assert f"/public/decisions/{licence.key}/" in body
    _, body = page(client, reverse("portal:subject", args=[lawyer.pk]))
    assert f"/public/decisions/{rec.key}/" in body
    # A search shows the results, not the newest decisions.
    _, body = page(client, "/public/", q=lawyer.name)
    assert "最新双公示信息" not in body


def test_repair_is_offered_once_the_minimum_period_has_passed(client, lawyer, law_firm, approved):
    """As on Credit China: 申请信用修复 stays grey, with its date, until the minimum period has passed."""
    old = approved(lawyer, **FINE)                       # decided 2026-03-02, 一般: repairable from 2026-06-02
    assert old.repair_from <= TODAY()
    recent = approved(law_firm, decision_no="淮司罚决〔2026〕40号", decision_date=TODAY() - dt.timedelta(days=5),
                      effective_from=TODAY() - dt.timedelta(days=5), effective_until=TODAY() + dt.timedelta(days=60),
                      legal_basis="《中华人民共和国律师法》第五十条", sanctions=[{"type": "停业整顿", "months": 2}])
    assert recent.repair_from > TODAY()
    _, body = page(client, f"/public/decisions/{old.key}/")
    assert "/admin/remedies/repairapplication/apply/" in body and "不收费" in body
    _, body = page(client, f"/public/decisions/{recent.key}/")
    assert f"自{recent.repair_from.isoformat()}起可申请信用修复" in body and "disabled" in body
    assert "/admin/remedies/repairapplication/apply/" not in body
    _, body = page(client, reverse("portal:subject", args=[law_firm.pk]))
    assert f"自{recent.repair_from.isoformat()}起可申请信用修复" in body


def test_a_licence_offers_no_repair(client, licence):
    _, body = page(client, f"/public/decisions/{licence.key}/")
    assert "信用修复：" not in body


def test_a_penalty_type_the_province_makes_unrepairable_offers_no_repair(client, lawyer, approved):
    """unrepairable_penalty_types in remedies.yaml: such a record gets no 申请信用修复 on the portal."""
    from pathlib import Path

    import yaml

    from legalcredit.refdata import rulesets

    rec = approved(lawyer, **FINE)
    assert "信用修复：" in page(client, f"/public/decisions/{rec.key}/")[1]
    path = Path(rulesets.__file__).parent / "data" / "remedies.yaml"
    doc = yaml.safe_load(path.read_text("utf-8"))
    doc["version"], doc["repair"]["unrepairable_penalty_types"] = "test-fines", ["罚款"]
    rulesets.install("remedies", yaml.safe_dump(doc, allow_unicode=True))
    assert "信用修复：" not in page(client, f"/public/decisions/{rec.key}/")[1]
