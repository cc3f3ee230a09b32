from django.urls import path

from . import views

urlpatterns = [
    path("subjects/<int:pk>/grade/", views.GradeView.as_view(), name="subject-grade"),
    path("grades/distribution/", views.DistributionView.as_view(), name="grade-distribution"),
    path("public/forensic-grades/", views.PublicForensicGradesView.as_view(), name="public-forensic-grades-api"),
]
