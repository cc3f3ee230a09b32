"""Subjects apply for credit repair, file objections, upload materials and follow progress.

Institution and practitioner accounts act for themselves (their scope); officers may act for any
subject in their jurisdiction. Every rule is the services'; these views only translate.
"""
from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from legalcredit.accounts.policy import scope_for
from legalcredit.core.errors import raise_for_api
from legalcredit.deadlines import selectors as deadlines
from legalcredit.registry.models import Subject

from .. import selectors
from ..services import commitments, objections, repair
from .serializers import (
    CaseSerializer,
    CommitmentMakeSerializer,
    CommitmentSerializer,
    EligibilitySerializer,
    MaterialSerializer,
    ObjectionFileSerializer,
    RepairApplySerializer,
)


def _subject(request, subject_id):
    if subject_id is None:
        own = getattr(getattr(request.user, "officer", None), "subject", None)
        if own is None:
            raise ValidationError({"subject": "信用主体：必须指定"})
        return own
    if not re.fullmatch(r"[0-9]{1,18}", str(subject_id)):
        raise ValidationError({"subject": f"信用主体：须为主体编号（正整数），收到“{str(subject_id)[:40]}”"})
    subject = Subject.objects.filter(pk=int(subject_id)).first()
    if subject is None or not scope_for(request.user).covers_subject(subject):
        raise ValidationError({"subject": "信用主体：不存在或不在您的授权范围内"})
    return subject


def _case(case_type: str, case) -> dict:
    return {
        "number": case.number, "subject_id": case.subject_id, "item": case.item, "stage": case.stage,
        "get_stage_display": case.get_stage_display(), "reason": case.reason, "notice": getattr(case, "notice", ""),
        "steps": [{"on": s.on, "action": s.action} for s in selectors.steps(case_type, case.pk)],
        "deadlines": deadlines.described(case_type, case.pk, timezone.localdate()),
        "materials": [{"kind": m.kind, "name": m.name, "size": m.size, "sha256": m.sha256}
                      for m in selectors.materials(case_type, case.pk)],
    }


class RepairListView(APIView):
    """信用修复申请：提交申请（先核验是否符合修复条件，不符合的说明依据和最早可申请日期），及查看本人可见的申请。不收取任何费用。"""

    required_scope = "remedies:apply"

    @extend_schema(request=RepairApplySerializer, responses={201: CaseSerializer})
    def post(self, request):
        data = RepairApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        subject = _subject(request, d.get("subject"))
        try:
            app = repair.apply(subject, by=request.user, statement=d["statement"], record_number=d.get("record") or "",
                               list_entry_id=d.get("list_entry"), commitment_content=d.get("commitment_content") or "")
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise_for_api(exc)
        return Response(CaseSerializer(_case("repair", app)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=CaseSerializer(many=True))
    def get(self, request):
        rows = selectors.visible_repairs(scope_for(request.user)).order_by("-applied_on", "-id")[:100]
        return Response(CaseSerializer([_case("repair", a) for a in rows], many=True).data)


class RepairEligibilityView(APIView):
    """申请前核验：该记录或名单现在能否申请信用修复；不能的，说明依据和最早可申请日期。"""

    required_scope = "remedies:apply"

    @extend_schema(responses=EligibilitySerializer, parameters=[
        OpenApiParameter("subject", int), OpenApiParameter("record", str), OpenApiParameter("list_entry", int)])
    def get(self, request):
        subject = _subject(request, request.query_params.get("subject"))
        try:
            entry = request.query_params.get("list_entry")
            v = repair.eligibility(subject, record_number=request.query_params.get("record", ""),
                                   list_entry_id=int(entry) if entry else None)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise_for_api(exc)
        except ValueError:
            raise ValidationError({"list_entry": "名单记录编号：须为整数"}) from None
        return Response({"eligible": v.eligible, "reasons": [{"rule": r, "message": m} for r, m in v.reasons],
                         "earliest": v.earliest})


class _CaseView(APIView):
    required_scope = "remedies:apply"
    case_type = ""

    def visible(self, request):
        raise NotImplementedError

    def case(self, request, number):
        return get_object_or_404(self.visible(request), number=number)


class _MaterialView(_CaseView):
    parser_classes = [MultiPartParser, FormParser]

    def attach(self, case_id, **kw):
        raise NotImplementedError

    @extend_schema(request={"multipart/form-data": MaterialSerializer}, responses={201: CaseSerializer})
    def post(self, request, number):
        case = self.case(request, number)
        data = MaterialSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        f = data.validated_data["file"]
        try:
            self.attach(case.pk, by=request.user, kind=data.validated_data["kind"], name=f.name, content=f.read())
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise_for_api(exc)
        return Response(CaseSerializer(_case(self.case_type, case)).data, status=status.HTTP_201_CREATED)


class _DetailView(_CaseView):
    @extend_schema(responses=CaseSerializer)
    def get(self, request, number):
        return Response(CaseSerializer(_case(self.case_type, self.case(request, number))).data)


class _Repairs:
    case_type = "repair"

    def visible(self, request):
        return selectors.visible_repairs(scope_for(request.user))


class _Objections:
    case_type = "objection"

    def visible(self, request):
        return selectors.visible_objections(scope_for(request.user))


class RepairDetailView(_Repairs, _DetailView):
    """申请进度：环节、办理记录、期限（工作日）与材料。"""


class RepairMaterialView(_Repairs, _MaterialView):
    """上传修复材料（履行义务证明、签章的信用修复承诺书）：类型和大小按规则检查。"""

    def attach(self, case_id, **kw):
        return repair.attach(case_id, **kw)


class ObjectionListView(APIView):
    """异议：对信用记录、名单记录或信用等级提出异议；提出即在各处标注“异议处理中”。"""

    required_scope = "remedies:apply"

    @extend_schema(request=ObjectionFileSerializer, responses={201: CaseSerializer})
    def post(self, request):
        data = ObjectionFileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        subject = _subject(request, d.get("subject"))
        try:
            obj = objections.file(subject, by=request.user, grounds=d["grounds"], applicant_name=d["applicant_name"],
                                  interest=d["interest"], contact=d.get("contact") or "",
                                  record_number=d.get("record") or "", list_entry_id=d.get("list_entry"),
                                  grade=d.get("grade", False))
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise_for_api(exc)
        return Response(CaseSerializer(_case("objection", obj)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=CaseSerializer(many=True))
    def get(self, request):
        rows = selectors.visible_objections(scope_for(request.user)).order_by("-filed_on", "-id")[:100]
        return Response(CaseSerializer([_case("objection", o) for o in rows], many=True).data)


class ObjectionDetailView(_Objections, _DetailView):
    """异议办理进度；办结后含告知申请人的处理结果和理由。"""


class ObjectionMaterialView(_Objections, _MaterialView):
    """上传异议的证明材料。"""

    def attach(self, case_id, **kw):
        return objections.attach(case_id, **kw)


class CommitmentListView(APIView):
    """信用承诺：本人（本机构）主动作出信用承诺（主动型、行业自律型），及查看本人可见的承诺：编码、类型、履行状态、
    容缺材料期限和承诺书全文。"""

    required_scope = "remedies:apply"

    @extend_schema(request=CommitmentMakeSerializer, responses={201: CommitmentSerializer})
    def post(self, request):
        data = CommitmentMakeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        subject = _subject(request, d.pop("subject", None))
        try:
            c = commitments.make(subject, by=request.user, **d)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise_for_api(exc)
        return Response(CommitmentSerializer(c).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=CommitmentSerializer(many=True))
    def get(self, request):
        rows = selectors.visible_commitments(scope_for(request.user)).order_by("-made_on", "-id")[:100]
        return Response(CommitmentSerializer(rows, many=True).data)
