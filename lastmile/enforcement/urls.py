from django.urls import path

from . import views

app_name = "enforcement"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("file/", views.file_case, name="file"),
    path("triage/", views.triage_rules, name="triage_rules"),
    path("<int:case_id>/do/<str:action>/", views.act, name="act"),
]
