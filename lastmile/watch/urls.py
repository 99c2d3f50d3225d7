from django.urls import path

from . import views

app_name = "watch"

urlpatterns = [
    path("", views.center, name="center"),
    path("stream/", views.stream, name="stream"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert"),
    path("alerts/<int:alert_id>/<str:action>", views.alert_act, name="alert_act"),
    path("entries/", views.entries, name="entries"),
    path("entries/<int:entry_id>/end", views.entry_end, name="entry_end"),
    path("duty/", views.duty, name="duty"),
    path("duty/<int:shift_id>/remove", views.duty_remove, name="duty_remove"),
    path("feed/<str:feed_name>/", views.feed, name="feed"),
]
