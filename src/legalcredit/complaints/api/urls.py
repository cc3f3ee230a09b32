from django.urls import path

from . import views

urlpatterns = [
    path("complaints/", views.ComplaintListView.as_view(), name="complaint-list"),
    path("complaints/<str:number>/", views.ComplaintDetailView.as_view(), name="complaint-detail"),
]
