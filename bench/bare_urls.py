"""The platform's URLs plus ``GET /bench/subject/<id>/``, for the check benchmark only.

It reads one subject row through the ORM and returns it as JSON, behind the same gunicorn and
middleware as every other page, with no token, scope, rate limit, purpose, audit entry or DRF:
the "bare endpoint of the same server that reads one subject row" that issue 5 measures the
credit check against.
"""
from django.http import JsonResponse
from django.urls import include, path


def subject(request, pk: int):
    from legalcredit.registry.models import Subject

    row = Subject.objects.filter(pk=pk).values("id", "name", "subject_type_id", "status_id", "region_id").first()
    return JsonResponse(row or {}, status=200 if row else 404, json_dumps_params={"ensure_ascii": False})


urlpatterns = [path("bench/subject/<int:pk>/", subject), path("", include("legalcredit.urls"))]
