"""Complaints from another intake platform (the province's 12348 法网, say) under a token with
scope ``complaints:submit``: hand one over, and follow the ones it handed over. The services
decide everything; these views only translate."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from legalcredit.accounts.policy import scope_for
from legalcredit.core.errors import raise_for_api
from legalcredit.deadlines import selectors as deadlines
from legalcredit.registry.api.lookup import named_subject

from .. import selectors, services
from ..models import Complaint
from .serializers import ComplaintIntakeSerializer, ComplaintProgressSerializer


def _progress(c: Complaint, code: str | None = None) -> dict:
    out = {"number": c.number, "subject": c.subject.name, "stage": c.stage, "stage_name": c.get_stage_display(),
           "received_on": c.received_on,
           "deadlines": deadlines.described(services.CASE, c.pk, timezone.localdate()),
           "progress": [{"step": label, "value": value} for label, value in selectors.progress(c)]}
    if code:
        out["query_code"] = code
    return out


class ComplaintListView(APIView):
    """投诉转入：受理平台（如12348法网）把收到的投诉转入本平台，返回投诉编号和查询码；受理审查期限自收到之日起算。"""

    required_scope = "complaints:submit"

    @extend_schema(request=ComplaintIntakeSerializer, responses={201: ComplaintProgressSerializer})
    def post(self, request):
        data = ComplaintIntakeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        subject = named_subject(request, d.pop("subject"), label="被投诉对象")
        try:
            complaint, code = services.file(subject, by=request.user, **d)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise_for_api(exc)
        return Response(ComplaintProgressSerializer(_progress(complaint, code)).data, status=status.HTTP_201_CREATED)


class ComplaintDetailView(APIView):
    """办理进度：本平台转入（或本人登记）的投诉的环节、期限和处理结果告知。"""

    required_scope = "complaints:submit"

    @extend_schema(responses=ComplaintProgressSerializer)
    def get(self, request, number):
        c = get_object_or_404(selectors.visible(scope_for(request.user)).filter(filed_by=request.user), number=number)
        return Response(ComplaintProgressSerializer(_progress(c)).data)
