from django.urls import path

from legalcredit.portal import converters  # noqa: F401  (the subject converter)

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("subjects/<subject:pk>/", views.subject, name="subject"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<uuid:key>/", views.decision, name="decision"),
    path("lists/", views.lists, name="lists"),
    path("commitments/", views.commitments, name="commitments"),
    path("standards/", views.standards, name="standards"),
    path("standards/<slug:code>/", views.standard, name="standard"),
    path("verify/", views.verify, name="verify"),
    path("display/", views.display, name="display"),
    path("inspections/", views.inspections, name="inspections"),
    path("legal-aid/", views.legal_aid, name="legal_aid"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("bulletins/<int:pk>/", views.bulletin, name="bulletin"),
]
