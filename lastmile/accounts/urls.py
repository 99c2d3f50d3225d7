from django.urls import path

from . import staff_views

app_name = "accounts"

urlpatterns = [
    path("", staff_views.staff_list, name="staff"),
    path("act/", staff_views.staff_act, name="staff_act"),
]
