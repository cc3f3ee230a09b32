import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from legalcredit.accounts import purposes
from legalcredit.accounts.policy import scope_for
from legalcredit.audit import services as audit
from legalcredit.core.params import query_date
from legalcredit.domain import scoring
from legalcredit.registry import selectors as registry
from legalcredit.registry.api.views import PURPOSE

from .. import selectors, services
from ..models import SubjectGrade
from ..views import public_filters
from .serializers import DistributionSerializer, GradeSerializer, PublicForensicGradeSerializer


def _may_read(request) -> None:
    # A department token is limited by its scopes; a signed-in officer by the role's permissions.
    if request.auth is None and not request.user.has_perm("evaluation.view_subjectgrade"):
        raise PermissionDenied("您没有查看信用等级的权限")


def _payload(subject_id: int, result: scoring.Result | None, scheme_row, *, stored: bool, state: str,
             names: dict) -> dict:
    if result is None:
        return {"subject": subject_id, "state": state, "scheme": None, "scheme_version": None, "as_of": None,
                "base": None, "score": None, "score_grade": None, "grade": None, "grade_name": None,
                "stored": stored, "supervision": None, "lines": [], "vetoes": []}
    scheme = selectors.parsed(scheme_row)
    band = scheme.band(result.grade)
    sup = band.supervision
    return {
        "subject": subject_id, "state": "evaluated", "scheme": scheme.code, "scheme_version": scheme.version,
        "as_of": result.as_of, "base": str(result.base), "score": str(result.score),
        "score_grade": result.score_grade, "grade": result.grade, "grade_name": band.name, "stored": stored,
        "supervision": None if sup is None else {
            "klass": sup.klass, "label": sup.label, "sampling_rate": sup.sampling_rate,
            "yearly_cap": sup.yearly_cap, "honor_candidate": sup.honor_candidate,
            "watch_candidate": sup.watch_candidate},
        "lines": [{"indicator": ln.indicator, "indicator_name": names.get(ln.indicator, ln.indicator),
                   "category": ln.category, "record_id": ln.record_id, "ref": ln.ref, "points": str(ln.points),
                   "note": ln.note} for ln in result.lines],
        "vetoes": [v._asdict() for v in result.vetoes]}


def _respond(data: dict) -> Response:
    # The grade and the records behind it may be disputed or under repair right now: say so.
    from legalcredit.remedies.selectors import flags

    data["flags"] = flags([data["subject"]]).get(data["subject"], [])
    return Response(GradeSerializer(data).data)


class GradeView(APIView):
    """主体的信用等级、得分与每一分的依据记录，以及对应的分级分类监管措施。

    指定 on=YYYY-MM-DD 时，按平台当日掌握的记录重现当日等级（临时计算，不保存）。
    """

    required_scope = "grades:read"

    @extend_schema(responses=GradeSerializer, parameters=[
        OpenApiParameter("on", dt.date, description="历史日期（可选）"),
        PURPOSE])
    def get(self, request, pk):
        _may_read(request)
        purpose = purposes.stated(request)
        subject = generics.get_object_or_404(registry.visible_subjects(scope_for(request.user)), pk=pk)
        audit.record_read(request, [subject], purpose=purposes.audit_reason(purpose),
                          what=f"查阅“{subject.name}”的信用等级")
        day = query_date(request, label="评价基准日", default_today=False)
        if day is not None:
            picked = selectors.scheme_for(subject)
            result = services.evaluate_on(subject, day, picked=picked)
            names = {i.code: i.name for i in picked[1].indicators} if picked else {}
            data = _payload(subject.pk, result, picked[0] if picked else None, stored=False,
                            state="not_evaluated", names=names)
            return _respond(data)
        grade = selectors.grade_of(subject.pk)
        if grade is None or grade.evaluation is None:
            state = grade.state if grade else "pending"
            return _respond(_payload(subject.pk, None, None, stored=True, state=state, names={}))
        scheme = selectors.parsed(grade.scheme)
        result = scoring.Result.from_json(grade.evaluation.explanation)
        data = _payload(subject.pk, result, grade.scheme, stored=True, state=SubjectGrade.State.EVALUATED,
                        names={i.code: i.name for i in scheme.indicators})
        return _respond(data)


class DistributionView(APIView):
    """辖区内信用等级分布：按主体类型、地区（市或县）、评价方案和等级计数。"""

    required_scope = "grades:read"

    @extend_schema(responses=DistributionSerializer(many=True), parameters=[
        OpenApiParameter("level", int, enum=[2, 4, 6], description="地区口径：2 省、4 市（默认）、6 县")])
    def get(self, request):
        _may_read(request)
        level = request.query_params.get("level", "4")
        if level not in ("2", "4", "6"):
            raise ValidationError({"level": "level：应为 2、4 或 6"})
        rows = selectors.distribution(scope_for(request.user), by_region_level=int(level))
        return Response(DistributionSerializer(rows, many=True).data)


class PublicForensicGradesView(generics.ListAPIView):
    """司法鉴定机构诚信等级评估结果公示（公开数据，无需登录）：公示中与已公布的等级及公示期。

    Public by law (司规〔2021〕4号 公示): no account, no purpose. Scores, opinions and on-site
    notes of the steps are not part of it."""

    # No login needed; a department's token, when sent, is read so that its own call limit
    # applies instead of the per-visitor cap (core.visitors.PublicRateThrottle).
    permission_classes = [AllowAny]
    serializer_class = PublicForensicGradeSerializer

    @extend_schema(parameters=[
        OpenApiParameter("year", int, description="评估年度"),
        OpenApiParameter("stage", str, enum=list(selectors.PUBLIC_STAGES), description="公示中 / 已公布"),
        OpenApiParameter("name", str, description="机构名称（包含）"),
        OpenApiParameter("region", str, description="行政区划代码（前缀）")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        from django.core.exceptions import ValidationError as DjangoValidationError

        try:
            return selectors.public_forensic_grades(**public_filters(self.request.query_params))
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
