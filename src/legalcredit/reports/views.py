"""Credit reports on the public portal: anyone asks for a subject's report (a PDF with its number,
verification code and QR code), and anyone holding one checks it."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from legalcredit.portal.views import public_page
from legalcredit.registry.models import Subject

from . import pdf, services


def verify_url(request, report) -> str:
    return request.build_absolute_uri(reverse("reports:verify")) + "?" + urlencode(
        {"serial": report.serial, "code": report.code})


@public_page(methods=("POST",))
def issue(request, pk: int):
    subject = get_object_or_404(Subject, pk=pk)
    years, sections = None, None
    if request.POST.get("choose"):     # the form's choices (a bare POST gets the default report)
        sections = request.POST.getlist("sections")
        try:
            years = int(request.POST.get("years", ""))
        except ValueError:
            years = request.POST.get("years", "")[:20]
    try:
        report = services.issue(subject, by=request.user, channel="portal", request=request, years=years,
                                sections=sections)
    except ValidationError as exc:
        return render(request, "reports/refused.html", {"subject": subject, "error": "；".join(exc.messages)},
                      status=400)
    return redirect(reverse("reports:pdf", args=[report.serial]) + "?" + urlencode({"code": report.code}))


@public_page
def download(request, serial: str):
    valid, report, _ = services.verify(serial, request.GET.get("code", ""))
    if not valid:
        raise Http404("报告编号或验证码不正确")
    response = HttpResponse(pdf.render(report, verify_url(request, report)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.serial}.pdf"'
    return response


@public_page
def verify(request):
    serial = (request.GET.get("serial") or "").strip()[:40]
    code = (request.GET.get("code") or "").strip()[:40]
    context = {"serial": serial, "code": code}
    if "serial" in request.GET or "code" in request.GET:
        if not serial or not code:
            context["error"] = "报告编号、验证码：均须填写（见报告首页及每页页脚）"
        else:
            valid, report, why = services.verify(serial, code)
            context.update(valid=valid, why=why, report=report if valid else None)
            if valid:
                context["sections"] = [(s["title"], len(s["items"])) for s in report.content["sections"]
                                       if s["code"] not in ("basic", "advice")]
    return render(request, "reports/verify.html", context, status=400 if context.get("error") else 200)
