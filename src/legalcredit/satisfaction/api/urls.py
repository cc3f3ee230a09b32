from django.urls import path

from . import views

urlpatterns = [path("ratings/", views.RatingListView.as_view(), name="rating-list")]
