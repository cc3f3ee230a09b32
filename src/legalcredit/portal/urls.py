from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("subjects/<int:pk>/", views.subject, name="subject"),
    path("lists/", views.lists, name="lists"),
    path("verify/", views.verify, name="verify"),
    path("inspections/", views.inspections, name="inspections"),
    path("legal-aid/", views.legal_aid, name="legal_aid"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("bulletins/<int:pk>/", views.bulletin, name="bulletin"),
]
