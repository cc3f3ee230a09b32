"""The complainant's side on the public portal: make a complaint about a subject shown there, and
follow it with its number and query code. No login; the portal's per-address page cap applies,
and each address may make ``PUBLIC_COMPLAINTS_PER_DAY`` complaints a day."""
from __future__ import annotations

import time

from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404, render

from legalcredit.core import counters
from legalcredit.core.admin_forms import refusals_on
from legalcredit.core.visitors import visitor
from legalcredit.domain.deadlines import span
from legalcredit.portal.views import public_page
from legalcredit.registry.models import Subject
from legalcredit.remedies.services import materials

from . import selectors, services
from .forms import PublicComplaintForm


def _over_daily_cap(request) -> bool:
    limit = settings.PUBLIC_COMPLAINTS_PER_DAY
    day = int(time.time() // 86400)
    return bool(limit) and counters.increment(f"complaints_{visitor(request)}_{day}", ttl=2 * 86400) > limit


@public_page(methods=("GET", "POST"))
def new(request, pk: int):
    subject = get_object_or_404(Subject, pk=pk)
    form = PublicComplaintForm(request.POST or None, request.FILES or None)
    sector = services.rules().sector_for(subject.subject_type_id)
    context = {"subject": subject, "form": form, "sector": sector,
               "accept": span(sector.limit("accept").working_days, sector.limit("accept").calendar),
               "decide": span(sector.limit("decide").working_days, sector.limit("decide").calendar)}
    if request.method == "POST" and form.is_valid():
        if _over_daily_cap(request):
            form.add_error(None, f"同一网络地址每天最多提交{settings.PUBLIC_COMPLAINTS_PER_DAY}件投诉，"
                                 "请明天再提交，或拨打12348热线")
        else:
            with refusals_on(form):
                d = dict(form.cleaned_data)
                upload = d.pop("file", None)
                with transaction.atomic():    # the complaint and its evidence, or neither
                    complaint, code = services.file_public(subject, **d)
                    if upload is not None:
                        materials.attach(services.CASE, complaint, by=None, kind="other", name=upload.name,
                                         content=upload.read(), on=complaint.received_on)
                return render(request, "complaints/public_filed.html",
                              {"complaint": complaint, "code": code, "accept": context["accept"]}, status=201)
    status = 400 if request.method == "POST" else 200
    return render(request, "complaints/public_new.html", context, status=status)


@public_page
def status(request):
    number = (request.GET.get("number") or "").strip()[:30]
    code = (request.GET.get("code") or "").strip()[:30]
    context = {"number": number, "code": code}
    if "number" in request.GET or "code" in request.GET:
        if not number or not code:
            context["error"] = "投诉编号、查询码：均须填写（提交投诉时告知）"
        else:
            complaint = selectors.for_complainant(number, code)
            if complaint is None:
                context["error"] = "投诉编号或查询码不正确"
            else:
                context.update(complaint=complaint, progress=selectors.progress(complaint))
    return render(request, "complaints/public_status.html", context, status=400 if context.get("error") else 200)

