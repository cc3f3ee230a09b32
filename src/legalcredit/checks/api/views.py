import datetime as dt

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from legalcredit.core.api_errors import ApiErrorSerializer
from legalcredit.core.errors import raise_for_api

from .. import pushes, services, watches
from ..models import PushEndpoint, Watch
from .serializers import (
    CheckRequestSerializer,
    FeedbackRateSerializer,
    FeedbackSerializer,
    PushEndpointSerializer,
    PushTestSerializer,
    ReceiptSerializer,
    WatchEndSerializer,
    WatchEventSerializer,
    WatchRequestSerializer,
    WatchSerializer,
    plain_request,
)

NOT_VALID = inline_serializer("CheckReceiptNotValid", {"valid": serializers.BooleanField(),
                                                        "reason": serializers.CharField()})
NO_ENDPOINT = OpenApiResponse(ApiErrorSerializer, description="本单位未登记变动推送地址")


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

    # No login needed; a department's token, when sent, is read so that its own call limit
    # applies instead of the per-visitor cap (core.visitors.PublicRateThrottle).
    permission_classes = [AllowAny]

    @extend_schema(parameters=[OpenApiParameter("receipt", OpenApiTypes.UUID, OpenApiParameter.PATH),
                               OpenApiParameter("digest", str, required=True)], responses={
        200: ReceiptSerializer,
        404: OpenApiResponse(NOT_VALID, description="回执编号不存在"),
        409: OpenApiResponse(NOT_VALID, description="摘要与回执不符、存档的答复已被改动，或审计链中没有对应的记录")})
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


class WatchListView(APIView):
    """信用关注：对供应商、资助对象等持续关注；主体的执业状态、信用等级、名单、应采取的措施或异议修复标注发生变化时，
    平台产生变动提醒，通过“变动提醒”接口按序读取。"""

    required_scope = "checks:run"

    @extend_schema(request=WatchRequestSerializer, responses={201: WatchSerializer(many=True)})
    def post(self, request):
        data = WatchRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            made = watches.watch(by=request.user, token=request.auth, queries=[dict(q) for q in d["subjects"]],
                                 matter=d["matter_type"], purpose=d["purpose"])
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise_for_api(exc)
        return Response(WatchSerializer(made, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=WatchSerializer(many=True))
    def get(self, request):
        active = Watch.objects.filter(owner=request.user, ended_at__isnull=True).select_related("subject")
        return Response(WatchSerializer(active.order_by("pk")[:1000], many=True).data)


class WatchEndView(APIView):
    """结束关注：不再产生变动提醒（关注记录保留）。"""

    required_scope = "checks:run"

    @extend_schema(request=WatchEndSerializer, responses=WatchSerializer)
    def post(self, request, pk):
        data = WatchEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)     # a body that is not an object is refused, not a 500
        try:
            w = watches.end(pk, by=request.user, reason=data.validated_data["reason"])
        except Watch.DoesNotExist as exc:
            raise NotFound(str(exc)) from None
        return Response(WatchSerializer(w).data)


class WatchEventsView(APIView):
    """变动提醒：按编号顺序返回本单位关注的主体的信用变动，after 为上次读到的最后一个编号。"""

    required_scope = "checks:run"

    @extend_schema(responses=WatchEventSerializer(many=True),
                   parameters=[OpenApiParameter("after", int, description="上次读到的最后一个事件编号，默认0"),
                               OpenApiParameter("limit", int, description="最多返回条数，1–500，默认200")])
    def get(self, request):
        try:
            after = int(request.query_params.get("after", "0") or 0)
            limit = int(request.query_params.get("limit", "200") or 200)
        except ValueError:
            raise ValidationError({"after": ["after、limit：须为整数"]}) from None
        if not 1 <= limit <= 500 or after < 0:
            raise ValidationError({"limit": ["limit：须在 1–500 之间；after 不能为负数"]})
        found = list(watches.events_after(request.user, after, limit))
        subjects = list({e.watch.subject_id: e.watch.subject for e in found}.values())
        if subjects:    # what the events say about each subject is the non-public standing a check gives
            from legalcredit.audit import services as audit

            audit.record_read(request, subjects, purpose=watches.PURPOSE,
                              what=f"读取信用关注变动提醒 {len(found)} 条（{found[0].pk}–{found[-1].pk}）")
        return Response(WatchEventSerializer(found, many=True).data)


def _push_state(endpoint: PushEndpoint) -> dict:
    return {**{f: getattr(endpoint, f) for f in ("id", "url", "created_at", "delivered_through", "failures",
                                                 "next_attempt_at", "last_attempt_at", "last_error")},
            "pending": pushes.pending(endpoint), "attempts": list(endpoint.attempts.order_by("-at", "-id")[:20])}


def _own_endpoint(request) -> PushEndpoint:
    endpoint = PushEndpoint.objects.filter(owner=request.user, ended_at__isnull=True).first()
    if endpoint is None:
        raise NotFound("本单位未登记变动推送地址（请联系司法行政机关登记；变动提醒仍可通过变动提醒接口读取）")
    return endpoint


class PushView(APIView):
    """变动推送：司法行政机关为本单位登记推送地址后，平台在发现变动时将变动提醒按编号顺序 POST 至该地址
    （HMAC-SHA256 签名，失败后重试，至少送达一次）。此接口查看推送状态和最近的推送记录。"""

    required_scope = "checks:run"

    @extend_schema(responses={200: PushEndpointSerializer, 404: NO_ENDPOINT})
    def get(self, request):
        return Response(PushEndpointSerializer(_push_state(_own_endpoint(request))).data)


class PushRetryView(APIView):
    """立即重试：贵方系统恢复后，不必等到下次重试时间。"""

    required_scope = "checks:run"

    @extend_schema(request=None, responses={202: PushEndpointSerializer, 404: NO_ENDPOINT})
    def post(self, request):
        endpoint = _own_endpoint(request)
        pushes.retry_now(endpoint)
        endpoint.refresh_from_db()
        return Response(PushEndpointSerializer(_push_state(endpoint)).data, status=status.HTTP_202_ACCEPTED)


class PushTestView(APIView):
    """测试推送：向本单位的推送地址发送一次不含变动提醒的签名推送（"test": true），检验接收端地址和签名核验；
    不影响推送进度。"""

    required_scope = "checks:run"

    @extend_schema(request=None, responses={200: PushTestSerializer, 404: NO_ENDPOINT})
    def post(self, request):
        from .. import flows

        ok, said = flows.send_test(_own_endpoint(request))
        return Response({"ok": ok, "message": said})
