from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from lastmile.accounts.views import ThrottledLoginView

from . import views

app_name = "web"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="web:workbench", permanent=False), name="home"),
    path(
        "login/",
        ThrottledLoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("workbench/", views.workbench, name="workbench"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("healthz", views.healthz, name="healthz"),
]
