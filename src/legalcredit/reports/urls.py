from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("subjects/<int:pk>/", views.issue, name="issue"),
    path("verify/", views.verify, name="verify"),
    path("<str:serial>.pdf", views.download, name="pdf"),
]
