"""Entering one record in the back office; an association enters industry discipline only."""
import pytest

from legalcredit.records import services
from legalcredit.records.models import CreditRecord, Review


@pytest.fixture
def association(db, django_user_model):
    from legalcredit.accounts.services import assign
    from legalcredit.refdata.models import Region

    user = django_user_model.objects.create_user("bar", password="x-Strong-pass-1", is_staff=True)
    assign(user, "association", region=Region.objects.get(code="320800"), unit="淮安市律师协会")
    return user


def form(who, **kw):
    data = dict(subject=who.license_no or who.uscc or who.id_number, kind="discipline",
                subtype="警告", decision_no="淮律协惩〔2026〕3号", decision_date="2026-06-01",
                authority="淮安市律师协会", source_unit="淮安市律师协会", content="违反执业规范，给予警告",
                legal_basis="《律师协会会员违规行为处分规则》第十五条", reason="律协处分决定")
    data.update(kw)
    return data


def test_an_association_enters_discipline_which_a_bureau_checker_approves(client, association, checker, lawyer):
    client.force_login(association)
    page = client.get("/admin/records/creditrecord/enter/")
    kinds = page.context["form"].fields["kind"].choices
    assert kinds == [("discipline", "行业处分"), ("opinion_review", "司法鉴定文书评查")], "an association sees only its own kinds"
    response = client.post("/admin/records/creditrecord/enter/", form(lawyer, subject=lawyer.id_number))
    assert response.status_code == 302
    rec = CreditRecord.objects.get(subject=lawyer)
    assert (rec.kind, rec.subtype, rec.severity, rec.review, rec.entered_by) == (
        "discipline", "警告", "minor", Review.PENDING, association)
    services.approve(rec.pk, checker=checker, note="核对无误")
    rec.refresh_from_db()
    assert rec.review == Review.APPROVED


def test_an_association_cannot_enter_or_see_other_kinds(client, association, maker, checker, lawyer, penalty):
    from legalcredit.accounts.policy import scope_for
    from legalcredit.records import selectors
    from legalcredit.records.importer import ImportRefused, import_records

    client.force_login(association)
    refused = client.post("/admin/records/creditrecord/enter/", form(lawyer, kind="penalty", subtype="警告"))
    assert refused.status_code == 200 and "kind" in refused.context["form"].errors
    with pytest.raises(Exception, match="只能录入行业处分、司法鉴定文书评查信息"):
        services.submit(lawyer, penalty(), actor=association, reason="越权")
    with pytest.raises(ImportRefused, match="不能导入“行政处罚”"):
        import_records("x.csv", kind="penalty", actor=association, reason="越权")
    pen = services.submit(lawyer, penalty(), actor=maker, reason="处罚决定")
    services.approve(pen.pk, checker=checker)
    assert not selectors.visible_records(scope_for(association)).filter(kind="penalty").exists()
    assert client.get(f"/admin/records/creditrecord/{pen.pk}/change/").status_code == 302, "not found for them"


def test_a_maker_enters_an_annual_assessment_and_errors_name_the_field(client, maker, lawyer):
    client.force_login(maker)
    bad = client.post("/admin/records/creditrecord/enter/", form(
        lawyer, kind="annual_assessment", subtype="优秀", decision_no="淮司考〔2026〕1号",
        authority="淮安市司法局", source_unit="淮安市司法局", decision_date="2099-01-01"))
    errors = bad.context["form"].errors
    assert "不是年度考核的有效取值（称职、基本称职、不称职）" in errors["subtype"][0]
    assert "晚于今天" in errors["decision_date"][0]
    assert not CreditRecord.objects.exists(), "nothing half-written"
    ok = client.post("/admin/records/creditrecord/enter/", form(
        lawyer, kind="annual_assessment", subtype="不称职", decision_no="淮司考〔2026〕1号",
        authority="淮安市司法局", source_unit="淮安市司法局", decision_date="2026-03-31"))
    assert ok.status_code == 302
    rec = CreditRecord.objects.get()
    assert (rec.kind, rec.severity, rec.review) == ("annual_assessment", "general", "pending")


def test_an_unknown_or_out_of_region_subject_is_named(client, maker, codes):
    client.force_login(maker)
    response = client.post("/admin/records/creditrecord/enter/", {"subject": codes.uscc(), "kind": "discipline"})
    assert "在您的辖区内未找到标识为" in response.context["form"].errors["subject"][0]


def test_a_record_page_shows_the_persons_id_number_masked_never_sealed(client, admin_user, maker, lawyer, penalty):
    from legalcredit.domain.identifiers.id_number import mask

    rec = services.submit(lawyer, penalty(details={"CF_XDR_ZJHM": lawyer.id_number}), actor=maker, reason="处罚")
    client.force_login(admin_user)
    page = client.get(f"/admin/records/creditrecord/{rec.pk}/change/").content.decode()
    assert mask(lawyer.id_number) in page and lawyer.id_number not in page and "enc:" not in page


def test_a_revocation_entered_by_hand_is_published_as_long_as_the_same_decision_imported(client, maker, lawyer, bureau):
    # 吊销执业证书 is the national 处罚类别 吊销许可证件, which carries 严重 (1 to 3 years), whatever
    # severity the officer picked; an imported file says the category, a hand entry the sanction.
    client.force_login(maker)
    revocation = form(lawyer, kind="penalty", subtype="吊销执业证书", decision_no="苏司罚〔2026〕1号",
                      authority="江苏省司法厅", authority_uscc=bureau["province"], source_unit_uscc=bureau["city"],
                      legal_basis="《中华人民共和国律师法》第四十九条", content="吊销执业证书", severity="general")
    # The national template's 违法行为类型 and 违法事实 are asked of a penalty entered by hand.
    missing = client.post("/admin/records/creditrecord/enter/", revocation).context["form"].errors
    assert missing["violation_type"] == ["行政处罚必须填写（双公示国家标准字段）"] and "facts" in missing
    # 吊销许可证件 is one of the 处罚类别 whose national row names the certificate.
    assert missing["certificate"] == ["处罚种类含吊销许可证件时必填（双公示国家标准字段）"]
    response = client.post("/admin/records/creditrecord/enter/", {
        **revocation, "violation_type": "故意犯罪", "facts": "因故意犯罪受刑事处罚",
        "certificate": "律师执业证 13208201210123456"})
    assert response.status_code == 302
    rec = CreditRecord.objects.get(subject=lawyer)
    assert (rec.penalty_types, rec.severity) == (["吊销许可证件"], "serious")
    assert (rec.min_publication_until.isoformat(), rec.publication_end.isoformat()) == ("2027-06-01", "2029-06-01")
    assert (rec.details["CF_WFXW"], rec.details["CF_SY"]) == ("故意犯罪", "因故意犯罪受刑事处罚")
    assert rec.certificate == "律师执业证 13208201210123456"


def test_a_fine_entered_by_hand_carries_its_amount_checked_against_the_statute(client, maker, law_firm, bureau):
    client.force_login(maker)
    fined = form(law_firm, kind="penalty", subtype="警告、罚款", decision_no="淮司罚决〔2026〕9号", severity="general",
                 authority="淮安市司法局", authority_uscc=bureau["city"], source_unit_uscc=bureau["city"],
                 legal_basis="《中华人民共和国律师法》第五十条", content="疏于管理，警告并处罚款二万元",
                 violation_type="疏于管理", facts="未按规定管理本所律师执业活动")
    url = "/admin/records/creditrecord/enter/"
    # 罚款 makes 罚款金额 a national field the row must carry.
    assert client.post(url, fined).context["form"].errors["fine"] == ["处罚种类含罚款时必填（双公示国家标准字段）"]
    # The amount is in 万元, as the national field is; 律师法 Art 50 allows up to 100,000 元.
    over = client.post(url, {**fined, "fine": "20"}).context["form"].non_field_errors()
    assert over == ["处罚种类及幅度：罚款200,000元，超过《律师法》第五十条规定的上限100,000元"]
    assert client.post(url, {**fined, "fine": "2"}).status_code == 302
    rec = CreditRecord.objects.get(subject=law_firm)
    assert rec.sanctions == [{"type": "警告"}, {"type": "罚款", "fine_yuan": 20000.0}]
    assert (rec.penalty_types, str(rec.fine_amount)) == (["警告", "罚款"], "2.000000")


def test_a_licence_entered_by_hand_exports_its_category_and_document(client, maker, checker, law_firm, bureau,
                                                                      tmp_path):
    import csv
    import io

    from legalcredit.accounts.policy import scope_for
    from legalcredit.records import export

    client.force_login(maker)
    licence = form(law_firm, kind="license", subtype="", decision_no="淮司许〔2026〕8号", authority="淮安市司法局",
                   authority_uscc=bureau["city"], source_unit_uscc=bureau["city"], content="准予设立律师事务所分所",
                   legal_basis="《律师事务所管理办法》")
    missing = client.post("/admin/records/creditrecord/enter/", {**licence, "source_unit_uscc": ""}).context[
        "form"].errors
    assert missing["license_category"] == ["行政许可必须填写（双公示国家标准字段）"]
    # Left blank, the source unit's code would export as a row the sharing platform refuses.
    assert missing["source_unit_uscc"] == ["行政许可必须填写（双公示国家标准字段）"]
    assert client.post("/admin/records/creditrecord/enter/", {
        **licence, "license_category": "普通", "license_document": "准予行政许可决定书"}).status_code == 302
    services.approve(CreditRecord.objects.get(subject=law_firm).pk, checker=checker)
    out = tmp_path / "xk.csv"
    export.export("license", out, actor=checker, scope=scope_for(checker))
    [row] = list(csv.DictReader(io.open(out, encoding="utf-8-sig")))
    assert (row["XK_XKLB"], row["XK_XKWS"], row["XK_WSH"], row["XK_XDR_SHXYM"]) == (
        "普通", "准予行政许可决定书", "淮司许〔2026〕8号", law_firm.uscc)
    # Revoked, the licence goes out again in a change-since file, marked 无效 (XK_ZT 2).
    import datetime as dt

    from django.utils import timezone

    since = timezone.now()
    rec = CreditRecord.objects.get(subject=law_firm)
    services.approve(services.withdraw(rec.key, actor=maker, reason="以欺骗手段取得许可，依法撤销",
                                       reversal_date=dt.date(2026, 7, 1), revoked=True).pk, checker=checker)
    export.export("license", out, actor=checker, scope=scope_for(checker), since=since)
    [row] = list(csv.DictReader(io.open(out, encoding="utf-8-sig")))
    assert (row["XK_ZT"], row["BZ"]) == ("2", "原决定已撤销（2026-07-01）：以欺骗手段取得许可，依法撤销")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_records_entered_by_hand_exported_and_imported_again_are_unchanged(client, maker, checker, lawyer,
                                                                           law_firm, bureau, tmp_path, fmt):
    """The export fills national fields a form never asked for (the party's category and ID
    number, 处罚内容 ...) and states the sanction in words the import cannot always read back: the
    same rows imported again must not make new versions of them, nor lose the sanction entered."""
    import csv

    from legalcredit.accounts.policy import scope_for
    from legalcredit.records import export, importer

    client.force_login(maker)
    entered = [
        form(lawyer, kind="penalty", subtype="停止执业", months="4", decision_no="淮司罚决〔2026〕5号",
             authority="淮安市司法局", authority_uscc=bureau["city"], source_unit_uscc=bureau["city"],
             legal_basis="《中华人民共和国律师法》第四十八条",
             content="私自接受委托、收取费用，停止执业四个月", violation_type="私自收案收费",
             facts="私自接受委托、收取费用", decision_date="2026-03-02", severity="general"),
        form(law_firm, kind="penalty", subtype="警告、罚款", fine="2", decision_no="淮司罚决〔2026〕9号",
             severity="general", authority="淮安市司法局", authority_uscc=bureau["city"],
             source_unit_uscc=bureau["city"], legal_basis="《中华人民共和国律师法》第五十条",
             content="疏于管理，警告并处罚款二万元", violation_type="疏于管理", facts="未按规定管理本所律师执业活动"),
        form(law_firm, kind="license", subtype="", decision_no="淮司许〔2026〕8号", authority="淮安市司法局",
             authority_uscc=bureau["city"], source_unit_uscc=bureau["city"], content="准予设立律师事务所分所",
             legal_basis="《律师事务所管理办法》",
             license_category="普通", license_document="准予行政许可决定书")]
    for data in entered:
        response = client.post("/admin/records/creditrecord/enter/", data)
        assert response.status_code == 302, response.context["form"].errors
    for rec in CreditRecord.objects.all():
        services.approve(rec.pk, checker=checker)
    suspension = CreditRecord.objects.get(subject=lawyer)
    assert suspension.sanctions == [{"type": "停止执业", "months": 4}]

    for kind in ("penalty", "license"):
        out = tmp_path / f"{kind}.{fmt}"
        export.export(kind, out, actor=checker, scope=scope_for(checker), fmt=fmt)
        again = importer.import_records(out, kind=kind, actor=maker, reason="导出文件再导入")
        assert (again.created, again.new_versions, again.errors) == (0, 0, 0), again.summary()["first_errors"]
        assert again.unchanged == {"penalty": 2, "license": 1}[kind]
    assert CreditRecord.objects.count() == 3 and CreditRecord.objects.get(subject=lawyer).sanctions == \
        suspension.sanctions

    # A date as Excel writes it back is the same date; a cell changed is a change: a new version.
    out = tmp_path / "penalty.csv"
    export.export("penalty", out, actor=checker, scope=scope_for(checker))
    with out.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert [r[table[0].index("CF_NR_FK")] for r in table[1:]] == ["", "2"], "the fine goes out in 万元"

    def reimport(**cells):
        for code, value in cells.items():
            table[1][table[0].index(code)] = value
        with out.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(table)
        result = importer.import_records(out, kind="penalty", actor=maker, reason="修改后再导入")
        return result.new_versions, result.unchanged

    assert reimport(CF_JDRQ="2026/3/2") == (0, 2)
    assert reimport(CF_SY="私自接受委托、收取费用，金额较大") == (1, 1)


def test_an_edited_export_keeps_the_sanction_entered_when_the_edit_leaves_the_penalty_alone(
        client, maker, checker, lawyer, bureau, tmp_path):
    """The sanction entered by hand (停止执业 4 months) is what moves the registry and bounds the
    statutory check. 处罚内容 need not state it in words the import reads: a row edited elsewhere
    (the facts) makes a new version with the sanction of the version it follows. A row whose
    penalty columns were edited is read afresh."""
    import csv

    from legalcredit.accounts.policy import scope_for
    from legalcredit.records import export, importer

    client.force_login(maker)
    response = client.post("/admin/records/creditrecord/enter/", form(
        lawyer, kind="penalty", subtype="停止执业", months="4", decision_no="淮司罚决〔2026〕5号",
        authority="淮安市司法局", authority_uscc=bureau["city"], source_unit_uscc=bureau["city"],
        legal_basis="《中华人民共和国律师法》第四十八条", content="依法给予相应行政处罚",
        violation_type="私自收案收费", facts="私自接受委托、收取费用", decision_date="2026-03-02", severity="general"))
    assert response.status_code == 302, response.context["form"].errors
    first = services.approve(CreditRecord.objects.get(subject=lawyer).pk, checker=checker)
    assert first.sanctions == [{"type": "停止执业", "months": 4}]
    out = tmp_path / "penalty.csv"
    export.export("penalty", out, actor=checker, scope=scope_for(checker))
    with out.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))

    def reimport(**cells):
        for code, value in cells.items():
            table[1][table[0].index(code)] = value
        with out.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(table)
        result = importer.import_records(out, kind="penalty", actor=maker, reason="修改后再导入")
        assert (result.new_versions, result.errors) == (1, 0), result.summary()["first_errors"]
        return services.approve(CreditRecord.objects.get(subject=lawyer, is_current=False, review="pending").pk,
                                checker=checker)

    second = reimport(CF_SY="私自接受委托、收取费用，金额较大")
    assert (second.version, second.sanctions) == (2, first.sanctions)
    assert second.effective_until == first.effective_until
    # The penalty itself edited: what the row now says is what counts.
    third = reimport(CF_NR="停止执业六个月", CF_YXQ="")
    assert (third.version, third.sanctions) == (3, [{"type": "停止执业", "months": 6}])


def test_a_licence_with_no_national_values_exports_its_category_from_its_subtype(maker, checker, law_firm, bureau,
                                                                                 tmp_path):
    """A licence migrated or written with only its columns: its subtype is its 许可类别 (as an import
    stores it), not the decision document's name."""
    import csv
    import datetime as dt
    import io

    from legalcredit.accounts.policy import scope_for
    from legalcredit.records import export
    from legalcredit.records.prepare import Draft

    rec = services.submit(law_firm, Draft(
        kind="license", subtype="认可", decision_date=dt.date(2026, 3, 2), authority="淮安市司法局",
        authority_uscc=bureau["city"], source_unit="淮安市司法局", source_unit_uscc=bureau["city"],
        decision_no="淮司许〔2026〕9号", content="准予设立律师事务所分所"), actor=maker, reason="迁移")
    services.approve(rec.pk, checker=checker)
    out = tmp_path / "xk.csv"
    export.export("license", out, actor=checker, scope=scope_for(checker))
    [row] = list(csv.DictReader(io.open(out, encoding="utf-8-sig")))
    assert (row["XK_XKLB"], row["XK_XKWS"]) == ("认可", "行政许可决定书")
