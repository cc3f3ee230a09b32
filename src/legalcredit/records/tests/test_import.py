import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from legalcredit.core.models import ImportBatch
from legalcredit.records import export, importer, selectors, services
from legalcredit.records.models import CreditRecord, Review

HEADER = ["CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM", "CF_XDR_ZJLX", "CF_XDR_ZJHM", "CF_WSH", "CF_WFXW",
          "CF_SY", "CF_YJ", "CF_CFLB", "CF_NR", "CF_NR_FK", "CF_JDRQ", "CF_YXQ", "CF_CFJG", "CF_CFJGDM",
          "CF_SJLY", "CF_SJLYDM", "BZ"]


@pytest.fixture
def rows(law_firm, lawyer, bureau):
    today = timezone.localdate()
    d = today - dt.timedelta(days=40)
    common = dict(CF_CFJG="淮安市司法局", CF_CFJGDM=bureau["city"], CF_SJLY="淮安市司法局",
                  CF_SJLYDM=bureau["city"], CF_JDRQ=d.isoformat())
    return [
        dict(common, CF_XDR_MC=law_firm.name, CF_XDR_LB="法人及非法人组织", CF_XDR_SHXYM=law_firm.uscc,
             CF_WSH="淮司罚决〔2026〕11号", CF_WFXW="未按规定管理律师", CF_SY="疏于管理",
             CF_YJ="《中华人民共和国律师法》第五十条", CF_CFLB="警告;罚款", CF_NR="警告，罚款人民币三万元",
             CF_NR_FK="3"),
        dict(common, CF_XDR_MC=lawyer.name, CF_XDR_LB="自然人", CF_XDR_ZJLX="身份证",
             CF_XDR_ZJHM=lawyer.id_number, CF_WSH="淮司罚决〔2026〕12号", CF_WFXW="私自收费",
             CF_SY="私自接受委托", CF_YJ="《中华人民共和国律师法》第四十八条", CF_CFLB="其他（停止执业）",
             CF_NR="停止执业四个月", CF_YXQ=(d + dt.timedelta(days=122)).isoformat()),
    ]


def write_csv(path, rows, header=HEADER, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


def run(path, maker, **kw):
    return importer.import_records(path, kind=kw.pop("kind", "penalty"), actor=maker, reason="2026年双公示补录", **kw)


def test_import_validates_applies_as_pending_and_checker_approves(tmp_path, maker, checker, rows, lawyer):
    r = run(write_csv(tmp_path / "cf.csv", rows), maker)
    assert r.applied and r.created == 2 and r.errors == 0 and r.format == "CSV（UTF-8）"
    assert CreditRecord.objects.filter(review=Review.PENDING).count() == 2
    assert selectors.public_records(lawyer.pk) == []
    n = services.approve_batch(r.batch, checker=checker, note="抽核无误")
    assert n == 2
    rec = CreditRecord.objects.get(decision_no="淮司罚决〔2026〕12号")
    assert rec.is_current and rec.provision == "lawyer-48"
    assert rec.sanctions == [{"type": "停止执业", "months": 4}]
    assert rec.published_on == timezone.localdate() and rec.on_time is False
    firm = CreditRecord.objects.get(decision_no="淮司罚决〔2026〕11号")
    assert firm.fine_amount == 3 and {"type": "罚款", "fine_yuan": 30000.0} in firm.sanctions
    assert firm.publication_end is not None and firm.raw["CF_NR_FK"] == "3"
    lawyer.refresh_from_db()
    assert lawyer.status_id == "suspended"


def test_reimport_changes_nothing_and_new_content_makes_a_version(tmp_path, maker, checker, rows):
    path = write_csv(tmp_path / "cf.csv", rows)
    services.approve_batch(run(path, maker).batch, checker=checker)
    again = run(path, maker)
    assert again.applied and (again.created, again.new_versions, again.unchanged) == (0, 0, 2)
    rows[0]["CF_SY"] = "疏于管理，情节较重"
    changed = run(write_csv(tmp_path / "cf2.csv", rows), maker)
    assert (changed.created, changed.new_versions, changed.unchanged) == (0, 1, 1)
    services.approve_batch(changed.batch, checker=checker)
    versions = list(selectors.versions(CreditRecord.objects.get(decision_no="淮司罚决〔2026〕11号", version=2).key))
    assert [v.version for v in versions] == [1, 2] and versions[1].is_current
    assert versions[1].published_on == versions[0].published_on


def test_gbk_file_with_chinese_headers(tmp_path, maker, rows):
    from legalcredit.records import rules

    labels = {f.code: f.label for f in rules.schemas()["penalty"].fields}
    cn_rows = [{labels[k]: v for k, v in r.items()} for r in rows]
    path = write_csv(tmp_path / "gbk.csv", cn_rows, header=[labels[h] for h in HEADER], encoding="gbk")
    r = run(path, maker)
    assert r.applied and r.created == 2 and r.format == "CSV（GBK/GB18030）"


def test_xlsx_import(tmp_path, maker, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append([row.get(h, "") for h in HEADER])
    wb.save(tmp_path / "cf.xlsx")
    r = run(tmp_path / "cf.xlsx", maker)
    assert r.applied and r.created == 2 and r.format == "XLSX"


def test_invalid_rows_are_reported_and_nothing_is_applied(tmp_path, maker, rows, codes):
    bad = [dict(rows[0], CF_NR_FK=""),                                   # 罚款 without amount
           dict(rows[1], CF_NR="停止执业九个月", CF_YXQ=""),              # beyond Art 48's 6 months
           dict(rows[0], CF_WSH="x2", CF_CFJGDM="11320800MB0000000X"),    # bad check character
           dict(rows[0], CF_WSH="x3", CF_JDRQ="2026-13-01"),              # impossible date
           dict(rows[0], CF_WSH="x4", CF_XDR_SHXYM=codes.uscc())]         # unknown subject
    r = run(write_csv(tmp_path / "bad.csv", rows + bad), maker)
    assert not r.applied and r.batch is None
    assert CreditRecord.objects.count() == 0 and ImportBatch.objects.count() == 0
    report = list(csv.reader(io.open(r.report_path, encoding="utf-8-sig")))
    assert report[0] == importer.REPORT_HEADER
    by_line = {int(line): (code, msg) for line, code, _, _, msg in report[1:]}
    # In the file's order, whichever check found each fault, so a clerk can fix them top down.
    assert [int(line) for line, *_ in report[1:]] == [4, 5, 6, 7, 8]
    assert [e.split("行")[0] for e in r.first_errors] == ["第4", "第5", "第6", "第7", "第8"]
    assert by_line[4] == ("CF_NR_FK", "处罚类别含罚款时必填")
    assert "超过《律师法》第四十八条规定的上限6个月" in by_line[5][1]
    assert by_line[6][0] == "CF_CFJGDM" and "校验码错误" in by_line[6][1]
    assert by_line[7][0] == "CF_JDRQ"
    assert by_line[8][0] == "CF_XDR_SHXYM" and "未在主体名录中登记" in by_line[8][1]


def test_fixed_file_reimports_cleanly(tmp_path, maker, rows):
    bad = run(write_csv(tmp_path / "bad.csv", [dict(rows[0], CF_NR_FK="")]), maker)
    assert not bad.applied
    assert run(write_csv(tmp_path / "fixed.csv", rows), maker).applied


@pytest.mark.parametrize("content, months", [("停止执业二年", 24), ("停止执业一年", 12), ("停止执业半年", 6)])
def test_a_term_written_in_years_is_checked_against_the_range(tmp_path, maker, rows, content, months):
    r = run(write_csv(tmp_path / "a.csv", [dict(rows[1], CF_NR=content, CF_YXQ="")]), maker)
    if months > 6:
        assert not r.applied
        assert r.first_errors == [f"第2行 处罚内容（CF_NR）：“停止执业”{months}个月，超过《律师法》第四十八条规定的上限6个月"]
    else:
        assert r.applied
        assert CreditRecord.objects.get().sanctions == [{"type": "停止执业", "months": 6}]


def test_an_article_written_for_another_kind_of_subject_is_refused(tmp_path, maker, rows):
    # 律师法 Art 48 punishes lawyers; a law firm's penalty must rest on Art 50.
    firm = dict(rows[0], CF_CFLB="其他", CF_NR="停业整顿三个月", CF_NR_FK="",
                CF_YJ="《中华人民共和国律师法》第四十八条")
    r = run(write_csv(tmp_path / "a.csv", [firm]), maker)
    assert not r.applied
    assert r.first_errors == ["第2行 处罚依据（CF_YJ）：《律师法》第四十八条不适用于律师事务所"]


def test_a_basis_outside_the_catalogue_is_kept_with_a_quality_note(tmp_path, maker, rows):
    r = run(write_csv(tmp_path / "a.csv", [dict(rows[0], CF_YJ="《江苏省律师行业管理办法》第十条")]), maker)
    assert r.applied and r.warnings == 1
    assert CreditRecord.objects.get().warnings == ["未能从处罚依据识别法定条款，未做处罚幅度校验"]


def test_a_party_named_otherwise_than_the_registry_is_kept_with_a_note(tmp_path, maker, rows, law_firm):
    from legalcredit.registry.models import FormerName

    FormerName.objects.create(subject=law_firm, name="淮安德恒（旧名）律师事务所", used_until=dt.date(2020, 1, 1))
    other = dict(rows[0], CF_XDR_MC="别的律师事务所")
    former = dict(rows[0], CF_XDR_MC="淮安德恒(旧名)律师事务所", CF_WSH="淮司罚决〔2026〕21号")
    r = run(write_csv(tmp_path / "a.csv", [other, former, rows[1]]), maker)
    assert r.applied and r.warnings == 1
    assert r.first_warnings == ["第2行 行政相对人名称“别的律师事务所”与主体名录登记的名称“淮安德恒律师事务所”不一致（已按代码归属该主体）"]
    noted = CreditRecord.objects.get(decision_no="淮司罚决〔2026〕11号")
    assert noted.subject_id == law_firm.pk and noted.warnings == [r.first_warnings[0].split(" ", 1)[1]]
    assert CreditRecord.objects.get(decision_no="淮司罚决〔2026〕21号").warnings == [], "a former name is no mismatch"


def test_the_same_file_again_before_approval_changes_nothing(tmp_path, maker, rows):
    path = write_csv(tmp_path / "cf.csv", rows)
    first = run(path, maker)
    again = run(path, maker)
    assert again.applied and (again.created, again.new_versions, again.unchanged) == (0, 0, 2)
    assert CreditRecord.objects.count() == 2
    rows[0]["CF_SY"] = "疏于管理，情节较重"
    changed = run(write_csv(tmp_path / "cf2.csv", rows), maker)
    assert not changed.applied
    assert changed.first_errors == ["第2行 行政处罚决定书文号（CF_WSH）：该决定已有内容不同的待审核版本，请先审核后再导入"]
    assert first.batch.pk != again.batch.pk


def test_a_repeat_offence_in_the_report_shows_what_the_row_decided(tmp_path, maker, rows):
    warn = dict(rows[1], CF_CFLB="警告", CF_NR="警告", CF_YXQ="")
    later = dict(warn, CF_WSH="淮司罚决〔2026〕99号",
                 CF_JDRQ=(dt.date.fromisoformat(warn["CF_JDRQ"]) + dt.timedelta(days=20)).isoformat())
    r = run(write_csv(tmp_path / "a.csv", [warn, later]), maker)
    assert not r.applied
    report = list(csv.reader(io.open(r.report_path, encoding="utf-8-sig")))
    assert report[1][:4] == ["3", "CF_NR", "处罚内容", "警告"] and "第五十一条" in report[1][4]


def test_unknown_institution_can_be_registered_by_option(tmp_path, maker, rows, codes):
    new_code = codes.uscc("31", "320812")
    row = dict(rows[0], CF_XDR_MC="淮安新设律师事务所", CF_XDR_SHXYM=new_code, CF_WSH="x9")
    assert not run(write_csv(tmp_path / "a.csv", [row]), maker).applied
    r = run(write_csv(tmp_path / "b.csv", [row]), maker, unknown_subjects="register")
    assert r.applied and r.registered == 1
    assert CreditRecord.objects.get(decision_no="x9").subject.subject_type_id == "law_firm"


@pytest.mark.parametrize("content,message", [
    (b"", "文件为空"),
    ("CF_XDR_MC,谁知道\n甲,乙\n".encode(), "无法识别的表头：谁知道"),
    ("CF_XDR_MC,CF_WSH\n甲,乙\n".encode(), "缺少必填列"),
    (b"\xff\xfe\x00\x00garbage\x00", "不是文本格式"),
])
def test_malformed_files_are_refused_with_a_clear_message(tmp_path, maker, content, message):
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    with pytest.raises(importer.ImportRefused, match=message):
        run(path, maker)
    assert CreditRecord.objects.count() == 0


def test_a_file_imported_under_the_wrong_kind_is_refused_naming_the_kind_it_is(tmp_path, maker, rows):
    path = write_csv(tmp_path / "cf.csv", rows)
    with pytest.raises(importer.ImportRefused, match="该文件的表头是“行政处罚”的字段，请确认导入类别是否选错"):
        run(path, maker, kind="license")
    # A file that is nobody's gets no such hint.
    (tmp_path / "x.csv").write_bytes("CF_XDR_MC,谁知道\n甲,乙\n".encode())
    with pytest.raises(importer.ImportRefused) as refused:
        run(tmp_path / "x.csv", maker, kind="license")
    assert "请确认导入类别" not in str(refused.value)
    assert CreditRecord.objects.count() == 0


def test_truncated_xlsx_is_refused(tmp_path, maker, rows):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(HEADER)
    wb.save(tmp_path / "full.xlsx")
    data = (tmp_path / "full.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    with pytest.raises(importer.ImportRefused, match="Excel 文件已损坏或不完整"):
        run(tmp_path / "cut.xlsx", maker)


def test_a_failure_in_the_middle_leaves_the_database_as_it_was(tmp_path, maker, rows):
    path = write_csv(tmp_path / "cf.csv", rows)

    def die(n):
        if n >= 1:
            raise KeyboardInterrupt  # what a killed CLI run raises

    with pytest.raises(KeyboardInterrupt):
        run(path, maker, progress=die, chunk=1)
    assert CreditRecord.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_export_in_national_format_round_trips(tmp_path, maker, checker, rows):
    from legalcredit.accounts.policy import scope_for

    services.approve_batch(run(write_csv(tmp_path / "cf.csv", rows), maker).batch, checker=checker)
    out = tmp_path / "out.csv"
    n = export.export("penalty", out, actor=checker, scope=scope_for(checker), mark_reported=True)
    assert n == 2
    exported = list(csv.DictReader(io.open(out, encoding="utf-8-sig")))
    assert exported[0]["CF_GSJZQ"] and exported[1]["CF_XDR_ZJHM"] == rows[1]["CF_XDR_ZJHM"]
    again = run(out, maker)
    assert again.applied and again.unchanged == 2 and again.created == 0
    stats = selectors.dual_publication_timeliness(dt.date(2000, 1, 1), timezone.localdate(),
                                                  scope=scope_for(checker))
    assert [(s.decisions, s.reporting_rate, s.compliance_rate, s.timeliness_rate) for s in stats] == [
        (2, 100.0, 100.0, 0.0)]


def test_a_penalty_entered_by_hand_exports_a_full_national_row_that_imports_back(
        tmp_path, maker, checker, lawyer, law_firm, penalty):
    from legalcredit.accounts.policy import scope_for

    firm = penalty(decision_no="淮司罚决〔2026〕31号", legal_basis="《中华人民共和国律师法》第五十条",
                   content="疏于管理，罚款人民币二万元", penalty_types=["罚款"],
                   sanctions=[{"type": "罚款", "fine_yuan": 20000.0}], fine_amount=2, effective_until=None)
    for subject, draft in ((lawyer, penalty()), (law_firm, firm)):
        services.approve(services.submit(subject, draft, actor=maker, reason="录入").pk, checker=checker)
    out = tmp_path / "out.csv"
    assert export.export("penalty", out, actor=checker, scope=scope_for(checker)) == 2
    by_no = {r["CF_WSH"]: r for r in csv.DictReader(io.open(out, encoding="utf-8-sig"))}
    person, org = by_no["淮司罚决〔2026〕1号"], by_no["淮司罚决〔2026〕31号"]
    assert (person["CF_XDR_MC"], person["CF_XDR_LB"], person["CF_XDR_ZJLX"], person["CF_XDR_ZJHM"]) == (
        lawyer.name, "自然人", "身份证", lawyer.id_number)
    assert (person["CF_JDRQ"], person["CF_YXQ"], person["CF_CFJG"], person["CF_YJ"]) == (
        "2026-03-02", "2026-07-02", "淮安市司法局", "《中华人民共和国律师法》第四十八条")
    assert (org["CF_XDR_LB"], org["CF_XDR_SHXYM"], org["CF_CFLB"], org["CF_NR_FK"]) == (
        "法人及非法人组织", law_firm.uscc, "罚款", "2")
    # What was exported is a valid national file: it imports back with no error, and changes
    # nothing (the rows are the records as the platform exports them).
    again = run(out, maker)
    assert again.applied and (again.errors, again.created, again.new_versions, again.unchanged) == (0, 0, 0, 2), \
        again.first_errors


def test_a_correction_of_an_imported_decision_is_what_the_export_sends(tmp_path, maker, checker, rows):
    from legalcredit.accounts.policy import scope_for

    services.approve_batch(run(write_csv(tmp_path / "cf.csv", rows), maker).batch, checker=checker)
    rec = CreditRecord.objects.get(decision_no="淮司罚决〔2026〕11号")
    day = rec.decision_date - dt.timedelta(days=3)
    fixed = services.correct(rec.key, actor=maker, reason="决定日期录错", decision_date=day,
                             content="警告，罚款人民币三万元（更正）")
    services.approve(fixed.pk, checker=checker)
    out = tmp_path / "out.csv"
    export.export("penalty", out, actor=checker, scope=scope_for(checker))
    row = next(r for r in csv.DictReader(io.open(out, encoding="utf-8-sig")) if r["CF_WSH"] == "淮司罚决〔2026〕11号")
    assert (row["CF_JDRQ"], row["CF_NR"]) == (day.isoformat(), "警告，罚款人民币三万元（更正）")
    # What the correction did not touch is still the file's own text.
    assert (row["CF_SY"], row["CF_CFLB"], row["CF_NR_FK"]) == ("疏于管理", "警告、罚款", "3")


def test_a_revocation_goes_out_in_the_change_since_file_and_leaves_the_full_one(tmp_path, maker, checker, rows):
    from legalcredit.accounts.policy import scope_for

    services.approve_batch(run(write_csv(tmp_path / "cf.csv", rows), maker).batch, checker=checker)
    before = timezone.now()
    rec = CreditRecord.objects.get(decision_no="淮司罚决〔2026〕11号")
    day = rec.decision_date + dt.timedelta(days=5)
    services.approve(services.withdraw(rec.key, actor=maker, reason="经行政复议撤销", reversal_date=day,
                                       revoked=True).pk, checker=checker)

    def exported(name, **kw):
        export.export("penalty", tmp_path / name, actor=checker, scope=scope_for(checker), **kw)
        return {r["CF_WSH"]: r for r in csv.DictReader(io.open(tmp_path / name, encoding="utf-8-sig"))}

    changed = exported("since.csv", since=before)
    assert list(changed) == ["淮司罚决〔2026〕11号"]
    assert changed["淮司罚决〔2026〕11号"]["BZ"] == f"原决定已撤销（{day}）：经行政复议撤销"
    assert list(exported("full.csv")) == ["淮司罚决〔2026〕12号"]


def _upload(client, path, capture, **extra):
    """Post a file to the import page as an officer does; the worker runs it (inline in tests)."""
    from django.urls import reverse

    with open(path, "rb") as fh, capture(execute=True):
        posted = client.post(reverse("admin:records_import"), {"file": fh, "kind": "penalty", "reason": "补录", **extra})
    assert posted.status_code == 302, posted.content.decode()[:500]
    return client.get(posted["Location"])


def test_back_office_import_runs_in_the_background_with_downloadable_report(
        tmp_path, client, maker, rows, django_capture_on_commit_callbacks):
    from django.conf import settings
    from django.urls import reverse

    from legalcredit.records.models import ImportJob

    client.force_login(maker)
    page = _upload(client, write_csv(tmp_path / "bad.csv", [dict(rows[0], CF_NR_FK="")]),
                   django_capture_on_commit_callbacks)
    assert page.status_code == 200 and "本批次未导入任何数据" in page.content.decode()
    job = ImportJob.objects.get(source="bad.csv")
    assert job.state == ImportJob.State.DONE and job.result["errors"] == 1 and job.batch is None
    report = client.get(page.context["report_url"])
    assert report.status_code == 200
    assert "处罚类别含罚款时必填" in b"".join(report.streaming_content).decode("utf-8-sig")

    page = _upload(client, write_csv(tmp_path / "good.csv", rows), django_capture_on_commit_callbacks)
    text = page.content.decode()
    assert "已导入批次" in text and 'http-equiv="refresh"' not in text, "a finished job stops reloading"
    assert "用时 " in text and " 秒。" in text
    job = ImportJob.objects.get(source="good.csv")
    assert job.batch.source == "good.csv" and job.result["created"] == len(rows)
    assert job.rows_estimated == len(rows) and page.context["progress"].rows == len(rows)
    assert not list((settings.HOME / "uploads").glob(f"{job.pk}*")), "the upload (ID numbers in clear) is not kept"
    listing = client.get(reverse("admin:records_creditrecord_changelist"))
    assert listing.status_code == 200 and "淮司罚决〔2026〕11号" in listing.content.decode()
    # The import page lists the officer's jobs with what came of each.
    mine = client.get(reverse("admin:records_import")).content.decode()
    assert "good.csv" in mine and "bad.csv" in mine and "1 处错误，未导入" in mine


def test_back_office_import_of_an_unreadable_file_says_why(tmp_path, client, maker, django_capture_on_commit_callbacks):
    from legalcredit.records.models import ImportJob

    client.force_login(maker)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"   \n")
    page = _upload(client, empty, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REFUSED and "文件为空" in job.message
    assert "文件被拒绝：文件为空" in page.content.decode()
    assert not ImportBatch.objects.exists()


def test_back_office_import_that_fails_is_reported_and_applies_nothing(
        tmp_path, client, maker, rows, monkeypatch, django_capture_on_commit_callbacks):
    from legalcredit.records import importer
    from legalcredit.records.models import ImportJob

    def broken(self, values):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer.RecordWriter, "write", broken)
    client.force_login(maker)
    page = _upload(client, write_csv(tmp_path / "cf.csv", rows), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED and "RuntimeError" in job.message
    assert "本批次未导入任何数据" in page.content.decode()
    assert not CreditRecord.objects.exists() and not ImportBatch.objects.exists()


def test_a_job_the_worker_stopped_on_is_shown_as_stopped(client, maker, settings):
    from django.urls import reverse

    from legalcredit.records import selectors
    from legalcredit.records.models import ImportJob

    job = ImportJob.objects.create(kind="penalty", source="cf.csv", reason="补录", requested_by=maker,
                                   state=ImportJob.State.RUNNING, rows_estimated=10_000,
                                   started_at=timezone.now() - dt.timedelta(seconds=settings.IMPORT_STALL_SECONDS + 5))
    assert selectors.import_progress(job).stalled
    client.force_login(maker)
    page = client.get(reverse("admin:records_import_job", args=[job.pk])).content.decode()
    assert "后台任务已停止响应" in page and 'http-equiv="refresh"' not in page
    from legalcredit.records import flows
    flows._report(job, 4000)
    progress = selectors.import_progress(job)
    assert not progress.stalled and progress.rows == 4000 and progress.percent == 40
    page = client.get(reverse("admin:records_import_job", args=[job.pk])).content.decode()
    assert "已处理 4000 行，约 10000 行" in page and 'http-equiv="refresh"' in page


@pytest.mark.parametrize("seconds,shown", [(0, "0 秒"), (40, "40 秒"), (125, "2 分 5 秒"), (3600, "1 小时"),
                                            (3725, "1 小时 2 分 5 秒")])
def test_a_jobs_duration_reads_in_seconds_minutes_and_hours(seconds, shown):
    from legalcredit.records.admin import _elapsed

    start = timezone.now()
    assert _elapsed(start, start + dt.timedelta(seconds=seconds)) == shown
    assert _elapsed(start, None) == ""


def test_a_job_is_run_once(tmp_path, maker, rows):
    """A queue that delivers a job twice does not import its file twice."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from legalcredit.records import flows
    from legalcredit.records.models import ImportJob

    body = write_csv(tmp_path / "cf.csv", rows).read_bytes()
    job = flows.submit_import(SimpleUploadedFile("cf.csv", body), kind="penalty", actor=maker, reason="补录",
                              register_unknown=False)
    assert flows.run_import(str(job.pk)).state == ImportJob.State.DONE
    assert flows.run_import(str(job.pk)) is None
    assert ImportBatch.objects.count() == 1


def test_a_file_with_a_long_name_is_imported_under_the_name_kept(tmp_path, maker, rows):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from legalcredit.records import flows
    from legalcredit.records.models import ImportJob

    long = "江苏省" + "行政处罚双公示数据" * 25 + ".csv"     # 230 characters: over the 200 kept
    body = write_csv(tmp_path / "cf.csv", rows).read_bytes()
    job = flows.submit_import(SimpleUploadedFile(long, body), kind="penalty", actor=maker, reason="补录",
                              register_unknown=False)
    assert len(job.source) == 200 and job.source.endswith(".csv")
    done = flows.run_import(str(job.pk))
    assert done.state == ImportJob.State.DONE and done.result["created"] == len(rows), done.message
    assert done.batch.source == job.source


def test_another_officers_job_and_report_are_not_served(tmp_path, client, maker, checker, rows,
                                                          django_capture_on_commit_callbacks):
    from django.urls import reverse

    from legalcredit.records.models import ImportJob

    client.force_login(maker)
    _upload(client, write_csv(tmp_path / "bad.csv", [dict(rows[0], CF_NR_FK="")]), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    client.force_login(checker)
    assert client.get(reverse("admin:records_import_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("admin:records_import_report", args=[job.report])).status_code == 404
    assert client.get(reverse("admin:records_import_report", args=["import-errors-x.csv"])).status_code in (403, 404)


def test_batch_approval_counts_working_days_per_decision_date(tmp_path, maker, checker, rows):
    from legalcredit.refdata.selectors import work_calendar

    today = timezone.localdate()
    cal = work_calendar()
    recent = today - dt.timedelta(days=3)    # at most 3 working days ago, within the 7
    late = dict(rows[0])
    timely = dict(rows[0], CF_WSH="淮司罚决〔2026〕13号", CF_JDRQ=recent.isoformat())
    services.approve_batch(run(write_csv(tmp_path / "cf.csv", [late, timely]), maker).batch, checker=checker)
    for no, decided, on_time in (("淮司罚决〔2026〕11号", dt.date.fromisoformat(late["CF_JDRQ"]), False),
                                 ("淮司罚决〔2026〕13号", recent, True)):
        rec = CreditRecord.objects.get(decision_no=no, is_current=True)
        assert rec.publication_working_days == cal.working_days_between(decided, today)
        assert rec.on_time is on_time


def _warning(rows, no, day):
    return dict(rows[1], CF_WSH=no, CF_CFLB="警告", CF_NR="警告", CF_YXQ="", CF_JDRQ=day.isoformat(),
                CF_YJ="《中华人民共和国律师法》第四十七条", CF_WFXW="同时在两个律师事务所执业", CF_SY="同时在两所执业")


def test_a_repeat_offence_between_rows_of_one_file_is_refused_whatever_their_order(tmp_path, maker, rows):
    today = timezone.localdate()
    later, earlier = today - dt.timedelta(days=20), today - dt.timedelta(days=200)
    # The later warning comes first in the file: the order of rows must not matter.
    r = run(write_csv(tmp_path / "cf.csv", [_warning(rows, "淮司罚决〔2026〕21号", later),
                                            _warning(rows, "淮司罚决〔2025〕20号", earlier)]), maker)
    assert not r.applied and r.errors == 1 and not CreditRecord.objects.exists()
    [message] = r.first_errors
    assert "第2行" in message and "第五十一条第一款" in message and "本文件第3行" in message


def test_penalties_of_one_file_that_do_not_repeat_are_applied(tmp_path, maker, rows):
    today = timezone.localdate()
    # More than a year apart: the second warning is no repeat (律师法 Art 51 counts one year).
    r = run(write_csv(tmp_path / "cf.csv", [_warning(rows, "淮司罚决〔2026〕21号", today - dt.timedelta(days=20)),
                                            _warning(rows, "淮司罚决〔2024〕20号", today - dt.timedelta(days=500))]),
            maker)
    assert r.applied and r.created == 2, r.first_errors
