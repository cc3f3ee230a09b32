"""The back office's home page tells each user what waits for them, each item opening the
filtered list it counts, and nothing they may not open."""
import datetime as dt
import re

import pytest
from django.utils import timezone

from legalcredit.accounts.services import assign
from legalcredit.lists import services as lists
from legalcredit.records.tests.test_import import rows, run, write_csv  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def todo(client, user) -> dict[str, tuple[int, str]]:
    """The to-do list on the home page: label → (count, link)."""
    client.force_login(user)
    page = client.get("/admin/").content.decode()
    assert "待办事项" in page and "信用记录" in page, "the apps are still listed under it"
    panel = page[page.index('id="todo"'):page.index("</div>", page.index('id="todo"'))]
    return {label: (int(count), url.replace("&amp;", "&")) for url, label, count in re.findall(
        r'<a href="([^"]+)">([^<]+)</a></th>\s*<td[^>]*>(?:<strong[^>]*>)?(\d+)', panel)}


@pytest.fixture
def firm_user(db, django_user_model, law_firm):
    user = django_user_model.objects.create_user("dh_admin", password="x-Strong-pass-1", is_staff=True)
    assign(user, "institution_user", subject=law_firm)
    return user


def test_a_checker_is_shown_the_versions_and_batches_waiting_for_review(client, tmp_path, maker, checker,
                                                                         rows):  # noqa: F811
    run(write_csv(tmp_path / "cf.csv", rows), maker)
    items = todo(client, checker)
    assert items["待审核的信用记录"] == (2, "/admin/records/creditrecord/?mine=to_check")
    assert items["待审核的导入批次"] == (1, "/admin/records/recordimportbatch/?waiting=mine")
    for count, url in items.values():
        assert client.get(url).context["cl"].result_count == count, f"{url} opens what it counts"
    assert "待审核的信用记录" not in todo(client, maker), "a maker checks nothing"


def test_a_checker_is_not_asked_to_review_their_own_entries(client, tmp_path, maker, checker, rows):  # noqa: F811
    run(write_csv(tmp_path / "own.csv", rows), checker)
    assert "待审核的信用记录" not in todo(client, checker)
    # Beside a maker's batch, the lists the items open leave the checker's own out too.
    run(write_csv(tmp_path / "cf.csv", [dict(r, CF_WSH=r["CF_WSH"] + "-2") for r in rows]), maker)
    items = todo(client, checker)
    assert items["待审核的信用记录"][0] == 2 and items["待审核的导入批次"][0] == 1
    for count, url in items.values():
        assert client.get(url).context["cl"].result_count == count, f"{url} opens what it counts"


def test_list_steps_and_their_deadlines_wait_for_the_officer_and_the_notice_for_the_party(
        client, maker, law_firm, firm_user, django_user_model, codes):
    entry = lists.propose(law_firm, "serious_dishonesty", by=maker, reasons="拒不履行生效行政处罚决定",
                          authority="淮安市司法局")
    assert todo(client, maker)["待告知的名单列入建议"][0] == 1
    assert todo(client, firm_user) == {}, "a proposal is the bureau's until its notice is served"
    assert "暂无待办事项" in client.get("/admin/").content.decode()
    served = timezone.localdate() - dt.timedelta(days=40)     # the statement period long over
    lists.serve_notice(entry.pk, by=maker, served_on=served)
    officer = todo(client, maker)
    assert officer["陈述申辩期中的名单事项"] == (1, "/admin/lists/listentry/?stage__exact=noticed")
    assert "待告知的名单列入建议" not in officer
    assert officer["已逾期的办理期限"] == (1, "/admin/deadlines/clock/?state=overdue")
    assert client.get(officer["已逾期的办理期限"][1]).context["cl"].result_count == 1
    assert todo(client, firm_user) == {"待陈述申辩的列入告知": (1, "/admin/lists/listentry/?stage__exact=noticed")}


def test_the_home_page_still_asks_for_a_login_first(client):
    page = client.get("/admin/")
    assert page.status_code == 302 and page["Location"].startswith("/admin/login/")


def test_a_maker_is_shown_what_a_checker_returned_until_it_is_corrected(client, tmp_path, maker, checker,
                                                                         rows):  # noqa: F811
    from legalcredit.records import services

    batch = run(write_csv(tmp_path / "cf.csv", rows), maker).batch
    assert "被退回待改正的信用记录" not in todo(client, maker)
    services.reject_batch(batch, checker=checker, note="处罚依据条款有误")
    count, url = todo(client, maker)["被退回待改正的信用记录"]
    assert (count, url) == (2, "/admin/records/creditrecord/?mine=returned")
    assert client.get(url).context["cl"].result_count == 2
    assert "被退回待改正的信用记录" not in todo(client, checker), "the checker entered none of them"
    # The corrected file imported: its rows follow the returned ones, which leave the list.
    run(write_csv(tmp_path / "fixed.csv", [dict(r, CF_YJ=r["CF_YJ"] + "第一款") for r in rows]), maker)
    assert "被退回待改正的信用记录" not in todo(client, maker)


def test_the_home_page_reads_in_chinese_to_a_screen_reader_too(client, checker):
    client.force_login(checker)
    page = client.get("/admin/").content.decode()
    # Django's catalogue leaves the app list's hidden column headers in English.
    assert "数据类别" in page and "Model name" not in page and "Change or view list link" not in page


def test_complaints_wait_for_the_maker_at_each_step_and_for_a_checker_to_decide(client, maker, checker, lawyer,
                                                                                 bureau):
    from legalcredit.complaints import services as complaints

    first, _ = complaints.file(lawyer, by=maker, channel="letter", complainant_name="王芳", interest="委托人",
                               facts="未出庭")
    complaints.file(lawyer, by=maker, channel="visit", complainant_name="赵刚", interest="当事人", facts="乱收费")
    items = todo(client, maker)
    assert items["待受理审查的投诉"] == (2, "/admin/complaints/complaint/?stage__exact=received")
    assert "待作出处理决定的投诉" not in items
    complaints.accept(first.pk, by=maker, authority="淮安市司法局", authority_uscc=bureau["city"])
    complaints.record_investigation(first.pk, by=maker, findings="属实")
    complaints.review(first.pk, by=maker, finding="substantiated", handling="education", opinion="批评教育")
    items = todo(client, checker)
    assert items == {"待作出处理决定的投诉": (1, "/admin/complaints/complaint/?to_decide=1")}
    for who in (maker, checker):
        for count, url in todo(client, who).values():
            assert client.get(url).context["cl"].result_count == count, f"{url} opens what it counts"


def test_legal_aid_reviews_wait_for_re_review_and_for_a_checker_to_confirm(client, maker, checker, lawyer, bureau):
    from legalcredit.legal_aid import services as reviews
    from legalcredit.legal_aid.tests.test_reviews import score

    failed = score(lawyer, maker, bureau, vetoes=["charged_recipient"])
    score(lawyer, maker, bureau, case_no="淮法援〔2026〕刑13号")
    assert todo(client, maker) == {
        "待复查的法律援助案卷": (1, "/admin/legal_aid/casequalityreview/?stage__exact=rereview"),
        "我经办的在办事项": (1, "/admin/deadlines/clock/?mine=1")}    # the re-review's clock
    assert todo(client, checker) == {
        "待确认的法律援助评查结果": (1, "/admin/legal_aid/casequalityreview/?to_confirm=1")}
    reviews.rereview(failed.pk, by=maker, reviewer_name="吴律师", marks=reviews.rules().score(
        "criminal", {i.code: i.points for i in reviews.rules().checklists["criminal"].items}).marks,
        vetoes=["charged_recipient"], opinion="收费属实")
    for who, n in ((maker, 0), (checker, 2)):
        items = todo(client, who)
        assert sum(count for count, _ in items.values()) == n
        for count, url in items.values():
            assert client.get(url).context["cl"].result_count == count, f"{url} opens what it counts"
