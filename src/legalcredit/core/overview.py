"""The back office's overview (数据概览): the year's figures across the platform on one page, each
within what the user may see and leading to the page that details it. Reads only; each panel is
the sum of a statistics page the apps already have, so the two always agree."""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.db.models import Count
from django.urls import reverse


class Row(NamedTuple):
    label: str
    number: int | float | None      # a count, or with ``rate`` a per cent; None when there is none
    url: str = ""
    rate: bool = False

    @property
    def value(self) -> str:
        """As the page shows it: 1,234 or 93.12% or —."""
        if self.number is None:
            return "—"
        return f"{self.number:.2f}%" if self.rate else self.number

    @property
    def cell(self) -> int | float | str:
        """As the spreadsheet holds it: the count, or the rate as a fraction (0.9312 for 93.12%)."""
        if self.number is None:
            return "—"
        return round(self.number / 100, 6) if self.rate else self.number


class Period(NamedTuple):
    start: dt.date
    end: dt.date
    label: str          # 2026年, 2026年上半年


def period(year: int, half: str, today: dt.date) -> Period:
    """The year (``half`` "") or its first half ("h1", as the half-yearly report to the credit office
    covers), up to today."""
    if half == "h1":
        return Period(dt.date(year, 1, 1), min(dt.date(year, 6, 30), today), f"{year}年上半年")
    return Period(dt.date(year, 1, 1), min(dt.date(year, 12, 31), today), f"{year}年")


class Panel(NamedTuple):
    title: str
    rows: list[Row]


def _rate(n: int, d: int) -> float | None:
    return 100.0 * n / d if d else None


def panels(user, when: Period, today: dt.date) -> list[Panel]:
    from legalcredit.accounts.policy import scope_for

    scope = scope_for(user)
    out = []
    for perm, build in (("registry.view_subject", _registry), ("records.view_creditrecord", _records),
                        ("evaluation.view_subjectgrade", _grades), ("lists.view_listentry", _lists),
                        ("complaints.view_complaint", _complaints),
                        ("satisfaction.view_satisfactionrating", _satisfaction),
                        # An association of one profession counts only what is referred to it.
                        ("referrals.view_referral", lambda *args: _referrals(*args, user)),
                        ("filings.view_penaltyfiling", _filings),
                        ("checks.view_check", _checks)):
        if user.has_perm(perm):
            out += build(scope, when, today)
    return out


def scope_name(user) -> str:
    """Whose figures these are, as a report's heading says it."""
    from legalcredit.accounts.policy import scope_for

    if scope_for(user).everything:
        return "全部地区"
    region = getattr(getattr(user, "officer", None), "region", None)
    return f"{region.name}（含下级）" if region is not None else "本人查看范围"


def workbook(shown: list[Panel], *, when: Period, scope: str, by: str, at: dt.datetime) -> bytes:
    """The overview as a spreadsheet, for the half-yearly and yearly report: each panel a block of
    label and value, counts and rates as numbers."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "数据概览"
    ws.append(["公共法律服务信用监管数据概览"])
    ws["A1"].font = Font(bold=True, size=14)
    for label, value in (("统计期间", f"{when.label}（{when.start} 至 {when.end}）"), ("数据范围", scope),
                         ("生成人", by), ("生成时间", at.strftime("%Y-%m-%d %H:%M"))):
        ws.append([label, value])
    for panel in shown:
        ws.append([])
        ws.append([panel.title])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        for row in panel.rows:
            ws.append([row.label, row.cell])
            if row.rate and row.number is not None:
                ws.cell(ws.max_row, 2).number_format = "0.00%"
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 40
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _registry(scope, when, today) -> list[Panel]:
    from legalcredit.accounts.policy import filter_subjects
    from legalcredit.registry.models import Subject

    counts = dict(filter_subjects(Subject.objects.all(), scope).values_list("kind").annotate(n=Count("pk"))
                  .order_by())
    return [Panel("主体名录", [
        Row("法律服务机构", counts.get("institution", 0), reverse("admin:registry_institution_changelist")),
        Row("法律服务从业人员", counts.get("practitioner", 0), reverse("admin:registry_practitioner_changelist"))])]


def _records(scope, when, today) -> list[Panel]:
    from legalcredit.records import rules
    from legalcredit.records import selectors as records
    from legalcredit.records.models import Review

    start, end = when.start, when.end
    qs = records.visible_records(scope).filter(is_current=True, decision_date__range=(start, end))
    by_kind = dict(qs.filter(review=Review.APPROVED).values_list("kind").annotate(n=Count("pk")).order_by())
    url = reverse("admin:records_creditrecord_changelist")
    names = rules.kinds()
    rows = [Row(names[k].name if k in names else k, n, f"{url}?kind={k}")
            for k, n in sorted(by_kind.items(), key=lambda kv: -kv[1])]
    rows.append(Row("待审核的版本", qs.filter(review=Review.PENDING).count(), f"{url}?review__exact=pending"))
    units = records.dual_publication_timeliness(start, end, scope=scope)
    # All units together, the rates as the records app defines them.
    total = records.Timeliness("", *(sum(getattr(u, f) for u in units)
                                     for f in ("decisions", "reported", "compliant", "on_time")))
    timely = reverse("admin:records_timeliness") + f"?start={start}&end={end}"
    return [Panel(f"信用记录（{when.label}决定）", rows or [Row("无", 0)]),
            Panel("双公示（行政许可、行政处罚）", [
                Row("决定数", total.decisions, timely), Row("上报率", total.reporting_rate, timely, rate=True),
                Row("合规率", total.compliance_rate, timely, rate=True),
                Row("及时率", total.timeliness_rate, timely, rate=True)])]


def _grades(scope, when, today) -> list[Panel]:
    from legalcredit.evaluation.models import SubjectGrade
    from legalcredit.evaluation.selectors import distribution, grade_name, parsed, published

    schemes = {row.code: row for row, _ in published()}
    totals: dict[tuple, int] = {}
    for r in distribution(scope):
        key = (r["scheme"], r["grade"])
        totals[key] = totals.get(key, 0) + r["count"]
    url = reverse("admin:evaluation_distribution")
    rows = []
    # Scheme by scheme, each grade as its scheme names it, in the scheme's own order of bands.
    for code, row in sorted(schemes.items()):
        rows += [Row(f"{row.name}：{grade_name(row, b.code)}", totals.pop((code, b.code)), url)
                 for b in parsed(row).bands if (code, b.code) in totals]
    unevaluated = totals.pop(("", SubjectGrade.State.NOT_EVALUATED), 0)
    # Grades under a scheme no longer published, as stored.
    rows += [Row(f"{code} {g}", n, url) for (code, g), n in sorted(totals.items())]
    if unevaluated:
        rows.append(Row("未评价", unevaluated, url))
    return [Panel("信用等级分布", rows or [Row("无", 0)])]


def _lists(scope, when, today) -> list[Panel]:
    from legalcredit.lists.selectors import published
    from legalcredit.lists.services import catalogue

    in_force = dict(published(scope, list_code=None, on=today, since=None).values_list("list_code")
                    .annotate(n=Count("pk")).order_by())
    url = reverse("admin:lists_listentry_changelist")
    return [Panel("公示中的信用名单", [Row(t.name, in_force.get(code, 0), f"{url}?list_code={code}")
                                   for code, t in catalogue().lists.items()])]


def _complaints(scope, when, today) -> list[Panel]:
    from legalcredit.complaints.selectors import alerts, statistics

    start, end = when.start, when.end
    rows = statistics(scope, start, end, today)
    raised = alerts(scope).filter(raised_on__gte=start, raised_on__lte=end)
    alert_url = reverse("admin:complaints_complaintalert_changelist")
    total = {k: sum(r[k] for r in rows) for k in ("received", "accepted", "upheld", "closed", "closed_on_time",
                                                  "overdue")}
    url = reverse("admin:complaints_complaint_statistics") + f"?start={start}&end={end}"
    return [Panel(f"投诉（{when.label}收到）", [
        Row("收到", total["received"], url), Row("受理", total["accepted"], url),
        Row("查实", total["upheld"], url), Row("办结", total["closed"], url),
        Row("按期办结率", _rate(total["closed_on_time"], total["closed"]), url, rate=True),
        Row("逾期未办结", total["overdue"], url),
        Row("投诉预警", raised.count(), alert_url),
        Row("投诉预警待处置", raised.filter(state="open").count(), alert_url + "?state__exact=open")])]


def _satisfaction(scope, when, today) -> list[Panel]:
    from legalcredit.satisfaction.selectors import statistics

    start, end = when.start, when.end
    rows = statistics(scope, start, end, today)
    total = {k: sum(r[k] for r in rows) for k in ("ratings", "counted", "satisfied", "bad", "followed_up", "on_time",
                                                  "overdue")}
    url = reverse("admin:satisfaction_satisfactionrating_statistics") + f"?start={start}&end={end}"
    return [Panel(f"满意度评价（{when.label}服务）", [
        Row("评价", total["ratings"], url), Row("满意率", _rate(total["satisfied"], total["counted"]), url, rate=True),
        Row("差评", total["bad"], url), Row("差评回访办结", total["followed_up"], url),
        Row("差评按期办结率", _rate(total["on_time"], total["followed_up"]), url, rate=True),
        Row("差评逾期未办结", total["overdue"], url)])]


def _referrals(scope, when, today, user) -> list[Panel]:
    from legalcredit.referrals.selectors import statistics

    n = statistics(scope, when.start, when.end, today, user)
    url = (reverse("admin:referrals_referral_changelist")
           + f"?referred_on__gte={when.start}&referred_on__lt={when.end + dt.timedelta(days=1)}")
    return [Panel(f"行政处罚与行业惩戒衔接（{when.label}移送）", [
        Row("移送协会", n["referred"], url), Row("协会已反馈", n["answered"], url),
        Row("给予行业处分", n["disciplined"], url), Row("不予行业处分", n["declined"], url),
        Row("按期反馈率", _rate(n["on_time"], n["answered"]), url, rate=True),
        Row("逾期未反馈", n["overdue"], url + "&state__exact=open")])]


def _filings(scope, when, today) -> list[Panel]:
    from legalcredit.filings.selectors import on_time_rate, statistics
    from legalcredit.filings.services import rules

    r = rules()
    n = statistics(scope, when.start, when.end, today, r.settled)
    url = (reverse("admin:filings_penaltyfiling_changelist")
           + f"?effective_on__gte={when.start}&effective_on__lt={when.end + dt.timedelta(days=1)}")
    return [Panel(f"行政处罚报送（{when.label}生效）", [
        Row("应报送", n["penalties"], url), Row("已报送", n["filed"], url),
        Row("报送及时率", on_time_rate(n), reverse("admin:filings_penaltyfiling_statistics")
            + f"?start={when.start}&end={when.end}", rate=True),
        Row("逾期未报送", n["overdue"], url + "&timeliness=overdue"), Row("已签收", n["received"], url),
        Row("整改已了结", n["settled"], url)])]


def _checks(scope, when, today) -> list[Panel]:
    from legalcredit.checks.services import feedback_rates

    # The last 30 days, as the rates page shows by default, not the year: a department's system may
    # check thousands of times a day, and the rates read every answer of the period.
    since = today - dt.timedelta(days=30)
    rows = feedback_rates(since, today)
    checks, triggered, fed = (sum(r[k] for r in rows) for k in ("checks", "triggered", "fed_back"))
    url = reverse("admin:checks_feedback_rates") + f"?start={since}&end={today}"
    return [Panel("信用核查与联合奖惩（近30日）", [
        Row("核查次数", checks, url), Row("触发的措施", triggered, url),
        Row("已反馈", fed, url), Row("触发—反馈率", _rate(fed, triggered), url, rate=True)])]
