from typing import NamedTuple

from django.db import connection
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone


def healthz(request):
    """Liveness and database reachability, for load balancers and `serve`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


class Todo(NamedTuple):
    label: str
    count: int
    url: str
    urgent: bool = False


def todo(request) -> list[Todo]:
    """What waits for this user across the platform, each with the filtered list it opens;
    only what the user may open, and only what is not zero."""
    from legalcredit.accounts.policy import scope_for
    from legalcredit.deadlines import selectors as deadlines
    from legalcredit.lists import selectors as lists
    from legalcredit.lists import services as list_services
    from legalcredit.lists.models import Stage
    from legalcredit.records import selectors as records
    from legalcredit.records.services import CHECK_PERMISSION

    user, items = request.user, []
    scope = scope_for(user)
    if user.has_perm(CHECK_PERMISSION):
        waiting = records.awaiting_check(scope, user)
        items += [Todo("待审核的信用记录", waiting["versions"],
                       reverse("admin:records_creditrecord_changelist") + "?mine=to_check"),
                  Todo("待审核的导入批次", waiting["batches"],
                       reverse("admin:records_recordimportbatch_changelist") + "?waiting=mine")]
    if user.has_perm("records.add_creditrecord"):
        items.append(Todo("被退回待改正的信用记录", records.returned_to(user).count(),
                          reverse("admin:records_creditrecord_changelist") + "?mine=returned", urgent=True))
    if user.has_perm("deadlines.view_clock"):
        clocks = deadlines.counts(scope, today=timezone.localdate(), user=user)
        url = reverse("admin:deadlines_clock_changelist")
        items += [Todo("已逾期的办理期限", clocks["overdue"], url + "?state=overdue", urgent=True),
                  Todo("即将到期的办理期限", clocks["due_soon"], url + "?state=due_soon", urgent=True),
                  Todo("我经办的在办事项", clocks["mine"], url + "?mine=1")]
    if user.has_perm("lists.view_listentry"):
        party = list_services.is_party(user)
        stages = lists.in_progress(scope, party=party)
        url = reverse("admin:lists_listentry_changelist")
        labels = ({Stage.NOTICED: "待陈述申辩的列入告知", Stage.HEARING: "听证程序中的名单事项"} if party else
                  {Stage.PROPOSED: "待告知的名单列入建议", Stage.NOTICED: "陈述申辩期中的名单事项",
                   Stage.HEARING: "听证程序中的名单事项", Stage.DECIDED: "已决定待公示的名单"})
        items += [Todo(label, stages[stage], f"{url}?stage__exact={stage}") for stage, label in labels.items()]
    items += _complaints(user, scope) + _quality_reviews(user, scope)
    if user.has_perm("satisfaction.follow_up_satisfactionrating"):
        from legalcredit.satisfaction import selectors as ratings

        items.append(Todo("待回访的差评", ratings.awaiting_follow_up(scope).count(),
                          reverse("admin:satisfaction_satisfactionrating_changelist") + "?follow_up__exact=open",
                          urgent=True))
    if user.has_perm("referrals.answer_referral"):
        from legalcredit.referrals import selectors as referrals

        items.append(Todo("待研究行业惩戒的行政处罚", referrals.open_referrals(scope, user).count(),
                          reverse("admin:referrals_referral_changelist") + "?state__exact=open", urgent=True))
    items += _filings(user, scope)
    from legalcredit.audit.services import ALERT_PERMISSION, last_chain_check

    if user.has_perm(ALERT_PERMISSION):

        last = last_chain_check()
        if last is not None and not last.ok:
            items.append(Todo(f"审计日志校验未通过（{timezone.localtime(last.at):%m-%d %H:%M}）", 1,
                              reverse("admin:audit_chaincheck_changelist"), urgent=True))
    if user.has_perm("audit.review_accessreview"):
        from legalcredit.audit.models import AccessFinding

        # Findings about the user's own reads are for another reviewer.
        items.append(Todo("待核实的查询使用情形", AccessFinding.objects.filter(
            decision=AccessFinding.Decision.PENDING, review__state="open").exclude(actor_id=user.pk).count(),
            reverse("admin:audit_accessfinding_changelist") + "?decision__exact=pending"))
    if user.has_perm("checks.change_pushendpoint"):
        from legalcredit.checks.models import PushEndpoint

        items.append(Todo("推送失败的变动推送地址", PushEndpoint.objects.filter(ended_at__isnull=True, failures__gt=0).count(),
                          reverse("admin:checks_pushendpoint_changelist") + "?state=failing", urgent=True))
    return [item for item in items if item.count]


def _complaints(user, scope) -> list[Todo]:
    from legalcredit.complaints import selectors as complaints
    from legalcredit.complaints.models import Stage

    url = reverse("admin:complaints_complaint_changelist")
    out = []
    if user.has_perm("complaints.handle_complaint"):
        stages = complaints.stage_counts(scope)
        out += [Todo("待受理审查的投诉", stages.get(Stage.RECEIVED, 0), f"{url}?stage__exact={Stage.RECEIVED}"),
                Todo("调查中的投诉", stages.get(Stage.ACCEPTED, 0), f"{url}?stage__exact={Stage.ACCEPTED}"),
                Todo("已决定待告知的投诉", stages.get(Stage.DECIDED, 0), f"{url}?stage__exact={Stage.DECIDED}")]
    if user.has_perm("complaints.decide_complaint"):
        out.append(Todo("待作出处理决定的投诉", complaints.awaiting_decision(scope, user).count(),
                        f"{url}?to_decide=1"))
    if user.has_perm("complaints.handle_complaint"):
        out.append(Todo("待处置的投诉预警", complaints.alerts(scope).filter(state="open").count(),
                        reverse("admin:complaints_complaintalert_changelist") + "?state__exact=open", urgent=True))
    if user.has_perm("complaints.respond_complaint") and not user.has_perm("complaints.view_complaint"):
        out.append(Todo("可陈述申辩的投诉（调查中）", complaints.about_respondent(scope).filter(stage=Stage.ACCEPTED).count(),
                        f"{url}?stage__exact={Stage.ACCEPTED}", urgent=True))
    return out


def _filings(user, scope) -> list[Todo]:
    from django.db.models import Count

    from legalcredit.filings import selectors as filings
    from legalcredit.filings.models import Stage
    from legalcredit.filings.services import FILE, RECEIVE, rules

    url = reverse("admin:filings_penaltyfiling_changelist")
    out = []
    if user.has_perm(FILE):
        r = rules()
        waiting = dict(filings.to_file(scope).order_by().values_list("stage").annotate(n=Count("pk")))
        out += [Todo(f"待报送{r.receiver}的行政处罚", waiting.get(Stage.DUE, 0), f"{url}?stage__exact={Stage.DUE}",
                     urgent=True),
                Todo("被退回补报的行政处罚", waiting.get(Stage.RETURNED, 0), f"{url}?stage__exact={Stage.RETURNED}",
                     urgent=True),
                Todo("整改尚未了结的已报送处罚", filings.unsettled(scope, r.settled).count(),
                     f"{url}?rectification=unsettled")]
    if user.has_perm(RECEIVE):
        out.append(Todo("待签收的行政处罚报送", filings.to_receive(scope).count(), f"{url}?stage__exact={Stage.FILED}"))
    return out


def _quality_reviews(user, scope) -> list[Todo]:
    from legalcredit.legal_aid import selectors as reviews
    from legalcredit.legal_aid.models import Stage

    url = reverse("admin:legal_aid_casequalityreview_changelist")
    out = []
    if user.has_perm("legal_aid.add_casequalityreview"):
        out.append(Todo("待复查的法律援助案卷", reviews.visible(scope).filter(stage=Stage.REREVIEW).count(),
                        f"{url}?stage__exact={Stage.REREVIEW}"))
    if user.has_perm("legal_aid.confirm_casequalityreview"):
        out.append(Todo("待确认的法律援助评查结果", reviews.awaiting_confirmation(scope, user).count(),
                        f"{url}?to_confirm=1"))
    return out


def admin_index(request):
    """The back office's home page: the apps, with the user's to-do list above them."""
    from django.contrib import admin

    return admin.site.index(request, extra_context={"todo": todo(request)})


def overview(request):
    """数据概览: the year's figures within what the user may see (core/overview.py)."""
    from django.contrib import admin
    from django.shortcuts import render

    from .overview import panels, period, scope_name, workbook

    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year)
    half = "h1" if request.GET.get("half") == "h1" else ""
    when = period(year, half, today)
    shown = panels(request.user, when, today)
    if request.GET.get("format") == "xlsx":
        from urllib.parse import quote

        from django.http import HttpResponse

        by = request.user.get_full_name() or request.user.get_username()
        data = workbook(shown, when=when, scope=scope_name(request.user), by=by, at=timezone.localtime())
        response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'数据概览_{when.label}.xlsx')}"
        return response
    return render(request, "admin/overview.html", {
        **admin.site.each_context(request), "title": f"数据概览（{when.label}）", "year": year, "half": half,
        "years": list(range(today.year, today.year - 5, -1)), "panels": shown})
