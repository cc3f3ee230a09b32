from django.urls import path

from . import views

urlpatterns = [
    path("subjects/", views.SubjectSearchView.as_view(), name="subject-search"),
    path("subjects/<int:pk>/", views.SubjectDetailView.as_view(), name="subject-detail"),
    path("subjects/<int:pk>/affiliations/", views.AffiliationsOnView.as_view(),
         name="subject-affiliations"),
]
