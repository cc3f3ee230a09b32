from django.urls import path

from . import views

urlpatterns = [
    path("lists/", views.ListTypesView.as_view(), name="list-types"),
    path("lists/entries/", views.EntriesView.as_view(), name="list-entries"),
]
