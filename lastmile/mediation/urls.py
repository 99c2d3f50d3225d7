from django.urls import path

from . import views

app_name = "mediation"

urlpatterns = [
    path("", views.workbench, name="work"),
    path("assign/", views.assign, name="assign"),
    path("fail/", views.fail_many, name="fail_many"),
    path("in-suit/", views.in_suit_start, name="in_suit_start"),
    path("in-suit/<int:case_id>/", views.in_suit, name="in_suit"),
    path("<int:mediation_id>/", views.detail, name="detail"),
    path("<int:mediation_id>/<slug:action>/", views.act, name="act"),
]
