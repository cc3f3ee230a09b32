"""Import of the kinds without a 双公示 field set through the general template."""
import csv
import datetime as dt

import pytest
from django.utils import timezone

from legalcredit.records import importer, services, templates
from legalcredit.records.models import CreditRecord, Review

pytestmark = pytest.mark.django_db


def write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _header(kind):
    return [label for _, label, _, _ in templates.columns(kind)]


def _row(kind, **values):
    by_label = dict.fromkeys(_header(kind), "")
    by_label.update(values)
    return list(by_label.values())


@pytest.fixture
def association(bureau):
    return dict(决定机关="淮安市律师协会", 数据来源单位="淮安市律师协会")


def test_discipline_from_the_general_template_with_chinese_headers(tmp_path, maker, checker, lawyer, law_firm,
                                                                  association):
    day = (timezone.localdate() - dt.timedelta(days=20)).isoformat()
    rows = [
        _row("discipline", 主体名称=lawyer.name, 主体类别="自然人", 证件类型="身份证", 证件号码=lawyer.id_number,
             细类或结果="公开谴责", 决定文号="淮律协处〔2026〕7号", 决定日期=day, 内容="违规收案，予以公开谴责",
             依据="《律师协会会员违规行为处分规则（试行）》第二十条", **association),
        _row("discipline", 主体名称=lawyer.name, 主体类别="自然人", 证件类型="身份证", 证件号码=lawyer.id_number,
             细类或结果="训诫", 决定日期=day, 内容="口头训诫：庭审着装不规范", **association),
    ]
    path = write(tmp_path / "discipline.csv", _header("discipline"), rows)
    r = importer.import_records(path, kind="discipline", actor=maker, reason="律协处分数据归集")
    assert r.applied and (r.created, r.errors) == (2, 0), r.first_errors
    services.approve_batch(r.batch, checker=checker)
    recs = {rec.subtype: rec for rec in CreditRecord.objects.filter(kind="discipline", is_current=True)}
    assert recs["公开谴责"].severity == "general" and recs["公开谴责"].decision_no == "淮律协处〔2026〕7号"
    assert recs["训诫"].severity == "minor" and recs["训诫"].decision_no == ""
    assert lawyer.id_number not in str(CreditRecord.objects.filter(pk=recs["训诫"].pk).values_list("raw")[0])

    again = importer.import_records(path, kind="discipline", actor=maker, reason="重复导入")
    assert again.applied and (again.created, again.new_versions, again.unchanged) == (0, 0, 2)
    rows[0] = _row("discipline", 主体名称=lawyer.name, 主体类别="自然人", 证件类型="身份证", 证件号码=lawyer.id_number,
                   细类或结果="通报批评", 决定文号="淮律协处〔2026〕7号", 决定日期=day, 内容="经复查改为通报批评",
                   **association)
    changed = importer.import_records(write(tmp_path / "d2.csv", _header("discipline"), rows), kind="discipline",
                                      actor=maker, reason="复查结果")
    assert (changed.created, changed.new_versions, changed.unchanged) == (0, 1, 1)


def test_annual_assessment_outcomes_are_checked_per_subject_type(tmp_path, maker, lawyer, law_firm):
    day = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    rows = [
        _row("annual_assessment", 主体名称=law_firm.name, 主体类别="法人及非法人组织", 统一社会信用代码=law_firm.uscc,
             细类或结果="合格", 决定文号="淮司考〔2026〕1号", 决定日期=day, 内容="2025年度检查考核合格",
             决定机关="淮安市司法局", 数据来源单位="淮安市司法局"),
        _row("annual_assessment", 主体名称=lawyer.name, 主体类别="自然人", 证件类型="身份证", 证件号码=lawyer.id_number,
             细类或结果="合格", 决定文号="淮司考〔2026〕2号", 决定日期=day, 内容="年度考核",
             决定机关="淮安市司法局", 数据来源单位="淮安市司法局"),
    ]
    r = importer.import_records(write(tmp_path / "a.csv", _header("annual_assessment"), rows),
                                kind="annual_assessment", actor=maker, reason="年度考核结果")
    assert not r.applied and r.errors == 1
    [error] = r.first_errors
    assert "第3行" in error and "细类或结果" in error and "称职" in error   # a lawyer is 称职, not 合格
    assert not CreditRecord.objects.filter(kind="annual_assessment").exists()
    report = list(csv.reader(open(r.report_path, encoding="utf-8-sig")))
    assert report[0] == importer.REPORT_HEADER and report[1][:2] == ["3", "XY_XLJG"]


def test_template_rows_are_validated_like_national_ones(tmp_path, maker, lawyer, law_firm):
    rows = [
        _row("commendation", 主体名称=law_firm.name, 主体类别="法人及非法人组织", 统一社会信用代码="9132000012345678XX",
             细类或结果="省级", 决定文号="苏司表〔2026〕1号", 决定日期="2026-02-30", 内容="表彰",
             决定机关="江苏省司法厅", 数据来源单位="江苏省司法厅"),
        _row("commendation", 主体名称=lawyer.name, 主体类别="自然人", 细类或结果="省级", 决定文号="苏司表〔2026〕2号",
             决定日期="2026-01-05", 内容="表彰", 决定机关="江苏省司法厅", 数据来源单位="江苏省司法厅"),
    ]
    r = importer.import_records(write(tmp_path / "c.csv", _header("commendation"), rows), kind="commendation",
                                actor=maker, reason="表彰")
    assert not r.applied
    text = " ".join(r.first_errors)
    assert "统一社会信用代码" in text and "决定日期" in text and "证件号码" in text and "自然人时必填" in text
    assert CreditRecord.objects.filter(review=Review.PENDING).count() == 0


def test_kinds_made_by_their_own_workflow_cannot_be_imported(tmp_path, maker):
    path = write(tmp_path / "x.csv", ["主体名称"], [["某所"]])
    with pytest.raises(importer.ImportRefused, match="未知的导入类别“commitment”"):
        importer.import_records(path, kind="commitment", actor=maker, reason="试")
    assert "commitment" not in importer.importable_kinds() and "discipline" in importer.importable_kinds()


def test_blank_templates_list_the_outcomes_and_load_back(tmp_path, maker, client):
    cols = {code: (label, required, takes) for code, label, required, takes in templates.columns("annual_assessment")}
    assert "称职" in cols["XY_XLJG"][2] and cols["XY_JDRQ"][1] == "必填"
    assert templates.columns("discipline")[7][2].startswith("选填（仅训诫）")
    xlsx = tmp_path / "t.xlsx"
    assert templates.write_blank("discipline", xlsx) == len(cols)
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["行业处分", "填写说明"] and wb["行业处分"]["A1"].value == "主体名称"
    # An empty template is refused as having no data rows, not for its headers.
    r = importer.import_records(xlsx, kind="discipline", actor=maker, reason="空模板")
    assert not r.applied and "没有数据行" in " ".join(r.first_errors)
    client.force_login(maker)
    resp = client.get("/admin/records/creditrecord/import/template/discipline/")
    assert resp.status_code == 200 and resp.content.decode("utf-8-sig").startswith("主体名称,主体类别")
    assert client.get("/admin/records/creditrecord/import/template/nonsense/").status_code == 404
