from django.urls import path

from . import views

urlpatterns = [
    path("reports/<str:serial>/", views.VerifyView.as_view(), name="report-verify"),
]
