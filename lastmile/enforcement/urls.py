from django.urls import path

from . import views

app_name = "enforcement"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("file/", views.file_case, name="file"),
    path("triage/", views.triage_rules, name="triage_rules"),
    path("<int:case_id>/do/<str:action>/", views.act, name="act"),
    path("assistance/", views.assistance_list, name="assistance_list"),
    path("assistance/<int:pk>/", views.assistance_detail, name="assistance_detail"),
    path("assistance/<int:pk>/letter.pdf", views.assistance_letter, name="assistance_letter"),
    path("assistance/<int:pk>/<str:action>/", views.assistance_answer, name="assistance_answer"),
    path("courts/", views.court_search, name="court_search"),
]
