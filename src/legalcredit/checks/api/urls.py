from django.urls import path

from . import views

urlpatterns = [
    path("checks/", views.CheckView.as_view(), name="check-run"),
    path("checks/feedback-rate/", views.FeedbackRateView.as_view(), name="check-feedback-rate"),
    # Any text, so that a mistyped receipt is answered as a receipt that does not verify.
    path("checks/<str:receipt>/", views.VerifyView.as_view(), name="check-verify"),
    path("checks/<uuid:receipt>/feedback/", views.FeedbackView.as_view(), name="check-feedback"),
    path("watches/", views.WatchListView.as_view(), name="watch-list"),
    path("watches/events/", views.WatchEventsView.as_view(), name="watch-events"),
    path("watches/push/", views.PushView.as_view(), name="watch-push"),
    path("watches/push/retry/", views.PushRetryView.as_view(), name="watch-push-retry"),
    path("watches/push/test/", views.PushTestView.as_view(), name="watch-push-test"),
    path("watches/<int:pk>/end/", views.WatchEndView.as_view(), name="watch-end"),
]
