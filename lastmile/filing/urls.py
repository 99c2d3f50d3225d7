from django.urls import path

from . import views

app_name = "filing"

urlpatterns = [
    path("", views.batch_list, name="home"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:batch_id>/progress/", views.batch_progress, name="batch_progress"),
    path("batches/<int:batch_id>/errors.xlsx", views.batch_report, name="batch_report"),
    path("sample.xlsx", views.sample_template, name="sample"),
]
