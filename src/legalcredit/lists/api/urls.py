from django.urls import path

from . import views

urlpatterns = [
    path("lists/", views.ListTypesView.as_view(), name="list-types"),
    path("lists/entries/", views.EntriesView.as_view(), name="list-entries"),
    path("lists/notices/", views.NoticesView.as_view(), name="list-notices"),
    path("lists/notices/<int:pk>/statement/", views.StatementView.as_view(), name="list-notice-statement"),
    path("lists/notices/<int:pk>/hearing-request/", views.HearingRequestView.as_view(),
         name="list-notice-hearing-request"),
]
