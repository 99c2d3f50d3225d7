from django.contrib.auth import views as auth_views
from django.urls import path

from lastmile.accounts.views import ThrottledLoginView

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        ThrottledLoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("workbench/", views.workbench, name="workbench"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/print/", views.case_print, name="case_print"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<str:queue>/<int:item_id>/<str:action>/", views.inbox_act, name="inbox_act"),
    path("inbox/<str:queue>/bulk/<str:action>/", views.inbox_bulk, name="inbox_bulk"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("healthz", views.healthz, name="healthz"),
]
