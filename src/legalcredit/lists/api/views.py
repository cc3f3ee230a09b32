from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from legalcredit.accounts import purposes
from legalcredit.accounts.policy import scope_for
from legalcredit.audit import services as audit
from legalcredit.core.errors import raise_for_api
from legalcredit.core.params import query_date

from .. import selectors, services
from .serializers import EntrySerializer, ListTypeSerializer, NoticeSerializer, StatementSerializer


class ListTypesView(APIView):
    """信用名单类型（公开数据，无需登录）：依据、有效期、程序期限、移出方式，以及列入后适用的
    激励或惩戒措施（依据与适用事项）。

    The rules the platform applies, from the lists rule set in force; public, as the measures
    lists (失信惩戒措施基础清单) are."""

    # No login needed; a department's token, when sent, is read so that its own call limit
    # applies instead of the per-visitor cap (core.visitors.PublicRateThrottle).
    permission_classes = [AllowAny]

    @extend_schema(responses=ListTypeSerializer(many=True))
    def get(self, request):
        cat = services.catalogue()
        types = [{**lt.__dict__, "removal": list(lt.removal),
                  "measures": [m for m in cat.measures if code in m.lists]} for code, lt in cat.lists.items()]
        return Response(ListTypeSerializer(types, many=True).data)


class EntriesView(generics.ListAPIView):
    """公示的名单（供共享平台与联合奖惩部门同步）：某日有效的名单，或某日以来公示、移出的
    全部记录（含已移出的，以便对方同步移出）。名单未经决定和公示的环节不在其中。"""

    serializer_class = EntrySerializer
    required_scope = "lists:read"

    @extend_schema(parameters=[
        OpenApiParameter("list", str, description="名单类型代码（见 /api/v1/lists/），不填为全部"),
        OpenApiParameter("on", str, description="查询日 YYYY-MM-DD，默认今天：返回当日有效的名单"),
        OpenApiParameter("changed_since", str, description="YYYY-MM-DD：返回该日以来公示或移出的全部记录（增量同步），"
                                                         "此时不按查询日筛选"),
        OpenApiParameter("purpose", str, required=True,
                         description="查询用途：已登记用途的代码或名称（query_purposes 规则集），记入审计日志")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "on": self._on, "list_names": _list_names()}

    def get_queryset(self):
        self._purpose = purposes.stated(self.request)
        code = (self.request.query_params.get("list") or "").strip()
        if code and code not in services.catalogue().lists:
            raise ValidationError({"list": f"list（名单类型）：“{code[:40]}”不是名单类型代码，"
                                           f"应为 {', '.join(services.catalogue().lists)} 之一"})
        self._on = query_date(self.request)
        since = query_date(self.request, "changed_since", "同步起始日", default_today=False)
        return selectors.published(scope_for(self.request.user), list_code=code or None, on=self._on, since=since)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        # The page's subjects came with its entries (select_related): the audit entry names them.
        subjects = {entry.subject_id: entry.subject for entry in page}    # one subject on two lists: once
        audit.record_read(request, list(subjects.values()), purpose=purposes.audit_reason(self._purpose),
                          what=f"查阅名单 {len(page)} 条")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def _list_names() -> dict[str, str]:
    return {code: lt.name for code, lt in services.catalogue().lists.items()}


class _PartyView:
    """For an institution's or practitioner's own account, signed in (as on the back office or
    through a 一网通办 single sign-on): officers record what a party said in the back office, and
    no department token answers for a party."""

    required_scope = "-"    # in no token's scopes: tokens are refused

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not services.is_party(request.user):
            raise PermissionDenied("仅当事人（机构或从业人员本人账号）可通过接口答复告知书；办案人员请在后台记录")

    def entries(self):
        return selectors.visible_entries(scope_for(self.request.user), party=True)


class NoticesView(_PartyView, generics.ListAPIView):
    """当事人的名单告知与决定：告知书、陈述申辩和听证期限、已提交的意见、决定书，以及现在可以办理的事项。"""

    serializer_class = NoticeSerializer
    pagination_class = None

    def get_queryset(self):
        return self.entries().order_by("-pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "list_names": _list_names()}


class _AnswerView(_PartyView, APIView):
    def answer(self, request, pk, act):
        if not self.entries().filter(pk=pk).exists():
            raise NotFound("名单告知不存在或不是本机构（本人）的")
        try:
            entry = act(pk)
        except (DjangoPermissionDenied, DjangoValidationError) as exc:
            raise_for_api(exc)
        return Response(NoticeSerializer(entry, context={"list_names": _list_names()}).data)


class StatementView(_AnswerView):
    """提交陈述申辩意见（陈述申辩期内，及听证举行前），按提交日记录；可多次补充。"""

    @extend_schema(request=StatementSerializer, responses=NoticeSerializer)
    def post(self, request, pk):
        data = StatementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.answer(request, pk, lambda pk: services.record_statement(pk, by=request.user,
                                                                             text=data.validated_data["text"]))


class HearingRequestView(_AnswerView):
    """申请听证（告知书规定的期限内）。"""

    @extend_schema(request=None, responses=NoticeSerializer)
    def post(self, request, pk):
        return self.answer(request, pk, lambda pk: services.request_hearing(pk, by=request.user))
