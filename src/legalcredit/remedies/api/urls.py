from django.urls import path

from . import views

urlpatterns = [
    path("repairs/", views.RepairListView.as_view(), name="repair-list"),
    path("repairs/eligibility/", views.RepairEligibilityView.as_view(), name="repair-eligibility"),
    path("repairs/<str:number>/", views.RepairDetailView.as_view(), name="repair-detail"),
    path("repairs/<str:number>/materials/", views.RepairMaterialView.as_view(), name="repair-materials"),
    path("commitments/", views.CommitmentListView.as_view(), name="commitment-list"),
    path("objections/", views.ObjectionListView.as_view(), name="objection-list"),
    path("objections/<str:number>/", views.ObjectionDetailView.as_view(), name="objection-detail"),
    path("objections/<str:number>/materials/", views.ObjectionMaterialView.as_view(), name="objection-materials"),
]
