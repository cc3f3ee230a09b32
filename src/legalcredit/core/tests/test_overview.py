"""The back office's overview (数据概览): the year's figures, each within what the user may see, each
panel agreeing with the page it links to."""
import re

import pytest
from django.utils import timezone

from legalcredit.accounts.services import assign
from legalcredit.checks.tests.test_checks import listed
from legalcredit.lists import services as lists

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def figures(client, user, year=None) -> dict[str, dict[str, tuple[str, str]]]:
    """panel title → label → (value, link)."""
    client.force_login(user)
    page = client.get("/admin/overview/", {"year": year} if year else {}).content.decode()
    out = {}
    for title, body in re.findall(r'<h2>([^<]+)</h2>\s*<table[^>]*>(.*?)</table>', page, re.S):
        out[title] = {label: (value, url.replace("&amp;", "&")) for url, label, value in re.findall(
            r'<th scope="row">(?:<a href="([^"]*)">)?([^<]+)(?:</a>)?</th>\s*<td[^>]*>([^<]+)</td>', body)}
    return out


def test_an_officer_sees_the_year_across_the_platform_within_the_region(
        client, django_user_model, maker, checker, law_firm, lawyer, approved):
    from legalcredit.refdata.models import Region

    approved(lawyer)
    lists.publish(listed(law_firm, maker, checker, day=timezone.localdate()).pk, by=checker)
    year = timezone.localdate().year
    seen = figures(client, checker)
    assert seen["主体名录"]["法律服务机构"][0] == "1" and seen["主体名录"]["法律服务从业人员"][0] == "1"
    records = seen[f"信用记录（{year}年决定）"]
    assert records["行政处罚"][0] == "1" and records["待审核的版本"][0] == "0"
    assert seen["双公示（行政许可、行政处罚）"]["决定数"][0] == "1"
    assert seen["公示中的信用名单"]["严重失信主体名单"][0] == "1"
    # Each figure opens the page it sums: the penalty count is the filtered list's.
    value, url = records["行政处罚"]
    assert client.get(url).context["cl"].result_count == int(value)
    # A province administrator sees the checks panel too; a city checker (no view_check) does not.
    assert not any(t.startswith("信用核查") for t in seen)
    admin_user = django_user_model.objects.create_user("province_admin", password="x-Strong-pass-1", is_staff=True)
    assign(admin_user, "province_admin", region=Region.objects.get(code="320000"))
    assert "信用核查与联合奖惩（近30日）" in figures(client, admin_user)
    # Another city's officer sees none of 淮安's.
    other = django_user_model.objects.create_user("nj_checker", password="x-Strong-pass-1", is_staff=True)
    assign(other, "city_checker", region=Region.objects.get(code="320100"))
    theirs = figures(client, other)
    assert theirs["主体名录"]["法律服务机构"][0] == "0" and theirs["公示中的信用名单"]["严重失信主体名单"][0] == "0"


def test_an_association_sees_only_what_its_role_reads(client, django_user_model):
    from legalcredit.refdata.models import Region

    user = django_user_model.objects.create_user("lawyers_assoc", password="x-Strong-pass-1", is_staff=True)
    assign(user, "association", region=Region.objects.get(code="320800"))
    seen = figures(client, user, year="not a year")
    assert not any(t.startswith("投诉") or t.startswith("信用核查") for t in seen)
    assert "数据概览" in client.get("/admin/").content.decode()


def test_the_half_year_report_exports_what_the_page_shows(client, checker, lawyer, law_firm, approved):
    """The half-yearly report to the credit office: the first half counts only its own decisions, and
    the spreadsheet holds the page's figures as numbers, with the period and whose figures they are."""
    import datetime as dt
    import io

    from openpyxl import load_workbook

    last = timezone.localdate().year - 1
    fine = {"sanctions": [{"type": "罚款", "fine_yuan": 10000.0}], "penalty_types": ["罚款"], "fine_amount": 1}
    for n, day in enumerate((dt.date(last, 3, 2), dt.date(last, 9, 1))):
        approved(lawyer, decision_no=f"淮司罚决〔{last}〕{n + 1}号", decision_date=day, effective_from=day,
                 effective_until=day + dt.timedelta(days=90), **fine)
    client.force_login(checker)
    whole = figures(client, checker, year=last)[f"信用记录（{last}年决定）"]
    assert whole["行政处罚"][0] == "2"
    page = client.get("/admin/overview/", {"year": last, "half": "h1"}).content.decode()
    assert f"信用记录（{last}年上半年决定）" in page
    response = client.get("/admin/overview/", {"year": last, "half": "h1", "format": "xlsx"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(c.value for c in r[:2]) for r in ws.iter_rows()]
    assert ("统计期间", f"{last}年上半年（{last}-01-01 至 {last}-06-30）") in rows
    assert ("数据范围", "淮安市（含下级）") in rows
    block = rows[rows.index((f"信用记录（{last}年上半年决定）", None)) + 1:]
    assert ("行政处罚", 1) in block[:5]
    # A rate is a number the spreadsheet shows as a percentage: entered a year late, the decision is
    # not on time, so 0.00%.
    at = rows.index(("双公示（行政许可、行政处罚）", None)) + 1
    assert rows[at] == ("决定数", 1) and rows[at + 3] == ("及时率", 0)
    assert ws.cell(at + 4, 2).number_format == "0.00%"


def test_complaint_alerts_and_satisfaction_ratings_are_on_the_overview(client, maker, lawyer):
    from legalcredit.complaints import services as complaints
    from legalcredit.satisfaction import services as ratings

    for who in ("王芳", "赵强", "钱伟"):
        complaints.file(lawyer, by=maker, channel="letter", complainant_name=who, interest="委托人", facts="未出庭")
    for i, level in enumerate((5, 4, 3, 1)):
        ratings.rate(lawyer, by=maker, channel="窗口登记", service="consultation", service_ref=f"R{i}",
                     served_on=timezone.localdate(), level=level, comment="" if level > 2 else "敷衍")
    year = timezone.localdate().year
    seen = figures(client, maker)
    complaints_panel = seen[f"投诉（{year}年收到）"]
    assert complaints_panel["投诉预警"][0] == "1" and complaints_panel["投诉预警待处置"][0] == "1"
    value, url = complaints_panel["投诉预警待处置"]
    assert client.get(url).context["cl"].result_count == 1
    panel = seen[f"满意度评价（{year}年服务）"]
    assert panel["评价"][0] == "4" and panel["满意率"][0] == "75.00%" and panel["差评"][0] == "1"
    assert panel["差评按期办结率"][0] == "—"
