from django.urls import path

from . import views

app_name = "service"

urlpatterns = [
    path("", views.status_page, name="status"),
    path("orders/<int:order_id>/", views.order_page, name="order"),
    path("batch/", views.batch_page, name="batch"),
    path("results/", views.results_page, name="results"),
]
