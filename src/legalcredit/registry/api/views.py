import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError

from legalcredit.accounts import purposes
from legalcredit.accounts.policy import may_see_full_id_number, scope_for
from legalcredit.audit import services as audit
from legalcredit.core.params import query_date

from .. import selectors
from .serializers import AffiliationSerializer, SubjectSerializer


def _shows_full_id(request, subjects) -> bool:
    """Whether the answer gives an ID number in full (SubjectSerializer: to a role that may see it)."""
    return may_see_full_id_number(request.user) and any(s.id_number for s in subjects)


PURPOSE = OpenApiParameter("purpose", str, required=True,
                           description="查询用途：已登记用途的代码或名称（query_purposes 规则集），记入审计日志")


class SubjectSearchView(generics.ListAPIView):
    """主体检索：名称片段（至少2字，含曾用名）、统一社会信用代码、身份证号、执业证号、拼音首字母。"""

    serializer_class = SubjectSerializer
    pagination_class = None
    required_scope = "subjects:read"

    @extend_schema(parameters=[
        OpenApiParameter("q", str, required=True, description="检索词"),
        OpenApiParameter("kind", str, enum=["institution", "practitioner"]),
        OpenApiParameter("limit", int, description="最多返回条数（1-100，默认20）"),
        PURPOSE,
    ])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        purpose = purposes.stated(self.request)
        q = self.request.query_params.get("q", "")
        try:
            limit = min(max(int(self.request.query_params.get("limit", 20)), 1), 100)
        except ValueError:
            raise ValidationError({"limit": "limit：应为1-100的整数"}) from None
        hits = selectors.search_subjects(q, scope=scope_for(self.request.user),
                                         kind=self.request.query_params.get("kind") or None,
                                         limit=limit)
        audit.record_read(self.request, hits, purpose=purposes.audit_reason(purpose),
                          what=f"检索“{q[:50]}”", full_id_number=_shows_full_id(self.request, hits))
        return hits


class SubjectDetailView(generics.RetrieveAPIView):
    serializer_class = SubjectSerializer
    required_scope = "subjects:read"

    @extend_schema(parameters=[PURPOSE])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.visible_subjects(scope_for(self.request.user))

    def get_object(self):
        purpose = purposes.stated(self.request)
        subject = super().get_object()
        audit.record_read(self.request, [subject], purpose=purposes.audit_reason(purpose),
                          what=f"查阅主体“{subject.name}”", full_id_number=_shows_full_id(self.request, [subject]))
        return subject


class AffiliationsOnView(generics.ListAPIView):
    """某一日期的执业关系（如：2023-05-01 该所的负责人是谁）。"""

    serializer_class = AffiliationSerializer
    pagination_class = None
    required_scope = "subjects:read"

    @extend_schema(parameters=[
        OpenApiParameter("on", dt.date, description="日期，默认今天"),
        OpenApiParameter("role", str, description="身份代码，如 head、partner、member"),
        PURPOSE,
    ])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        purpose = purposes.stated(self.request)
        subject = generics.get_object_or_404(
            selectors.visible_subjects(scope_for(self.request.user)), pk=self.kwargs["pk"])
        audit.record_read(self.request, [subject], purpose=purposes.audit_reason(purpose),
                          what=f"查阅“{subject.name}”的执业关系")
        day = query_date(self.request)
        key = "institution" if subject.is_institution else "person"
        return selectors.affiliations_on(day, role=self.request.query_params.get("role") or None,
                                         **{key: subject})
