from django.urls import path

from legalcredit.portal import converters  # noqa: F401  (the subject converter)

from . import views

app_name = "complaints"

urlpatterns = [
    path("subjects/<subject:pk>/", views.new, name="new"),
    path("status/", views.status, name="status"),
]
