"""The public portal: anyone finds a subject and reads what is public of its credit, the lists as
published and whether a check receipt is genuine; nothing unpublished and no full ID number."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from legalcredit.accounts.services import assign
from legalcredit.checks import services as checks
from legalcredit.lists import services as lists
from legalcredit.records import services as records
from legalcredit.remedies.services import objections

pytestmark = pytest.mark.django_db


def page(client, path, **params):
    response = client.get(path, params)
    return response, response.content.decode()


def test_the_front_door_is_the_portal(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/public/"
    response, body = page(client, "/public/")
    assert response.status_code == 200 and "信用信息查询" in body and "严重失信主体名单" in body


def test_anyone_finds_a_subject_by_name_licence_number_or_code(client, law_firm, maker, codes):
    from legalcredit.registry import services as registry

    lawyer, _ = registry.register_practitioner(
        actor=maker, reason="执业许可", name="王芳", subject_type="lawyer", region="320812",
        id_number_raw=codes.id_number("female"), license_number="13208201210123456",
        license_issued_on=dt.date(2012, 5, 1), institution=law_firm)
    _, body = page(client, "/public/", q="德恒")
    assert law_firm.name in body and reverse("portal:subject", args=[law_firm.pk]) in body
    _, body = page(client, "/public/", q=law_firm.uscc)
    assert reverse("portal:subject", args=[law_firm.pk]) in body
    _, body = page(client, "/public/", q="13208201210123456")
    assert reverse("portal:subject", args=[lawyer.pk]) in body and "王芳" in body
    _, body = page(client, "/public/", q="不存在的机构名称")
    assert "没有找到与“不存在的机构名称”相符的机构或从业人员" in body


def test_a_search_by_id_number_or_too_short_is_refused_naming_the_field(client, lawyer):
    response, body = page(client, "/public/", q=lawyer.id_number)
    assert response.status_code == 400
    assert "查询内容" in body and "不提供按公民身份号码查询" in body
    assert reverse("portal:subject", args=[lawyer.pk]) not in body
    response, body = page(client, "/public/", q="李")
    assert response.status_code == 400 and "至少输入2个字符" in body


def test_a_subject_page_shows_its_published_penalty_with_the_id_number_masked(client, lawyer, law_firm, approved):
    rec = approved(lawyer)
    response, body = page(client, reverse("portal:subject", args=[lawyer.pk]))
    assert response.status_code == 200
    assert "行政处罚" in body and rec.decision_no in body and "私自接受委托、收取费用" in body
    assert "公示截止期" in body and rec.publication_end.isoformat() in body
    assert law_firm.name in body                          # the lawyer's firm, linked
    assert lawyer.id_number not in body
    assert lawyer.id_number[:6] + "********" + lawyer.id_number[-4:] in body
    # The firm lists its lawyer.
    _, body = page(client, reverse("portal:subject", args=[law_firm.pk]))
    assert reverse("portal:subject", args=[lawyer.pk]) in body and "执业人员（1）" in body


def test_nothing_unpublished_is_shown(client, lawyer, maker, checker, penalty, approved):
    pending = records.submit(lawyer, penalty(decision_no="淮司罚决〔2026〕2号"), actor=maker, reason="录入")
    withdrawn = approved(lawyer, decision_no="淮司罚决〔2026〕3号")
    revocation = records.withdraw(withdrawn.key, actor=maker, reason="复议决定撤销原处罚决定",
                                  reversal_date=timezone.localdate(), revoked=True)
    records.approve(revocation.pk, checker=checker)
    expired = approved(lawyer, decision_no="淮司罚决〔2024〕4号", decision_date=dt.date(2024, 3, 4),
                       effective_from=dt.date(2024, 3, 4), effective_until=dt.date(2024, 7, 4))
    assert expired.publication_end < timezone.localdate()
    _, body = page(client, reverse("portal:subject", args=[lawyer.pk]))
    for rec in (pending, withdrawn, expired):
        assert rec.decision_no not in body, rec.decision_no
    assert "没有公示期内的信用信息" in body


def test_a_record_under_objection_says_so_on_the_public_page(client, lawyer, approved, django_user_model):
    rec = approved(lawyer)
    user = django_user_model.objects.create_user("li_ming", password="x-Strong-pass-1")
    assign(user, "practitioner_user", subject=lawyer)
    objections.file(lawyer, by=user, record_number=rec.number, applicant_name="李明", interest="信息主体本人",
                    grounds="处罚决定已被复议机关变更")
    _, body = page(client, reverse("portal:subject", args=[lawyer.pk]))
    assert "异议处理中" in body and rec.decision_no in body


def test_the_lists_show_published_entries_only(client, law_firm, lawyer, maker, checker):
    served = timezone.localdate() - dt.timedelta(days=40)
    entry = lists.propose(law_firm, "serious_dishonesty", by=maker, reasons="拒不履行生效行政处罚决定，情节严重",
                          authority="淮安市司法局")
    lists.serve_notice(entry.pk, by=maker, served_on=served)
    decided = served + dt.timedelta(days=20)
    lists.decide(entry.pk, by=checker, listed=True, reason="陈述申辩期满未提出意见",
                 decision_no="淮司信〔2026〕1号", on=decided)
    lists.publish(entry.pk, by=checker, on=decided)
    lists.propose(lawyer, "watch", by=maker, reasons="尚在告知前", authority="淮安市司法局")
    _, body = page(client, "/public/lists/")
    assert law_firm.name in body and "淮司信〔2026〕1号" in body and "拒不履行生效行政处罚决定" in body
    assert "尚在告知前" not in body and lawyer.name not in body
    _, body = page(client, "/public/lists/", list="honor")
    assert law_firm.name not in body
    _, body = page(client, reverse("portal:subject", args=[law_firm.pk]))
    assert "严重失信主体名单" in body and "淮司信〔2026〕1号" in body
    lists.remove(entry.pk, by=checker, method="repair", note="已履行处罚决定并提交信用修复承诺书")
    _, body = page(client, "/public/lists/")
    assert law_firm.name not in body


def test_an_unknown_list_is_refused_with_the_choices(client):
    response, body = page(client, "/public/lists/", list="blacklist")
    assert response.status_code == 400 and "名单：只能是" in body and "严重失信主体名单" in body


def test_a_receipt_is_verified_on_the_portal_with_the_id_number_masked(client, lawyer, department):
    [check] = checks.run(by=department, queries=[{"id_number": lawyer.id_number}], matter="awards", purpose="评优")
    response, body = page(client, "/public/verify/", receipt=str(check.pk), digest=check.digest)
    assert response.status_code == 200 and "回执有效" in body and lawyer.name in body
    assert lawyer.id_number not in body and lawyer.id_number[-4:] in body
    _, body = page(client, "/public/verify/", receipt=str(check.pk), digest="0" * 64)
    assert "回执无效：摘要与回执不符" in body
    response, body = page(client, "/public/verify/", receipt="12345", digest=check.digest)
    assert response.status_code == 400 and "回执编号：格式不正确" in body


def addresses(n: int) -> list[str]:
    """Addresses no other test (nor an earlier run within the minute) has counted."""
    import uuid

    return [f"fd00::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}" for _ in range(n)]


def test_a_visitor_past_the_cap_is_told_to_wait(client, settings, monkeypatch):
    import types

    from legalcredit.core import visitors

    settings.PUBLIC_RATE_PER_MINUTE = 3
    # One minute throughout: a real clock may turn the minute between two requests.
    monkeypatch.setattr(visitors, "time", types.SimpleNamespace(time=lambda: 1_800_000_030.0))
    mine, other = addresses(2)
    responses = [client.get("/public/lists/", REMOTE_ADDR=mine) for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429, 429]
    assert responses[-1]["Retry-After"] == "60" and "访问过于频繁" in responses[-1].content.decode()
    # Another address has its own count.
    assert client.get("/public/lists/", REMOTE_ADDR=other).status_code == 200


def test_a_forwarded_address_counts_only_behind_the_proxy(client, settings):
    settings.PUBLIC_RATE_PER_MINUTE = 1
    proxy, first, second = addresses(3)
    assert client.get("/public/", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=first).status_code == 200
    # Not behind a proxy: the header is the client's own and changes nothing.
    assert client.get("/public/", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=second).status_code == 429
    settings.BEHIND_TLS_PROXY = True
    assert client.get("/public/", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=second).status_code == 200
    assert client.get("/public/", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=second).status_code == 429


def test_the_subject_page_shows_the_grade(client, law_firm):
    from legalcredit.evaluation import services as evaluation
    from legalcredit.evaluation.models import SubjectGrade

    evaluation.evaluate_subjects([law_firm.pk])
    graded = SubjectGrade.objects.get(subject=law_firm)
    assert graded.grade
    _, body = page(client, reverse("portal:subject", args=[law_firm.pk]))
    assert "信用评价" in body and graded.scheme.name in body and str(graded.score) in body


def test_the_grade_shows_where_its_points_came_from_without_revealing_unpublished_records(
        client, lawyer, approved, maker, checker, bureau):
    from legalcredit.evaluation import services as evaluation
    from legalcredit.records.prepare import Draft

    approved(lawyer, decision_date=timezone.localdate() - dt.timedelta(days=30),
             effective_from=timezone.localdate() - dt.timedelta(days=30),
             effective_until=timezone.localdate() + dt.timedelta(days=60))
    review = records.submit(lawyer, Draft(
        kind="legal_aid_review", subtype="优秀", decision_date=timezone.localdate() - dt.timedelta(days=10),
        authority="淮安市司法局", authority_uscc=bureau["city"], source_unit="淮安市司法局",
        source_unit_uscc=bureau["city"], decision_no="法援评查〔2026〕1号", content="刑事案件评查优秀"),
        actor=maker, reason="评查")
    records.approve(review.pk, checker=checker)
    evaluation.evaluate_subjects([lawyer.pk])
    _, body = page(client, reverse("portal:subject", args=[lawyer.pk]))
    assert "得分来源" in body and "基础分" in body
    assert "行政处罚 淮司罚决〔2026〕1号" in body
    # The legal aid review is not public: its points are summed, and it is not named.
    assert "依据不予公示的信息（1项）" in body and "法援评查〔2026〕1号" not in body


def test_the_elder_display_is_remembered_and_returns_to_the_page(client):
    """长者模式 (适老化): larger text on every portal page until the visitor turns it off."""
    response = client.get("/public/display/", {"mode": "elder", "next": "/public/lists/?list=honor"})
    assert response.status_code == 302 and response["Location"] == "/public/lists/?list=honor"
    page = client.get("/public/decisions/").content.decode()
    assert '<body class="elder">' in page and "标准模式" in page
    assert client.get("/public/display/", {"mode": "standard", "next": "/public/"}).status_code == 302
    page = client.get("/public/").content.decode()
    assert '<body class="elder">' not in page and "长者模式" in page
    # Only back to a page of this site.
    assert client.get("/public/display/", {"mode": "elder", "next": "https://evil.example/"})["Location"] == "/public/"
