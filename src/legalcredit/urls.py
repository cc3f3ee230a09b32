from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from legalcredit.accounts.views import second_factor
from legalcredit.core.views import admin_index, overview
from legalcredit.evaluation.views import public_forensic_grades

# Under /api/ a missing path or a server error answers JSON, elsewhere the site's page.
handler404 = "legalcredit.core.api_errors.not_found"
handler500 = "legalcredit.core.api_errors.server_error"

admin.site.site_header = "公共法律服务信用监管平台"
admin.site.site_title = "信用监管平台"
admin.site.index_title = "后台管理"

urlpatterns = [
    # The public portal is the front door; officers and institutions sign in at /admin/.
    path("", RedirectView.as_view(url="/public/", permanent=False)),
    path("admin/otp/", second_factor, name="second-factor"),
    path("public/forensic-grades/", public_forensic_grades, name="public-forensic-grades"),
    path("public/reports/", include("legalcredit.reports.urls")),
    path("public/complaints/", include("legalcredit.complaints.urls")),
    path("public/", include("legalcredit.portal.urls")),
    # The admin's own home page, with the user's to-do list (same URL, matched first).
    path("admin/", admin.site.admin_view(admin_index)),
    path("admin/overview/", admin.site.admin_view(overview), name="overview"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("legalcredit.registry.api.urls")),
    path("api/v1/", include("legalcredit.evaluation.api.urls")),
    path("api/v1/", include("legalcredit.records.api.urls")),
    path("api/v1/", include("legalcredit.checks.api.urls")),
    path("api/v1/", include("legalcredit.remedies.api.urls")),
    path("api/v1/", include("legalcredit.lists.api.urls")),
    path("api/v1/", include("legalcredit.reports.api.urls")),
    path("api/v1/", include("legalcredit.complaints.api.urls")),
    path("api/v1/", include("legalcredit.satisfaction.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, so no inline script is needed.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("healthz", include("legalcredit.core.urls")),
]
