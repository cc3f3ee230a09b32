"""Ratings handed over by a service system (the 12348 platform, a notary's case system, a window's
rating device) under a token with scope ``ratings:submit``. The services decide everything."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from legalcredit.core.errors import raise_for_api
from legalcredit.deadlines import selectors as deadlines
from legalcredit.registry.api.lookup import named_subject

from .. import services
from .serializers import RatingSerializer, RatingSubmitSerializer


class RatingListView(APIView):
    """满意度评价转入：服务一次、评价一次。同一办件再次提交相同内容返回原评价（200），内容不同的拒绝；
    差评进入回访核实，返回回访期限。"""

    required_scope = "ratings:submit"

    @extend_schema(request=RatingSubmitSerializer, responses={201: RatingSerializer, 200: RatingSerializer})
    def post(self, request):
        data = RatingSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        subject = named_subject(request, d.pop("subject"), label="评价对象")
        channel = request.auth.name if request.auth is not None else request.user.get_username()
        try:
            rating, new = services.rate(subject, by=request.user, channel=channel, **d)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise_for_api(exc)
        r = services.rules()
        body = {"id": rating.pk, "subject": subject.name, "service": rating.service, "service_ref": rating.service_ref,
                "served_on": rating.served_on, "level": rating.level, "level_name": r.levels[rating.level].name,
                "follow_up": rating.follow_up,
                "deadlines": deadlines.described(services.CASE, rating.pk, timezone.localdate())}
        return Response(RatingSerializer(body).data, status=status.HTTP_201_CREATED if new else status.HTTP_200_OK)
