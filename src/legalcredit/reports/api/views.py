from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import services

NOT_VALID = inline_serializer("CreditReportNotValid", {"valid": serializers.BooleanField(),
                                                       "reason": serializers.CharField()})


class VerifyView(APIView):
    """信用报告验证：持有报告编号和验证码的任何人（如招标投标、政府采购平台收到投标人提交的信用报告时）
    可以核对报告是否由本平台出具、内容是否与出具时的存档一致，并取得报告内容（与 PDF 相同，公民身份号码已遮蔽）。"""

    # No login needed; a department's token, when sent, is read so that its own call limit
    # applies instead of the per-visitor cap (core.visitors.PublicRateThrottle).
    permission_classes = [AllowAny]

    @extend_schema(parameters=[OpenApiParameter("code", str, required=True, description="验证码（报告首页及页脚）")],
                   responses={200: inline_serializer("CreditReportVerified", {
                       "valid": serializers.BooleanField(), "serial": serializers.CharField(),
                       "issued_at": serializers.DateTimeField(), "on": serializers.DateField(),
                       "window_from": serializers.DateField(), "content": serializers.JSONField()}),
                       404: OpenApiResponse(NOT_VALID, description="报告编号不存在"),
                       409: OpenApiResponse(NOT_VALID, description="验证码与报告编号不符、存档的报告内容已被改动，"
                                                                   "或审计链中没有对应的记录")})
    def get(self, request, serial):
        valid, report, why = services.verify(serial, request.query_params.get("code", ""))
        if not valid:
            return Response({"valid": False, "reason": why},
                            status=status.HTTP_404_NOT_FOUND if report is None else status.HTTP_409_CONFLICT)
        return Response({"valid": True, "serial": report.serial, "issued_at": report.issued_at,
                         "on": report.on, "window_from": report.window_from, "content": report.content})
