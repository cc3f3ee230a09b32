"""A department's credit check: the right measures, a receipt that verifies, feedback and its rate."""
import datetime as dt

import pytest
from django.utils import timezone

from legalcredit.accounts import tokens
from legalcredit.checks import services
from legalcredit.checks.models import Check
from legalcredit.evaluation import services as evaluation
from legalcredit.lists import services as lists

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def key(department):
    return tokens.issue(owner=department, name="省政府采购系统", scopes=["checks:run"])[1]


def listed(subject, maker, checker, day=dt.date(2026, 10, 8)):
    entry = lists.propose(subject, "serious_dishonesty", by=maker, reasons="拒不履行处罚决定", authority="淮安市司法局")
    lists.serve_notice(entry.pk, by=maker, served_on=day - dt.timedelta(days=20))
    return lists.decide(entry.pk, by=checker, listed=True, reason="期满无异议", decision_no="淮司信〔2026〕9号", on=day)


def post(client, key, **body):
    return client.post("/api/v1/checks/", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_procurement_check_returns_the_measure_with_its_basis_and_a_receipt_that_verifies(
        client, key, law_firm, lawyer, maker, checker, codes):
    entry = listed(law_firm, maker, checker)
    evaluation.evaluate_subjects([law_firm.pk, lawyer.pk])
    resp = post(client, key, matter_type="procurement", purpose="某项目供应商资格审查",
                subjects=[{"uscc": law_firm.uscc}, {"id_number": lawyer.id_number}, {"uscc": codes.uscc("91")}])   # valid, never registered
    assert resp.status_code == 201, resp.content
    firm, person, nobody = resp.json()
    answer = firm["answer"]
    assert answer["lists"][0]["decision_no"] == entry.decision_no
    assert [(m["code"], m["triggered_by"]) for m in answer["measures"]] == [("restrict_procurement", "严重失信主体名单")]
    assert "政府采购法" in answer["measures"][0]["legal_basis"] and answer["grade"]["grade"] == "C"
    assert person["answer"]["measures"] == [] and person["answer"]["grade"]["grade"] == "AA"
    assert nobody["answer"]["found"] is False and nobody["digest"]           # an absence is receipted too
    verified = client.get(f"/api/v1/checks/{firm['receipt']}/", {"digest": firm["digest"]})
    assert verified.status_code == 200 and verified.json()["valid"] is True
    assert verified.json()["answer"] == answer
    assert client.get(f"/api/v1/checks/{firm['receipt']}/", {"digest": "0" * 64}).status_code == 409


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
def test_a_receipt_reads_as_its_documented_fields_give_it(department, lawyer, settings, zone):
    """``services.receipt`` writes what ReceiptSerializer's fields would, to the caller and, with
    the ID number masked, to whoever verifies."""
    from rest_framework import serializers

    from legalcredit.checks.api.serializers import ReceiptSerializer

    settings.TIME_ZONE = zone
    [check] = services.run(by=department, queries=[{"id_number": lawyer.id_number}], matter="awards", purpose="评优")
    for public in (False, True):
        documented = serializers.Serializer.to_representation(ReceiptSerializer(context={"public": public}), check)
        assert services.receipt(check, public=public) == documented
    assert services.receipt(check, public=True)["query"]["id_number"] != lawyer.id_number


def test_an_edited_answer_no_longer_verifies(department, law_firm):
    [check] = services.run(by=department, queries=[{"uscc": law_firm.uscc}], matter="awards", purpose="评优")
    Check.objects.filter(pk=check.pk).update(answer={**check.answer, "found": False})
    valid, _, why = services.verify(check.pk, check.digest)
    assert not valid and why == "存档的答复内容已被改动"


def test_a_check_on_a_past_date_sees_the_list_as_it_stood(department, law_firm, maker, checker):
    entry = listed(law_firm, maker, checker, day=dt.date(2026, 10, 8))
    [before] = services.run(by=department, queries=[{"uscc": law_firm.uscc}], matter="bidding", purpose="投标资格",
                            on=dt.date(2026, 10, 7))
    [after] = services.run(by=department, queries=[{"uscc": law_firm.uscc}], matter="bidding", purpose="投标资格")
    assert before.answer["measures"] == [] and before.on == dt.date(2026, 10, 7)
    assert [m["code"] for m in after.answer["measures"]] == ["restrict_bidding"]
    assert after.answer["data_version"]["lists"] == str(entry.decided_on)


def test_feedback_per_measure_and_the_trigger_feedback_rate(client, key, department, law_firm, maker, checker):
    listed(law_firm, maker, checker)
    body = post(client, key, matter_type="approval", purpose="执业许可变更",
                subjects=[{"uscc": law_firm.uscc}]).json()[0]
    codes = [m["code"] for m in body["answer"]["measures"]]
    assert codes == ["no_notification_commitment", "prudent_approval"]
    url = f"/api/v1/checks/{body['receipt']}/feedback/"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}", "content_type": "application/json"}
    bad = client.post(url, {"measure": "prudent_approval", "applied": False}, **auth)
    assert bad.status_code == 400 and "未采取措施的须说明理由" in str(bad.json())
    assert client.post(url, {"measure": "restrict_procurement", "applied": True}, **auth).status_code == 400
    assert client.post(url, {"measure": "prudent_approval", "applied": True}, **auth).status_code == 201
    today = timezone.localdate()
    rates = client.get("/api/v1/checks/feedback-rate/", {"start": today, "end": today},
                       HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert rates == [{"unit": "省政府采购系统", "checks": 1, "triggered": 2, "fed_back": 1, "rate": 0.5}]


def test_a_check_needs_a_purpose_a_known_matter_and_the_scope(client, key, department, law_firm):
    r = post(client, key, matter_type="procurement", purpose=" ", subjects=[{"uscc": law_firm.uscc}])
    assert r.status_code == 400
    r = post(client, key, matter_type="lottery", purpose="x", subjects=[{"uscc": law_firm.uscc}])
    assert r.status_code == 400 and "不在事项目录中" in str(r.json())
    r = post(client, key, matter_type="awards", purpose="x", subjects=[{"uscc": law_firm.uscc, "license_no": "1"}])
    assert r.status_code == 400 and "须且只须" in str(r.json())
    # A code with a wrong check character is refused with the rule, not answered "not found".
    bad = law_firm.uscc[:-1] + ("0" if law_firm.uscc[-1] != "0" else "1")
    r = post(client, key, matter_type="awards", purpose="x", subjects=[{"uscc": bad}])
    assert r.status_code == 400 and "统一社会信用代码" in str(r.json()) and "校验码" in str(r.json())
    r = post(client, key, matter_type="awards", purpose="x", subjects=[{"id_number": "110101199003071234"}])
    assert r.status_code == 400 and "公民身份号码" in str(r.json())
    other = tokens.issue(owner=department, name="名录", scopes=["subjects:read"])[1]
    assert post(client, other, matter_type="awards", purpose="x", subjects=[{"uscc": law_firm.uscc}]).status_code == 403
    assert Check.objects.count() == 0


def test_an_unrepaired_serious_record_bars_notification_commitment_until_its_publication_ends(
        department, law_firm, penalty, maker, checker):
    from legalcredit.records import services as records

    rec = records.submit(law_firm, penalty(severity="serious", sanctions=[], penalty_types=["警告"],
                                           legal_basis="《中华人民共和国律师法》第五十条", effective_until=None),
                         actor=maker, reason="录入")
    rec = records.approve(rec.pk, checker=checker)
    [check] = services.run(by=department, queries=[{"uscc": law_firm.uscc}], matter="notification_commitment",
                           purpose="告知承诺审批")
    bar = check.answer["notification_commitment"]
    assert bar["eligible"] is False and rec.decision_no in bar["reasons"][0]
    assert bar["eligible_from"] == str(rec.publication_end + dt.timedelta(days=1))
    [later] = services.run(by=department, queries=[{"uscc": law_firm.uscc}], matter="awards", purpose="评优")
    assert "notification_commitment" not in later.answer


def test_a_subject_three_years_without_an_adverse_record_gets_the_fast_lane_until_one_is_decided(
        department, law_firm, penalty, maker, checker):
    from legalcredit.records import services as records

    def approval(subject=law_firm, on=None):
        [check] = services.run(by=department, queries=[{"uscc": subject.uscc}], matter="approval",
                               purpose="律师事务所变更审批", on=on)
        return [(m["code"], m["triggered_by"]) for m in check.answer["measures"]]

    why = "连续36个月无不良信用记录（自2010-03-01取得执业许可起）"
    assert approval() == [("green_channel", why), ("tolerate_missing", why)]
    # Pending, the penalty counts for nothing; approved, it closes the lane.
    decided = timezone.localdate() - dt.timedelta(days=20)
    rec = records.submit(law_firm, penalty(sanctions=[], penalty_types=["警告"], decision_date=decided,
                                           effective_from=decided, effective_until=None,
                                           legal_basis="《中华人民共和国律师法》第五十条"), actor=maker, reason="录入")
    assert approval() == [("green_channel", why), ("tolerate_missing", why)]
    records.approve(rec.pk, checker=checker)
    assert approval() == []
    # Asked about the day before the decision, the firm still had its three clean years.
    assert [c for c, _ in approval(on=decided - dt.timedelta(days=1))] == ["green_channel", "tolerate_missing"]
    # A revoked decision is no adverse record; one withdrawn from publication (changed) still is.
    revoked = records.withdraw(rec.key, actor=maker, reason="复议撤销", reversal_date=decided + dt.timedelta(days=1),
                               revoked=True)
    records.approve(revoked.pk, checker=checker)
    assert approval() == [("green_channel", why), ("tolerate_missing", why)]
    again = records.approve(records.submit(law_firm, penalty(
        sanctions=[], penalty_types=["警告"], decision_date=decided, effective_from=decided, effective_until=None,
        decision_no="淮司罚决〔2026〕2号", legal_basis="《中华人民共和国律师法》第五十条"), actor=maker, reason="录入").pk,
        checker=checker)
    withdrawn = records.withdraw(again.key, actor=maker, reason="复议变更", reversal_date=decided + dt.timedelta(days=2))
    records.approve(withdrawn.pk, checker=checker)
    assert approval() == []


def test_a_subject_licensed_under_three_years_ago_has_not_yet_earned_the_fast_lane(department, maker, codes):
    from legalcredit.registry import services as registry

    licensed = timezone.localdate() - dt.timedelta(days=365)
    young, _ = registry.register_institution(
        actor=maker, reason="执业许可", name="淮安新设律师事务所", subject_type="law_firm", region="320812",
        uscc_code=codes.uscc(), license_issued_on=licensed)
    [check] = services.run(by=department, queries=[{"uscc": young.uscc}], matter="approval", purpose="变更审批")
    assert check.answer["measures"] == []


def test_the_back_office_shows_a_check_with_the_id_number_masked(client, admin_user, department, lawyer):
    from legalcredit.domain.identifiers.id_number import mask

    [check] = services.run(by=department, queries=[{"id_number": lawyer.id_number}], matter="awards",
                           purpose="评优")
    client.force_login(admin_user)
    page = client.get(f"/admin/checks/check/{check.pk}/change/").content.decode()
    assert mask(lawyer.id_number) in page and lawyer.id_number not in page and "enc:" not in page
