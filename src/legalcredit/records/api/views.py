"""Credit records over the API: a subject's records as they stood on any date, and a record's versions."""
import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from legalcredit.accounts import purposes
from legalcredit.accounts.policy import scope_for
from legalcredit.audit import services as audit
from legalcredit.core.params import query_date
from legalcredit.registry import selectors as registry
from legalcredit.registry.api.views import PURPOSE

from .. import rules, selectors
from .serializers import RecordsAsOfSerializer, VersionSerializer


def _may_read(request) -> None:
    # A department token is limited by its scopes; a signed-in officer by the role's permissions.
    if request.auth is None and not request.user.has_perm("records.view_creditrecord"):
        raise PermissionDenied("您没有查看信用记录的权限")


class SubjectRecordsView(APIView):
    """主体的信用记录：指定日期终了时平台掌握的各记录版本，及其当日是否处于公示期（默认今天）。

    public=true 只返回当日公示中的记录。更正、撤回、修复均形成新版本，历史日期查询返回当时的版本。
    """

    required_scope = "records:read"

    @extend_schema(responses=RecordsAsOfSerializer, parameters=[
        OpenApiParameter("on", dt.date, description="查询日期（默认今天）"),
        OpenApiParameter("public", bool, description="只返回当日公示中的记录"),
        PURPOSE])
    def get(self, request, pk):
        _may_read(request)
        purpose = purposes.stated(request)
        scope = scope_for(request.user)
        subject = generics.get_object_or_404(registry.visible_subjects(scope), pk=pk)
        day = query_date(request)
        public_only = request.query_params.get("public", "").lower() in ("1", "true", "yes")
        snap = selectors.as_of(subject.pk, day, kinds=scope.record_kinds)
        audit.record_read(request, [subject], purpose=purposes.audit_reason(purpose),
                          what=f"查阅“{subject.name}”{day}的信用记录")
        names = {k: v.name for k, v in rules.kinds().items()}
        public = {r.id for r in snap.public}
        rows = [{**r._asdict(), "kind_name": names.get(r.kind, r.kind), "public": r.id in public,
                 "known_since": r.effective_at}
                for r in snap.records if not public_only or r.id in public]
        return Response(RecordsAsOfSerializer({"subject": subject.pk, "on": day, "records": rows}).data)


class RecordVersionsView(generics.ListAPIView):
    """一条信用记录的全部版本（录入、更正、撤回、修复），每一版本的原因与生效、被取代时间。"""

    serializer_class = VersionSerializer
    pagination_class = None
    required_scope = "records:read"

    @extend_schema(parameters=[PURPOSE])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        _may_read(self.request)
        purpose = purposes.stated(self.request)
        visible = selectors.visible_records(scope_for(self.request.user))
        rows = list(visible.filter(key=self.kwargs["key"]).order_by("version").select_related("subject")
                    .defer("raw", "details"))
        if not rows:
            raise NotFound("没有该信用记录，或不在您的查询范围内")
        subject = rows[0].subject
        audit.record_read(self.request, [subject], purpose=purposes.audit_reason(purpose),
                          what=f"查阅“{subject.name}”的信用记录 {rows[-1].decision_no or rows[-1].key} 的版本")
        return rows
