from django.urls import path

from . import views

app_name = "valuation"

urlpatterns = [
    path("cases/<int:case_id>/start", views.start, name="start"),
    path("<int:valuation_id>/<str:action>", views.act, name="act"),
    path("objections/<int:objection_id>/decide", views.decide, name="decide"),
]
