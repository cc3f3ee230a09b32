from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("subjects/<int:pk>/", views.new, name="new"),
    path("status/", views.status, name="status"),
]
