import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from legalcredit.registry import selectors, services
from legalcredit.registry.models import Affiliation, FormerName, Subject

D = dt.date


def firm(officer, codes, name="江苏德恒律师事务所", **kw):
    kw.setdefault("uscc_code", codes.uscc())
    kw.setdefault("license_issued_on", D(2010, 3, 1))
    subject, _ = services.register_institution(
        actor=officer, reason="执业许可", name=name, subject_type="law_firm", region="320812", **kw)
    return subject


def lawyer(officer, codes, name="李明", institution=None, **kw):
    kw.setdefault("id_number_raw", codes.id_number())
    kw.setdefault("license_issued_on", D(2012, 5, 1))
    subject, _ = services.register_practitioner(
        actor=officer, reason="执业许可", name=name, subject_type="lawyer", region="320812",
        institution=institution, **kw)
    return subject


def messages(exc):
    return {k: " ".join(v) for k, v in exc.value.message_dict.items()}


def test_register_institution_records_who_and_why(officer, codes):
    f = firm(officer, codes)
    assert f.kind == "institution" and f.status_id == "practising"
    rec = f.history.get()
    assert rec.history_user == officer and rec.history_change_reason == "执业许可"


def test_bad_uscc_is_refused_naming_field_and_fault(officer, codes):
    good = codes.uscc()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        firm(officer, codes, uscc_code=bad)
    assert messages(exc)["uscc"].startswith("统一社会信用代码：校验码错误，应为 ")
    assert not Subject.objects.exists()


def test_duplicate_uscc_refused_and_nothing_written(officer, codes):
    f = firm(officer, codes)
    with pytest.raises(ValidationError) as exc:
        firm(officer, codes, name="另一律师事务所", uscc_code=f.uscc.lower())
    assert "已登记给“江苏德恒律师事务所”" in messages(exc)["uscc"]
    assert Subject.objects.count() == 1


def test_law_firm_without_uscc_refused(officer, codes):
    with pytest.raises(ValidationError) as exc:
        firm(officer, codes, uscc_code="")
    assert messages(exc)["uscc"] == "统一社会信用代码：律师事务所必须填写"


def test_unusual_uscc_prefix_is_a_warning(officer, codes):
    _, warnings = services.register_institution(
        actor=officer, reason="登记", name="某律师事务所", subject_type="law_firm", region="320812",
        uscc_code=codes.uscc(prefix="91"))
    assert any("通常以 31 开头" in w for w in warnings)


def test_unknown_region_and_future_date_refused(officer, codes):
    with pytest.raises(ValidationError) as exc:
        services.register_institution(actor=officer, reason="登记", name="某所",
                                      subject_type="law_firm", region="329999",
                                      uscc_code=codes.uscc())
    assert "行政区划代码“329999”不存在" in messages(exc)["region"]
    with pytest.raises(ValidationError) as exc:
        firm(officer, codes, license_issued_on=D(2099, 1, 1))
    assert "晚于今天" in messages(exc)["license_issued_on"]


def test_reason_is_required(officer, codes):
    with pytest.raises(ValidationError) as exc:
        services.register_institution(actor=officer, reason=" ", name="某所", subject_type="law_firm",
                                      region="320812", uscc_code=codes.uscc())
    assert "变更原因" in messages(exc)["reason"]


def test_practitioner_id_rules(officer, codes):
    number = codes.id_number(sex="female")
    with pytest.raises(ValidationError) as exc:
        lawyer(officer, codes, id_number_raw=number, gender="male")
    assert "性别码" in messages(exc)["gender"]
    p = lawyer(officer, codes, id_number_raw=number.lower())
    assert p.gender == "female" and p.birth_date is not None
    with pytest.raises(ValidationError) as exc:
        lawyer(officer, codes, name="王芳", id_number_raw=number)
    msg = messages(exc)["id_number"]
    assert "已登记给“李明”" in msg and number not in msg, "the message itself masks the number"


def test_lawyer_licence_unique_per_type(officer, codes):
    lawyer(officer, codes, license_number="13208201210000001")
    with pytest.raises(ValidationError) as exc:
        lawyer(officer, codes, name="张伟", license_number="13208201210000001")
    assert "执业证号" in messages(exc)["license_no"]


def test_rename_keeps_former_name_and_both_are_searchable(officer, codes):
    f = firm(officer, codes, name="淮安正和律师事务所")
    services.update_subject(f, actor=officer, reason="名称变更核准", name="江苏正和信达律师事务所",
                            renamed_on=D(2024, 6, 1))
    assert FormerName.objects.get(subject=f).name == "淮安正和律师事务所"
    assert [s.pk for s in selectors.search_subjects("淮安正和")] == [f.pk]
    assert [s.pk for s in selectors.search_subjects("信达")] == [f.pk]
    assert f.history.count() == 2
    assert f.history.first().history_change_reason == "名称变更核准"


def test_status_transitions_follow_the_table(officer, codes):
    p = lawyer(officer, codes)
    with pytest.raises(ValidationError) as exc:
        services.change_status(p, actor=officer, reason="处罚", status="suspended", since=D(2025, 1, 1))
    assert "必须填写截止日" in messages(exc)["status_until"]
    with pytest.raises(ValidationError) as exc:
        services.change_status(p, actor=officer, reason="x", status="rectification", since=D(2025, 1, 1),
                               until=D(2025, 3, 1))
    assert "不适用于法律服务从业人员" in messages(exc)["status"]
    services.change_status(p, actor=officer, reason="停止执业六个月", status="suspended",
                           since=D(2025, 1, 1), until=D(2025, 6, 30))
    services.change_status(p, actor=officer, reason="吊销", status="revoked", since=D(2025, 3, 1))
    with pytest.raises(ValidationError) as exc:
        services.change_status(p, actor=officer, reason="x", status="practising", since=D(2025, 4, 1))
    assert "不能从“吊销”变更为“执业”" in messages(exc)["status"]


def test_terminal_status_ends_current_affiliations(officer, codes):
    f = firm(officer, codes)
    p = lawyer(officer, codes, institution=f)
    services.change_status(f, actor=officer, reason="注销", status="deregistered", since=D(2025, 2, 1))
    aff = Affiliation.objects.get(person=p)
    assert aff.valid_to == D(2025, 2, 1)


def test_one_institution_at_a_time_and_transfer_keeps_history(officer, codes):
    a, b = firm(officer, codes, name="甲律师事务所"), firm(officer, codes, name="乙律师事务所")
    p = lawyer(officer, codes, institution=a)
    with pytest.raises(ValidationError) as exc:
        services.add_affiliation(actor=officer, reason="x", person=p, institution=b, role="member",
                                 valid_from=D(2020, 1, 1))
    assert "同一时间只能在一个机构执业" in messages(exc)["valid_from"]
    services.transfer_practitioner(actor=officer, reason="转所", person=p, to_institution=b,
                                   on=D(2023, 1, 1))
    assert selectors.current_institution(p) == b
    assert selectors.current_institution(p, D(2022, 12, 31)) == a
    assert Affiliation.objects.filter(person=p).count() == 2


def test_who_was_head_on_a_date(officer, codes):
    f = firm(officer, codes)
    old, new = lawyer(officer, codes, name="赵强", institution=f), lawyer(officer, codes, name="钱敏", institution=f)
    h = services.add_affiliation(actor=officer, reason="备案", person=old, institution=f, role="head",
                                 valid_from=D(2015, 1, 1))
    services.end_affiliation(h, actor=officer, reason="负责人变更", valid_to=D(2023, 12, 31))
    services.add_affiliation(actor=officer, reason="负责人变更", person=new, institution=f, role="head",
                             valid_from=D(2024, 1, 1))
    head_on = lambda day: [a.person.name for a in selectors.affiliations_on(day, institution=f, role="head")]
    assert head_on(D(2023, 5, 1)) == ["赵强"]
    assert head_on(D(2024, 5, 1)) == ["钱敏"]
    assert Affiliation.history.filter(id=h.id).first().history_change_reason == "负责人变更"


def test_affiliation_rules(officer, codes):
    f = firm(officer, codes)
    p = lawyer(officer, codes)
    notary_office, _ = services.register_institution(
        actor=officer, reason="x", name="淮安市公证处", subject_type="notary_office", region="320812",
        uscc_code=codes.uscc(prefix="32"))
    with pytest.raises(ValidationError) as exc:
        services.add_affiliation(actor=officer, reason="x", person=p, institution=notary_office,
                                 role="member", valid_from=D(2020, 1, 1))
    assert "律师不能在公证机构执业" in messages(exc)["institution"]
    with pytest.raises(ValidationError) as exc:
        services.add_affiliation(actor=officer, reason="x", person=f, institution=f, role="head",
                                 valid_from=D(2020, 1, 1))
    assert "不是从业人员" in messages(exc)["person"]
    with pytest.raises(ValidationError) as exc:
        services.add_affiliation(actor=officer, reason="x", person=p, institution=f, role="partner",
                                 valid_from=D(2020, 1, 1), valid_to=D(2019, 1, 1))
    assert "早于起始日" in messages(exc)["valid_to"]


def test_nothing_is_hard_deleted(officer, codes):
    f = firm(officer, codes)
    with pytest.raises(PermissionError):
        f.delete()
    with pytest.raises(PermissionError):
        Subject.objects.all().delete()
    assert Subject.objects.count() == 1
