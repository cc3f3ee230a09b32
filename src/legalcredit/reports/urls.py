from django.urls import path

from legalcredit.portal import converters  # noqa: F401  (the subject converter)

from . import views

app_name = "reports"

urlpatterns = [
    path("subjects/<subject:pk>/", views.issue, name="issue"),
    path("verify/", views.verify, name="verify"),
    path("<str:serial>.pdf", views.download, name="pdf"),
]
