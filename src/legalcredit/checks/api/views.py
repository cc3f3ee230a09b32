import datetime as dt

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from legalcredit.core.errors import raise_for_api

from .. import services
from .serializers import (CheckRequestSerializer, FeedbackRateSerializer, FeedbackSerializer, ReceiptSerializer,
                          plain_request)


class CheckView(APIView):
    """信用核查：行政审批、政府采购、招标投标、评先评优、资金扶持等事项办理中核查主体信用，返回应采取的激励或惩戒措施及法律依据，
    每个对象一张可验证的回执（编号＋摘要）。未登记的主体同样出具回执。"""

    required_scope = "checks:run"

    @extend_schema(request=CheckRequestSerializer, responses={201: ReceiptSerializer(many=True)})
    def post(self, request):
        if request.auth is None and not request.user.has_perm("checks.add_check"):
            raise PermissionDenied("您没有发起信用核查的权限")
        d = plain_request(request.data)
        if d is None:   # anything unusual: the serializer says what is wrong
            data = CheckRequestSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            d = data.validated_data
        try:
            checks = services.run(by=request.user, token=request.auth, queries=[dict(q) for q in d["subjects"]],
                                  matter=d["matter_type"], purpose=d["purpose"], on=d.get("on"))
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise_for_api(exc)
        return Response(ReceiptSerializer(checks, many=True).data, status=status.HTTP_201_CREATED)


class VerifyView(APIView):
    """回执验证：持有回执编号和摘要的任何人都可以核对当时的答复内容、时间和数据版本。"""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(parameters=[OpenApiParameter("digest", str, required=True)], responses=ReceiptSerializer)
    def get(self, request, receipt):
        valid, check, why = services.verify(receipt, request.query_params.get("digest", ""))
        if not valid:
            return Response({"valid": False, "reason": why}, status=status.HTTP_404_NOT_FOUND if check is None
                            else status.HTTP_409_CONFLICT)
        # Anyone holding the receipt may verify it: no full ID number in what they are shown.
        return Response({"valid": True, **ReceiptSerializer(check, context={"public": True}).data})


class FeedbackView(APIView):
    """反馈：办理单位逐项报告触发的措施是否采取，未采取的说明理由。"""

    required_scope = "checks:run"

    @extend_schema(request=FeedbackSerializer, responses={201: FeedbackSerializer})
    def post(self, request, receipt):
        data = FeedbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            fb = services.feedback(receipt, by=request.user, **data.validated_data)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise_for_api(exc)
        return Response(FeedbackSerializer(fb).data, status=status.HTTP_201_CREATED)


class FeedbackRateView(APIView):
    """触发—反馈率：按单位统计期间内触发的措施数与已反馈数。"""

    required_scope = "checks:run"

    @extend_schema(responses=FeedbackRateSerializer(many=True),
                   parameters=[OpenApiParameter("start", dt.date, required=True),
                               OpenApiParameter("end", dt.date, required=True)])
    def get(self, request):
        try:
            start = dt.date.fromisoformat(request.query_params.get("start", ""))
            end = dt.date.fromisoformat(request.query_params.get("end", ""))
        except ValueError:
            raise ValidationError({"start": "start、end：日期格式应为 YYYY-MM-DD"}) from None
        units = None if request.user.has_perm("checks.view_check") else [request.auth.name] if request.auth else []
        return Response(services.feedback_rates(start, end, units))
