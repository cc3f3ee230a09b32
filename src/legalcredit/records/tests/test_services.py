import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legalcredit.audit.selectors import verify_chain
from legalcredit.domain.periods import add_months
from legalcredit.records import selectors, services
from legalcredit.records.models import CreditRecord, Review, Status
from legalcredit.refdata.selectors import work_calendar

D = dt.date


def messages(exc):
    return {k: " ".join(v) for k, v in exc.value.message_dict.items()}


def test_maker_enters_checker_approves_then_it_counts(maker, checker, lawyer, penalty):
    today = timezone.localdate()
    decided, ends = today - dt.timedelta(days=30), today + dt.timedelta(days=90)
    draft = penalty(decision_date=decided, effective_from=decided, effective_until=ends)
    rec = services.submit(lawyer, draft, actor=maker, reason="录入处罚决定")
    assert rec.review == Review.PENDING and not rec.is_current
    assert selectors.public_records(lawyer.pk) == []
    rec = services.approve(rec.pk, checker=checker, note="核对无误")
    assert rec.is_current and rec.review == Review.APPROVED
    assert rec.published_on == today and rec.published_from == decided
    assert rec.publication_end == add_months(decided, 12)
    assert rec.min_publication_until == add_months(decided, 3)
    assert rec.repair_from == add_months(decided, 3) + dt.timedelta(days=1)
    assert f"公示截止期 {add_months(decided, 12)}" in rec.publication_note
    # Published 30 calendar days after the decision: late against 7 working days.
    assert rec.publication_working_days == work_calendar().working_days_between(decided, today)
    assert rec.on_time is False
    lawyer.refresh_from_db()
    assert lawyer.status_id == "suspended" and lawyer.status_until == ends
    assert verify_chain()[1] is None


def test_nobody_checks_their_own_work(maker, lawyer, penalty, django_user_model):
    from legalcredit.accounts.services import assign
    from legalcredit.refdata.models import Region

    rec = services.submit(lawyer, penalty(), actor=maker, reason="录入")
    assign(maker, "city_checker", region=Region.objects.get(code="320800"))
    maker = django_user_model.objects.get(pk=maker.pk)
    with pytest.raises(PermissionDenied, match="不能审核本人录入的记录"):
        services.approve(rec.pk, checker=maker)


def test_maker_without_check_permission_cannot_approve(maker, lawyer, penalty, django_user_model):
    from legalcredit.accounts.services import assign
    from legalcredit.refdata.models import Region

    other = django_user_model.objects.create_user("other_maker")
    assign(other, "city_maker", region=Region.objects.get(code="320800"))
    rec = services.submit(lawyer, penalty(), actor=maker, reason="录入")
    with pytest.raises(PermissionDenied, match="没有审核信用记录的权限"):
        services.approve(rec.pk, checker=other)


def test_officer_of_another_city_cannot_enter_or_check(lawyer, penalty, django_user_model):
    from legalcredit.accounts.services import assign
    from legalcredit.refdata.models import Region

    stranger = django_user_model.objects.create_user("nanjing_maker")
    assign(stranger, "city_maker", region=Region.objects.get(code="320100"))
    with pytest.raises(PermissionDenied, match="不在您的辖区内"):
        services.submit(lawyer, penalty(), actor=stranger, reason="录入")


def test_suspension_beyond_article_range_is_refused_citing_it(maker, lawyer, penalty):
    with pytest.raises(ValidationError) as exc:
        services.submit(lawyer, penalty(sanctions=[{"type": "停止执业", "months": 9}]),
                        actor=maker, reason="录入")
    assert "超过《律师法》第四十八条规定的上限6个月" in messages(exc)["sanctions"]
    assert CreditRecord.objects.count() == 0


def test_revocation_by_a_city_bureau_is_refused(maker, lawyer, penalty):
    draft = penalty(legal_basis="《律师法》第四十九条", sanctions=[{"type": "吊销执业证书"}],
                    severity="serious", penalty_types=["吊销许可证件"])
    with pytest.raises(ValidationError) as exc:
        services.submit(lawyer, draft, actor=maker, reason="录入")
    assert "须由省级司法行政机关决定" in messages(exc)["sanctions"]
    assert services.submit(lawyer, penalty(level="province", legal_basis="《律师法》第四十九条",
                                           sanctions=[{"type": "吊销执业证书"}], severity="serious",
                                           penalty_types=["吊销许可证件"]),
                           actor=maker, reason="录入")


def test_repeat_warning_within_a_year_needs_a_suspension(maker, checker, lawyer, penalty):
    first = penalty(legal_basis="《律师法》第四十七条", sanctions=[{"type": "警告"}], severity="minor",
                    penalty_types=["警告"], decision_date=D(2025, 10, 1), effective_until=None,
                    decision_no="淮司罚决〔2025〕9号")
    services.approve(services.submit(lawyer, first, actor=maker, reason="录入").pk, checker=checker)
    second = penalty(legal_basis="《律师法》第四十七条", sanctions=[{"type": "警告"}], severity="minor",
                     penalty_types=["警告"], effective_until=None)
    with pytest.raises(ValidationError) as exc:
        services.submit(lawyer, second, actor=maker, reason="录入")
    assert "第五十一条第一款" in messages(exc)["sanctions"]


def test_correction_is_a_new_version_and_history_is_readable(maker, checker, lawyer, penalty):
    v1 = services.approve(services.submit(lawyer, penalty(), actor=maker, reason="录入").pk,
                          checker=checker)
    v2 = services.correct(v1.key, actor=maker, reason="文号录入错误", decision_no="淮司罚决〔2026〕2号")
    assert v2.version == 2 and v2.review == Review.PENDING
    # Until checked, the first version still stands.
    assert selectors.current_records(lawyer.pk).get().pk == v1.pk
    services.approve(v2.pk, checker=checker)
    versions = list(selectors.versions(v1.key))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].superseded_at is not None and not versions[0].is_current
    assert versions[1].is_current and versions[1].published_on == v1.published_on
    with pytest.raises(PermissionError):
        versions[0].delete()


def test_a_correction_after_a_returned_one_is_numbered_past_it(maker, checker, lawyer, penalty):
    v1 = services.approve(services.submit(lawyer, penalty(), actor=maker, reason="录入").pk, checker=checker)
    v2 = services.correct(v1.key, actor=maker, reason="文号录入错误", decision_no="淮司罚决〔2026〕2号")
    services.reject(v2.pk, checker=checker, note="文号仍有误")
    # Before, the next correction took number 2 again and was refused as if one were pending.
    v3 = services.correct(v1.key, actor=maker, reason="文号录入错误", decision_no="淮司罚决〔2026〕3号")
    assert (v3.version, v3.review) == (3, Review.PENDING)
    services.approve(v3.pk, checker=checker)
    assert [(v.version, v.review, v.is_current) for v in selectors.versions(v1.key)] == [
        (1, Review.APPROVED, False), (2, Review.REJECTED, False), (3, Review.APPROVED, True)]
    assert selectors.current_records(lawyer.pk).get().published_on == v1.published_on


def test_a_repair_granted_after_a_returned_correction_is_numbered_past_it(maker, checker, lawyer, penalty):
    v1 = services.approve(services.submit(lawyer, penalty(), actor=maker, reason="录入").pk, checker=checker)
    services.reject(services.correct(v1.key, actor=maker, reason="补充", content="补充事实").pk,
                    checker=checker, note="无需补充")
    repaired = services.mark_repaired(v1.key, maker=maker, checker=checker, on=timezone.localdate(),
                                      reason="信用修复申请审核通过")
    assert (repaired.version, repaired.is_current, repaired.repaired_on) == (3, True, timezone.localdate())


def test_correction_with_no_change_is_refused(maker, checker, lawyer, penalty):
    v1 = services.approve(services.submit(lawyer, penalty(), actor=maker, reason="录入").pk,
                          checker=checker)
    with pytest.raises(ValidationError, match="与现行版本相同"):
        services.correct(v1.key, actor=maker, reason="无", decision_no=v1.decision_no)


def test_withdrawal_ends_publication_and_keeps_the_record(maker, checker, lawyer, penalty):
    v1 = services.approve(services.submit(lawyer, penalty(), actor=maker, reason="录入").pk,
                          checker=checker)
    today = timezone.localdate()
    w = services.withdraw(v1.key, actor=maker, reason="复议决定撤销原处罚", reversal_date=today,
                          revoked=True)
    assert w.withdrawal_due > today
    services.approve(w.pk, checker=checker)
    cur = selectors.current_records(lawyer.pk).get()
    assert cur.status == Status.REVOKED and cur.withdrawn_on == today
    assert cur.withdrawal_reason == "复议决定撤销原处罚"
    assert selectors.public_records(lawyer.pk) == []
    assert selectors.as_of(lawyer.pk, today - dt.timedelta(days=1)).records == []


def test_as_of_shows_what_was_known_and_public(maker, checker, lawyer, penalty):
    v1 = services.approve(services.submit(lawyer, penalty(), actor=maker, reason="录入").pk,
                          checker=checker)
    today = timezone.localdate()
    snap = selectors.as_of(lawyer.pk, today)
    assert [r.pk for r in snap.records] == [v1.pk]
    assert [r.pk for r in snap.public] == ([v1.pk] if today <= v1.publication_end else [])
    assert selectors.public_on(v1, D(2026, 3, 2)) and not selectors.public_on(v1, D(2027, 3, 3))


def test_expired_suspension_does_not_change_status(maker, checker, lawyer, penalty):
    services.approve(services.submit(lawyer, penalty(decision_date=D(2020, 3, 2),
                                                     effective_from=D(2020, 3, 2),
                                                     effective_until=D(2020, 7, 2)),
                                     actor=maker, reason="历史数据").pk, checker=checker)
    lawyer.refresh_from_db()
    assert lawyer.status_id == "practising"


def test_reject_requires_a_reason_and_two_checkers_cannot_both_decide(maker, checker, lawyer, penalty):
    rec = services.submit(lawyer, penalty(), actor=maker, reason="录入")
    with pytest.raises(ValidationError, match="退回须说明理由"):
        services.reject(rec.pk, checker=checker, note=" ")
    services.reject(rec.pk, checker=checker, note="文号有误")
    with pytest.raises(ValidationError, match="不能重复审核"):
        services.approve(rec.pk, checker=checker)


def test_missing_reason_and_unknown_kind_are_named(maker, lawyer, penalty):
    with pytest.raises(ValidationError, match="原因：必须填写"):
        services.submit(lawyer, penalty(), actor=maker, reason="")
    with pytest.raises(ValidationError) as exc:
        services.submit(lawyer, penalty(kind="gossip"), actor=maker, reason="x")
    assert "未知的信息类别" in messages(exc)["kind"]


def test_annual_assessment_outcomes_depend_on_subject_type(maker, lawyer, law_firm):
    from legalcredit.records.prepare import Draft

    draft = Draft(kind="annual_assessment", subtype="合格", decision_date=D(2026, 5, 1),
                  authority="淮安市律师协会", source_unit="淮安市司法局", decision_no="2025年度考核")
    with pytest.raises(ValidationError) as exc:
        services.submit(lawyer, draft, actor=maker, reason="年度考核结果")
    assert "称职、基本称职、不称职" in messages(exc)["subtype"]
    ok = services.submit(law_firm, draft, actor=maker, reason="年度考核结果")
    assert ok.severity == "" and ok.public
    draft.subtype = "不合格"
    failed = services.submit(law_firm, draft, actor=maker, reason="年度考核结果")
    assert failed.severity == "general" and failed.publication_end == D(2027, 5, 1)


def test_discipline_suspension_of_membership_range(maker, lawyer):
    from legalcredit.records.prepare import Draft

    draft = Draft(kind="discipline", subtype="中止会员权利", months=13, decision_date=D(2026, 5, 1),
                  authority="江苏省律师协会", source_unit="江苏省律师协会", decision_no="苏律处〔2026〕3号")
    with pytest.raises(ValidationError, match="应为1至12个月"):
        services.submit(lawyer, draft, actor=maker, reason="行业处分")
    oral = Draft(kind="discipline", subtype="训诫", decision_date=D(2026, 5, 1),
                 authority="江苏省律师协会", source_unit="江苏省律师协会")
    assert services.submit(lawyer, oral, actor=maker, reason="口头训诫").severity == "minor"


def test_a_warning_can_be_corrected_without_counting_as_its_own_repeat(maker, checker, lawyer, penalty):
    warning = penalty(legal_basis="《律师法》第四十七条", sanctions=[{"type": "警告"}], severity="minor",
                      penalty_types=["警告"], effective_until=None)
    v1 = services.approve(services.submit(lawyer, warning, actor=maker, reason="录入").pk, checker=checker)
    v2 = services.correct(v1.key, actor=maker, reason="补充违法事实", content="利用不正当手段承揽业务")
    assert v2.version == 2


def test_membership_suspension_keeps_its_months_through_a_correction(maker, checker, lawyer):
    from legalcredit.records.prepare import Draft

    draft = Draft(kind="discipline", subtype="中止会员权利", months=6, decision_date=D(2026, 5, 1),
                  authority="江苏省律师协会", source_unit="江苏省律师协会", decision_no="苏律处〔2026〕4号")
    v1 = services.approve(services.submit(lawyer, draft, actor=maker, reason="行业处分").pk, checker=checker)
    assert v1.sanctions == [{"type": "中止会员权利", "months": 6}]
    v2 = services.correct(v1.key, actor=maker, reason="更正内容", content="违规收费")
    assert v2.sanctions == v1.sanctions


def test_a_six_month_suspension_bars_partnership_for_three_years_after_it_ends(maker, checker, lawyer, law_firm,
                                                                              penalty):
    from legalcredit.registry import services as registry

    rec = services.submit(lawyer, penalty(sanctions=[{"type": "停止执业", "months": 6}],
                                          effective_until=dt.date(2026, 9, 2)), actor=maker, reason="录入")
    services.approve(rec.pk, checker=checker)
    with pytest.raises(ValidationError) as err:
        registry.add_affiliation(actor=maker, reason="新任合伙人", person=lawyer, institution=law_firm,
                                 role="partner", valid_from=dt.date(2026, 11, 1))
    assert "《律师法》第五十三条" in str(err.value) and "2029-09-02前不得担任合伙人" in str(err.value)


def test_once_the_bar_has_run_the_lawyer_may_be_a_partner(maker, checker, lawyer, law_firm, penalty):
    from legalcredit.registry import services as registry

    rec = services.submit(lawyer, penalty(decision_no="淮司罚决〔2022〕1号", decision_date=dt.date(2022, 1, 4),
                                          effective_from=dt.date(2022, 1, 4), effective_until=dt.date(2022, 7, 4),
                                          sanctions=[{"type": "停止执业", "months": 6}]), actor=maker, reason="录入")
    services.approve(rec.pk, checker=checker)
    assert selectors.partnership_bar(lawyer)[0] == dt.date(2025, 7, 4)
    aff = registry.add_affiliation(actor=maker, reason="任合伙人", person=lawyer, institution=law_firm,
                                   role="partner", valid_from=dt.date(2025, 7, 5))
    assert aff.role == "partner"


def test_the_public_query_agrees_with_public_on_at_every_boundary(lawyer, approved):
    """``public_filter`` (the portal's lists) and ``public_on`` (a subject's page) say the same of every
    combination of publication dates around the day asked about: absent, the day before, the day
    itself and the day after."""
    import itertools

    base = approved(lawyer)
    day = dt.date(2026, 6, 10)
    around = [None, day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)]
    fields = {f.attname: getattr(base, f.attname) for f in CreditRecord._meta.concrete_fields
              if f.name not in ("id", "key", "is_current")}
    rows = []
    for public, start, end, withdrawn, repaired in itertools.product([True, False], around, around, around, around):
        if start is not None and end is not None and end < start:
            continue    # the table's check constraint refuses it
        rows.append(CreditRecord(**{**fields, "public": public, "published_from": start, "publication_end": end,
                                    "withdrawn_on": withdrawn, "repaired_on": repaired, "is_current": False}))
    made = CreditRecord.objects.bulk_create(rows)
    ids = {r.pk for r in made}
    assert len(ids) == len(rows) > 400
    queried = set(CreditRecord.objects.filter(selectors.public_filter(day), pk__in=ids).values_list("pk", flat=True))
    assert queried == {r.pk for r in made if selectors.public_on(r, day)}
    assert 0 < len(queried) < len(ids)
