"""Credit reports: what goes in (only what is public, in the national section order), the PDF
with its number and verification code, and the check anyone holding a report can make."""
import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.audit.models import AuditEntry
from legalcredit.domain.credit_reports import ReportRulesError, parse
from legalcredit.lists import services as lists
from legalcredit.records import services as records
from legalcredit.reports import pdf, selectors, services
from legalcredit.reports.models import CreditReport

pytestmark = pytest.mark.django_db


def section(report, code):
    return next(s for s in report.content["sections"] if s["code"] == code)


def text_of(report) -> str:
    return repr(report.content)


def test_a_report_has_every_section_in_order_and_states_nothing_as_nothing(law_firm):
    report = services.issue(law_firm)
    titles = [s["title"] for s in report.content["sections"]]
    assert titles == [s.title for s in selectors.rules().sections]
    assert titles[:3] == ["基本信息", "行政管理信息", "诚实守信"]
    [basic] = section(report, "basic")["items"]
    assert ["统一社会信用代码", law_firm.uscc] in basic["fields"]
    assert section(report, "administrative")["items"] == []
    [advice] = section(report, "advice")["items"]
    assert "未发现公示期内的失信信息" in advice["fields"][0][1]


def test_a_report_holds_the_public_penalty_masked_and_leaves_out_the_withdrawn_one(
        lawyer, maker, checker, approved):
    shown = approved(lawyer)
    gone = approved(lawyer, decision_no="淮司罚决〔2026〕9号")
    records.approve(records.withdraw(gone.key, actor=maker, reason="原决定被撤销", reversal_date=timezone.localdate(),
                                     revoked=True).pk, checker=checker)
    report = services.issue(lawyer)
    [item] = section(report, "administrative")["items"]
    assert item["title"].startswith("行政处罚") and ["行政处罚决定书文号", shown.decision_no] in item["fields"]
    assert gone.decision_no not in text_of(report)
    assert lawyer.id_number not in text_of(report)
    assert lawyer.id_number[:6] + "********" + lawyer.id_number[-4:] in text_of(report)
    # The penalty can be repaired from its minimum period's end: the advice says when.
    [advice] = section(report, "advice")["items"]
    assert shown.decision_no in advice["fields"][0][1] and "信用修复" in advice["fields"][0][1]


def test_a_listed_subject_shows_the_list_in_its_section(law_firm, maker, checker):
    served = timezone.localdate() - dt.timedelta(days=40)
    entry = lists.propose(law_firm, "serious_dishonesty", by=maker, reasons="拒不履行生效行政处罚决定",
                          authority="淮安市司法局")
    lists.serve_notice(entry.pk, by=maker, served_on=served)
    lists.decide(entry.pk, by=checker, listed=True, reason="期满未申辩", decision_no="淮司信〔2026〕7号",
                 on=served + dt.timedelta(days=20))
    lists.publish(entry.pk, by=checker, on=served + dt.timedelta(days=20))
    report = services.issue(law_firm)
    [item] = section(report, "serious_dishonesty")["items"]
    assert "淮司信〔2026〕7号" in item["title"] and ["列入事由", "拒不履行生效行政处罚决定"] in item["fields"]


def test_a_report_verifies_and_an_altered_one_does_not(law_firm):
    report = services.issue(law_firm)
    assert re.fullmatch(r"XYBG\d{8}[0-9A-F]{10}", report.serial)
    assert services.verify(report.serial, report.code) == (True, report, "")
    assert services.verify(report.serial, report.code.replace("-", "").lower())[0]      # as typed
    assert services.verify(report.serial, "0000-0000-0000-0000")[2] == "验证码与报告编号不符"
    assert services.verify("XYBG2026", report.code)[2] == "报告编号不存在"
    logged = AuditEntry.objects.get(object_type="reports.creditreport", object_id=report.serial)
    assert logged.data["digest"] == report.digest
    # Someone edits the stored content (a penalty taken out): the check says so.
    content = report.content
    content["sections"][1]["items"] = []
    CreditReport.objects.filter(pk=report.pk).update(content={**content, "subject_name": "另一家律所"})
    assert services.verify(report.serial, report.code)[2] == "存档的报告内容已被改动"


def test_the_pdf_carries_the_number_and_code_and_draws_the_same_each_time(law_firm, lawyer, approved):
    approved(lawyer)
    report = services.issue(lawyer)
    first = pdf.render(report, "http://127.0.0.1:8000/public/reports/verify/")
    assert first.startswith(b"%PDF") and len(first) > 2000
    assert first == pdf.render(report, "http://127.0.0.1:8000/public/reports/verify/")


def test_anyone_gets_a_report_from_the_portal_and_checks_it(client, law_firm, lawyer, approved):
    approved(lawyer)
    client = type(client)(enforce_csrf_checks=True)
    page = client.get(reverse("portal:subject", args=[lawyer.pk]))
    assert "生成信用报告" in page.content.decode()
    token = page.cookies["csrftoken"].value
    response = client.post(reverse("reports:issue", args=[lawyer.pk]), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    report = CreditReport.objects.get(subject=lawyer)
    assert response["Location"].startswith(f"/public/reports/{report.serial}.pdf?code=")
    assert report.channel == "portal" and report.requested_by is None
    got = client.get(response["Location"])
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert client.get(f"/public/reports/{report.serial}.pdf", {"code": "0000"}).status_code == 404
    checked = client.get("/public/reports/verify/", {"serial": report.serial, "code": report.code}).content.decode()
    assert "报告真实有效" in checked and lawyer.name in checked and "行政管理信息" in checked
    assert lawyer.id_number not in checked
    wrong = client.get("/public/reports/verify/", {"serial": report.serial, "code": "1234"}).content.decode()
    assert "验证未通过：验证码与报告编号不符" in wrong
    response = client.get("/public/reports/verify/", {"serial": report.serial})
    assert response.status_code == 400 and "均须填写" in response.content.decode()
    # A GET does not issue a report.
    assert client.get(reverse("reports:issue", args=[lawyer.pk])).status_code == 405


# --- the report rules are data, checked before they can be installed ---

RULES = {"version": "t", "window_years": 3, "sections": [{"code": "basic", "title": "基本信息", "basic": True},
                                                         {"code": "a", "title": "甲", "kinds": ["penalty"]}]}


def test_report_rules_refuse_a_kind_in_two_sections_and_a_bad_window():
    with pytest.raises(ReportRulesError, match="已归入“甲”"):
        parse({**RULES, "sections": RULES["sections"] + [{"code": "b", "title": "乙", "kinds": ["penalty"]}]})
    with pytest.raises(ReportRulesError, match="window_years"):
        parse({**RULES, "window_years": 0})
    with pytest.raises(ReportRulesError, match="重复"):
        parse({**RULES, "sections": RULES["sections"] * 2})


@given(st.lists(st.sampled_from(["license", "penalty", "commendation", "discipline", "court_judgment"]),
                unique=True, min_size=1).flatmap(
    lambda kinds: st.tuples(st.just(kinds), st.lists(st.integers(0, 2), min_size=len(kinds), max_size=len(kinds)))))
def test_each_kind_lands_in_exactly_the_section_that_names_it(drawn):
    kinds, where = drawn
    sections = [{"code": f"s{i}", "title": f"第{i}节", "kinds": [k for k, w in zip(kinds, where) if w == i]}
                for i in range(3)]
    rules = parse({"version": "t", "window_years": 2, "sections": sections})
    for k, w in zip(kinds, where):
        assert rules.section_of_kind(k) == f"s{w}"
    assert rules.section_of_kind("satisfaction") is None


def test_a_bidding_platform_verifies_a_report_through_the_api(law_firm):
    from rest_framework.test import APIClient

    report = services.issue(law_firm)
    api = APIClient()
    answer = api.get(f"/api/v1/reports/{report.serial}/", {"code": report.code})
    assert answer.status_code == 200
    body = answer.json()
    assert body["valid"] is True and body["content"]["subject_name"] == law_firm.name
    assert [s["title"] for s in body["content"]["sections"]][0] == "基本信息"
    refused = api.get(f"/api/v1/reports/{report.serial}/", {"code": "0"})
    assert refused.status_code == 409 and refused.json() == {"valid": False, "reason": "验证码与报告编号不符"}
    assert api.get("/api/v1/reports/XYBG0/", {"code": "0"}).status_code == 404


def test_the_grade_section_says_where_the_points_came_from_as_the_portal_does(lawyer, approved):
    from legalcredit.evaluation import services as evaluation

    today = timezone.localdate()
    shown = approved(lawyer, decision_date=today - dt.timedelta(days=30), effective_from=today - dt.timedelta(days=30),
                     effective_until=today + dt.timedelta(days=60))
    evaluation.evaluate_subjects([lawyer.pk])
    report = services.issue(lawyer)
    items = [i for s in report.content["sections"] for i in s["items"] if i["title"] == "得分来源"]
    assert len(items) == 1
    fields = dict(map(tuple, items[0]["fields"]))
    assert "基础分" in fields and any(shown.decision_no in v for v in fields.values())
    assert pdf.render(report, "http://127.0.0.1:8000/x").startswith(b"%PDF")


# --- the applicant chooses the period and the sections (专项信用报告) ---

def test_the_applicant_chooses_the_period_and_what_the_report_leaves_out_is_named(client, lawyer, approved):
    today = timezone.localdate()
    decided = today - dt.timedelta(days=900)     # 一般 severity would have ended; 严重 is public 3 years
    old = approved(lawyer, decision_date=decided, severity="serious", decision_no="淮司罚决〔2024〕3号",
                   effective_from=decided, effective_until=decided + dt.timedelta(days=120))
    assert old.decision_no in text_of(services.issue(lawyer))                        # default: 3 years
    short = services.issue(lawyer, years=2, sections=["honesty"])
    assert old.decision_no not in text_of(short)
    assert short.content["years"] == 2 and short.window_from == today.replace(year=today.year - 2)
    # Required sections stay in whatever is asked; the rest not asked for are named as left out.
    assert [s["code"] for s in short.content["sections"]] == ["basic", "administrative", "honesty",
                                                              "serious_dishonesty", "judicial"]
    assert short.content["omitted"] == ["执业异常", "信用承诺", "信用评价", "其他信息", "信用状况提升建议"]
    assert services.issue(lawyer, years=5).content["omitted"] == []
    checked = client.get("/public/reports/verify/", {"serial": short.serial, "code": short.code}).content.decode()
    assert "未包含的内容" in checked and "信用评价" in checked
    assert pdf.render(short, "http://x/verify").startswith(b"%PDF")


def test_a_period_or_section_outside_the_rules_is_refused_naming_the_field(client, lawyer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="报告期间：应为 1 至 5 年，收到 6"):
        services.issue(lawyer, years=6)
    with pytest.raises(ValidationError, match="报告内容：没有“secret”这一节"):
        services.issue(lawyer, sections=["secret"])
    refused = client.post(reverse("reports:issue", args=[lawyer.pk]), {"choose": "1", "years": "十"})
    assert refused.status_code == 400 and "报告期间：应为 1 至 5 年" in refused.content.decode()
    made = client.post(reverse("reports:issue", args=[lawyer.pk]), {"choose": "1", "years": "5", "sections": ["other"]})
    assert made.status_code == 302
    report = CreditReport.objects.get(subject=lawyer)
    assert report.content["years"] == 5 and "信用评价" in report.content["omitted"]
    page = client.get(reverse("portal:subject", args=[lawyer.pk])).content.decode()
    assert "近5年" in page and "（必含）" in page


@given(st.integers(-2, 12), st.lists(st.sampled_from(["basic", "a", "b", "c"]), unique=True))
def test_a_choice_keeps_the_required_sections_in_order_within_the_longest_period(years, asked):
    rules = parse({**RULES, "max_window_years": 5, "sections": [
        {"code": "basic", "title": "基本信息", "basic": True, "required": True},
        {"code": "a", "title": "甲", "kinds": ["penalty"]}, {"code": "b", "title": "乙", "required": True},
        {"code": "c", "title": "丙"}]})
    if not 1 <= years <= 5:
        with pytest.raises(ReportRulesError, match="报告期间"):
            rules.choice(years, asked)
        return
    got_years, chosen = rules.choice(years, asked)
    codes = [s.code for s in chosen]
    assert got_years == years and codes == [c for c in ("basic", "a", "b", "c") if c in {"basic", "b", *asked}]
    assert rules.choice()[1] == rules.sections and rules.choice()[0] == 3


def test_the_longest_period_cannot_be_shorter_than_the_default():
    with pytest.raises(ReportRulesError, match="max_window_years"):
        parse({**RULES, "max_window_years": 2})
    assert parse(RULES).max_window_years == 3
