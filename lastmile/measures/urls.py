from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path("cases/<int:case_id>/propose/", views.propose, name="propose"),
    path("<int:measure_id>/decide/", views.decide, name="decide"),
    path("<int:measure_id>/carry-out/", views.carry_out, name="carry_out"),
    path("exports/", views.exports, name="exports"),
    path("exports/<int:export_id>/", views.export, name="export"),
    path("operations/<int:operation_id>/", views.operation, name="operation"),
]
