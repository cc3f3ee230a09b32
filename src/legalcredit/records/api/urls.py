from django.urls import path

from . import views

urlpatterns = [
    path("subjects/<int:pk>/records/", views.SubjectRecordsView.as_view(), name="subject-records"),
    path("records/<uuid:key>/versions/", views.RecordVersionsView.as_view(), name="record-versions"),
]
