from django.urls import path

from . import batch_views, views

app_name = "inquiry"

urlpatterns = [
    path("callback/", views.callback, name="callback"),
    path("queue/", views.queue, name="queue"),
    path("cases/<int:case_id>/panel", views.panel, name="panel"),
    path("cases/<int:case_id>/start", views.start, name="start"),
    path("cases/<int:case_id>/deduct-all", batch_views.deduct_all, name="deduct_all"),
    path("freezes/<int:freeze_id>/<str:action>", views.freeze_action, name="freeze_action"),
    path("assets/<int:asset_id>/seize", views.seize, name="seize"),
    path("orders/<int:order_id>/resend", views.resend, name="resend"),
    path("held/<int:held_id>/review", views.held_review, name="held_review"),
]
