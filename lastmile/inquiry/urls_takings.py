from django.urls import path

from . import views_takings

app_name = "takings"

urlpatterns = [
    path("cases/<int:case_id>/<str:action>", views_takings.case_act, name="case_act"),
    path("<str:kind>/<int:row_id>/<str:action>", views_takings.row_act, name="row_act"),
]
