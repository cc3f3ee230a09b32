"""Grades as officers and departments rely on them: computed from approved records, explained point by
point, recomputed when records change, reproducible for past dates, never defaulted."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from legalcredit.evaluation import selectors, services
from legalcredit.evaluation.models import Evaluation, Scheme, SubjectGrade
from legalcredit.records import services as records
from legalcredit.registry import services as registry

pytestmark = pytest.mark.django_db


def test_refdata_load_publishes_every_shipped_scheme():
    codes = set(Scheme.objects.filter(state="published").values_list("code", flat=True))
    assert codes == {"lawyer", "law_firm", "forensic_institution", "grassroots", "notary"}


def test_a_clean_lawyer_gets_the_base_grade_and_its_supervision(lawyer):
    services.evaluate_subjects([lawyer.pk])
    g = selectors.grade_of(lawyer.pk)
    assert (g.state, g.grade, g.score) == ("evaluated", "AA", Decimal("1000.00"))
    sup = selectors.supervision(g)
    assert (sup.klass, sup.sampling_rate, sup.yearly_cap) == ("optimized", Decimal("0.04"), 1)


def test_a_subject_without_a_scheme_is_not_evaluated_never_defaulted(maker, codes):
    office, _ = registry.register_institution(actor=maker, reason="设立", name="淮安市法律援助中心",
                                              subject_type="legal_aid_office", region="320812",
                                              uscc_code=codes.uscc("12"))
    services.evaluate_subjects([office.pk])
    g = selectors.grade_of(office.pk)
    assert (g.state, g.grade, g.score, g.evaluation) == ("not_evaluated", "", None, None)
    assert selectors.supervision(g) is None


def test_approving_a_penalty_regrades_the_subject_and_the_point_names_the_record(lawyer, penalty, maker,
                                                                                 checker,
                                                                                 django_capture_on_commit_callbacks):
    services.evaluate_subjects([lawyer.pk])
    rec = records.submit(lawyer, penalty(), actor=maker, reason="录入处罚决定")
    services.evaluate_subjects([lawyer.pk])
    assert selectors.grade_of(lawyer.pk).grade == "AA"  # pending records count nowhere
    with django_capture_on_commit_callbacks(execute=True):
        records.approve(rec.pk, checker=checker)
    g = selectors.grade_of(lawyer.pk)
    assert (g.grade, g.score) == ("A", Decimal("850.00"))
    [line] = selectors.explain(g.evaluation)
    assert (line["record_id"], line["points"], line["indicator_name"]) == (rec.pk, "-150.00", "行政处罚（一般）")
    assert g.evaluation.trigger == Evaluation.Trigger.RECORD_CHANGE


def test_only_changed_outcomes_are_stored_so_the_table_is_the_grade_history(lawyer, record):
    services.evaluate_subjects([lawyer.pk])
    services.evaluate_subjects([lawyer.pk])
    assert Evaluation.objects.filter(subject=lawyer).count() == 1
    record(lawyer, "commendation", "省级")
    history = list(selectors.history(lawyer.pk))
    assert [e.grade for e in history] == ["AAA", "AA"] and history[0].score == Decimal("1060.00")
    assert services.evaluate_subjects([lawyer.pk]).changed == 0


def test_a_withdrawn_record_stops_counting(lawyer, penalty, maker, checker, django_capture_on_commit_callbacks):
    rec = records.submit(lawyer, penalty(), actor=maker, reason="录入")
    with django_capture_on_commit_callbacks(execute=True):
        records.approve(rec.pk, checker=checker)
    assert selectors.grade_of(lawyer.pk).grade == "A"
    new = records.withdraw(rec.key, actor=maker, reason="复议撤销", reversal_date=timezone.localdate(), revoked=True)
    with django_capture_on_commit_callbacks(execute=True):
        records.approve(new.pk, checker=checker)
    assert selectors.grade_of(lawyer.pk).grade == "AA"


def test_a_past_grade_is_reproduced_from_the_records_known_that_day_without_storing(lawyer, penalty, maker,
                                                                                    checker):
    rec = records.submit(lawyer, penalty(), actor=maker, reason="录入")
    records.approve(rec.pk, checker=checker)
    today = timezone.localdate()
    stored = Evaluation.objects.count()
    assert services.evaluate_on(lawyer, today).grade == "A"
    assert services.evaluate_on(lawyer, today - dt.timedelta(days=1)).grade == "AA"   # not yet known then
    # Judged with today's knowledge, the penalty (decided 2026-03-02) already counted a month earlier.
    assert services.evaluate_on(lawyer, dt.date(2026, 4, 1), known_then=False).grade == "A"
    assert Evaluation.objects.count() == stored


def test_a_revocation_vetoes_to_the_lowest_grade(lawyer, penalty, maker, checker, bureau):
    draft = penalty(level="province", authority="江苏省司法厅", sanctions=[{"type": "吊销执业证书"}],
                    penalty_types=["吊销许可证件"], severity="serious", certificate="律师执业证 13208201210000001",
                    legal_basis="《中华人民共和国律师法》第四十九条", effective_until=None)
    rec = records.submit(lawyer, draft, actor=maker, reason="录入")
    records.approve(rec.pk, checker=checker)
    services.evaluate_subjects([lawyer.pk])
    g = selectors.grade_of(lawyer.pk)
    assert g.grade == "C" and g.evaluation.vetoed
    assert g.evaluation.explanation["vetoes"][0][:3] == ["revoked", "被吊销执业证书", "C"]
    assert g.supervision_class == "key"


# --- schemes: drafts, checks, what-if, publication -------------------------------

def _lawyer_text(**replace) -> str:
    text = Scheme.objects.get(code="lawyer", state="published").document
    for old, new in replace.items():
        text = text.replace(old, new)
    return text


def test_a_draft_with_a_mistake_is_refused_with_its_line(province_admin):
    text = _lawyer_text(**{'version: "2026.1"': 'version: "2026.9"', "kind: complaint_upheld": "kind: complaints"})
    with pytest.raises(ValidationError) as err:
        services.save_draft(text, by=province_admin)
    [message] = err.value.message_dict["document"]
    assert message.startswith("第") and "未知的信息类别“complaints”" in message
    assert not Scheme.objects.filter(version="2026.9").exists()


def test_what_if_compares_a_draft_with_the_grades_in_force_and_changes_nothing(province_admin, lawyer, record):
    record(lawyer, "complaint_upheld", severity="minor", decided=dt.date(2026, 6, 1))
    assert selectors.grade_of(lawyer.pk).score == Decimal("980.00")
    draft = services.save_draft(_lawyer_text(**{'version: "2026.1"': 'version: "2026.9"',
                                                "{code: AA, min: 950,": "{code: AA, min: 990,",
                                                "{code: A, min: 850, max: 950": "{code: A, min: 850, max: 990"}),
                                by=province_admin)
    before = list(SubjectGrade.objects.values_list("subject_id", "grade", "evaluation_id"))
    run = services.what_if(draft, by=province_admin)
    assert run.summary["moves"] == {"AA→A": 1} and run.changed == 1
    assert run.summary["sample"][0][:4] == [lawyer.pk, "李明", "AA", "A"]
    assert list(SubjectGrade.objects.values_list("subject_id", "grade", "evaluation_id")) == before
    assert Scheme.objects.get(pk=draft.pk).state == "draft"


def test_publishing_retires_the_old_version_and_regrades_its_subjects(province_admin, lawyer, record,
                                                                     django_capture_on_commit_callbacks):
    record(lawyer, "complaint_upheld", severity="minor", decided=dt.date(2026, 6, 1))
    old = Scheme.objects.get(code="lawyer", state="published")
    draft = services.save_draft(_lawyer_text(**{'version: "2026.1"': 'version: "2026.9"',
                                                "{code: AA, min: 950,": "{code: AA, min: 990,",
                                                "{code: A, min: 850, max: 950": "{code: A, min: 850, max: 990"}),
                                by=province_admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(draft, by=province_admin, reason="省厅修订分数线")
    assert Scheme.objects.get(pk=old.pk).state == "retired"
    g = selectors.grade_of(lawyer.pk)
    assert (g.scheme_id, g.grade) == (draft.pk, "A")
    assert g.evaluation.trigger == Evaluation.Trigger.SCHEME


def test_publication_needs_the_right_a_reason_and_no_overlap(province_admin, maker):
    draft = services.save_draft(_lawyer_text(**{'version: "2026.1"': 'version: "2026.8"'}), by=province_admin)
    with pytest.raises(PermissionDenied):
        services.publish(draft, by=maker, reason="试试")
    with pytest.raises(ValidationError, match="原因"):
        services.publish(draft, by=province_admin, reason=" ")
    rival = services.save_draft(_lawyer_text(**{"code: lawyer": "code: lawyer-other"}), by=province_admin)
    with pytest.raises(ValidationError, match="同时适用于 lawyer"):
        services.publish(rival, by=province_admin, reason="另一方案")
    services.publish(draft, by=province_admin, reason="修订")
    with pytest.raises(ValidationError, match="已发布"):
        services.save_draft(_lawyer_text(**{'version: "2026.1"': 'version: "2026.8"'}), by=province_admin)


def test_a_province_edition_survives_a_later_refdata_load(province_admin):
    draft = services.save_draft(_lawyer_text(**{'version: "2026.1"': 'version: "2026.7"'}), by=province_admin)
    services.publish(draft, by=province_admin, reason="本省方案")
    assert services.load_shipped() == 0
    assert Scheme.objects.get(code="lawyer", state="published").pk == draft.pk


# --- interfaces -------------------------------------------------------------------

def test_cli_shows_a_grade_with_every_point_and_recomputes(lawyer, record, capsys):
    rec = record(lawyer, "commendation", "国家级")
    call_command("evaluation", "grade", str(lawyer.pk))
    out = capsys.readouterr().out
    assert "AAA（1100.00 分" in out and rec.decision_no in out and "国家级表彰奖励" in out
    call_command("evaluation", "recompute")
    assert "已评价 2 个主体，结果变化 1 个" in capsys.readouterr().out   # the firm, graded for the first time
    call_command("evaluation", "recompute")
    assert "结果变化 0 个" in capsys.readouterr().out
    call_command("evaluation", "grade", str(lawyer.pk), "--on", str(timezone.localdate() - dt.timedelta(days=1)))
    assert "AA（1000.00 分" in capsys.readouterr().out


def test_approving_an_import_batch_regrades_every_subject_in_it(lawyer, law_firm, penalty, maker, checker,
                                                                 django_capture_on_commit_callbacks):
    from legalcredit.core.models import ImportBatch

    services.evaluate_subjects([lawyer.pk, law_firm.pk])
    batch = ImportBatch.objects.create(kind="records.penalty", created_by=maker)
    records.submit(lawyer, penalty(), actor=maker, reason="导入", batch=batch)
    records.submit(law_firm, penalty(decision_no="淮司罚决〔2026〕2号", severity="serious", sanctions=[],
                                     penalty_types=["警告"], legal_basis="《中华人民共和国律师法》第五十条",
                                     effective_until=None),
                   actor=maker, reason="导入", batch=batch)
    with django_capture_on_commit_callbacks(execute=True):
        records.approve_batch(batch, checker=checker)
    assert selectors.grade_of(lawyer.pk).grade == "A"
    assert selectors.grade_of(law_firm.pk).score == Decimal("700.00")


def test_a_first_grading_that_meets_a_grade_written_meanwhile_merges_instead_of_failing(lawyer, law_firm):
    """A cold run inserts first grades without merging; if another job graded one of those subjects
    in between, the chunk is merged instead and nothing is lost or duplicated."""
    from legalcredit.evaluation import writer

    services.evaluate_subjects([lawyer.pk])
    before = SubjectGrade.objects.get(pk=lawyer.pk)
    now = timezone.now()
    snap = writer.Snapshot(lawyer.pk, before.scheme_id, dt.date.today(), Decimal("900"), "A", "A", False,
                           {"lines": []}, "x" * 64, "full")
    writer.store([snap], [writer.Current(lawyer.pk, "evaluated", before.scheme_id, snap, "A", Decimal("900"),
                                         "routine", "x" * 64, now, new=True),
                          writer.Current(law_firm.pk, "not_evaluated", None, None, "", None, "", "", now, new=True)],
                 now)
    after = SubjectGrade.objects.get(pk=lawyer.pk)
    assert (after.grade, after.evaluation_id, after.digest) == ("A", snap.id, "x" * 64)
    assert SubjectGrade.objects.filter(pk=law_firm.pk).exists()


def test_two_jobs_storing_the_same_new_outcome_leave_one_snapshot(lawyer, law_firm, record):
    """The record-change task and the nightly run both grade a subject from the same stored
    state; whichever stores second finds the outcome already there and adds nothing."""
    from legalcredit.evaluation import writer

    services.evaluate_subjects([lawyer.pk, law_firm.pk])
    grade = SubjectGrade.objects.get(pk=lawyer.pk)
    now = timezone.now()

    def job():  # what each job computed: a new outcome for the lawyer, nothing new for the firm
        snap = writer.Snapshot(lawyer.pk, grade.scheme_id, dt.date.today(), Decimal("1060"), "AAA", "AAA",
                               False, {"lines": []}, "y" * 64, "record_change")
        return [snap], [writer.Current(lawyer.pk, "evaluated", grade.scheme_id, snap, "AAA", Decimal("1060"),
                                       "optimized", "y" * 64, now)]

    before = Evaluation.objects.filter(subject=lawyer).count()
    first, second = job(), job()
    writer.store(*first, now)
    writer.store(*second, now)
    assert Evaluation.objects.filter(subject=lawyer).count() == before + 1
    after = SubjectGrade.objects.get(pk=lawyer.pk)
    assert (after.digest, after.evaluation_id) == ("y" * 64, first[0][0].id)


@pytest.mark.django_db
def test_a_grade_is_shown_by_the_name_its_scheme_gives_it():
    grassroots = Scheme.objects.get(code="grassroots", state=Scheme.State.PUBLISHED)
    forensic = Scheme.objects.get(code="forensic_institution", state=Scheme.State.PUBLISHED)
    assert selectors.grade_name(grassroots, "bad") == "差"
    assert selectors.grade_name(forensic, "A") == "A级（诚信）"
    assert selectors.grade_name_in("grassroots", grassroots.version, "bad") == "差"
    # A band the scheme has no name for, a band it no longer has, no scheme: the code as stored.
    law_firm = Scheme.objects.get(code="law_firm", state=Scheme.State.PUBLISHED)
    assert selectors.grade_name(law_firm, "AA") == "AA"
    assert selectors.grade_name(grassroots, "Z") == "Z"
    assert selectors.grade_name(None, "AA") == "AA" and selectors.grade_name(grassroots, "") == ""
    assert selectors.grade_name_in("nosuch", "1", "bad") == "bad"


def test_the_grade_filter_offers_grades_by_name(admin_client, lawyer):
    from django.urls import reverse

    services.evaluate_subjects([lawyer.pk])
    url = reverse("admin:evaluation_subjectgrade_changelist")
    page = admin_client.get(url).content.decode()
    assert "差" in page and "A级（诚信）" in page and ">bad<" not in page.replace("\n", "")
    code = SubjectGrade.objects.get(subject=lawyer).grade
    assert lawyer.name in admin_client.get(url, {"grade": code}).content.decode()
    assert lawyer.name not in admin_client.get(url, {"grade": "bad"}).content.decode()
